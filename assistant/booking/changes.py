"""Changes to existing bookings: look-up, cancel, reschedule, no-shows.

Every change needs the booking's code and a proof that it is the caller's (the phone number or ID
number given when booking); a wrong proof and an unknown code get the same answer, so codes
cannot be probed. Staff actions (no-shows) go by code alone behind the staff login.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assistant import audit
from assistant.booking import capacity, catalog, codes, rules, service
from assistant.booking.catalog import Counter
from assistant.booking.models import Booking, BookingStatus
from assistant.booking.person import check_id_number, check_phone, person_key
from assistant.booking.slots import SlotTime
from assistant.booking.txn import run_write, to_utc
from assistant.errors import Conflict, InvalidInput, NotFound
from assistant.kb.snapshot import KbSnapshot

MINE_LOOKBACK = timedelta(days=30)  # how far back "my bookings" reach


@dataclass(frozen=True)
class Proof:
    """What shows a booking is the caller's: the phone number or ID number given when booking."""

    phone: str | None = None
    id_number: str | None = None


def _owned(
    session: Session, code: str, proof: Proof, secret: str, *, lock: bool = False
) -> Booking:
    if not (proof.phone or proof.id_number):
        raise InvalidInput("请提供预约时登记的手机号码或身份证号码。")
    normal = codes.normalise_code(code)
    query = select(Booking).where(Booking.code == normal)
    b = (
        session.exec(query.with_for_update() if lock else query).first()
        if codes.is_code(normal)
        else None
    )
    if b is None or not _proves(b, proof, secret):
        raise NotFound("没有找到该预约，请核对预约号和手机号码（或身份证号码）。")
    return b


def _proves(b: Booking, proof: Proof, secret: str) -> bool:
    if proof.phone and hmac.compare_digest(check_phone(proof.phone), b.phone):
        return True
    if proof.id_number:
        return hmac.compare_digest(
            person_key(secret, check_id_number(proof.id_number)), b.person_key
        )
    return False


def find_by_code(*, session: Session, code: str, proof: Proof, secret: str) -> Booking:
    return _owned(session, code, proof, secret)


def find_mine(
    *, session: Session, id_number: str, phone: str, secret: str, now: datetime
) -> list[Booking]:
    """The person's bookings of the last 30 days and ahead, made with this phone number."""
    key, phone = person_key(secret, check_id_number(id_number)), check_phone(phone)
    rows = session.exec(
        select(Booking)
        .where(Booking.person_key == key, col(Booking.day) >= now.date() - MINE_LOOKBACK)
        .order_by(col(Booking.day), col(Booking.start))
    )
    return [b for b in rows if hmac.compare_digest(b.phone, phone)]


def bookings_of_day(*, session: Session, hall_id: int, day: date) -> list[Booking]:
    query = select(Booking).where(Booking.hall_id == hall_id, Booking.day == day)
    return list(session.exec(query.order_by(col(Booking.start), col(Booking.id))))


def _check_status(b: Booking, what: str) -> None:
    if b.status == BookingStatus.checked_in:
        raise Conflict(f"该预约已取号签到，不能{what}。")
    if b.status == BookingStatus.no_show:
        raise Conflict(f"该预约已过时段并记为未到，不能{what}。")
    if b.status == BookingStatus.cancelled:
        raise Conflict(f"该预约已取消，不能{what}，请重新预约。")


def cancel(*, engine: Engine, code: str, proof: Proof, secret: str, now: datetime) -> Booking:
    """Cancel a booking (cancelling one already cancelled answers with it, unchanged)."""

    def work(session: Session) -> Booking:
        b = _owned(session, code, proof, secret, lock=True)
        if b.status == BookingStatus.cancelled:
            return b
        _check_status(b, "取消")
        rules.check_can_change(service.starts_at(b), now, what="取消")
        capacity.release_place(session, b.slot_id)
        b.status, b.cancel_reason = BookingStatus.cancelled, "本人取消"
        b.cancelled_at = b.updated_at = to_utc(now)
        session.add(b)
        audit.record(
            session,
            actor=f"citizen:{b.id_masked}",
            action="booking.cancel",
            entity="booking",
            entity_id=b.code,
        )
        return b

    return run_write(engine, work)


