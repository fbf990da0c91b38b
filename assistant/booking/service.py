"""Slots and bookings: thin transactions around the plain rules.

Reads take ``*, session``. Changes take ``*, engine`` and run as one write transaction
(``txn.run_write``) because the transaction *is* the rule: the capacity check, the person's
limits and the insert succeed or fail together, and a retry after a lost race re-reads the
winner's row (an idempotent replay answers with it). Every change locks in the same order —
booking row, person row, capacity rows by id — so concurrent changes cannot deadlock.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from assistant import audit
from assistant.booking import calendar_service, capacity, catalog, codes, rules
from assistant.booking.calendar import CalendarRecord, HallDay, hall_day, working_days_after
from assistant.booking.catalog import Counter
from assistant.booking.models import Booking, BookingPerson, BookingStatus
from assistant.booking.person import Person, identify
from assistant.booking.slots import (
    SlotTime,
    check_in_horizon,
    check_offered,
    day_slots,
    starts_in_time,
)
from assistant.booking.txn import run_write, to_utc
from assistant.errors import Conflict, InvalidInput
from assistant.kb.snapshot import KbSnapshot, PublishedGuide

_KEY_RE = re.compile(r"^[\x21-\x7e]{8,80}$")
NO_SHOW_LOOKBACK = timedelta(days=120)


@dataclass(frozen=True)
class SlotView:
    start: time
    end: time
    capacity: int
    available: int
    bookable: bool


@dataclass(frozen=True)
class DayView:
    counter: Counter
    day: HallDay
    last_day: date
    slots: list[SlotView]


@dataclass(frozen=True)
class Horizon:
    today: date
    last_day: date
    records: list[CalendarRecord]


def horizon(session: Session, *, now: datetime, working_days: int) -> Horizon:
    today = now.date()
    records = calendar_service.records_between(
        session, today, today + timedelta(days=working_days * 2 + 30)
    )
    return Horizon(today, working_days_after(today, working_days, records), records)


def _slot_views(session: Session, c: Counter, opening: HallDay, now: datetime) -> list[SlotView]:
    day = opening.day
    taken = capacity.booked_between(session, hall_id=c.hall.id, group=c.group, first=day, last=day)
    views = []
    for t in day_slots(c.hall.hall, opening):
        booked, cap = taken.get((day, t.start), (0, c.windows))
        free = max(cap - booked, 0)
        views.append(
            SlotView(t.start, t.end, cap, free, free > 0 and starts_in_time(day, t.start, now))
        )
    return views


def day_view(
    *,
    session: Session,
    kb: KbSnapshot,
    hall_ref: str,
    guide_ref: str,
    day: date,
    now: datetime,
    working_days: int,
) -> DayView:
    c = catalog.counter(kb, hall_ref, guide_ref)
    h = horizon(session, now=now, working_days=working_days)
    check_in_horizon(day, h.today, h.last_day)
    opening = hall_day(c.hall.hall, c.hall.id, day, h.records)
    if not opening.open:
        raise InvalidInput(opening.closing_message)
    return DayView(c, opening, h.last_day, _slot_views(session, c, opening, now))


def open_days(
    session: Session, c: Counter, h: Horizon, now: datetime
) -> Iterator[tuple[HallDay, list[SlotView]]]:
    """The hall's open days within the horizon, with their slots."""
    day = h.today
    while day <= h.last_day:
        opening = hall_day(c.hall.hall, c.hall.id, day, h.records)
        if opening.open:
            yield opening, _slot_views(session, c, opening, now)
        day += timedelta(days=1)


def next_free_slot(
    session: Session, c: Counter, h: Horizon, now: datetime
) -> tuple[HallDay, SlotView] | None:
    for opening, views in open_days(session, c, h, now):
        free = next((v for v in views if v.bookable), None)
        if free is not None:
            return opening, free
    return None


@dataclass(frozen=True)
class BookingIn:
    hall: str
    guide: str
    day: date
    start: time
    name: str
    id_number: str
    phone: str
    idempotency_key: str | None = None
    channel: str = "api"


def book(
    *,
    engine: Engine,
    kb: KbSnapshot,
    data: BookingIn,
    secret: str,
    now: datetime,
    working_days: int,
) -> tuple[Booking, bool]:
    """The booking, and whether it is a replay of an earlier request with the same key."""
    person = identify(secret=secret, id_number=data.id_number, name=data.name, phone=data.phone)
    key = _check_key(data.idempotency_key)
    asked = f"{person.key}|{data.hall.strip()}|{data.guide.strip()}|{data.day}|{data.start:%H:%M}"
    fingerprint = hashlib.sha256(f"{asked}|{person.phone}".encode()).hexdigest()

    def work(session: Session) -> tuple[Booking, bool]:
        # The person's lock first: a concurrent retry with the same key waits here, then sees
        # the first request's booking below and answers with it.
        lock_person(session, person.key, person.id_masked)
        if key and (earlier := _replay(session, key, fingerprint)):
            return earlier, True
        c = catalog.counter(kb, data.hall, data.guide)
        slot = offered_slot(session, c, data.day, data.start, now, working_days)
        check_person(session, person.key, c.guide, data.day, now)
        slot_id = capacity.ensure_slot(
            session,
            hall_id=c.hall.id,
            group=c.group,
            day=data.day,
            start=slot.start,
            capacity=c.windows,
        )
        if not capacity.take_place(session, slot_id):
            raise slot_full(session, c, data.day, now)
        b = _new_booking(c, person, slot, slot_id, data, key, fingerprint, now)
        session.add(b)
        session.flush()
        audit.record(
            session,
            actor=f"citizen:{person.id_masked}",
            action="booking.create",
            entity="booking",
            entity_id=b.code,
            hall_id=c.hall.id,
            guide=c.guide.name,
            day=str(b.day),
            start=f"{b.start:%H:%M}",
            channel=data.channel,
        )
        return b, False

    return run_write(engine, work)


