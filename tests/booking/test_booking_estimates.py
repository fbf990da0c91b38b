"""Waiting estimates, distances and hall ordering: plain functions with plain data."""

from __future__ import annotations

import math

import pytest

from assistant.booking import estimate
from assistant.booking.distance import (
    HallOption,
    Order,
    check_position,
    haversine_km,
    order_options,
    with_distance,
)
from assistant.booking.simulate import SimConfig, run
from assistant.errors import InvalidInput


def test_nobody_waits_when_a_window_is_free() -> None:
    assert estimate.wait_minutes(ahead=0, busy=2, windows=3, service=12) == 0
    assert estimate.wait_minutes(ahead=1, busy=1, windows=3, service=12) == 0


def test_wait_grows_by_one_service_per_window_for_each_turn() -> None:
    # all 3 windows busy, 2 people ahead: called at the 3rd window to free up.
    assert estimate.wait_minutes(ahead=2, busy=3, windows=3, service=12) == pytest.approx(12.0)
    assert estimate.wait_minutes(ahead=5, busy=3, windows=3, service=12) == pytest.approx(24.0)
    assert estimate.wait_minutes(ahead=3, busy=1, windows=1, service=10) == pytest.approx(40.0)


def test_service_time_starts_from_the_guide_typical_and_follows_history() -> None:
    assert estimate.service_minutes([], 15) == 15
    assert estimate.service_minutes([600.0], 15) == pytest.approx((10 + 45) / 4)
    many = [480.0] * 40
    assert estimate.service_minutes(many, 15) == pytest.approx((20 * 8 + 45) / 23)


def test_waits_shown_to_citizens_are_rounded_sensibly() -> None:
    assert [estimate.rounded(m) for m in (0.4, 7.6, 16.0, 23.0)] == [0, 8, 15, 25]


def test_haversine_matches_known_distances() -> None:
    assert haversine_km(22.787, 115.375, 22.787, 115.375) == 0
    # 1 degree of latitude is about 111.2 km
    assert haversine_km(22.0, 115.0, 23.0, 115.0) == pytest.approx(111.19, abs=0.05)
    # city centre to 海丰县政务服务中心
    assert haversine_km(22.787, 115.375, 22.967, 115.323) == pytest.approx(20.73, abs=0.1)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (115.37, 22.78, "纬度 115.37 无效"),
        (22.78, 190.0, "经度 190.0 无效"),
        (math.nan, 115.0, "位置坐标无效"),
        (22.78, None, "同时提供纬度"),
    ],
)
def test_invalid_positions_are_refused_in_chinese(
    lat: float, lon: float | None, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_position(lat, lon)


def test_no_position_is_allowed() -> None:
    assert check_position(None, None) is None


def option(hall_id: int, name: str, district: str, wait: float | None) -> HallOption:
    return HallOption(hall_id, name, district, waiting=0, wait_minutes=wait)


def test_order_by_distance_or_by_time_to_be_served() -> None:
    near_busy = with_distance(option(1, "近但人多", "城区", 50.0), km=1.0, speed_kmh=30)
    far_quiet = with_distance(option(2, "远但人少", "城区", 0.0), km=10.0, speed_kmh=30)
    assert [o.name for o in order_options([far_quiet, near_busy])] == ["近但人多", "远但人少"]
    served = order_options([near_busy, far_quiet], order=Order.served)
    assert [(o.name, o.served_minutes) for o in served] == [("远但人少", 20.0), ("近但人多", 52.0)]


def test_without_position_the_citizen_district_comes_first_then_shorter_waits() -> None:
    opts = [
        option(1, "海丰", "海丰县", 0.0),
        option(2, "城区甲", "城区", 30.0),
        option(3, "城区乙", "城区", 5.0),
    ]
    assert [o.name for o in order_options(opts, district="城区")] == ["城区乙", "城区甲", "海丰"]


def test_closed_hall_counts_no_wait_in_time_to_be_served() -> None:
    closed = with_distance(HallOption(1, "甲", "城区", 0, None), 3.0, 30)
    assert closed.served_minutes == 6.0


def test_simulated_days_estimate_better_with_history_than_with_the_typical_duration() -> None:
    result = run(SimConfig(days=5, seed=7))
    assert len(result.actual) == len(result.estimated) > 300
    assert result.mae() < result.mae(prior=True)
    assert result.p90() >= result.mae()
