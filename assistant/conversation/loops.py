"""Event loops for the custom actions, kept between calls.

rasa-sdk's executor is asynchronous, while the actions work with the database synchronously:
``/webhook`` runs in FastAPI's thread pool and each call ran the executor with ``asyncio.run``,
which makes an event loop (a selector and a socket pair) and closes it again: ~0.3 ms of CPU a
call, several calls a turn. Here a call takes an idle loop (or makes one), runs on it and
gives it back; a loop is used by one call at a time. As ``asyncio.run`` would, a call cancels
what it left running before the loop is used again.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopPool:
    def __init__(self) -> None:
        self._idle: queue.SimpleQueue[asyncio.AbstractEventLoop] = queue.SimpleQueue()
        self._closed = False

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` to completion on an idle loop (this thread waits for it)."""
        try:
            loop = self._idle.get_nowait()
        except queue.Empty:
            loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(coro)
        finally:
            _cancel_left_over(loop)
            if self._closed:
                loop.close()
            else:
                self._idle.put(loop)

    def close(self) -> None:
        """Close the idle loops; loops still running close when their call ends."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


def _cancel_left_over(loop: asyncio.AbstractEventLoop) -> None:
    left = asyncio.all_tasks(loop)
    if not left:
        return
    for task in left:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
