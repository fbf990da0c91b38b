"""The hall queue (取号/叫号): tickets, calls, service times and waiting estimates.

One queue per hall, window group and day. Appointment holders who arrive in time get a ticket
with priority (called before walk-ins); late arrivals queue like walk-ins. Calling the next
ticket at a window completes the ticket that window was serving, as hall calling systems do,
so service times are recorded even when a clerk does not press "complete". Waiting estimates
use the plain model in ``estimate``: people ahead, open windows (the group's windows in
halls.yml) and the recent service times of this queue, falling back to the guide's typical
duration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from assistant import audit
from assistant.booking import calendar_service, catalog, codes, estimate, rules
from assistant.booking.calendar import HallDay, hall_day
from assistant.booking.catalog import Counter
from assistant.booking.models import (
    Booking,
    BookingStatus,
    QueueCounter,
    QueueTicket,
    TicketStatus,
)
from assistant.booking.service import starts_at
from assistant.booking.txn import run_write, to_utc
from assistant.errors import Conflict, InvalidInput, NotFound
from assistant.kb.snapshot import HallRecord, KbSnapshot

HISTORY_DAYS = 7
DEFAULT_SERVICE_MINUTES = 15.0


@dataclass(frozen=True)
class QueueStatus:
    hall_id: int
    group: str
    open_now: bool
    waiting: int
    busy: int
    windows: int
    service_minutes: float
    wait_minutes: float | None  # for someone taking a ticket now; None when closed


def opening_today(session: Session, hall: HallRecord, now: datetime) -> HallDay:
    today = now.date()
    return hall_day(
        hall.hall, hall.id, today, calendar_service.records_between(session, today, today)
    )


def is_open_at(opening: HallDay, now: datetime) -> bool:
    return opening.open and any(p.start <= now.time() < p.end for p in opening.periods)


def _count(
    session: Session, hall_id: int, group: str, day: date, status: TicketStatus, *extra: Any
) -> int:
    query = (
        select(func.count())
        .select_from(QueueTicket)
        .where(
            QueueTicket.hall_id == hall_id,
            QueueTicket.group_key == group,
            QueueTicket.day == day,
            QueueTicket.status == status,
            *extra,
        )
    )
    return session.exec(query).one()


def recent_service_seconds(
    session: Session, hall_id: int, group: str, now: datetime
) -> list[float]:
    rows = session.exec(
        select(QueueTicket.service_seconds)
        .where(
            QueueTicket.hall_id == hall_id,
            QueueTicket.group_key == group,
            QueueTicket.status == TicketStatus.done,
            col(QueueTicket.day) >= now.date() - timedelta(days=HISTORY_DAYS),
        )
        .order_by(col(QueueTicket.completed_at).desc())
        .limit(estimate.RECENT)
    ).all()
    return [s for s in reversed(rows) if s is not None]


def status(
    *,
    session: Session,
    hall: HallRecord,
    group: str,
    typical_minutes: float,
    now: datetime,
    ahead: int | None = None,
) -> QueueStatus:
    """The queue now; ``ahead`` (people before a given ticket) defaults to everyone waiting."""
    today = now.date()
    opening = opening_today(session, hall, now)
    waiting = _count(session, hall.id, group, today, TicketStatus.waiting)
    busy = _count(session, hall.id, group, today, TicketStatus.called)
    windows = hall.hall.groups.get(group, 0)
    service = estimate.service_minutes(
        recent_service_seconds(session, hall.id, group, now), typical_minutes
    )
    open_now = is_open_at(opening, now)
    wait = None
    if open_now or waiting or busy:
        people = waiting if ahead is None else ahead
        wait = estimate.wait_minutes(ahead=people, busy=busy, windows=windows, service=service)
    return QueueStatus(hall.id, group, open_now, waiting, busy, windows, service, wait)


def counter_status(*, session: Session, c: Counter, now: datetime) -> QueueStatus:
    return status(
        session=session,
        hall=c.hall,
        group=c.group,
        typical_minutes=c.guide.guide.service_minutes,
        now=now,
    )


def _next_number(session: Session, hall_id: int, group: str, day: date) -> int:
    where = (
        col(QueueCounter.hall_id) == hall_id,
        col(QueueCounter.group_key) == group,
        col(QueueCounter.day) == day,
    )
    if session.exec(select(QueueCounter.id).where(*where)).first() is None:
        try:
            with session.begin_nested():
                session.add(QueueCounter(hall_id=hall_id, group_key=group, day=day))
                session.flush()
        except IntegrityError:  # the queue's first ticket was issued meanwhile by another request
            pass
    taken = session.exec(  # type: ignore[call-overload]
        update(QueueCounter)
        .where(*where)
        .values(last=QueueCounter.last + 1)
        .returning(col(QueueCounter.last))
    )
    return int(taken.scalar_one())


def _issue(
    session: Session,
    kb: KbSnapshot,
    c: Counter,
    *,
    booking: Booking | None,
    priority: int,
    now: datetime,
) -> QueueTicket:
    number = _next_number(session, c.hall.id, c.group, now.date())
    letter = codes.group_letter([g.key for g in kb.groups], c.group)
    ticket = QueueTicket(
        hall_id=c.hall.id,
        group_key=c.group,
        day=now.date(),
        number=number,
        label=codes.ticket_label(letter, number),
        guide_id=c.guide.id,
        booking_id=booking.id if booking else None,
        priority=priority,
        issued_at=to_utc(now),
    )
    session.add(ticket)
    session.flush()
    return ticket


def walk_in(
    *, engine: Engine, kb: KbSnapshot, hall_ref: str, guide_ref: str, now: datetime
) -> Placed:
    c = catalog.counter(kb, hall_ref, guide_ref)

    def work(session: Session) -> Placed:
        opening = opening_today(session, c.hall, now)
        if not opening.open:
            raise Conflict(f"今天{opening.reason or '不对外办公'}，大厅不办公。")
        if opening.booked_only:
            raise Conflict("今天的办公时段仅接待已预约的办事人，请先预约后再来。")
        if now.time() >= max(p.end for p in opening.periods):
            raise Conflict("今天的办公时间已结束，请在下一个工作日再来取号。")
        return _place(session, kb, _issue(session, kb, c, booking=None, priority=0, now=now), now)

    return run_write(engine, work)


def check_in(
    *, engine: Engine, kb: KbSnapshot, code: str, hall_ref: str | None, actor: str, now: datetime
) -> tuple[Placed, Booking]:
    """Turn an appointment into a ticket when its holder arrives."""

    def work(session: Session) -> tuple[Placed, Booking]:
        b = session.exec(
            select(Booking).where(Booking.code == codes.normalise_code(code)).with_for_update()
        ).first()
        if b is None:
            raise NotFound("没有找到该预约号，请核对后重新输入。")
        if hall_ref is not None and catalog.hall(kb, hall_ref).id != b.hall_id:
            other = kb.hall(b.hall_id)
            raise Conflict(
                f"该预约的办理地点是{other.hall.name if other else '其他大厅'}，不在本大厅。"
            )
        if b.status != BookingStatus.booked:
            raise Conflict(
                {
                    "checked_in": "该预约已签到取号。",
                    "cancelled": "该预约已取消。",
                    "no_show": "该预约已过时段并记为未到。",
                }[b.status.value]
            )
        if b.day != now.date():
            raise Conflict(f"该预约的日期是{b.day.month}月{b.day.day}日，不是今天。")
        ends_at = datetime.combine(b.day, b.end)
        arrival = rules.arrival(starts_at(b), ends_at, now)
        if arrival == rules.Arrival.early:
            raise Conflict(
                f"您预约的时段是 {b.start:%H:%M}-{b.end:%H:%M}，请在开始前1小时内再取号。"
            )
        c = catalog.counter(kb, b.hall_id, b.guide_id)
        ticket = _issue(
            session, kb, c, booking=b, priority=int(arrival == rules.Arrival.on_time), now=now
        )
        b.status, b.checked_in_at, b.updated_at = BookingStatus.checked_in, to_utc(now), to_utc(now)
        session.add(b)
        audit.record(
            session,
            actor=actor,
            action="booking.check_in",
            entity="booking",
            entity_id=b.code,
            ticket=ticket.label,
            late=arrival == rules.Arrival.late,
        )
        return _place(session, kb, ticket, now), b

    return run_write(engine, work)


def _finish(session: Session, ticket: QueueTicket, now: datetime) -> None:
    ticket.status, ticket.completed_at = TicketStatus.done, to_utc(now)
    if ticket.called_at is not None:
        ticket.service_seconds = max((to_utc(now) - ticket.called_at).total_seconds(), 0.0)
    session.add(ticket)


def call_next(
    *,
    engine: Engine,
    kb: KbSnapshot,
    hall_ref: str,
    group: str,
    window: int,
    actor: str,
    now: datetime,
) -> QueueTicket | None:
    """Complete the window's current ticket and call the next one (None: nobody waiting)."""
    h = catalog.hall(kb, hall_ref)
    if not h.hall.groups.get(group):
        raise InvalidInput(f"{h.hall.name}没有“{group}”窗口组。")

    def work(session: Session) -> QueueTicket | None:
        base = select(QueueTicket).where(
            QueueTicket.hall_id == h.id,
            QueueTicket.group_key == group,
            QueueTicket.day == now.date(),
        )
        serving = base.where(
            QueueTicket.status == TicketStatus.called, QueueTicket.window == window
        )
        for current in session.exec(serving).all():
            _finish(session, current, now)
        waiting = base.where(QueueTicket.status == TicketStatus.waiting)
        order = (col(QueueTicket.priority).desc(), col(QueueTicket.number))
        ticket = _claim(session, session.exec(waiting.order_by(*order)).all(), window, now)
        if ticket is not None:
            audit.record(
                session,
                actor=actor,
                action="queue.call",
                entity="queue_ticket",
                entity_id=ticket.id or 0,
                label=ticket.label,
                window=window,
            )
        return ticket

    return run_write(engine, work)


