"""The official calendar and each hall's opening on a given day: plain functions.

Sources, in order of precedence:

1. an administrator's record for the hall (closure or extra opening),
2. an administrator's city-wide record (a typhoon day closes every hall),
3. the State Council's calendar from ``chinesecalendar``: public holidays are closed, adjusted
   working weekends (调休上班) open with the hall's working-day hours, and ordinary weekdays and
   weekends follow the hall's hours per weekday (the city centre's booked-only Saturday).

``chinesecalendar`` only knows the years already announced. Beyond them the calendar is
*provisional*: Monday to Friday count as working days, except the holidays whose dates the law
fixes (《全国年节及纪念日放假办法》: 元旦 1 January, 劳动节 1-2 May, 国庆节 1-3 October, and 清明
on its solar term); weekends are closed (even where a hall usually opens on Saturday, since the
day may turn out to be part of a holiday); administrators' records still apply; and every answer
for such a day carries ``provisional=True``. The lunar holidays and the 调休 swaps are only known
once the State Council publishes them, which is why the day stays provisional.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from typing import NamedTuple

import chinese_calendar
from chinese_calendar.constants import Holiday

from assistant.kb import schema


class DayKind(StrEnum):
    workday = "workday"
    adjusted_workday = "adjusted_workday"  # 调休上班的周末
    holiday = "holiday"  # 法定节假日
    weekend = "weekend"


@dataclass(frozen=True)
class OfficialDay:
    day: date
    kind: DayKind
    holiday: str | None = None  # 国庆节, 春节 ...
    provisional: bool = False

    @property
    def working(self) -> bool:
        return self.kind in (DayKind.workday, DayKind.adjusted_workday)


class Period(NamedTuple):
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class CalendarRecord:
    """An administrator's closure (``open=False``) or extra opening of one day."""

    day: date
    open: bool
    reason: str
    hall_id: int | None = None  # None: every hall in the city
    periods: tuple[Period, ...] = ()  # extra opening: these hours; empty = working-day hours


@dataclass(frozen=True)
class HallDay:
    day: date
    open: bool
    periods: tuple[Period, ...] = ()
    booked_only: bool = False  # only appointments are received (no walk-in tickets)
    provisional: bool = False
    reason: str | None = None  # why closed, or what is special about the day

    @property
    def closing_message(self) -> str:
        return f"{self.day.month}月{self.day.day}日{self.reason or '不对外办公'}，大厅不办公。"


FIXED_HOLIDAYS = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}


def official_day(day: date) -> OfficialDay:
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return _provisional_day(day)
    if day.weekday() >= 5 and not is_holiday:
        return OfficialDay(day, DayKind.adjusted_workday, _chinese(name))
    if is_holiday and name is not None:
        return OfficialDay(day, DayKind.holiday, _chinese(name))
    return OfficialDay(day, DayKind.weekend if is_holiday else DayKind.workday)


def _provisional_day(day: date) -> OfficialDay:
    fixed = FIXED_HOLIDAYS.get((day.month, day.day))
    if fixed is None and (day.month, day.day) in ((4, 4), (4, 5), (4, 6)):
        terms = chinese_calendar.get_solar_terms(day, day)
        fixed = "清明" if terms and terms[0][1] == "清明" else None
    if fixed is not None:
        return OfficialDay(day, DayKind.holiday, fixed, provisional=True)
    kind = DayKind.workday if day.weekday() < 5 else DayKind.weekend
    return OfficialDay(day, kind, provisional=True)


def _chinese(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return Holiday(name).chinese
    except ValueError:
        return name


def record_for(
    records: Iterable[CalendarRecord], day: date, hall_id: int | None
) -> CalendarRecord | None:
    """The record that governs ``day`` for a hall (its own before a city-wide one)."""
    city = None
    for r in records:
        if r.day != day:
            continue
        if hall_id is not None and r.hall_id == hall_id:
            return r
        if r.hall_id is None:
            city = r
    return city


def is_working_day(day: date, records: Iterable[CalendarRecord] = ()) -> bool:
    """A working day of the city (official calendar and city-wide records)."""
    record = record_for(records, day, None)
    if record is not None:
        return record.open
    return official_day(day).working


def working_days_after(start: date, n: int, records: Sequence[CalendarRecord] = ()) -> date:
    """The date of the ``n``-th working day after ``start`` (``start`` itself not counted)."""
    day, found = start, 0
    while found < n:
        day += timedelta(days=1)
        if is_working_day(day, records):
            found += 1
    return day


def working_hours(hall: schema.Hall) -> tuple[Period, ...]:
    """The hall's hours of an ordinary working day (first weekday it opens normally)."""
    for wh in sorted(hall.hours, key=lambda h: h.weekday):
        if wh.weekday < 5 and not wh.booked_only:
            return tuple(Period(p.start, p.end) for p in wh.periods)
    return ()


def _weekday_hours(hall: schema.Hall, weekday: int) -> schema.WeekdayHours | None:
    return next((h for h in hall.hours if h.weekday == weekday), None)


def hall_day(
    hall: schema.Hall, hall_id: int, day: date, records: Iterable[CalendarRecord] = ()
) -> HallDay:
    """Whether and when a hall receives citizens on ``day``."""
    official = official_day(day)
    prov = official.provisional
    record = record_for(records, day, hall_id)
    if record is not None:
        if not record.open:
            return HallDay(day, False, provisional=prov, reason=record.reason)
        periods = record.periods or working_hours(hall)
        return HallDay(day, bool(periods), periods, provisional=prov, reason=record.reason)
    if official.kind == DayKind.holiday:
        return HallDay(day, False, provisional=prov, reason=f"{official.holiday}假期")
    if official.kind == DayKind.adjusted_workday:
        periods = working_hours(hall)
        return HallDay(day, bool(periods), periods, reason=f"{official.holiday}调休上班")
    if official.kind == DayKind.weekend and prov:
        return HallDay(day, False, provisional=True, reason="周末（节假日安排尚未公布）")
    hours = _weekday_hours(hall, day.weekday())
    if hours is None:
        return HallDay(
            day, False, provisional=prov, reason="周末休息" if day.weekday() >= 5 else "休息"
        )
    periods = tuple(Period(p.start, p.end) for p in hours.periods)
    note = "仅接待预约" if hours.booked_only else None
    return HallDay(day, True, periods, booked_only=hours.booked_only, provisional=prov, reason=note)
