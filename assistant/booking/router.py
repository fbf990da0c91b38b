"""Public booking API: nearest halls, slots, bookings (create, look up, cancel, reschedule), queue.

A booking is looked up, cancelled or moved with its code plus the phone number or ID number
given when booking; "my bookings" needs the ID number *and* the phone number, so knowing
someone's ID number alone shows nothing. Wrong proofs and unknown codes get the same answer.
The staff API (``staff_router``) is included here so that ``assistant/api.py`` mounts one router.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from assistant.booking import (
    calendar_service,
    catalog,
    changes,
    nearest_service,
    present,
    queue_service,
    service,
)
from assistant.booking.deps import NowDep
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
from assistant.booking.present import booking_public
from assistant.booking.staff_router import router as staff_router
from assistant.deps import EngineDep, KbDep, SessionDep, SettingsDep
from assistant.errors import InvalidInput

router = APIRouter(tags=["booking"])
Ref = Annotated[str, Query(min_length=1, max_length=80, description="id, slug or name")]


@router.get(
    "/halls/nearest", response_model=present.Nearest, summary="Halls for a guide, nearest first"
)
def nearest_halls(
    kb: KbDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    guide: Ref,
    lat: Annotated[
        float | None, Query(description="latitude (WGS-84, as WeChat and browsers send)")
    ] = None,
    lon: Annotated[float | None, Query(description="longitude")] = None,
    district: Annotated[str | None, Query(max_length=80, description="without a position")] = None,
    order: Annotated[
        Order, Query(description="distance, or served: travel + wait")
    ] = Order.distance,
    speed_kmh: Annotated[
        float, Query(gt=0, le=200, description="travel speed for order=served")
    ] = 30.0,
) -> present.Nearest:
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
    return present.Nearest(
        guide=catalog.guide(kb, guide).name,
        order=order,
        speed_kmh=speed_kmh if position else None,
        halls=[present.nearby_hall(s) for s in found],
    )


@router.get(
    "/slots", response_model=present.DaySlots, summary="Slots of a hall for a guide on a day"
)
def slots(
    kb: KbDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    hall: Ref,
    guide: Ref,
    day: Annotated[date, Query(alias="date")],
) -> present.DaySlots:
    view = service.day_view(
        session=session,
        kb=kb,
        hall_ref=hall,
        guide_ref=guide,
        day=day,
        now=now,
        working_days=settings.booking_horizon_working_days,
    )
    return present.day_slots(view)


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
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=80)] = None,
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
        channel=body.channel,
        idempotency_key=idempotency_key or body.idempotency_key,
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
    "/bookings/lookup", response_model=BookingPublic, summary="One booking by code and proof"
)
def lookup_booking(
    body: LookupIn, kb: KbDep, session: SessionDep, settings: SettingsDep
) -> BookingPublic:
    proof = changes.Proof(phone=body.phone, id_number=body.id_number)
    found = changes.find_by_code(
        session=session, code=body.code, proof=proof, secret=settings.secret_key
    )
    return booking_public(found, kb)


@router.post(
    "/bookings/mine",
    response_model=list[BookingPublic],
    summary="My bookings (ID number and phone)",
)
def my_bookings(
    body: MineIn, kb: KbDep, session: SessionDep, settings: SettingsDep, now: NowDep
) -> list[BookingPublic]:
    found = changes.find_mine(
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
    proof = changes.Proof(phone=body.phone, id_number=body.id_number)
    booking = changes.cancel(
        engine=engine, code=code, proof=proof, secret=settings.secret_key, now=now
    )
    return booking_public(booking, kb)


@router.post(
    "/bookings/{code}/reschedule", response_model=BookingPublic, summary="Move to another slot"
)
def reschedule_booking(
    code: str, body: RescheduleIn, kb: KbDep, engine: EngineDep, settings: SettingsDep, now: NowDep
) -> BookingPublic:
    booking = changes.reschedule(
        engine=engine,
        kb=kb,
        code=code,
        proof=changes.Proof(phone=body.phone, id_number=body.id_number),
        day=body.date,
        start=body.start,
        hall_ref=body.hall,
        secret=settings.secret_key,
        now=now,
        working_days=settings.booking_horizon_working_days,
    )
    return booking_public(booking, kb)


@router.get(
    "/queue", response_model=present.QueueOut, summary="People waiting and the estimated wait"
)
def queue_status(
    kb: KbDep, session: SessionDep, now: NowDep, hall: Ref, guide: Ref
) -> present.QueueOut:
    c = catalog.counter(kb, hall, guide)
    return present.queue_out(c, queue_service.counter_status(session=session, c=c, now=now))


@router.get(
    "/queue/tickets/{ticket_id}",
    response_model=TicketPublic,
    summary="A ticket's place in the queue",
)
def ticket(ticket_id: int, kb: KbDep, session: SessionDep, now: NowDep) -> TicketPublic:
    placed = queue_service.ticket_position(session=session, kb=kb, ticket_id=ticket_id, now=now)
    return present.placed_public(placed, kb)


@router.get("/calendar", response_model=list[present.CalendarDay], summary="A hall's opening days")
def hall_calendar(
    kb: KbDep,
    session: SessionDep,
    now: NowDep,
    hall: Ref,
    start: Annotated[date | None, Query(alias="from")] = None,
    days: Annotated[int, Query(ge=1, le=62)] = 14,
) -> list[present.CalendarDay]:
    found = calendar_service.hall_days(
        session, kb=kb, hall_ref=hall, first=start or now.date(), days=days
    )
    return [present.calendar_day(d) for d in found]


router.include_router(staff_router)
