"""What a hall greeter (场景式导办) may do through the API besides reading guides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi.testclient import TestClient

from tests.waiver_support import CHEN_XIAOMING, seed_demo_shared_data

HALL, GUIDE = "城区政务服务中心", "居民身份证补领"
MONDAY_10AM = datetime(2026, 11, 23, 10, 0)  # the hall is open


def test_greeter_issues_a_walk_in_ticket_but_does_not_call_numbers(
    client: TestClient, login: Callable[..., TestClient]
) -> None:
    client.app.state.clock = lambda: MONDAY_10AM  # type: ignore[attr-defined]
    greeter = login("zhou", "greeter")
    r = greeter.post("/api/v1/queue/walk-in", json={"hall": HALL, "guide": GUIDE})
    assert r.status_code == 201, r.text
    assert (r.json()["label"], r.json()["hall"]) == ("A001", HALL)
    r = greeter.post(
        "/api/v1/queue/call", json={"hall": HALL, "group": "gongan_huzheng", "window": 1}
    )
    assert (r.status_code, r.json()["error"]["message"]) == (403, "您的账号没有此操作的权限。")


def test_greeter_sees_prefill_values_whole_after_a_consented_waiver_check(
    login: Callable[..., TestClient],
) -> None:
    greeter = login("zhou", "greeter")
    seed_demo_shared_data(greeter.app.state.engine)  # type: ignore[attr-defined]
    body = {"guide": GUIDE, "id_number": CHEN_XIAOMING, "consent": True, "channel": "greeter"}
    r = greeter.post("/api/v1/waivers", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["prefill"]["id_number"]["value"] == CHEN_XIAOMING
    assert r.json()["applicant"] == "4415**********1239"
