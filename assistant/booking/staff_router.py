"""Hall staff API (role staff; admins too): check-in, walk-in tickets, calling, completing,
no-shows, the day's bookings, and calendar records (closures and extra openings)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from assistant.booking import calendar_service, catalog, changes, queue_service
from assistant.booking.deps import NowDep
from assistant.booking.models import (
    BookingPublic,
    CalendarException,
    CalendarExceptionCreate,
    CalendarExceptionPublic,
    TicketPublic,
)
from assistant.booking.present import booking_public, placed_public, ticket_public
from assistant.deps import EngineDep, GreeterUser, KbDep, SessionDep, StaffUser

router = APIRouter(tags=["hall staff"])


class CheckInIn(BaseModel):
    code: str = Field(min_length=1, max_length=20)
    hall: str | None = Field(
        default=None, max_length=80, description="the staff member's hall (checked)"
    )


class WalkInIn(BaseModel):
    hall: str = Field(min_length=1, max_length=80)
    guide: str = Field(min_length=1, max_length=80)


class CallIn(BaseModel):
    hall: str = Field(min_length=1, max_length=80)
    group: str = Field(min_length=1, max_length=40)
    window: int = Field(ge=1, le=200)


class CheckInOut(BaseModel):
    ticket: TicketPublic
    booking: BookingPublic


class NoShowOut(BaseModel):
    booking: BookingPublic
    suspended_until: date | None
    message: str


class ClosureOut(BaseModel):
    record: CalendarExceptionPublic
    cancelled: list[BookingPublic]


@router.post(
    "/queue/checkin",
    response_model=CheckInOut,
    summary="Arrival with a booking code: issue a ticket",
)
def check_in(
    body: CheckInIn, kb: KbDep, engine: EngineDep, now: NowDep, user: StaffUser
) -> CheckInOut:
    placed, booking = queue_service.check_in(
        engine=engine, kb=kb, code=body.code, hall_ref=body.hall, actor=user.username, now=now
    )
    return CheckInOut(ticket=placed_public(placed, kb), booking=booking_public(booking, kb))


@router.post(
    "/queue/walk-in", response_model=TicketPublic, status_code=201, summary="Issue a walk-in ticket"
)
def walk_in(
    body: WalkInIn, kb: KbDep, engine: EngineDep, now: NowDep, _user: GreeterUser
) -> TicketPublic:
    """Hall staff and the greeters at the entrance (场景式导办) issue walk-in tickets."""
    placed = queue_service.walk_in(
        engine=engine, kb=kb, hall_ref=body.hall, guide_ref=body.guide, now=now
    )
    return placed_public(placed, kb)


class CallOut(BaseModel):
    ticket: TicketPublic | None
    message: str


@router.post(
    "/queue/call", response_model=CallOut, summary="Complete the window's ticket, call the next"
)
def call_next(body: CallIn, kb: KbDep, engine: EngineDep, now: NowDep, user: StaffUser) -> CallOut:
    ticket = queue_service.call_next(
        engine=engine,
        kb=kb,
        hall_ref=body.hall,
        group=body.group,
        window=body.window,
        actor=user.username,
        now=now,
    )
    if ticket is None:
        return CallOut(ticket=None, message="目前没有等候的号码。")
    public = ticket_public(ticket, kb)
    return CallOut(ticket=public, message=public.message)


@router.post(
    "/queue/tickets/{ticket_id}/complete",
    response_model=TicketPublic,
    summary="Record the end of service",
)
def complete(
    ticket_id: int, kb: KbDep, engine: EngineDep, now: NowDep, _user: StaffUser
) -> TicketPublic:
    return ticket_public(queue_service.complete(engine=engine, ticket_id=ticket_id, now=now), kb)


@router.post(
    "/bookings/{code}/no-show", response_model=NoShowOut, summary="Record that nobody came"
)
def no_show(code: str, kb: KbDep, engine: EngineDep, now: NowDep, user: StaffUser) -> NoShowOut:
    booking, until = changes.mark_no_show(engine=engine, code=code, actor=user.username, now=now)
    message = "已记为未到。"
    if until is not None:
        message += f"该办事人近90天内已3次未到，网上预约暂停至{until:%Y-%m-%d}（不含当日）。"
    return NoShowOut(booking=booking_public(booking, kb), suspended_until=until, message=message)


@router.get(
    "/staff/bookings", response_model=list[BookingPublic], summary="A hall's bookings of a day"
)
def day_bookings(
    kb: KbDep,
    session: SessionDep,
    now: NowDep,
    _user: StaffUser,
    hall: str = Query(..., min_length=1, max_length=80),
    day: Annotated[date | None, Query(alias="date")] = None,
) -> list[BookingPublic]:
    rows = changes.bookings_of_day(
        session=session, hall_id=catalog.hall(kb, hall).id, day=day or now.date()
    )
    return [booking_public(b, kb) for b in rows]


def _public(row: CalendarException) -> CalendarExceptionPublic:
    return CalendarExceptionPublic(
        id=row.id or 0,
        date=row.day,
        kind=row.kind,
        reason=row.reason,
        hall_id=row.hall_id,
        periods=list(row.periods),
        created_by=row.created_by,
    )


@router.post(
    "/calendar/exceptions",
    response_model=ClosureOut,
    status_code=201,
    summary="Record a closure or an extra opening (cancels bookings it displaces)",
)
def add_exception(
    body: CalendarExceptionCreate, kb: KbDep, engine: EngineDep, now: NowDep, user: StaffUser
) -> ClosureOut:
    data = calendar_service.ExceptionIn(
        day=body.date, kind=body.kind, reason=body.reason, hall=body.hall, periods=body.periods
    )
    row, cancelled = calendar_service.add_exception(
        engine=engine, kb=kb, data=data, actor=user.username, now=now
    )
    return ClosureOut(record=_public(row), cancelled=[booking_public(b, kb) for b in cancelled])


@router.get(
    "/calendar/exceptions",
    response_model=list[CalendarExceptionPublic],
    summary="Recorded closures, openings",
)
def list_exceptions(
    kb: KbDep,
    session: SessionDep,
    now: NowDep,
    _user: StaffUser,
    hall: str | None = Query(None, max_length=80),
    start: Annotated[date | None, Query(alias="from")] = None,
    days: int = Query(62, ge=1, le=366),
) -> list[CalendarExceptionPublic]:
    first = start or now.date()
    hall_id = catalog.hall(kb, hall).id if hall else None
    rows = calendar_service.list_exceptions(
        session, first=first, last=first + timedelta(days=days - 1), hall_id=hall_id
    )
    return [_public(r) for r in rows]


@router.delete(
    "/calendar/exceptions/{exception_id}", status_code=204, summary="Delete a calendar record"
)
def delete_exception(exception_id: int, engine: EngineDep, user: StaffUser) -> None:
    calendar_service.delete_exception(engine=engine, exception_id=exception_id, actor=user.username)
