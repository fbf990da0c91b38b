"""Administrators' calendar records: closures and extra openings, and their effect on bookings.

When a record removes slots that people have booked (a typhoon closure, an opening shortened to
the morning), those bookings are cancelled in the same transaction, their places released, and
the caller gets them back to tell the people concerned. Deleting a closure does not revive them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from assistant import audit
from assistant.booking import capacity, catalog
from assistant.booking.calendar import CalendarRecord, HallDay, Period, hall_day
from assistant.booking.models import (
    CITY_WIDE,
    Booking,
    BookingStatus,
    CalendarException,
    ExceptionKind,
)
from assistant.booking.slots import day_slots
from assistant.booking.txn import run_write, to_utc
from assistant.errors import Conflict, InvalidInput, NotFound
from assistant.kb import schema
from assistant.kb.snapshot import KbSnapshot


def to_record(row: CalendarException) -> CalendarRecord:
    periods = tuple(
        Period(p.start, p.end) for p in map(schema.OpeningPeriod.model_validate, row.periods)
    )
    return CalendarRecord(
        row.day, row.kind == ExceptionKind.opening, row.reason, row.hall_id, periods
    )


def records_between(session: Session, first: date, last: date) -> list[CalendarRecord]:
    rows = session.exec(
        select(CalendarException).where(
            col(CalendarException.day) >= first, col(CalendarException.day) <= last
        )
    )
    return [to_record(r) for r in rows]


def hall_days(
    session: Session, *, kb: KbSnapshot, hall_ref: str, first: date, days: int
) -> list[HallDay]:
    h = catalog.hall(kb, hall_ref)
    last = first + timedelta(days=days - 1)
    records = records_between(session, first, last)
    return [hall_day(h.hall, h.id, first + timedelta(days=i), records) for i in range(days)]


@dataclass(frozen=True)
class ExceptionIn:
    day: date
    kind: ExceptionKind
    reason: str
    hall: str | None = None  # None: city-wide
    periods: Sequence[str] = ()


def parse_periods(texts: Sequence[str]) -> list[str]:
    try:
        periods = [schema.OpeningPeriod.model_validate(t) for t in texts]
    except ValidationError:
        raise InvalidInput("办公时段应写成“09:00-12:00”的形式，且结束时间晚于开始时间。") from None
    return [str(p.model_dump()) for p in sorted(periods, key=lambda p: p.start)]


def add_exception(
    *, engine: Engine, kb: KbSnapshot, data: ExceptionIn, actor: str, now: datetime
) -> tuple[CalendarException, list[Booking]]:
    if data.day < now.date():
        raise InvalidInput("不能为已经过去的日期登记闭馆或开放。")
    hall_id = catalog.hall(kb, data.hall).id if data.hall else None
    if data.kind == ExceptionKind.closure and data.periods:
        raise InvalidInput("闭馆按整天登记；只开放部分时段的，请登记为“开放”并填写开放时段。")
    periods = parse_periods(data.periods)

    def work(session: Session) -> tuple[CalendarException, list[Booking]]:
        key = hall_id or CITY_WIDE
        taken = session.exec(
            select(CalendarException).where(
                CalendarException.hall_key == key, CalendarException.day == data.day
            )
        ).first()
        if taken is not None:
            raise Conflict(
                f"{data.day:%Y-%m-%d} 已有登记（{taken.reason}），如需更改请先删除原登记。"
            )
        row = CalendarException(
            day=data.day,
            kind=data.kind,
            reason=data.reason.strip(),
            periods=periods,
            hall_id=hall_id,
            hall_key=key,
            created_by=actor,
        )
        session.add(row)
        session.flush()
        records = records_between(session, data.day, data.day)
        cancelled = cancel_displaced(
            session, kb=kb, day=data.day, hall_id=hall_id, records=records, now=now
        )
        audit.record(
            session,
            actor=actor,
            action=f"calendar.{data.kind.value}",
            entity="calendar_exception",
            entity_id=row.id or 0,
            day=str(data.day),
            hall_id=hall_id,
            reason=row.reason,
            cancelled=[b.code for b in cancelled],
        )
        return row, cancelled

    return run_write(engine, work)


def cancel_displaced(
    session: Session,
    *,
    kb: KbSnapshot,
    day: date,
    hall_id: int | None,
    records: list[CalendarRecord],
    now: datetime,
) -> list[Booking]:
    """Cancel the day's bookings whose slot the hall no longer offers."""
    query = select(Booking).where(Booking.day == day, Booking.status == BookingStatus.booked)
    if hall_id is not None:
        query = query.where(Booking.hall_id == hall_id)
    bookings = list(session.exec(query.order_by(col(Booking.slot_id)).with_for_update()))
    cancelled = []
    for b in bookings:
        h = kb.hall(b.hall_id)
        opening = hall_day(h.hall, h.id, day, records) if h else None
        if h and opening and any(s.start == b.start for s in day_slots(h.hall, opening)):
            continue
        capacity.release_place(session, b.slot_id)
        b.status, b.cancelled_at = BookingStatus.cancelled, to_utc(now)
        b.cancel_reason = (opening.reason if opening else None) or "大厅调整办公安排"
        b.updated_at = to_utc(now)
        session.add(b)
        cancelled.append(b)
    return cancelled


def delete_exception(*, engine: Engine, exception_id: int, actor: str) -> None:
    def work(session: Session) -> None:
        row = session.get(CalendarException, exception_id)
        if row is None:
            raise NotFound("没有找到该登记。")
        audit.record(
            session,
            actor=actor,
            action="calendar.delete",
            entity="calendar_exception",
            entity_id=exception_id,
            day=str(row.day),
            hall_id=row.hall_id,
            reason=row.reason,
        )
        session.delete(row)

    run_write(engine, work)


def list_exceptions(
    session: Session, *, first: date, last: date, hall_id: int | None = None
) -> list[CalendarException]:
    query = select(CalendarException).where(
        col(CalendarException.day) >= first, col(CalendarException.day) <= last
    )
    if hall_id is not None:
        query = query.where(
            or_(CalendarException.hall_id == hall_id, col(CalendarException.hall_id).is_(None))
        )
    return list(
        session.exec(query.order_by(col(CalendarException.day), col(CalendarException.hall_key)))
    )
