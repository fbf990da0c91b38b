"""The official calendar and halls' opening days, with fixed dates from chinesecalendar's data."""

from __future__ import annotations

from datetime import date, time

import pytest

from assistant.booking.calendar import (
    CalendarRecord,
    DayKind,
    Period,
    hall_day,
    is_working_day,
    official_day,
    working_days_after,
)
from tests.booking.factories import MORNING_AFTERNOON, make_hall


def test_national_day_is_a_public_holiday_and_closes_every_hall() -> None:
    day = official_day(date(2026, 10, 1))
    assert (day.kind, day.holiday, day.provisional) == (DayKind.holiday, "国庆节", False)
    opening = hall_day(make_hall(saturday_booked_only=True), 1, date(2026, 10, 1))
    assert opening.open is False
    assert opening.closing_message == "10月1日国庆节假期，大厅不办公。"


def test_holiday_saturday_closes_the_city_centre_booked_only_morning_too() -> None:
    assert hall_day(make_hall(saturday_booked_only=True), 1, date(2026, 10, 3)).open is False


def test_adjusted_working_saturday_opens_with_working_day_hours_for_walk_ins() -> None:
    # 2026-10-10 (Saturday) is a working day in exchange for the National Day holiday.
    assert official_day(date(2026, 10, 10)).kind == DayKind.adjusted_workday
    opening = hall_day(make_hall(), 1, date(2026, 10, 10))
    assert (opening.open, opening.periods, opening.booked_only) == (True, MORNING_AFTERNOON, False)
    assert opening.reason == "国庆节调休上班"


def test_adjusted_working_sunday_counts_as_a_working_day() -> None:
    assert official_day(date(2026, 9, 20)).kind == DayKind.adjusted_workday  # Sunday
    assert is_working_day(date(2026, 9, 20))


def test_ordinary_saturday_opens_only_the_city_centre_morning_for_appointments() -> None:
    sat = date(2026, 11, 28)
    assert official_day(sat).kind == DayKind.weekend
    centre = hall_day(make_hall(saturday_booked_only=True), 1, sat)
    assert (centre.open, centre.periods, centre.booked_only) == (
        True,
        (Period(time(9), time(12)),),
        True,
    )
    other = hall_day(make_hall(), 2, sat)
    assert (other.open, other.reason) == (False, "周末休息")


def test_dates_after_the_published_calendar_are_provisional_weekdays_open() -> None:
    monday = official_day(date(2027, 1, 4))
    assert (monday.kind, monday.provisional) == (DayKind.workday, True)
    opening = hall_day(make_hall(), 1, date(2027, 1, 4))
    assert (opening.open, opening.provisional, opening.periods) == (True, True, MORNING_AFTERNOON)


def test_provisional_saturday_is_closed_even_at_the_city_centre() -> None:
    opening = hall_day(make_hall(saturday_booked_only=True), 1, date(2027, 1, 9))
    assert (opening.open, opening.provisional) == (False, True)
    assert opening.reason == "周末（节假日安排尚未公布）"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2027, 1, 1), "元旦"),
        (date(2027, 5, 2), "劳动节"),
        (date(2027, 10, 1), "国庆节"),
        (date(2027, 4, 5), "清明"),
    ],
)
def test_holidays_fixed_by_law_are_closed_in_provisional_years(day: date, name: str) -> None:
    official = official_day(day)
    assert (official.kind, official.holiday, official.provisional) == (DayKind.holiday, name, True)
    opening = hall_day(make_hall(), 1, day)
    assert (opening.open, opening.reason, opening.provisional) == (False, f"{name}假期", True)


def test_city_wide_closure_closes_a_working_day_with_its_reason() -> None:
    typhoon = CalendarRecord(date(2026, 11, 24), open=False, reason="台风红色预警停止办公")
    opening = hall_day(make_hall(), 1, date(2026, 11, 24), [typhoon])
    assert (opening.open, opening.reason) == (False, "台风红色预警停止办公")
    assert not is_working_day(date(2026, 11, 24), [typhoon])


def test_hall_record_wins_over_city_wide_record_and_other_halls_are_unaffected() -> None:
    records = [
        CalendarRecord(date(2026, 11, 24), open=False, reason="台风停止办公"),
        CalendarRecord(
            date(2026, 11, 24),
            open=True,
            reason="应急值班",
            hall_id=1,
            periods=(Period(time(9), time(11)),),
        ),
        CalendarRecord(date(2026, 11, 25), open=False, reason="系统升级", hall_id=1),
    ]
    assert hall_day(make_hall(), 1, date(2026, 11, 24), records).periods == (
        Period(time(9), time(11)),
    )
    assert hall_day(make_hall(), 2, date(2026, 11, 24), records).open is False
    assert hall_day(make_hall(), 1, date(2026, 11, 25), records).reason == "系统升级"
    assert hall_day(make_hall(), 2, date(2026, 11, 25), records).open is True


def test_extra_opening_on_a_holiday_uses_working_day_hours_when_none_given() -> None:
    record = CalendarRecord(date(2026, 10, 5), open=True, reason="国庆假期便民服务", hall_id=1)
    opening = hall_day(make_hall(), 1, date(2026, 10, 5), [record])
    assert (opening.open, opening.periods) == (True, MORNING_AFTERNOON)


def test_extra_opening_on_a_provisional_weekend_is_open_and_still_provisional() -> None:
    record = CalendarRecord(date(2027, 1, 9), open=True, reason="周末延时服务", hall_id=1)
    opening = hall_day(make_hall(), 1, date(2027, 1, 9), [record])
    assert (opening.open, opening.provisional) == (True, True)


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        (date(2026, 11, 23), 7, date(2026, 12, 2)),  # Monday: skips one weekend
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # across National Day
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # an adjusted working Saturday counts
        (date(2026, 12, 28), 7, date(2027, 1, 7)),  # into the provisional year, 1 January off
    ],
)
def test_horizon_counts_working_days_of_the_official_calendar(
    start: date, n: int, end: date
) -> None:
    assert working_days_after(start, n) == end


def test_city_wide_closure_does_not_count_as_a_working_day_in_the_horizon() -> None:
    closure = CalendarRecord(date(2026, 11, 24), open=False, reason="台风停止办公")
    assert working_days_after(date(2026, 11, 23), 1, [closure]) == date(2026, 11, 25)
