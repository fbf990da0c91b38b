"""Hall staff: check-in, queue, calls, service times, no-shows, closures (both databases)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.booking import estimate
from tests.booking.conftest import CITIZEN, GUIDE, HALL, Clock
from tests.booking.factories import id_number

Book = Callable[..., httpx.Response]
TUESDAY = "2026-11-24"


@pytest.fixture
def staff(login: Callable[..., TestClient], clock: Clock) -> TestClient:
    return login("clerk", "staff")


def walk_in(staff: TestClient) -> httpx.Response:
    return staff.post("/api/v1/queue/walk-in", json={"hall": HALL, "guide": GUIDE})


def call(staff: TestClient, window: int = 1) -> httpx.Response:
    return staff.post(
        "/api/v1/queue/call", json={"hall": HALL, "group": "gongan_huzheng", "window": window}
    )


def test_staff_endpoints_need_a_staff_login(
    client: TestClient, login: Callable[..., TestClient], clock: Clock
) -> None:
    assert walk_in(client).status_code == 401
    editor = login("ed", "editor")
    r = walk_in(editor)
    assert (r.status_code, r.json()["error"]["message"]) == (403, "您的账号没有此操作的权限。")


def test_arrival_with_a_booking_code_issues_a_priority_ticket_called_before_walk_ins(
    staff: TestClient, book: Book, clock: Clock
) -> None:
    code = book(date=TUESDAY, start="09:00").json()["code"]
    clock.now = datetime(2026, 11, 24, 8, 50)
    first_walk_in = walk_in(staff)
    assert (first_walk_in.status_code, first_walk_in.json()["label"]) == (201, "A001")
    r = staff.post("/api/v1/queue/checkin", json={"code": code, "hall": HALL})
    assert r.status_code == 200, r.text
    ticket = r.json()["ticket"]
    assert (ticket["label"], ticket["appointment"], r.json()["booking"]["status"]) == (
        "A002",
        True,
        "checked_in",
    )
    clock.now = datetime(2026, 11, 24, 9, 0)
    called = call(staff, window=3).json()
    assert (called["ticket"]["label"], called["message"]) == ("A002", "请 A002 号到 3 号窗口办理。")
    again = staff.post("/api/v1/queue/checkin", json={"code": code})
    assert (again.status_code, again.json()["error"]["message"]) == (409, "该预约已签到取号。")


def test_late_arrival_gets_a_ticket_without_priority_and_is_told_so(
    staff: TestClient, book: Book, clock: Clock
) -> None:
    code = book(date=TUESDAY, start="09:00").json()["code"]
    clock.now = datetime(2026, 11, 24, 9, 45)
    assert walk_in(staff).json()["message"] == "您的号码是 A001。现在无需排队。"
    r = staff.post("/api/v1/queue/checkin", json={"code": code})
    ticket = r.json()["ticket"]
    assert (ticket["label"], ticket["ahead"]) == ("A002", 1)
    assert ticket["message"].startswith(
        "您的号码是 A002。您已超过预约时段，将按现场取号的顺序办理。"
    )


def test_check_in_too_early_or_on_another_day_is_refused(
    staff: TestClient, book: Book, clock: Clock
) -> None:
    code = book(date=TUESDAY, start="14:30").json()["code"]
    r = staff.post("/api/v1/queue/checkin", json={"code": code})
    assert (r.status_code, r.json()["error"]["message"]) == (
        409,
        "该预约的日期是11月24日，不是今天。",
    )
    clock.now = datetime(2026, 11, 24, 9, 0)
    early = staff.post("/api/v1/queue/checkin", json={"code": code})
    assert (
        early.json()["error"]["message"] == "您预约的时段是 14:30-15:00，请在开始前1小时内再取号。"
    )
    elsewhere = staff.post(
        "/api/v1/queue/checkin", json={"code": code, "hall": "海丰县政务服务中心"}
    )
    assert elsewhere.json()["error"]["message"] == f"该预约的办理地点是{HALL}，不在本大厅。"


def test_waiting_count_and_estimate_follow_the_queue_and_recorded_service_times(
    client: TestClient, staff: TestClient, clock: Clock, windows: int
) -> None:
    clock.now = datetime(2026, 11, 23, 9, 0)
    params = {"hall": HALL, "guide": GUIDE}
    assert client.get("/api/v1/queue", params=params).json()["text"] == "现在无需排队。"
    tickets = [walk_in(staff).json() for _ in range(windows + 2)]
    for w in range(1, windows + 1):
        call(staff, window=w)
    status = client.get("/api/v1/queue", params=params).json()
    assert status["waiting"] == 2
    # all windows busy, 2 waiting: the next arrival waits 3 turns of (typical 15 min / windows)
    assert status["wait_minutes"] == estimate.rounded(3 * 15 / windows)
    clock.now = datetime(2026, 11, 23, 9, 6)
    done = staff.post(f"/api/v1/queue/tickets/{tickets[0]['id']}/complete")
    assert (done.json()["status"], done.json()["message"]) == ("done", "A001 号已办结。")
    last = client.get(f"/api/v1/queue/tickets/{tickets[-1]['id']}").json()
    assert (last["label"], last["ahead"], last["status"]) == (f"A{windows + 2:03d}", 1, "waiting")
    # one window free, one person ahead: one turn of the mean service time, now pulled below the
    # typical 15 minutes by one 6-minute service: (6 + 3 * 15) / 4 = 12.75
    assert last["wait_minutes"] == estimate.rounded(12.75 / windows)


def test_calling_with_nobody_waiting_says_so(staff: TestClient, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 23, 9, 0)
    r = call(staff)
    assert (r.status_code, r.json()) == (200, {"ticket": None, "message": "目前没有等候的号码。"})


def test_walk_ins_are_refused_on_closed_days_and_after_hours(
    staff: TestClient, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 28, 9, 0)  # Saturday
    r = walk_in(staff)
    assert (r.status_code, r.json()["error"]["message"]) == (409, "今天周末休息，大厅不办公。")
    clock.now = datetime(2026, 11, 23, 17, 31)
    assert (
        walk_in(staff).json()["error"]["message"]
        == "今天的办公时间已结束，请在下一个工作日再来取号。"
    )


def test_three_no_shows_in_ninety_days_suspend_online_booking(
    client: TestClient, staff: TestClient, book: Book, clock: Clock
) -> None:
    codes = [book(date=d).json()["code"] for d in ("2026-11-24", "2026-11-25", "2026-11-26")]
    too_soon = staff.post(f"/api/v1/bookings/{codes[0]}/no-show")
    assert (too_soon.status_code, too_soon.json()["error"]["message"]) == (
        409,
        "预约时段尚未结束，暂不能记为未到。",
    )
    clock.now = datetime(2026, 11, 26, 18, 0)
    results = [staff.post(f"/api/v1/bookings/{c}/no-show").json() for c in codes]
    assert [r["suspended_until"] for r in results] == [None, None, "2026-12-26"]
    assert results[0]["booking"]["status"] == "no_show"
    r = book(date="2026-11-27")
    assert (r.status_code, r.json()["error"]["message"]) == (
        403,
        "由于您近90天内有3次预约未按时到场，网上预约暂停30天，将于2026年12月26日恢复。"
        "在此期间，您仍可直接到大厅现场取号办理。",
    )


def test_closure_cancels_the_day_bookings_and_closes_the_day(
    client: TestClient, staff: TestClient, book: Book, clock: Clock
) -> None:
    code = book(date=TUESDAY).json()["code"]
    other = book(date="2026-11-25", id_number=id_number(5), phone="13700000005").json()["code"]
    r = staff.post(
        "/api/v1/calendar/exceptions",
        json={"date": TUESDAY, "kind": "closure", "reason": "台风红色预警停止办公"},
    )
    assert r.status_code == 201, r.text
    assert [b["code"] for b in r.json()["cancelled"]] == [code]
    assert r.json()["cancelled"][0]["cancel_reason"] == "台风红色预警停止办公"
    slots = client.get("/api/v1/slots", params={"hall": HALL, "guide": GUIDE, "date": TUESDAY})
    assert (slots.status_code, slots.json()["error"]["message"]) == (
        422,
        "11月24日台风红色预警停止办公，大厅不办公。",
    )
    lookup = client.post(
        "/api/v1/bookings/lookup", json={"code": other, "phone": "13700000005"}
    ).json()
    assert lookup["status"] == "booked"
    twice = staff.post(
        "/api/v1/calendar/exceptions", json={"date": TUESDAY, "kind": "opening", "reason": "恢复"}
    )
    assert twice.status_code == 409


def test_extra_opening_on_a_saturday_for_one_hall(
    client: TestClient, staff: TestClient, clock: Clock
) -> None:
    body = {
        "date": "2026-11-28",
        "kind": "opening",
        "reason": "周末延时服务",
        "hall": HALL,
        "periods": ["09:00-11:00"],
    }
    r = staff.post("/api/v1/calendar/exceptions", json=body)
    assert r.status_code == 201, r.text
    slots = client.get(
        "/api/v1/slots", params={"hall": HALL, "guide": GUIDE, "date": "2026-11-28"}
    ).json()
    assert (slots["note"], [s["start"] for s in slots["slots"]]) == (
        "周末延时服务",
        ["09:00", "09:30", "10:00", "10:30"],
    )
    listed = staff.get("/api/v1/calendar/exceptions").json()
    assert [(e["date"], e["kind"], e["periods"]) for e in listed] == [
        ("2026-11-28", "opening", ["09:00-11:00"])
    ]
    assert staff.delete(f"/api/v1/calendar/exceptions/{listed[0]['id']}").status_code == 204
    assert (
        client.get(
            "/api/v1/slots", params={"hall": HALL, "guide": GUIDE, "date": "2026-11-28"}
        ).status_code
        == 422
    )


def test_calendar_records_refuse_past_days_and_bad_periods(staff: TestClient) -> None:
    past = staff.post(
        "/api/v1/calendar/exceptions", json={"date": "2026-11-20", "kind": "closure", "reason": "x"}
    )
    assert past.json()["error"]["message"] == "不能为已经过去的日期登记闭馆或开放。"
    bad = {"date": "2026-11-28", "kind": "opening", "reason": "加班", "periods": ["9点到11点"]}
    assert staff.post("/api/v1/calendar/exceptions", json=bad).json()["error"]["message"] == (
        "办公时段应写成“09:00-12:00”的形式，且结束时间晚于开始时间。"
    )


def test_staff_see_the_day_bookings_with_masked_personal_data(
    staff: TestClient, book: Book
) -> None:
    book(date=TUESDAY)
    rows = staff.get("/api/v1/staff/bookings", params={"hall": HALL, "date": TUESDAY})
    assert [(b["name"], b["id_masked"], b["phone_masked"]) for b in rows.json()] == [
        (CITIZEN["name"], "4415**********1239", "138****8000")
    ]
    assert CITIZEN["id_number"] not in rows.text


def test_city_centre_saturday_morning_takes_appointments_but_no_walk_ins(
    staff: TestClient, book: Book, clock: Clock
) -> None:
    centre, passport = "汕尾市民服务中心", "普通护照申领"  # the demo city's booked-only Saturday
    made = book(hall=centre, guide=passport, date="2026-11-28", start="09:00")
    assert made.status_code == 201, made.text
    clock.now = datetime(2026, 11, 28, 9, 0)
    r = staff.post("/api/v1/queue/walk-in", json={"hall": centre, "guide": passport})
    assert (r.status_code, r.json()["error"]["message"]) == (
        409,
        "今天的办公时段仅接待已预约的办事人，请先预约后再来。",
    )
    checked_in = staff.post(
        "/api/v1/queue/checkin", json={"code": made.json()["code"], "hall": centre}
    )
    assert checked_in.status_code == 200
