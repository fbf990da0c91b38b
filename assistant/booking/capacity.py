"""Slot capacity in the database: the only code that changes ``slot_capacity.booked``.

A place is taken by ``UPDATE slot_capacity SET booked = booked + 1 WHERE id = :id AND booked <
capacity`` and the row count says whether it was: the database evaluates the condition under
the row's write lock, so concurrent requests in any number of processes can never take more
places than there are (PostgreSQL re-checks the condition after waiting for the lock; SQLite runs
write transactions one at a time). Capacity rows are created on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from assistant.booking.models import SlotCapacity


def ensure_slot(
    session: Session, *, hall_id: int, group: str, day: date, start: time, capacity: int
) -> int:
    """The id of the capacity row of a slot, created (with ``capacity``) if missing."""
    found = _find(session, hall_id, group, day, start)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            row = SlotCapacity(
                hall_id=hall_id, group_key=group, day=day, start=start, capacity=capacity
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id
    except IntegrityError:  # another transaction created it first (unique key): use theirs
        found = _find(session, hall_id, group, day, start)
        if found is None:
            raise
        return found


def _find(session: Session, hall_id: int, group: str, day: date, start: time) -> int | None:
    return session.exec(
        select(SlotCapacity.id).where(
            SlotCapacity.hall_id == hall_id,
            SlotCapacity.group_key == group,
            SlotCapacity.day == day,
            SlotCapacity.start == start,
        )
    ).first()


def take_place(session: Session, slot_id: int) -> bool:
    result = session.exec(  # type: ignore[call-overload]
        update(SlotCapacity)
        .where(
            col(SlotCapacity.id) == slot_id, col(SlotCapacity.booked) < col(SlotCapacity.capacity)
        )
        .values(booked=SlotCapacity.booked + 1)
    )
    return bool(result.rowcount == 1)


def release_place(session: Session, slot_id: int) -> None:
    session.exec(  # type: ignore[call-overload]
        update(SlotCapacity)
        .where(col(SlotCapacity.id) == slot_id, col(SlotCapacity.booked) > 0)
        .values(booked=SlotCapacity.booked - 1)
    )


def lock_slots(session: Session, slot_ids: Iterable[int]) -> None:
    """Lock capacity rows in id order (two people swapping slots cannot deadlock)."""
    ids = sorted(set(slot_ids))
    if ids:
        query = (
            select(SlotCapacity.id)
            .where(col(SlotCapacity.id).in_(ids))
            .order_by(col(SlotCapacity.id))
        )
        session.exec(query.with_for_update()).all()


def booked_between(
    session: Session, *, hall_id: int, group: str, first: date, last: date
) -> dict[tuple[date, time], tuple[int, int]]:
    """``(day, start) -> (booked, capacity)`` for slots that have a capacity row."""
    rows = session.exec(
        select(SlotCapacity).where(
            SlotCapacity.hall_id == hall_id,
            SlotCapacity.group_key == group,
            col(SlotCapacity.day) >= first,
            col(SlotCapacity.day) <= last,
        )
    )
    return {(r.day, r.start): (r.booked, r.capacity) for r in rows}
