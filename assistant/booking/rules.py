"""Limits on a person's bookings, changes, no-shows and arrival: plain functions.

- At most one active booking per person per item per day, and ``MAX_ACTIVE`` active bookings
  in all (active = booked, not yet started).
- Cancelling or rescheduling is possible until ``CHANGE_LEAD`` before the slot starts.
- ``NO_SHOW_LIMIT`` no-shows within ``NO_SHOW_WINDOW`` suspend online booking for
  ``SUSPENSION`` from the day of the last of them (the rule halls commonly use). Suspension is
  derived from the no-show dates every time, so there is no counter to drift. It stops new
  online bookings only: existing ones can still be cancelled or moved, and walk-ins are served.
- Arrival: a ticket can be taken from ``EARLY_CHECKIN`` before the slot; someone arriving after
  the slot has ended still gets a ticket, without the appointment's priority.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from assistant.errors import Conflict, Forbidden

MAX_ACTIVE = 3
CHANGE_LEAD = timedelta(hours=1)
NO_SHOW_LIMIT = 3
NO_SHOW_WINDOW = timedelta(days=90)
SUSPENSION = timedelta(days=30)
EARLY_CHECKIN = timedelta(minutes=60)


@dataclass(frozen=True)
class HeldBooking:
    """What the limits need to know about one of the person's bookings."""

    code: str
    guide_id: int
    guide_name: str
    starts_at: datetime


def active(bookings: Iterable[HeldBooking], now: datetime) -> list[HeldBooking]:
    return [b for b in bookings if b.starts_at > now]


def check_person_limits(
    held: Sequence[HeldBooking], *, guide_id: int, day: date, now: datetime
) -> None:
    """``held``: the person's bookings in status booked (others' changes excluded by the caller)."""
    current = active(held, now)
    same = [b for b in current if b.guide_id == guide_id and b.starts_at.date() == day]
    if same:
        b = same[0]
        raise Conflict(
            f"您已预约{_md(day)} {b.starts_at:%H:%M} 办理“{b.guide_name}”，"
            "同一事项每天只能预约一次。如需更换时间，请使用改约。"
        )
    if len(current) >= MAX_ACTIVE:
        raise Conflict(
            f"您已有{len(current)}个未到期的预约，每人最多同时保留{MAX_ACTIVE}个。"
            "请先办理或取消其中一个，再预约新的事项。"
        )


def check_can_change(starts_at: datetime, now: datetime, *, what: str) -> None:
    """``what``: 取消 or 改约."""
    if starts_at - now < CHANGE_LEAD:
        raise Conflict(f"距离预约时间已不足1小时，无法在线{what}。如有需要，请直接联系办事大厅。")


def suspended_until(no_show_days: Iterable[date], today: date) -> date | None:
    """The first day online booking is possible again, or None when not suspended."""
    days = sorted(no_show_days)
    end: date | None = None
    for i in range(NO_SHOW_LIMIT - 1, len(days)):
        if days[i] - days[i - NO_SHOW_LIMIT + 1] < NO_SHOW_WINDOW:
            end = days[i] + SUSPENSION
    return end if end is not None and end > today else None


def check_not_suspended(no_show_days: Iterable[date], today: date) -> None:
    until = suspended_until(no_show_days, today)
    if until is not None:
        raise Forbidden(
            f"由于您近90天内有{NO_SHOW_LIMIT}次预约未按时到场，网上预约暂停30天，"
            f"将于{until.year}年{_md(until)}恢复。在此期间，您仍可直接到大厅现场取号办理。"
        )


class Arrival(StrEnum):
    early = "early"
    on_time = "on_time"
    late = "late"


def arrival(starts_at: datetime, ends_at: datetime, now: datetime) -> Arrival:
    if now < starts_at - EARLY_CHECKIN:
        return Arrival.early
    if now > ends_at:
        return Arrival.late
    return Arrival.on_time


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"
