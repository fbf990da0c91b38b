"""Slots, per-person limits, changes, no-shows, arrival: plain rules with plain data."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from assistant.booking import codes, rules, slots
from assistant.booking.calendar import HallDay, Period
from assistant.booking.person import check_id_number, check_phone, identify, person_key
from assistant.booking.slots import SlotTime
from assistant.errors import Conflict, Forbidden, InvalidInput
from tests.booking.factories import MORNING_AFTERNOON, make_hall

MONDAY = date(2026, 11, 23)


def test_slots_are_cut_from_each_period_and_skip_the_lunch_break() -> None:
    times = slots.slot_times(MORNING_AFTERNOON, 30)
    assert [str(s) for s in times[:2]] == ["09:00-09:30", "09:30-10:00"]
    assert str(times[5]) == "11:30-12:00"
    assert str(times[6]) == "14:30-15:00"
    assert str(times[-1]) == "17:00-17:30"
    assert len(times) == 12


def test_a_slot_that_would_run_past_a_period_end_is_not_offered() -> None:
    times = slots.slot_times([Period(time(9), time(10, 30))], 40)
    assert [str(s) for s in times] == ["09:00-09:40", "09:40-10:20"]


def test_capacity_is_the_windows_of_the_serving_group() -> None:
    hall = make_hall()
    assert slots.slot_capacity(hall, "gongan_huzheng") == 2
    assert slots.slot_capacity(hall, "zonghe") == 1
    assert slots.slot_capacity(hall, "churujing") == 0


def test_same_day_slot_needs_at_least_one_hour_of_lead() -> None:
    now = datetime(2026, 11, 23, 9, 5)
    assert not slots.starts_in_time(MONDAY, time(10), now)
    assert slots.starts_in_time(MONDAY, time(10, 30), now)


def test_check_offered_explains_closed_days_unknown_starts_and_the_cut_off() -> None:
    hall = make_hall()
    day = HallDay(MONDAY, True, MORNING_AFTERNOON)
    times = slots.day_slots(hall, day)
    now = datetime(2026, 11, 23, 9, 5)
    assert slots.check_offered("测试大厅", day, times, time(14, 30), now) == SlotTime(
        time(14, 30), time(15)
    )
    with pytest.raises(InvalidInput, match="没有 12:30 开始的预约时段"):
        slots.check_offered("测试大厅", day, times, time(12, 30), now)
    with pytest.raises(InvalidInput, match="距现在不足1小时"):
        slots.check_offered("测试大厅", day, times, time(9, 30), now)
    closed = HallDay(date(2026, 10, 1), False, reason="国庆节假期")
    with pytest.raises(InvalidInput, match="10月1日国庆节假期，大厅不办公"):
        slots.check_offered("测试大厅", closed, [], time(9), now)


def test_horizon_refuses_past_and_too_distant_days() -> None:
    with pytest.raises(InvalidInput, match="2026年11月22日已经过去了"):
        slots.check_in_horizon(date(2026, 11, 22), MONDAY, date(2026, 12, 2))
    with pytest.raises(InvalidInput, match="目前只能预约到2026年12月2日"):
        slots.check_in_horizon(date(2026, 12, 3), MONDAY, date(2026, 12, 2))
    slots.check_in_horizon(date(2026, 12, 2), MONDAY, date(2026, 12, 2))


def held(code: str, guide_id: int, at: datetime) -> rules.HeldBooking:
    return rules.HeldBooking(code, guide_id, f"事项{guide_id}", at)


NOW = datetime(2026, 11, 23, 8, 0)


def test_one_booking_per_person_per_item_per_day() -> None:
    mine = [held("A", 1, datetime(2026, 11, 24, 9))]
    with pytest.raises(
        Conflict, match="您已预约11月24日 09:00 办理“事项1”，同一事项每天只能预约一次"
    ):
        rules.check_person_limits(mine, guide_id=1, day=date(2026, 11, 24), now=NOW)
    rules.check_person_limits(mine, guide_id=1, day=date(2026, 11, 25), now=NOW)
    rules.check_person_limits(mine, guide_id=2, day=date(2026, 11, 24), now=NOW)


def test_at_most_three_active_bookings_and_past_ones_do_not_count() -> None:
    three = [held(c, g, datetime(2026, 11, 24, 9 + g)) for c, g in (("A", 1), ("B", 2), ("C", 3))]
    with pytest.raises(Conflict, match="您已有3个未到期的预约，每人最多同时保留3个"):
        rules.check_person_limits(three, guide_id=4, day=date(2026, 11, 25), now=NOW)
    rules.check_person_limits(
        three, guide_id=4, day=date(2026, 11, 25), now=datetime(2026, 11, 24, 11, 30)
    )


def test_cancel_and_reschedule_are_possible_until_one_hour_before() -> None:
    start = datetime(2026, 11, 24, 9)
    rules.check_can_change(start, datetime(2026, 11, 24, 8, 0), what="取消")
    with pytest.raises(Conflict, match="距离预约时间已不足1小时，无法在线改约"):
        rules.check_can_change(start, datetime(2026, 11, 24, 8, 1), what="改约")


def test_three_no_shows_within_ninety_days_suspend_booking_for_thirty_days() -> None:
    days = [date(2026, 9, 1), date(2026, 10, 15), date(2026, 11, 20)]
    assert rules.suspended_until(days, date(2026, 11, 23)) == date(2026, 12, 20)
    assert rules.suspended_until(days, date(2026, 12, 20)) is None
    with pytest.raises(Forbidden, match="网上预约暂停30天，将于2026年12月20日恢复"):
        rules.check_not_suspended(days, date(2026, 11, 23))


def test_no_shows_spread_over_more_than_ninety_days_do_not_suspend() -> None:
    days = [date(2026, 8, 1), date(2026, 9, 15), date(2026, 10, 30)]  # 90 days from first to last
    assert rules.suspended_until(days, date(2026, 11, 2)) is None
    assert rules.suspended_until(days[:2], date(2026, 9, 16)) is None


def test_arrival_is_early_on_time_or_late_relative_to_the_slot() -> None:
    start, end = datetime(2026, 11, 24, 10), datetime(2026, 11, 24, 10, 30)
    assert rules.arrival(start, end, datetime(2026, 11, 24, 8, 59)) == rules.Arrival.early
    assert rules.arrival(start, end, datetime(2026, 11, 24, 9, 0)) == rules.Arrival.on_time
    assert rules.arrival(start, end, datetime(2026, 11, 24, 10, 30)) == rules.Arrival.on_time
    assert rules.arrival(start, end, datetime(2026, 11, 24, 10, 31)) == rules.Arrival.late


def test_booking_codes_use_only_unambiguous_characters_and_normalise_what_was_typed() -> None:
    code = codes.new_code()
    assert codes.is_code(code) and not set(code) & set("0O1IL5S2Z8B")
    assert codes.normalise_code(" k7m3-9qxa ") == "K7M39QXA"
    assert (
        codes.ticket_label(codes.group_letter(["gongan_huzheng", "churujing"], "churujing"), 12)
        == "B012"
    )
    assert codes.group_letter(["gongan_huzheng"], "unknown") == "Z"


@pytest.mark.parametrize(
    "number", ["441502199003151239", "441502199208082345", "11010519491231002X"]
)
def test_valid_demo_id_numbers_pass(number: str) -> None:
    assert check_id_number(number) == number


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("44150219900315123", "身份证号码应为18位"),
        ("441502199002301234", "出生日期不正确"),
        ("441502199003151238", "校验位不正确"),
    ],
)
def test_invalid_id_numbers_are_refused_with_the_reason(number: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_id_number(number)


def test_a_person_is_kept_as_a_keyed_hash_and_a_masked_number() -> None:
    p = identify(
        secret="s3cret", id_number="441502199003151239 ", name=" 陈晓明", phone="138 0013 8000"
    )
    assert (
        p.key
        == person_key("s3cret", "441502199003151239")
        != person_key("other", "441502199003151239")
    )
    assert "199003151" not in p.key and len(p.key) == 64
    assert (p.id_masked, p.name, p.phone, p.phone_masked) == (
        "4415**********1239",
        "陈晓明",
        "13800138000",
        "138****8000",
    )
    with pytest.raises(InvalidInput, match="手机号码应为11位数字"):
        check_phone("0660-1234567")
