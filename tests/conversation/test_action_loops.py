"""The event loops custom actions run on: kept between calls, one call at a time each, and
left clean as ``asyncio.run`` would leave them."""

from __future__ import annotations

import asyncio
import threading

import pytest

from assistant.conversation.loops import LoopPool


async def running_loop() -> asyncio.AbstractEventLoop:
    await asyncio.sleep(0)
    return asyncio.get_running_loop()


def test_a_call_returns_its_coroutines_result_and_the_next_call_reuses_the_loop() -> None:
    pool = LoopPool()
    first = pool.run(running_loop())
    second = pool.run(running_loop())
    assert second is first
    assert not first.is_closed()
    pool.close()
    assert first.is_closed()


def test_an_exception_reaches_the_caller_and_the_loop_stays_usable() -> None:
    pool = LoopPool()

    async def fail() -> None:
        raise LookupError("no such guide")

    with pytest.raises(LookupError, match="no such guide"):
        pool.run(fail())
    assert pool.run(running_loop()).is_running() is False  # given back, not running
    pool.close()


def test_concurrent_calls_run_on_different_loops() -> None:
    pool = LoopPool()
    both_inside = threading.Barrier(2, timeout=5)
    seen: list[asyncio.AbstractEventLoop] = []

    async def meet() -> None:
        seen.append(asyncio.get_running_loop())
        await asyncio.to_thread(both_inside.wait)  # both calls are inside their loop at once

    threads = [threading.Thread(target=pool.run, args=(meet(),)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(seen) == 2 and seen[0] is not seen[1]
    pool.close()
    assert all(loop.is_closed() for loop in seen)


def test_tasks_a_call_leaves_running_are_cancelled_before_the_loop_is_reused() -> None:
    pool = LoopPool()
    cancelled = []

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def leave_a_task() -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(forever())
        await asyncio.sleep(0)
        return task

    task = pool.run(leave_a_task())
    assert task.cancelled() and cancelled == [True]
    loop = pool.run(running_loop())
    assert asyncio.all_tasks(loop) == set()
    pool.close()


def test_a_call_still_running_when_the_pool_closes_closes_its_loop_at_its_end() -> None:
    pool = LoopPool()
    inside, release = threading.Event(), threading.Event()
    seen: list[asyncio.AbstractEventLoop] = []

    async def slow() -> None:
        seen.append(asyncio.get_running_loop())
        inside.set()
        await asyncio.to_thread(release.wait, 5)

    t = threading.Thread(target=pool.run, args=(slow(),))
    t.start()
    assert inside.wait(5)
    pool.close()
    assert not seen[0].is_closed()
    release.set()
    t.join(timeout=10)
    assert seen[0].is_closed()
