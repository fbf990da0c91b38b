"""Appointment slots: plain functions over a hall's day.

Rules (the hall's ``slot_minutes`` and ``groups`` come from ``guides_kb/halls.yml``):

- Slots are cut from each opening period, from its start, ``slot_minutes`` long; a slot that
  would run past the end of a period (into lunch or closing time) is not offered.
- **Capacity of a slot = the windows of the group serving the item** (the guide's own group, else
  the hall's 综合受理 windows; ``assistant.kb.service.window_group``): one appointment per window
  per slot. The windows' remaining time serves walk-ins and overruns, which is why appointments
  do not fill a window's whole slot. Items sharing a group share its slot capacity.
- Bookable days: from today to the ``horizon``-th working day after today (official calendar and
  city-wide records); a slot must start at least ``MIN_LEAD`` after now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from assistant.booking.calendar import HallDay, Period
from assistant.errors import InvalidInput
from assistant.kb import schema

MIN_LEAD = timedelta(hours=1)


@dataclass(frozen=True)
class SlotTime:
    start: time
    end: time

    def starts_at(self, day: date) -> datetime:
        return datetime.combine(day, self.start)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def slot_times(periods: Iterable[Period], minutes: int) -> list[SlotTime]:
    step = timedelta(minutes=minutes)
    out: list[SlotTime] = []
    for p in periods:
        at = datetime.combine(date.min, p.start)
        end = datetime.combine(date.min, p.end)
        while at + step <= end:
            out.append(SlotTime(at.time(), (at + step).time()))
            at += step
    return out


def day_slots(hall: schema.Hall, day: HallDay) -> list[SlotTime]:
    return slot_times(day.periods, hall.slot_minutes) if day.open else []


def slot_capacity(hall: schema.Hall, group: str) -> int:
    return hall.groups.get(group, 0)


def find_slot(slots: Iterable[SlotTime], start: time) -> SlotTime | None:
    return next((s for s in slots if s.start == start), None)


def starts_in_time(day: date, start: time, now: datetime) -> bool:
    """Whether a slot still leaves the same-day cut-off (at least ``MIN_LEAD`` from now)."""
    return datetime.combine(day, start) - now >= MIN_LEAD


def check_in_horizon(day: date, today: date, last_day: date) -> None:
    if day < today:
        raise InvalidInput(f"{_md(day)}已经过去了，请选择今天或以后的日期。")
    if day > last_day:
        raise InvalidInput(f"目前只能预约到{_md(last_day)}（未来的工作日内），请选择更近的日期。")


def check_offered(
    hall_name: str, day: HallDay, slots: list[SlotTime], start: time, now: datetime
) -> SlotTime:
    """The slot starting at ``start`` on an open day, or ``InvalidInput`` saying why not."""
    if not day.open:
        raise InvalidInput(day.closing_message)
    if not slots:
        raise InvalidInput(f"{hall_name}{_md(day.day)}没有可预约的时段。")
    slot = find_slot(slots, start)
    if slot is None:
        offered = "、".join(str(s.start.strftime("%H:%M")) for s in slots[:3])
        raise InvalidInput(
            f"{hall_name}{_md(day.day)}没有 {start:%H:%M} 开始的预约时段"
            f"（时段从 {offered} 等开始，每段{_minutes(slots)}分钟）。"
        )
    if not starts_in_time(day.day, start, now):
        raise InvalidInput(f"{start:%H:%M} 的时段距现在不足1小时，已停止预约，请选择更晚的时段。")
    return slot


def _minutes(slots: list[SlotTime]) -> int:
    s = slots[0]
    return int(
        (datetime.combine(date.min, s.end) - datetime.combine(date.min, s.start)).total_seconds()
        // 60
    )


def _md(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
