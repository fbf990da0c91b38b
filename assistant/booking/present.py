"""What citizens and staff read: the API's response shapes and the Chinese sentences in them."""

from __future__ import annotations

import datetime as dt
from datetime import date

from pydantic import BaseModel

from assistant.booking import estimate
from assistant.booking.calendar import HallDay, official_day
from assistant.booking.catalog import Counter
from assistant.booking.distance import Order
from assistant.booking.models import (
    Booking,
    BookingPublic,
    BookingStatus,
    HallBrief,
    QueueTicket,
    TicketPublic,
)
from assistant.booking.nearest_service import Suggestion
from assistant.booking.queue_service import Placed, QueueStatus
from assistant.booking.service import DayView, SlotView
from assistant.kb.snapshot import KbSnapshot
from assistant.privacy import mask_phone

WEEKDAYS = "一二三四五六日"
STATUS_TEXT = {
    BookingStatus.booked: "已预约",
    BookingStatus.cancelled: "已取消",
    BookingStatus.checked_in: "已签到取号",
    BookingStatus.no_show: "未到（已过时段）",
}
PROVISIONAL_NOTE = "该日期的节假日安排尚未公布，如遇放假调整，我们会另行通知您。"


def day_text(day: date) -> str:
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def wait_text(minutes: float | None, waiting: int) -> str:
    if minutes is None:
        return "大厅现在不在办公时间。"
    if waiting == 0 and minutes == 0:
        return "现在无需排队。"
    return f"前面还有{waiting}人，预计等候约{estimate.rounded(minutes)}分钟。"


def booking_public(b: Booking, kb: KbSnapshot) -> BookingPublic:
    record = kb.hall(b.hall_id)
    hall = HallBrief(
        id=b.hall_id,
        name=record.hall.name if record else "",
        address=record.hall.address if record else "",
        phone=record.hall.phone if record else "",
    )
    provisional = official_day(b.day).provisional
    return BookingPublic(
        code=b.code,
        status=b.status,
        status_text=STATUS_TEXT[b.status],
        hall=hall,
        guide=b.guide_name,
        date=b.day,
        start=b.start,
        end=b.end,
        name=b.name,
        id_masked=b.id_masked,
        phone_masked=mask_phone(b.phone),
        provisional=provisional,
        created_at=b.created_at,
        cancel_reason=b.cancel_reason,
        message=booking_message(b, hall, provisional),
    )


def booking_message(b: Booking, hall: HallBrief, provisional: bool) -> str:
    when = f"{day_text(b.day)} {b.start:%H:%M}-{b.end:%H:%M}"
    if b.status == BookingStatus.cancelled:
        return f"您{when}在{hall.name}办理“{b.guide_name}”的预约已取消。"
    if b.status == BookingStatus.checked_in:
        return f"您已签到取号，请留意{hall.name}的叫号。"
    if b.status == BookingStatus.no_show:
        return f"您{when}的预约未按时到场，已记为未到。"
    text = (
        f"预约成功！请于{when}到{hall.name}（{hall.address}）办理“{b.guide_name}”，"
        f"到达后凭预约号 {b.code} 取号。如需取消或改约，请在预约时间1小时前操作。"
    )
    return text + (PROVISIONAL_NOTE if provisional else "")


def placed_public(placed: Placed, kb: KbSnapshot) -> TicketPublic:
    t = placed.ticket
    ahead = placed.ahead if t.status == "waiting" else None
    return ticket_public(t, kb, placed.queue, ahead=ahead)


def ticket_public(
    t: QueueTicket, kb: KbSnapshot, queue: QueueStatus | None = None, ahead: int | None = None
) -> TicketPublic:
    hall = kb.hall(t.hall_id)
    wait = queue.wait_minutes if queue else None
    if t.status == "waiting":
        late = (
            "您已超过预约时段，将按现场取号的顺序办理。" if t.booking_id and not t.priority else ""
        )
        message = f"您的号码是 {t.label}。{late}" + (wait_text(wait, ahead or 0) if queue else "")
    elif t.status == "called":
        message = f"请 {t.label} 号到 {t.window} 号窗口办理。"
    else:
        message = f"{t.label} 号已办结。"
    return TicketPublic(
        id=t.id or 0,
        label=t.label,
        hall=hall.hall.name if hall else "",
        group=t.group_key,
        status=t.status,
        window=t.window,
        appointment=t.booking_id is not None,
        ahead=ahead,
        wait_minutes=estimate.rounded(wait) if wait is not None and t.status == "waiting" else None,
        message=message,
    )


class SlotOut(BaseModel):
    start: str
    end: str
    capacity: int
    available: int
    bookable: bool


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


def day_slots(view: DayView) -> DaySlots:
    note = " ".join(
        x for x in (view.day.reason, PROVISIONAL_NOTE if view.day.provisional else None) if x
    )
    slots = [
        SlotOut(
            start=f"{s.start:%H:%M}",
            end=f"{s.end:%H:%M}",
            capacity=s.capacity,
            available=s.available,
            bookable=s.bookable,
        )
        for s in view.slots
    ]
    return DaySlots(
        hall_id=view.counter.hall.id,
        hall=view.counter.hall.hall.name,
        guide=view.counter.guide.name,
        date=view.day.day,
        booked_only=view.day.booked_only,
        provisional=view.day.provisional,
        note=note or None,
        bookable_until=view.last_day,
        slots=slots,
    )


class NextSlot(BaseModel):
    date: dt.date
    start: str
    end: str
    provisional: bool
    text: str


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


def _minutes(value: float | None) -> int | None:
    return None if value is None else estimate.rounded(value)


def _next_slot(found: tuple[HallDay, SlotView] | None) -> NextSlot | None:
    if found is None:
        return None
    opening, slot = found
    return NextSlot(
        date=opening.day,
        start=f"{slot.start:%H:%M}",
        end=f"{slot.end:%H:%M}",
        provisional=opening.provisional,
        text=f"{day_text(opening.day)} {slot.start:%H:%M}",
    )


def nearby_hall(s: Suggestion) -> NearbyHall:
    km = s.option.distance_km
    return NearbyHall(
        id=s.counter.hall.id,
        name=s.option.name,
        district=s.option.district,
        address=s.counter.hall.hall.address,
        distance_km=None if km is None else round(km, 1),
        travel_minutes=_minutes(s.option.travel_minutes),
        served_minutes=_minutes(s.option.served_minutes),
        open_now=s.queue.open_now,
        waiting=s.queue.waiting,
        wait_minutes=_minutes(s.queue.wait_minutes),
        wait_text=wait_text(s.queue.wait_minutes, s.queue.waiting),
        next_slot=_next_slot(s.next_slot),
    )


class QueueOut(BaseModel):
    hall: str
    group: str
    open_now: bool
    waiting: int
    windows: int
    wait_minutes: int | None
    text: str


def queue_out(c: Counter, q: QueueStatus) -> QueueOut:
    return QueueOut(
        hall=c.hall.hall.name,
        group=c.group,
        open_now=q.open_now,
        waiting=q.waiting,
        windows=q.windows,
        wait_minutes=_minutes(q.wait_minutes),
        text=wait_text(q.wait_minutes, q.waiting),
    )


class CalendarDay(BaseModel):
    date: dt.date
    open: bool
    periods: list[str]
    booked_only: bool
    provisional: bool
    note: str | None


def calendar_day(d: HallDay) -> CalendarDay:
    return CalendarDay(
        date=d.day,
        open=d.open,
        periods=[str(p) for p in d.periods],
        booked_only=d.booked_only,
        provisional=d.provisional,
        note=d.reason,
    )
