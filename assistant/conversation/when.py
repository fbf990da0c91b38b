"""Dates and times as citizens say them: 明天, 下周三, 11月25号, 上午, 下午三点, 9:30.

Plain functions relative to a given ``today`` (the city's date): the appointment form turns
what Rasa extracted (or what a button sent, ISO ``2026-11-25`` / ``09:30``) into a date, a
start time or a part of the day that narrows the offered times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal

from assistant.nlu.text import chinese_number

Period = Literal["morning", "afternoon"]

_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_DAY = re.compile(
    r"(\d{1,2}|[一二三四五六七八九十]+)月(\d{1,2}|[一二三四五六七八九十]+)[日号]?"
)
_DAY_ONLY = re.compile(r"(?<![\d月])(\d{1,2}|[一二三四五六七八九十]+)[日号]")
_WEEK = re.compile(r"(下下|下|这|本)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天])")
_CLOCK = re.compile(r"(\d{1,2})[:：](\d{2})")
_HOUR = re.compile(r"(\d{1,2}|[一二两三四五六七八九十]+)[点時时](半|(\d{1,2})分?)?")
_AFTERNOON = ("下午", "午后", "傍晚", "晚上")
_MORNING = ("上午", "早上", "早晨", "上半天", "早点")


def cn_number(text: str) -> int | None:
    """``12`` → 12, ``十二`` → 12, ``二十五`` → 25, ``九`` → 9 (the NLU's numeral reader)."""
    return int(text) if text.isdigit() else chinese_number(text)


def parse_date(text: str, today: date) -> date | None:
    """The date meant by ``text``, or None. Past month-days roll over to next year."""
    text = text.strip()
    if m := _ISO.search(text):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    for word in sorted(_RELATIVE, key=len, reverse=True):
        if word in text:
            return today + timedelta(days=_RELATIVE[word])
    if m := _MONTH_DAY.search(text):
        return _month_day(cn_number(m.group(1)), cn_number(m.group(2)), today)
    if m := _WEEK.search(text):
        return _weekday(m.group(1) or "", _WEEKDAY[m.group(2)], today)
    if m := _DAY_ONLY.search(text):
        day = cn_number(m.group(1))
        if day is None:
            return None
        month, year = today.month, today.year
        if day < today.day:
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
        return _safe_date(year, month, day)
    return None


def _month_day(month: int | None, day: int | None, today: date) -> date | None:
    if month is None or day is None:
        return None
    found = _safe_date(today.year, month, day)
    if found is not None and found < today:
        found = _safe_date(today.year + 1, month, day)
    return found


def _weekday(prefix: str, weekday: int, today: date) -> date:
    monday = today - timedelta(days=today.weekday())
    weeks = {"下": 1, "下下": 2}.get(prefix, 0)
    found = monday + timedelta(weeks=weeks, days=weekday)
    if not prefix and found < today:  # a bare 周三 already past this week: the next one
        found += timedelta(weeks=1)
    return found


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class TimeWish:
    """A start time (``09:30``), a part of the day, or both (下午三点 → 15:00, afternoon)."""

    at: time | None = None
    period: Period | None = None


def parse_time(text: str) -> TimeWish | None:
    text = text.strip()
    period: Period | None = None
    if any(w in text for w in _AFTERNOON):
        period = "afternoon"
    elif any(w in text for w in _MORNING) or "中午" in text:
        period = "morning"
    at = _clock(text, period)
    if at is None and period is None:
        return None
    if at is not None and period is None:
        period = "morning" if at < time(12, 30) else "afternoon"
    return TimeWish(at, period)


def _clock(text: str, period: Period | None) -> time | None:
    hour, minute = None, 0
    if m := _CLOCK.search(text):
        hour, minute = int(m.group(1)), int(m.group(2))
    elif m := _HOUR.search(text):
        hour = cn_number(m.group(1))
        if m.group(2) == "半":
            minute = 30
        elif m.group(3):
            minute = int(m.group(3))
    if hour is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    if period == "afternoon" and hour < 12 or period is None and 1 <= hour <= 6:
        hour += 12
    return time(hour, minute)


def in_period(start: time, period: Period | None) -> bool:
    if period is None:
        return True
    return start < time(12, 30) if period == "morning" else start >= time(12, 30)
