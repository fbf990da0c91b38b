"""Tables of the booking domain: calendar records, slot capacity, bookings, queue tickets.

Capacity lives in the database, never in process memory: ``SlotCapacity.booked`` is only ever
changed by conditional ``UPDATE``s (``booked < capacity`` to take a place), and a CHECK
constraint refuses any row with ``booked > capacity`` even if a bug tried. Idempotency keys and
booking codes are unique, and a partial unique index allows one active booking per person, item
and day, so a retried or doubled request cannot create a second booking.

Appointment dates and times are the city's wall-clock (``day``, ``start``, ``end``); moments
(``created_at``, ``called_at`` ...) are aware UTC.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from assistant.timeutil import utcnow

CITY_WIDE = 0  # CalendarException.hall_key of a record for every hall


class ExceptionKind(StrEnum):
    closure = "closure"
    opening = "opening"


class CalendarExceptionBase(SQLModel):
    day: date
    kind: ExceptionKind = Field(max_length=10)
    reason: str = Field(min_length=1, max_length=100)
    periods: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class CalendarException(CalendarExceptionBase, table=True):
    """An administrator's closure or extra opening of one day, for one hall or city-wide."""

    __tablename__ = "calendar_exception"
    __table_args__ = (UniqueConstraint("hall_key", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int | None = Field(default=None, foreign_key="hall.id", index=True)
    hall_key: int = Field(
        default=CITY_WIDE, description="hall_id, or 0 for city-wide (for the unique key)"
    )
    created_by: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class BookingPerson(SQLModel, table=True):
    """One row per citizen who booked: the row each booking locks, so a person's limits hold
    under concurrent requests. Only the keyed hash and a masked form of the ID number."""

    __tablename__ = "booking_person"

    key: str = Field(primary_key=True, max_length=64)
    id_masked: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class SlotCapacity(SQLModel, table=True):
    __tablename__ = "slot_capacity"
    __table_args__ = (
        UniqueConstraint("hall_id", "group_key", "day", "start"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_slot_capacity_within"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    group_key: str = Field(max_length=40)
    day: date = Field(index=True)
    start: time
    capacity: int = Field(ge=0)
    booked: int = Field(default=0, ge=0)


class BookingStatus(StrEnum):
    booked = "booked"
    cancelled = "cancelled"
    checked_in = "checked_in"
    no_show = "no_show"


class Booking(SQLModel, table=True):
    __tablename__ = "booking"
    __table_args__ = (
        Index(
            "uq_booking_active_person_item_day",
            "person_key",
            "guide_id",
            "day",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True, index=True)
    hall_id: int = Field(foreign_key="hall.id", index=True)
    guide_id: int = Field(foreign_key="guide.id")
    guide_name: str = Field(max_length=80)
    group_key: str = Field(max_length=40)
    slot_id: int = Field(foreign_key="slot_capacity.id", index=True)
    day: date = Field(index=True)
    start: time
    end: time
    person_key: str = Field(foreign_key="booking_person.key", max_length=64, index=True)
    id_masked: str = Field(max_length=20)
    name: str = Field(max_length=40)
    phone: str = Field(max_length=11)
    status: BookingStatus = Field(default=BookingStatus.booked, max_length=12, index=True)
    idempotency_key: str | None = Field(default=None, max_length=80, unique=True)
    request_hash: str = Field(
        max_length=64, description="what the first request asked (replays must match)"
    )
    channel: str = Field(default="api", max_length=20)
    reschedules: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    cancelled_at: datetime | None = None
    cancel_reason: str | None = Field(default=None, max_length=100)
    checked_in_at: datetime | None = None


class TicketStatus(StrEnum):
    waiting = "waiting"
    called = "called"
    done = "done"


class QueueCounter(SQLModel, table=True):
    """The last ticket number of a queue (hall, group, day). Taken with ``UPDATE ... RETURNING``
    under the row's lock, so tickets issued at the same moment are numbered one after another."""

    __tablename__ = "queue_counter"
    __table_args__ = (UniqueConstraint("hall_id", "group_key", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    group_key: str = Field(max_length=40)
    day: date
    last: int = 0


class QueueTicket(SQLModel, table=True):
    """A queue ticket (取号): per hall, window group and day, numbered from 1."""

    __tablename__ = "queue_ticket"
    __table_args__ = (
        UniqueConstraint("hall_id", "group_key", "day", "number"),
        Index("ix_queue_ticket_queue", "hall_id", "group_key", "day", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    group_key: str = Field(max_length=40)
    day: date
    number: int = Field(ge=1)
    label: str = Field(max_length=8)
    guide_id: int | None = Field(default=None, foreign_key="guide.id")
    booking_id: int | None = Field(default=None, foreign_key="booking.id", unique=True)
    priority: int = Field(default=0, description="1: appointment on time, called before walk-ins")
    status: TicketStatus = Field(default=TicketStatus.waiting, max_length=10)
    window: int | None = Field(default=None, ge=1, le=200)
    issued_at: datetime
    called_at: datetime | None = None
    completed_at: datetime | None = None
    service_seconds: float | None = None


# API shapes (request bodies and responses). Formats (ID number, phone) are checked by the
# domain, which explains a mistake in Chinese; Field limits bound the sizes.


class ProofIn(SQLModel):
    """Either the phone number or the ID number given when booking."""

    phone: str | None = Field(default=None, max_length=20)
    id_number: str | None = Field(default=None, max_length=20)


class BookingCreate(SQLModel):
    hall: str = Field(min_length=1, max_length=80, description="hall id, slug or name")
    guide: str = Field(min_length=1, max_length=80, description="guide id, slug or name")
    date: dt.date
    start: dt.time = Field(description="slot start, e.g. 09:30")
    name: str = Field(min_length=1, max_length=40)
    id_number: str = Field(min_length=1, max_length=20)
    phone: str = Field(min_length=1, max_length=20)
    idempotency_key: str | None = Field(
        default=None, max_length=80, description="or the Idempotency-Key header"
    )
    channel: str = Field(default="api", max_length=20)


class RescheduleIn(ProofIn):
    date: dt.date
    start: dt.time
    hall: str | None = Field(
        default=None, max_length=80, description="another hall (default: the same)"
    )


class MineIn(SQLModel):
    id_number: str = Field(min_length=1, max_length=20)
    phone: str = Field(min_length=1, max_length=20)


class LookupIn(ProofIn):
    code: str = Field(min_length=1, max_length=20)


class HallBrief(SQLModel):
    id: int
    name: str
    address: str
    phone: str


class BookingPublic(SQLModel):
    code: str
    status: BookingStatus
    status_text: str
    hall: HallBrief
    guide: str
    date: dt.date
    start: dt.time
    end: dt.time
    name: str
    id_masked: str
    phone_masked: str
    provisional: bool = Field(
        description="the official calendar for that date is not yet published"
    )
    created_at: datetime
    cancel_reason: str | None = None
    message: str


class CalendarExceptionCreate(SQLModel):
    date: dt.date
    kind: ExceptionKind
    reason: str = Field(min_length=1, max_length=100)
    hall: str | None = Field(
        default=None, max_length=80, description="hall id, slug or name; none: city-wide"
    )
    periods: list[str] = Field(
        default_factory=list, max_length=4, description='e.g. ["09:00-12:00"]'
    )


class CalendarExceptionPublic(SQLModel):
    id: int
    date: dt.date
    kind: ExceptionKind
    reason: str
    hall_id: int | None
    periods: list[str]
    created_by: str


class TicketPublic(SQLModel):
    id: int
    label: str
    hall: str
    group: str
    status: TicketStatus
    window: int | None
    appointment: bool
    ahead: int | None = None
    wait_minutes: int | None = None
    message: str