def _claim(
    session: Session, candidates: Sequence[QueueTicket], window: int, now: datetime
) -> QueueTicket | None:
    """The first candidate still waiting, marked called (another window may have taken one)."""
    for candidate in candidates:
        claimed = session.exec(  # type: ignore[call-overload]
            update(QueueTicket)
            .where(
                col(QueueTicket.id) == candidate.id, col(QueueTicket.status) == TicketStatus.waiting
            )
            .values(status=TicketStatus.called, window=window, called_at=to_utc(now))
        )
        if claimed.rowcount == 1:
            session.refresh(candidate)
            return candidate
    return None


def complete(*, engine: Engine, ticket_id: int, now: datetime) -> QueueTicket:
    def work(session: Session) -> QueueTicket:
        ticket = session.exec(
            select(QueueTicket).where(QueueTicket.id == ticket_id).with_for_update()
        ).first()
        if ticket is None:
            raise NotFound("没有找到该号码。")
        if ticket.status == TicketStatus.waiting:
            raise Conflict(f"{ticket.label} 还没有被叫号，不能办结。")
        if ticket.status == TicketStatus.called:
            _finish(session, ticket, now)
        return ticket

    return run_write(engine, work)


@dataclass(frozen=True)
class Placed:
    """A ticket with the people to be called before it and the queue's estimate."""

    ticket: QueueTicket
    ahead: int
    queue: QueueStatus


def ticket_position(*, session: Session, kb: KbSnapshot, ticket_id: int, now: datetime) -> Placed:
    ticket = session.get(QueueTicket, ticket_id)
    if ticket is None or ticket.day != now.date():
        raise NotFound("没有找到今天的这个号码。")
    return _place(session, kb, ticket, now)


def _place(session: Session, kb: KbSnapshot, ticket: QueueTicket, now: datetime) -> Placed:
    before = (col(QueueTicket.priority) > ticket.priority) | (
        (col(QueueTicket.priority) == ticket.priority) & (col(QueueTicket.number) < ticket.number)
    )
    ahead = 0
    if ticket.status == TicketStatus.waiting:
        ahead = _count(
            session, ticket.hall_id, ticket.group_key, ticket.day, TicketStatus.waiting, before
        )
    g = kb.guide(ticket.guide_id) if ticket.guide_id else None
    typical = float(g.guide.service_minutes) if g else DEFAULT_SERVICE_MINUTES
    queue = status(
        session=session,
        hall=catalog.hall(kb, ticket.hall_id),
        group=ticket.group_key,
        typical_minutes=typical,
        now=now,
        ahead=ahead,
    )
    return Placed(ticket, ahead, queue)
