"""Slots and bookings through the public API (runs on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.booking.models import Booking, SlotCapacity
from tests.booking.conftest import CITIZEN, GUIDE, HALL, Clock
from tests.booking.factories import id_number

Book = Callable[..., httpx.Response]


def slots_of(client: TestClient, day: str, hall: str = HALL) -> httpx.Response:
    return client.get("/api/v1/slots", params={"hall": hall, "guide": GUIDE, "date": day})


def booking_rows(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Booking)).one()


def booked_places(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.coalesce(func.sum(SlotCapacity.booked), 0))).one()


def test_slots_of_a_working_day_skip_lunch_and_offer_the_group_windows(
    client: TestClient, clock: Clock, windows: int
) -> None:
    r = slots_of(client, "2026-11-24")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["hall"], body["guide"], body["provisional"], body["bookable_until"]) == (
        HALL,
        GUIDE,
        False,
        "2026-12-02",
    )
    starts = [s["start"] for s in body["slots"]]
    assert "12:00" not in starts and "14:00" not in starts
    assert (starts[0], starts[-1]) == ("09:00", "17:00")
    assert {(s["capacity"], s["available"], s["bookable"]) for s in body["slots"]} == {
        (windows, windows, True)
    }


def test_same_day_slots_within_an_hour_are_not_bookable(client: TestClient, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 23, 9, 40)
    slots = {s["start"]: s["bookable"] for s in slots_of(client, "2026-11-23").json()["slots"]}
    assert (slots["10:30"], slots["11:00"]) == (False, True)


def test_closed_past_and_distant_days_are_refused_with_the_reason(
    client: TestClient, clock: Clock
) -> None:
    saturday = slots_of(client, "2026-11-28")
    assert saturday.status_code == 422
    assert saturday.json()["error"]["message"] == "11月28日周末休息，大厅不办公。"
    assert (
        slots_of(client, "2026-11-20").json()["error"]["message"]
        == "2026年11月20日已经过去了，请选择今天或以后的日期。"
    )
    assert (
        "目前只能预约到2026年12月2日" in slots_of(client, "2026-12-03").json()["error"]["message"]
    )


def test_national_day_is_closed_and_the_adjusted_saturday_is_open(
    client: TestClient, clock: Clock
) -> None:
    clock.now = datetime(2026, 9, 28, 8, 0)
    holiday = slots_of(client, "2026-10-01")
    assert (holiday.status_code, holiday.json()["error"]["message"]) == (
        422,
        "10月1日国庆节假期，大厅不办公。",
    )
    saturday = slots_of(client, "2026-10-10")
    assert saturday.status_code == 200
    assert (saturday.json()["note"], len(saturday.json()["slots"])) == ("国庆节调休上班", 12)


def test_dates_beyond_the_published_calendar_are_bookable_but_flagged_provisional(
    client: TestClient, clock: Clock, book: Book
) -> None:
    clock.now = datetime(2026, 12, 28, 8, 0)
    r = slots_of(client, "2027-01-04")
    assert (r.status_code, r.json()["provisional"]) == (200, True)
    assert "节假日安排尚未公布" in r.json()["note"]
    made = book(date="2027-01-04", start="10:00")
    assert made.status_code == 201, made.text
    assert made.json()["provisional"] is True
    assert made.json()["message"].endswith(
        "该日期的节假日安排尚未公布，如遇放假调整，我们会另行通知您。"
    )


def test_unknown_hall_or_guide_and_a_hall_that_does_not_accept_the_item(
    client: TestClient, clock: Clock
) -> None:
    assert (
        slots_of(client, "2026-11-24", hall="不存在的大厅").json()["error"]["message"]
        == "没有找到服务大厅：不存在的大厅"
    )
    r = client.get(
        "/api/v1/slots", params={"hall": HALL, "guide": "不存在的事项", "date": "2026-11-24"}
    )
    assert (r.status_code, r.json()["error"]["message"]) == (404, "没有找到办事事项：不存在的事项")
    village = slots_of(
        client, "2026-11-24", hall="城区凤山街道新港社区便民服务站"
    )  # 出生登记: district, town
    assert village.status_code == 422
    assert village.json()["error"]["message"].startswith(
        "城区凤山街道新港社区便民服务站不受理“出生登记”，可以到"
    )


def test_booking_confirms_with_a_code_and_masks_personal_data(
    client: TestClient, book: Book, windows: int
) -> None:
    r = book(start="09:30")
    assert r.status_code == 201, r.text
    b = r.json()
    assert len(b["code"]) == 8 and b["status"] == "booked"
    assert (b["hall"]["name"], b["guide"], b["date"], b["start"], b["end"]) == (
        HALL,
        GUIDE,
        "2026-11-24",
        "09:30:00",
        "10:00:00",
    )
    assert (b["id_masked"], b["phone_masked"], b["name"]) == (
        "4415**********1239",
        "138****8000",
        "陈晓明",
    )
    assert "441502199003151239" not in r.text and "13800138000" not in r.text
    assert b["message"].startswith(f"预约成功！请于11月24日（周二） 09:30-10:00到{HALL}")
    assert f"凭预约号 {b['code']} 取号" in b["message"]
    slot = next(s for s in slots_of(client, "2026-11-24").json()["slots"] if s["start"] == "09:30")
    assert slot["available"] == windows - 1


def test_a_retried_request_with_the_same_key_returns_the_same_booking(
    client: TestClient, book: Book, engine: Engine
) -> None:
    first = book(headers={"Idempotency-Key": "wx-msg-7391028374"})
    again = book(headers={"Idempotency-Key": "wx-msg-7391028374"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (booking_rows(engine), booked_places(engine)) == (1, 1)
    other = book(start="10:00", headers={"Idempotency-Key": "wx-msg-7391028374"})
    assert other.status_code == 409
    assert "已用于另一笔预约" in other.json()["error"]["message"]


def test_a_double_submission_without_key_is_refused_and_writes_nothing(
    client: TestClient, book: Book, engine: Engine
) -> None:
    assert book().status_code == 201
    second = book(start="10:00")
    assert second.status_code == 409
    assert second.json()["error"]["message"] == (
        "您已预约11月24日 09:00 办理“出生登记”，"
        "同一事项每天只能预约一次。如需更换时间，请使用改约。"
    )
    assert (booking_rows(engine), booked_places(engine)) == (1, 1)


def test_no_more_than_three_active_bookings_per_person(client: TestClient, book: Book) -> None:
    for day in ("2026-11-24", "2026-11-25", "2026-11-26"):
        assert book(date=day).status_code == 201
    fourth = book(date="2026-11-27")
    assert (fourth.status_code, fourth.json()["error"]["message"]) == (
        409,
        "您已有3个未到期的预约，每人最多同时保留3个。请先办理或取消其中一个，再预约新的事项。",
    )


def test_bad_input_gets_a_reason_in_chinese_and_nothing_is_written(
    client: TestClient, book: Book, engine: Engine
) -> None:
    cases = {
        "身份证号码校验位不正确，可能有数字输错了，请核对后重新输入。": book(
            id_number="441502199003151238"
        ),
        "手机号码应为11位数字，请核对后重新输入。": book(phone="12345"),
        f"{HALL}2026年11月24日没有 12:30 开始的预约时段"
        "（时段从 09:00、09:30、10:00 等开始，每段30分钟）。": book(start="12:30"),
        "11月28日周末休息，大厅不办公。": book(date="2026-11-28"),
        "请求编号（Idempotency-Key）应为8到80个英文字母、数字或符号。": book(
            headers={"Idempotency-Key": "short"}
        ),
    }
    for message, r in cases.items():
        assert (r.status_code, r.json()["error"]["message"]) == (422, message)
    assert book(start="9点").status_code == 422
    assert (booking_rows(engine), booked_places(engine)) == (0, 0)


def test_cancel_releases_the_place_and_needs_the_owner_phone(
    client: TestClient, book: Book, clock: Clock, windows: int
) -> None:
    code = book().json()["code"]
    wrong = client.post(f"/api/v1/bookings/{code}/cancel", json={"phone": "13900000000"})
    assert (wrong.status_code, wrong.json()["error"]["message"]) == (
        404,
        "没有找到该预约，请核对预约号和手机号码（或身份证号码）。",
    )
    r = client.post(f"/api/v1/bookings/{code.lower()}/cancel", json={"phone": CITIZEN["phone"]})
    assert (r.status_code, r.json()["status"], r.json()["status_text"]) == (
        200,
        "cancelled",
        "已取消",
    )
    assert slots_of(client, "2026-11-24").json()["slots"][0]["available"] == windows
    again = client.post(f"/api/v1/bookings/{code}/cancel", json={"id_number": CITIZEN["id_number"]})
    assert (again.status_code, again.json()["status"]) == (200, "cancelled")


def test_cancel_is_refused_less_than_an_hour_before(
    client: TestClient, book: Book, clock: Clock
) -> None:
    code = book().json()["code"]
    clock.now = datetime(2026, 11, 24, 8, 30)
    r = client.post(f"/api/v1/bookings/{code}/cancel", json={"phone": CITIZEN["phone"]})
    assert (r.status_code, r.json()["error"]["message"]) == (
        409,
        "距离预约时间已不足1小时，无法在线取消。如有需要，请直接联系办事大厅。",
    )


def test_reschedule_moves_the_booking_in_one_step_and_keeps_its_code(
    client: TestClient, book: Book, windows: int
) -> None:
    code = book().json()["code"]
    r = client.post(
        f"/api/v1/bookings/{code}/reschedule",
        json={"phone": CITIZEN["phone"], "date": "2026-11-25", "start": "14:30"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["code"], r.json()["date"], r.json()["start"]) == (
        code,
        "2026-11-25",
        "14:30:00",
    )
    assert slots_of(client, "2026-11-24").json()["slots"][0]["available"] == windows
    moved = {s["start"]: s["available"] for s in slots_of(client, "2026-11-25").json()["slots"]}
    assert moved["14:30"] == windows - 1


def test_reschedule_to_a_full_slot_keeps_the_old_booking(
    client: TestClient, book: Book, windows: int, engine: Engine
) -> None:
    code = book().json()["code"]
    for i in range(windows):
        other = {"name": "林静", "id_number": id_number(i), "phone": f"1370000{i:04d}"}
        assert book(start="10:00", **other).status_code == 201
    r = client.post(
        f"/api/v1/bookings/{code}/reschedule",
        json={"phone": CITIZEN["phone"], "date": "2026-11-24", "start": "10:00"},
    )
    assert r.status_code == 409
    message = r.json()["error"]["message"]
    assert message.startswith("该时段已约满。当天还可以预约：") and "09:30、10:30" in message
    assert message.endswith("您原来的预约保持不变。")
    mine = client.post(
        "/api/v1/bookings/lookup", json={"code": code, "phone": CITIZEN["phone"]}
    ).json()
    assert (mine["start"], mine["status"]) == ("09:00:00", "booked")
    assert booked_places(engine) == windows + 1


def test_my_bookings_need_both_id_number_and_phone(client: TestClient, book: Book) -> None:
    book()
    book(date="2026-11-25", start="15:00")
    mine = client.post(
        "/api/v1/bookings/mine", json={"id_number": CITIZEN["id_number"], "phone": CITIZEN["phone"]}
    )
    assert [(b["date"], b["start"]) for b in mine.json()] == [
        ("2026-11-24", "09:00:00"),
        ("2026-11-25", "15:00:00"),
    ]
    stranger = client.post(
        "/api/v1/bookings/mine", json={"id_number": CITIZEN["id_number"], "phone": "13900000000"}
    )
    assert (stranger.status_code, stranger.json()) == (200, [])


def test_wechat_reminders_find_the_booked_visits_of_a_day(
    book: Callable[..., httpx.Response], engine: Engine
) -> None:
    from channels.wechat.reminders import booked_visits

    r = book()
    assert r.status_code == 201, r.text
    with Session(engine) as session:
        visits = booked_visits(session=session, day=date(2026, 11, 24))
        assert [(v.code, v.guide, v.hall, f"{v.start:%H:%M}") for v in visits] == [
            (r.json()["code"], GUIDE, HALL, "09:00")
        ]
        assert visits[0].address
        assert booked_visits(session=session, day=date(2026, 11, 25)) == []
