"""What citizens and staff read: public shapes and the Chinese sentences in them."""

from __future__ import annotations

from datetime import date

from assistant.booking import estimate
from assistant.booking.calendar import official_day
from assistant.booking.models import (
    Booking,
    BookingPublic,
    BookingStatus,
    HallBrief,
    QueueTicket,
    TicketPublic,
)
from assistant.booking.queue_service import QueueStatus
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


def ticket_public(
    t: QueueTicket, kb: KbSnapshot, queue: QueueStatus | None = None, ahead: int | None = None
) -> TicketPublic:
    hall = kb.hall(t.hall_id)
    wait = queue.wait_minutes if queue else None
    if t.status == "waiting":
        message = f"您的号码是 {t.label}。" + (wait_text(wait, ahead or 0) if queue else "")
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
