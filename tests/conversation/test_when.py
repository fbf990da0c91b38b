"""Dates and times as citizens say them, relative to Sunday 22 November 2026."""

from __future__ import annotations

from datetime import date, time

import pytest

from assistant.conversation.when import TimeWish, in_period, parse_date, parse_time

SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天", date(2026, 11, 23)),
        ("后天上午", date(2026, 11, 24)),
        ("大后天", date(2026, 11, 25)),
        ("下周一", date(2026, 11, 23)),
        ("周三", date(2026, 11, 25)),
        ("星期五下午", date(2026, 11, 27)),
        ("下下周二", date(2026, 12, 1)),
        ("11月25日", date(2026, 11, 25)),
        ("十一月二十五号", date(2026, 11, 25)),
        ("25号", date(2026, 11, 25)),
        ("3号", date(2026, 12, 3)),  # already past this month: next month
        ("1月5日", date(2027, 1, 5)),  # already past this year: next year
        ("2026-11-30", date(2026, 11, 30)),  # a button's payload
    ],
)
def test_dates_people_say(text: str, expected: date) -> None:
    assert parse_date(text, SUNDAY) == expected


@pytest.mark.parametrize("text", ["随便哪天", "2月30日", "2026-02-30", ""])
def test_no_date_or_an_impossible_one(text: str) -> None:
    assert parse_date(text, SUNDAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上午", TimeWish(None, "morning")),
        ("下午", TimeWish(None, "afternoon")),
        ("九点", TimeWish(time(9, 0), "morning")),
        ("9:30", TimeWish(time(9, 30), "morning")),
        ("10点半", TimeWish(time(10, 30), "morning")),
        ("下午三点", TimeWish(time(15, 0), "afternoon")),
        ("三点", TimeWish(time(15, 0), "afternoon")),  # a hall at three is open in the afternoon
        ("14:30", TimeWish(time(14, 30), "afternoon")),
    ],
)
def test_times_people_say(text: str, expected: TimeWish) -> None:
    assert parse_time(text) == expected


def test_no_time_in_words_without_one() -> None:
    assert parse_time("都可以") is None


def test_periods_split_at_half_past_twelve() -> None:
    assert in_period(time(11, 30), "morning") and not in_period(time(14, 30), "morning")
    assert in_period(time(14, 30), "afternoon") and in_period(time(9, 0), None)
