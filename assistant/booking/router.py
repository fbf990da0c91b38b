"""Public booking API: nearest halls, slots, bookings (create, look up, cancel, reschedule), queue.

A booking is looked up, cancelled or moved with its code plus the phone number or ID number
given when booking; "my bookings" needs the ID number *and* the phone number, so knowing
someone's ID number alone shows nothing. Wrong proofs and unknown codes get the same answer.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel

from assistant.booking import (
    calendar_service,
    catalog,
    estimate,
    nearest_service,
    queue_service,
    service,
)
from assistant.booking.deps import EngineDep, NowDep
from assistant.booking.distance import Order, check_position
from assistant.booking.models import (
    BookingCreate,
    BookingPublic,
    LookupIn,
    MineIn,
    ProofIn,
    RescheduleIn,
    TicketPublic,
)
from assistant.booking.present import (
    PROVISIONAL_NOTE,
    booking_public,
    day_text,
    ticket_public,
    wait_text,
)
from assistant.booking.staff_router import router as staff_router
from assistant.deps import KbDep, SessionDep, SettingsDep
from assistant.errors import InvalidInput

router = APIRouter(tags=["booking"])


class SlotOut(BaseModel):
    start: str
    end: str
    capacity: int
    available: int
    bookable: bool


class NextSlot(BaseModel):
    date: dt.date
    start: str
    end: str
    provisional: bool
    text: str


class DaySlots(BaseModel):
    hall_id: int
    hall: str
    guide: str
    date: dt.date
    booked_only: bool
    provisional: bool
    note: str | None
    bookable_until: dt.date
    slots: list[SlotOut]


class NearbyHall(BaseModel):
    id: int
    name: str
    district: str
    address: str
    distance_km: float | None
    travel_minutes: int | None
    served_minutes: int | None
    open_now: bool
    waiting: int
    wait_minutes: int | None
    wait_text: str
    next_slot: NextSlot | None


class Nearest(BaseModel):
    guide: str
    order: Order
    speed_kmh: float | None
    halls: list[NearbyHall]


class QueueOut(BaseModel):
    hall: str
    group: str
    open_now: bool
    waiting: int
    windows: int
    wait_minutes: int | None
    text: str


def _rounded(minutes: float | None) -> int | None:
    return None if minutes is None else estimate.rounded(minutes)


def _next(found: tuple | None) -> NextSlot | None:  # type: ignore[type-arg]
    if found is None:
        return None
    opening, slot = found
    text = f"{day_text(opening.day)} {slot.start:%H:%M}"
    return NextSlot(
        date=opening.day,
        start=f"{slot.start:%H:%M}",
        end=f"{slot.end:%H:%M}",
        provisional=opening.provisional,
        text=text,
    )


@router.get(
    "/halls/nearest",
    response_model=Nearest,
    summary="Halls accepting a guide, nearest or soonest served first",
)
def nearest_halls(
    kb: KbDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    guide: str = Query(..., min_length=1, max_length=80),
    lat: float | None = Query(
        None, description="latitude (WGS-84, as sent by WeChat and browsers)"
    ),
    lon: float | None = Query(None),
    district: str | None = Query(
        None, max_length=80, description="without a position: the citizen's district"
    ),
    order: Annotated[Order, Query()] = Order.distance,
    speed_kmh: float = Query(
        30.0, gt=0, le=200, description="average travel speed for order=served"
    ),
) -> Nearest:
    position = check_position(lat, lon)
    found = nearest_service.nearest(
        session=session,
        kb=kb,
        guide_ref=guide,
        position=position,
        district=district,
        order=order,
        speed_kmh=speed_kmh,
        now=now,
        working_days=settings.booking_horizon_working_days,
    )
    halls = [
        NearbyHall(
            id=s.counter.hall.id,
            name=s.option.name,
            district=s.option.district,
            address=s.counter.hall.hall.address,
            distance_km=None if s.option.distance_km is None else round(s.option.distance_km, 1),
            travel_minutes=_rounded(s.option.travel_minutes),
            served_minutes=_rounded(s.option.served_minutes),
            open_now=s.queue.open_now,
            waiting=s.queue.waiting,
            wait_minutes=_rounded(s.queue.wait_minutes),
            wait_text=wait_text(s.queue.wait_minutes, s.queue.waiting),
            next_slot=_next(s.next_slot),
        )
        for s in found
    ]
    name = catalog.guide(kb, guide).name
    return Nearest(guide=name, order=order, speed_kmh=speed_kmh if position else None, halls=halls)


@router.get(
    "/slots", response_model=DaySlots, summary="Appointment slots of a hall for a guide on a day"
)
def slots(
    kb: KbDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    hall: Annotated[str, Query(min_length=1, max_length=80)],
    guide: Annotated[str, Query(min_length=1, max_length=80)],
    day: Annotated[date, Query(alias="date")],
) -> DaySlots:
    view = service.day_view(
        session=session,
        kb=kb,
        hall_ref=hall,
        guide_ref=guide,
        day=day,
        now=now,
        working_days=settings.booking_horizon_working_days,
    )
    note = " ".join(
        x for x in (view.day.reason, PROVISIONAL_NOTE if view.day.provisional else None) if x
    )
    return DaySlots(
        hall_id=view.counter.hall.id,
        hall=view.counter.hall.hall.name,
        guide=view.counter.guide.name,
        date=day,
        booked_only=view.day.booked_only,
        provisional=view.day.provisional,
        note=note or None,
        bookable_until=view.last_day,
        slots=[
            SlotOut(
                start=f"{s.start:%H:%M}",
                end=f"{s.end:%H:%M}",
                capacity=s.capacity,
                available=s.available,
                bookable=s.bookable,
            )
            for s in view.slots
        ],
    )


@router.post(
    "/bookings", response_model=BookingPublic, status_code=201, summary="Book a slot (idempotent)"
)
def create_booking(
    body: BookingCreate,
    response: Response,
    kb: KbDep,
    engine: EngineDep,
    settings: SettingsDep,
    now: NowDep,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=80),
) -> BookingPublic:
    if idempotency_key and body.idempotency_key and idempotency_key != body.idempotency_key:
        raise InvalidInput("请求头和请求体中的请求编号（Idempotency-Key）不一致。")
    data = service.BookingIn(
        hall=body.hall,
        guide=body.guide,
        day=body.date,
        start=body.start,
        name=body.name,
        id_number=body.id_number,
        phone=body.phone,
        idempotency_key=idempotency_key or body.idempotency_key,
        channel=body.channel,
    )
    booking, replayed = service.book(
        engine=engine,
        kb=kb,
        data=data,
        secret=settings.secret_key,
        now=now,
        working_days=settings.booking_horizon_working_days,
    )
    if replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return booking_public(booking, kb)


@router.post(
    "/bookings/lookup",
    response_model=BookingPublic,
    summary="One booking by code and phone or ID number",
)
def lookup_booking(
    body: LookupIn, kb: KbDep, session: SessionDep, settings: SettingsDep
) -> BookingPublic:
    proof = service.Proof(phone=body.phone, id_number=body.id_number)
    return booking_public(
        service.find_by_code(
            session=session, code=body.code, proof=proof, secret=settings.secret_key
        ),
        kb,
    )


@router.post(
    "/bookings/mine",
    response_model=list[BookingPublic],
    summary="My bookings (ID number and phone)",
)
def my_bookings(
    body: MineIn, kb: KbDep, session: SessionDep, settings: SettingsDep, now: NowDep
) -> list[BookingPublic]:
    found = service.find_mine(
        session=session,
        id_number=body.id_number,
        phone=body.phone,
        secret=settings.secret_key,
        now=now,
    )
    return [booking_public(b, kb) for b in found]


@router.post(
    "/bookings/{code}/cancel", response_model=BookingPublic, summary="Cancel (until 1 hour before)"
)
def cancel_booking(
    code: str, body: ProofIn, kb: KbDep, engine: EngineDep, settings: SettingsDep, now: NowDep
) -> BookingPublic:
    proof = service.Proof(phone=body.phone, id_number=body.id_number)
    return booking_public(
        service.cancel(engine=engine, code=code, proof=proof, secret=settings.secret_key, now=now),
        kb,
    )


@router.post(
    "/bookings/{code}/reschedule",
    response_model=BookingPublic,
    summary="Move to another slot in one step",
)
def reschedule_booking(
    code: str, body: RescheduleIn, kb: KbDep, engine: EngineDep, settings: SettingsDep, now: NowDep
) -> BookingPublic:
    booking = service.reschedule(
        engine=engine,
        kb=kb,
        code=code,
        proof=service.Proof(phone=body.phone, id_number=body.id_number),
        day=body.date,
        start=body.start,
        hall_ref=body.hall,
        secret=settings.secret_key,
        now=now,
        working_days=settings.booking_horizon_working_days,
    )
    return booking_public(booking, kb)


@router.get(
    "/queue",
    response_model=QueueOut,
    summary="People waiting and estimated wait for a guide at a hall",
)
def queue_status(
    kb: KbDep,
    session: SessionDep,
    now: NowDep,
    hall: str = Query(..., min_length=1, max_length=80),
    guide: str = Query(..., min_length=1, max_length=80),
) -> QueueOut:
    c = catalog.counter(kb, hall, guide)
    q = queue_service.counter_status(session=session, c=c, now=now)
    return QueueOut(
        hall=c.hall.hall.name,
        group=c.group,
        open_now=q.open_now,
        waiting=q.waiting,
        windows=q.windows,
        wait_minutes=_rounded(q.wait_minutes),
        text=wait_text(q.wait_minutes, q.waiting),
    )


@router.get(
    "/queue/tickets/{ticket_id}",
    response_model=TicketPublic,
    summary="A ticket's place in the queue",
)
def ticket(ticket_id: int, kb: KbDep, session: SessionDep, now: NowDep) -> TicketPublic:
    t, ahead, q = queue_service.ticket_position(
        session=session, kb=kb, ticket_id=ticket_id, now=now
    )
    return ticket_public(t, kb, q, ahead=ahead if t.status == "waiting" else None)


class CalendarDay(BaseModel):
    date: dt.date
    open: bool
    periods: list[str]
    booked_only: bool
    provisional: bool
    note: str | None


@router.get("/calendar", response_model=list[CalendarDay], summary="A hall's opening days")
def hall_calendar(
    kb: KbDep,
    session: SessionDep,
    now: NowDep,
    hall: str = Query(..., min_length=1, max_length=80),
    start: Annotated[date | None, Query(alias="from")] = None,
    days: int = Query(14, ge=1, le=62),
) -> list[CalendarDay]:
    found = calendar_service.hall_days(
        session, kb=kb, hall_ref=hall, first=start or now.date(), days=days
    )
    return [
        CalendarDay(
            date=d.day,
            open=d.open,
            periods=[str(p) for p in d.periods],
            booked_only=d.booked_only,
            provisional=d.provisional,
            note=d.reason,
        )
        for d in found
    ]


router.include_router(staff_router)
