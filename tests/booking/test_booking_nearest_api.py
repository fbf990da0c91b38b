"""Nearest halls for an item: distance, waiting, next free slot, time to be served."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.booking import catalog
from assistant.kb.snapshot import KbSnapshot
from tests.booking.conftest import GUIDE, HALL, Clock

AT_HALL = {"lat": 22.78, "lon": 115.365}  # 城区政务服务中心 (demo city)


def nearest(client: TestClient, **params: Any) -> httpx.Response:
    return client.get("/api/v1/halls/nearest", params={"guide": GUIDE, **params})


def test_halls_accepting_the_item_are_ordered_by_distance_with_queue_and_next_slot(
    client: TestClient, clock: Clock, kb: KbSnapshot
) -> None:
    r = nearest(client, **AT_HALL)
    assert r.status_code == 200, r.text
    halls = r.json()["halls"]
    expected = {c.hall.hall.name for c in catalog.counters_for(kb, catalog.guide(kb, GUIDE))}
    assert {h["name"] for h in halls} == expected
    assert "汕尾市民服务中心" not in expected  # 出生登记 is handled at district and town halls
    distances = [h["distance_km"] for h in halls]
    assert distances == sorted(distances) and distances[0] == 0.0
    first = halls[0]
    assert (first["name"], first["waiting"], first["open_now"]) == (HALL, 0, False)
    assert first["wait_text"] == "大厅现在不在办公时间。"
    assert first["next_slot"]["text"] == "11月23日（周一） 09:00"
    haifeng = next(h for h in halls if h["name"] == "海丰县政务服务中心")
    assert haifeng["distance_km"] == 21.2


def test_ordering_by_time_to_be_served_avoids_a_long_queue_nearby(
    client: TestClient, clock: Clock, login: Callable[..., TestClient]
) -> None:
    clock.now = datetime(2026, 11, 23, 9, 0)
    staff = login("clerk", "staff")
    for _ in range(12):
        assert (
            staff.post("/api/v1/queue/walk-in", json={"hall": HALL, "guide": GUIDE}).status_code
            == 201
        )
    by_distance = nearest(client, **AT_HALL).json()["halls"]
    assert (by_distance[0]["name"], by_distance[0]["waiting"]) == (HALL, 12)
    served = nearest(client, **AT_HALL, order="served", speed_kmh=30).json()
    assert served["order"] == "served" and served["speed_kmh"] == 30
    assert served["halls"][0]["name"] != HALL
    first = served["halls"][0]
    assert first["served_minutes"] == first["travel_minutes"] + first["wait_minutes"]
    busy = next(h for h in served["halls"] if h["name"] == HALL)
    assert busy["served_minutes"] > first["served_minutes"]
    assert busy["wait_text"].startswith("前面还有12人，预计等候约")


def test_without_a_position_the_citizen_district_comes_first(
    client: TestClient, clock: Clock
) -> None:
    halls = nearest(client, district="海丰县").json()["halls"]
    districts = [h["district"] for h in halls]
    n = districts.count("海丰县")
    assert n >= 2 and districts[:n] == ["海丰县"] * n
    assert all(h["distance_km"] is None for h in halls)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"lat": 115.365, "lon": 22.78},
            "纬度 115.365 无效：纬度应在 -90 到 90 之间（是否把经度和纬度填反了？）。",
        ),
        ({"lat": 22.78}, "位置需要同时提供纬度（lat）和经度（lon）。"),
        ({}, "请发送您的位置，或告诉我们您所在的区县（如：城区、海丰县），以便推荐最近的大厅。"),
        ({"district": "火星区"}, "没有找到区县“火星区”"),
    ],
)
def test_invalid_positions_are_refused_in_chinese(
    client: TestClient, clock: Clock, params: dict[str, Any], message: str
) -> None:
    r = nearest(client, **params)
    assert r.status_code == 422
    assert r.json()["error"]["message"].startswith(message)


def test_unknown_guide_is_not_found_and_hall_pages_still_resolve(
    client: TestClient, clock: Clock
) -> None:
    r = client.get("/api/v1/halls/nearest", params={"guide": "不存在的事项", **AT_HALL})
    assert (r.status_code, r.json()["error"]["message"]) == (404, "没有找到办事事项：不存在的事项")
    assert client.get(f"/api/v1/halls/{HALL}").json()["name"] == HALL