def reschedule(
    *,
    engine: Engine,
    kb: KbSnapshot,
    code: str,
    proof: Proof,
    day: date,
    start: time,
    hall_ref: str | None,
    secret: str,
    now: datetime,
    working_days: int,
) -> Booking:
    """Move a booking to another slot in one step: the old place is kept if the new one is full."""

    def work(session: Session) -> Booking:
        b = _owned(session, code, proof, secret, lock=True)
        _check_status(b, "改约")
        rules.check_can_change(service.starts_at(b), now, what="改约")
        c = catalog.counter(kb, hall_ref or b.hall_id, b.guide_id)
        slot = service.offered_slot(session, c, day, start, now, working_days)
        if (c.hall.id, day, slot.start) == (b.hall_id, b.day, b.start):
            raise InvalidInput("新的时段与原预约相同，无需改约。")
        service.lock_person(session, b.person_key, b.id_masked)
        service.check_person(
            session, b.person_key, c.guide, day, now, exclude=b.id, check_suspension=False
        )
        _move(session, b, c, day, slot, now)
        return b

    return run_write(engine, work)


def _move(
    session: Session, b: Booking, c: Counter, day: date, slot: SlotTime, now: datetime
) -> None:
    """Take the new place, then give back the old one (both rows locked in id order)."""
    new_id = capacity.ensure_slot(
        session, hall_id=c.hall.id, group=c.group, day=day, start=slot.start, capacity=c.windows
    )
    capacity.lock_slots(session, [new_id, b.slot_id])
    if not capacity.take_place(session, new_id):
        raise Conflict(service.slot_full(session, c, day, now).message + "您原来的预约保持不变。")
    capacity.release_place(session, b.slot_id)
    old = f"{b.day} {b.start:%H:%M}@{b.hall_id}"
    b.hall_id, b.group_key, b.slot_id = c.hall.id, c.group, new_id
    b.day, b.start, b.end = day, slot.start, slot.end
    b.reschedules += 1
    b.updated_at = to_utc(now)
    session.add(b)
    new = f"{day} {slot.start:%H:%M}@{c.hall.id}"
    audit.record(
        session,
        actor=f"citizen:{b.id_masked}",
        action="booking.reschedule",
        entity="booking",
        entity_id=b.code,
        old=old,
        new=new,
    )


def mark_no_show(
    *, engine: Engine, code: str, actor: str, now: datetime
) -> tuple[Booking, date | None]:
    """Record that nobody came; returns the booking and the end of a resulting suspension."""

    def work(session: Session) -> tuple[Booking, date | None]:
        b = session.exec(
            select(Booking).where(Booking.code == codes.normalise_code(code)).with_for_update()
        ).first()
        if b is None:
            raise NotFound("没有找到该预约号。")
        if b.status != BookingStatus.no_show:
            _check_status(b, "记为未到")
            if now < datetime.combine(b.day, b.end):
                raise Conflict("预约时段尚未结束，暂不能记为未到。")
            _set_no_show(session, b, actor, now)
        return b, rules.suspended_until(
            service.no_show_days(session, b.person_key, now.date()), now.date()
        )

    return run_write(engine, work)


def _set_no_show(session: Session, b: Booking, actor: str, now: datetime) -> None:
    b.status, b.updated_at = BookingStatus.no_show, to_utc(now)
    session.add(b)
    session.flush()
    audit.record(session, actor=actor, action="booking.no_show", entity="booking", entity_id=b.code)


def sweep_no_shows(*, engine: Engine, day: date, actor: str, now: datetime) -> list[Booking]:
    """Mark every booking of ``day`` whose slot has ended without a check-in as a no-show."""

    def work(session: Session) -> list[Booking]:
        rows = session.exec(
            select(Booking)
            .where(Booking.day == day, Booking.status == BookingStatus.booked)
            .with_for_update()
        )
        ended = [b for b in rows if datetime.combine(b.day, b.end) <= now]
        for b in ended:
            _set_no_show(session, b, actor, now)
        return ended

    return run_write(engine, work)
