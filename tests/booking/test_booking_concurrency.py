"""No overbooking under concurrency, on SQLite and PostgreSQL: threads, each its own session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time
from typing import TypeVar

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from assistant.booking import catalog, queue_service, service
from assistant.booking.models import Booking, SlotCapacity
from assistant.booking.service import SlotFull
from assistant.db import session_scope
from assistant.errors import AssistantError
from assistant.kb.snapshot import KbSnapshot
from tests.booking.conftest import CITIZEN, GUIDE, HALL, MONDAY_8AM
from tests.booking.factories import id_number

DAY, START = date(2026, 11, 24), time(9, 0)
T = TypeVar("T")


def last_places(engine: Engine, kb: KbSnapshot, *, capacity: int, free: int) -> int:
    """A 09:00 slot with only ``free`` places left; returns its id."""
    c = catalog.counter(kb, HALL, GUIDE)
    with session_scope(engine) as s:
        row = SlotCapacity(
            hall_id=c.hall.id,
            group_key=c.group,
            day=DAY,
            start=START,
            capacity=capacity,
            booked=capacity - free,
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        return row.id


def attempt(
    engine: Engine, kb: KbSnapshot, n: int, key: str | None = None, person: int | None = None
) -> Booking:
    data = service.BookingIn(
        hall=HALL,
        guide=GUIDE,
        day=DAY,
        start=START,
        name="张三",
        id_number=id_number(n if person is None else person),
        phone=f"1390000{n:04d}" if person is None else CITIZEN["phone"],
        idempotency_key=key,
    )
    booking, _ = service.book(
        engine=engine, kb=kb, data=data, secret="test-secret", now=MONDAY_8AM, working_days=7
    )
    return booking


def all_at_once(n: int, work: Callable[[int], T]) -> list[T | AssistantError]:
    """Run ``work(i)`` for i < n in n threads released together; domain errors are returned."""
    barrier = threading.Barrier(n)

    def run(i: int) -> T | AssistantError:
        barrier.wait()
        try:
            return work(i)
        except AssistantError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_200_concurrent_attempts_at_the_last_3_places_make_exactly_3_bookings(
    engine: Engine, kb: KbSnapshot
) -> None:
    slot_id = last_places(engine, kb, capacity=20, free=3)
    results = all_at_once(200, lambda i: attempt(engine, kb, i))
    made = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, AssistantError)]
    assert len(made) == 3
    assert len(refused) == 197
    assert {type(r) for r in refused} == {SlotFull}  # a Conflict (409) that says what is left
    assert all(r.message.startswith("该时段已约满") for r in refused)
    with Session(engine) as s:
        assert s.get(SlotCapacity, slot_id).booked == 20  # type: ignore[union-attr]
        assert s.exec(select(func.count()).select_from(Booking)).one() == 3


def test_concurrent_retries_with_one_idempotency_key_make_one_booking(
    engine: Engine, kb: KbSnapshot
) -> None:
    results = all_at_once(20, lambda _i: attempt(engine, kb, 1, key="wx-retry-000000001", person=1))
    codes = {r.code for r in results if isinstance(r, Booking)}
    assert len(codes) == 1 and all(isinstance(r, Booking) for r in results)
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Booking)).one() == 1


def test_one_person_submitting_many_times_at_once_gets_one_booking(
    engine: Engine, kb: KbSnapshot
) -> None:
    results = all_at_once(20, lambda i: attempt(engine, kb, i, person=7))
    assert sum(isinstance(r, Booking) for r in results) == 1
    refused = [r for r in results if isinstance(r, AssistantError)]
    assert all("同一事项每天只能预约一次" in r.message for r in refused)


def test_the_database_itself_refuses_more_bookings_than_places(
    engine: Engine, kb: KbSnapshot
) -> None:
    slot_id = last_places(engine, kb, capacity=2, free=0)
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.exec(update(SlotCapacity).where(SlotCapacity.id == slot_id).values(booked=3))  # type: ignore[call-overload]


def test_concurrent_walk_ins_get_distinct_numbers_and_two_windows_never_call_the_same_ticket(
    engine: Engine, kb: KbSnapshot
) -> None:
    now = datetime(2026, 11, 23, 9, 0)
    tickets = all_at_once(
        12,
        lambda _i: queue_service.walk_in(
            engine=engine, kb=kb, hall_ref=HALL, guide_ref=GUIDE, now=now
        ),
    )
    assert sorted(p.ticket.number for p in tickets) == list(range(1, 13))  # type: ignore[union-attr]
    group = catalog.counter(kb, HALL, GUIDE).group
    called = all_at_once(
        8,
        lambda w: queue_service.call_next(
            engine=engine, kb=kb, hall_ref=HALL, group=group, window=w + 1, actor="clerk", now=now
        ),
    )
    labels = [t.label for t in called if t is not None]  # type: ignore[union-attr]
    assert len(labels) == len(set(labels)) == 8