def _replay(session: Session, key: str, fingerprint: str) -> Booking | None:
    """The booking an earlier request with this key made (it must have asked the same)."""
    earlier = session.exec(select(Booking).where(Booking.idempotency_key == key)).first()
    if earlier is not None and earlier.request_hash != fingerprint:
        raise Conflict("这个请求编号（Idempotency-Key）已用于另一笔预约，请更换编号后再提交。")
    return earlier


def _check_key(key: str | None) -> str | None:
    if key is None or key == "":
        return None
    if not _KEY_RE.fullmatch(key):
        raise InvalidInput("请求编号（Idempotency-Key）应为8到80个英文字母、数字或符号。")
    return key


def _new_booking(
    c: Counter,
    person: Person,
    slot: SlotTime,
    slot_id: int,
    data: BookingIn,
    key: str | None,
    fingerprint: str,
    now: datetime,
) -> Booking:
    return Booking(
        code=codes.new_code(),
        hall_id=c.hall.id,
        guide_id=c.guide.id,
        guide_name=c.guide.name,
        group_key=c.group,
        slot_id=slot_id,
        day=data.day,
        start=slot.start,
        end=slot.end,
        person_key=person.key,
        id_masked=person.id_masked,
        name=person.name,
        phone=person.phone,
        idempotency_key=key,
        request_hash=fingerprint,
        channel=data.channel[:20],
        created_at=to_utc(now),
        updated_at=to_utc(now),
    )


def offered_slot(
    session: Session, c: Counter, day: date, start: time, now: datetime, working_days: int
) -> SlotTime:
    h = horizon(session, now=now, working_days=working_days)
    check_in_horizon(day, h.today, h.last_day)
    opening = hall_day(c.hall.hall, c.hall.id, day, h.records)
    return check_offered(c.hall.hall.name, opening, day_slots(c.hall.hall, opening), start, now)


def lock_person(session: Session, key: str, id_masked: str) -> None:
    """Lock the person's row (creating it on first booking): one change per person at a time."""
    query = select(BookingPerson).where(BookingPerson.key == key).with_for_update()
    if session.exec(query).first() is not None:
        return
    try:
        with session.begin_nested():
            session.add(BookingPerson(key=key, id_masked=id_masked))
            session.flush()
    except IntegrityError:  # created meanwhile by a concurrent request of the same person
        session.exec(query).one()


def check_person(
    session: Session,
    key: str,
    guide: PublishedGuide,
    day: date,
    now: datetime,
    *,
    exclude: int | None = None,
    check_suspension: bool = True,
) -> None:
    if check_suspension:
        rules.check_not_suspended(no_show_days(session, key, now.date()), now.date())
    held = session.exec(
        select(Booking).where(Booking.person_key == key, Booking.status == BookingStatus.booked)
    )
    rules.check_person_limits(
        [
            rules.HeldBooking(b.code, b.guide_id, b.guide_name, starts_at(b))
            for b in held
            if b.id != exclude
        ],
        guide_id=guide.id,
        day=day,
        now=now,
    )


def no_show_days(session: Session, key: str, today: date) -> list[date]:
    return list(
        session.exec(
            select(col(Booking.day)).where(
                Booking.person_key == key,
                Booking.status == BookingStatus.no_show,
                col(Booking.day) >= today - NO_SHOW_LOOKBACK,
            )
        )
    )


class SlotFull(Conflict):
    """The chosen time filled up (someone booked the last place first); says what is left."""

    def __init__(self, message: str, *, day_has_room: bool) -> None:
        super().__init__(message)
        self.day_has_room = day_has_room


def slot_full(session: Session, c: Counter, day: date, now: datetime) -> SlotFull:
    opening = hall_day(
        c.hall.hall, c.hall.id, day, calendar_service.records_between(session, day, day)
    )
    free = [v for v in _slot_views(session, c, opening, now) if v.bookable][:4]
    if free:
        times = "、".join(f"{v.start:%H:%M}" for v in free)
        return SlotFull(f"该时段已约满。当天还可以预约：{times}。", day_has_room=True)
    return SlotFull("该时段已约满，当天已没有可预约的时段，请选择其他日期。", day_has_room=False)


def starts_at(b: Booking) -> datetime:
    return datetime.combine(b.day, b.start)
