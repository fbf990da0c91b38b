"""The appointment form and the booking actions over the booking service (SQLite, PostgreSQL).

The city clock is Monday 23 November 2026, 08:30 (``NOW``): "明天" is Tuesday the 24th."""

from __future__ import annotations

import itertools
from datetime import date, time
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.booking import (
    ActionAskDate,
    ActionAskHall,
    ActionAskSlot,
    ActionBook,
    ActionCancelAppointment,
    ActionMyAppointments,
    ValidateAppointmentForm,
)
from actions.services import Services
from assistant.booking import service
from assistant.conversation.sealing import seal
from assistant.kb.snapshot import KbSnapshot
from tests.booking.factories import id_number
from tests.conversation.conftest import cards, responses, run, tracker

GUIDE, HALL = "居民身份证补领", "城区政务服务中心"
ID_NUMBER, PHONE = "441502199003151239", "13800138000"


def with_new_slots(t: Tracker, **slots: Any) -> Tracker:
    """Slots extracted from this turn's message (what the form validates)."""
    for name, value in slots.items():
        t.slots[name] = value
        t.events.append({"event": "slot", "name": name, "value": value})
    return t


def booked_slots(services: Services, **extra: Any) -> dict[str, Any]:
    secret = services.settings.secret_key
    return {
        "service": GUIDE,
        "hall": HALL,
        "date": "2026-11-24",
        "slot": "09:30",
        "name": "陈晓明",
        "phone": seal(secret, PHONE),
        "id_number": seal(secret, ID_NUMBER),
        **extra,
    }


def test_booking_tomorrow_morning_takes_the_current_guide_and_narrows_to_the_morning(
    services: Services, kb: KbSnapshot
) -> None:
    g = kb.guide(GUIDE)
    t = with_new_slots(
        tracker(
            "帮我约明天上午",
            intent="book_appointment",
            slots={"guide_id": str(g.id), "guide_name": GUIDE},
        ),
        date="明天",
        slot="上午",
    )
    events, messages = run(ValidateAppointmentForm(services), t)
    assert sorted(events, key=lambda e: e["name"]) == [
        SlotSet("date", "2026-11-24"),
        SlotSet("service", GUIDE),
        SlotSet("slot", None),
        SlotSet("time_pref", "morning"),
    ]
    assert messages == []


def test_the_hall_buttons_are_halls_that_accept_the_guide(services: Services) -> None:
    t = tracker("", slots={"service": GUIDE}, metadata={"lat": 22.78, "lon": 115.365})
    _events, messages = run(ActionAskHall(services), t)
    assert messages[0]["response"] == "utter_choose_hall"
    assert messages[0]["buttons"][0] == {
        "title": f"{HALL}（约0.0公里）",
        "payload": '/inform{"hall":"城区政务服务中心"}',
    }


def test_a_hall_that_does_not_handle_the_item_is_refused_with_where_to_go(
    services: Services,
) -> None:
    t = with_new_slots(
        tracker(
            "城区凤山街道新港社区便民服务站",
            intent="inform",
            active_loop="appointment_form",
            slots={"service": GUIDE, "requested_slot": "hall"},
        ),
        hall="城区凤山街道新港社区便民服务站",
    )
    events, messages = run(ValidateAppointmentForm(services), t)
    assert events[0] == SlotSet("hall", None)
    assert "不受理" in messages[0]["text"]


def test_a_sunday_is_refused_and_the_date_asked_again(services: Services) -> None:
    t = with_new_slots(
        tracker(
            "11月29日",
            intent="inform",
            active_loop="appointment_form",
            slots={"service": GUIDE, "hall": HALL, "requested_slot": "date"},
        ),
        date="11月29日",
    )
    events, messages = run(ValidateAppointmentForm(services), t)
    assert events[0] == SlotSet("date", None)
    assert messages[0].get("text") or messages[0].get("response") == "utter_no_slot_that_day"


def test_the_offered_days_are_open_days_with_free_places(services: Services) -> None:
    _events, messages = run(
        ActionAskDate(services), tracker("", slots={"service": GUIDE, "hall": HALL})
    )
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[0] == '/inform{"date":"2026-11-23"}'
    assert '/inform{"date":"2026-11-29"}' not in payloads  # a Sunday


def test_morning_slots_are_offered_as_buttons_and_a_slot_picker(services: Services) -> None:
    t = tracker(
        "", slots={"service": GUIDE, "hall": HALL, "date": "2026-11-24", "time_pref": "morning"}
    )
    _events, messages = run(ActionAskSlot(services), t)
    assert messages[0]["response"] == "utter_choose_slot"
    starts = [b["payload"] for b in messages[0]["buttons"]]
    assert starts[0] == '/inform{"time":"09:00"}'
    assert all(p < '/inform{"time":"12:00"}' for p in starts)
    [picker] = cards(messages)
    assert picker["kind"] == "slots" and picker["hall"] == HALL and picker["guide"] == GUIDE


def test_a_chosen_time_inside_a_slot_fills_it(services: Services) -> None:
    t = with_new_slots(
        tracker(
            '/inform{"time":"09:30"}',
            intent="inform",
            active_loop="appointment_form",
            slots={"service": GUIDE, "hall": HALL, "date": "2026-11-24", "requested_slot": "slot"},
        ),
        slot="09:30",
    )
    events, _messages = run(ValidateAppointmentForm(services), t)
    assert events[0] == SlotSet("slot", "09:30")


def test_the_booking_is_made_confirmed_and_cancelled(services: Services) -> None:
    t = tracker("IDxxx", slots=booked_slots(services), metadata={"channel": "web"})
    events, messages = run(ActionBook(services), t)
    [booking] = cards(messages)
    assert booking["kind"] == "booking" and booking["hall"] == HALL and booking["guide"] == GUIDE
    assert (booking["date"], booking["start"], booking["status"]) == (
        "2026-11-24",
        "09:30:00",
        "booked",
    )
    assert events == [
        SlotSet("date", None),
        SlotSet("slot", None),
        SlotSet("time_pref", None),
        SlotSet("booking_code", booking["code"]),
    ]
    assert messages[0]["response"] == "utter_booked" and messages[0]["code"] == booking["code"]
    assert ID_NUMBER not in str(messages) and PHONE not in str(messages)

    mine = tracker("我的预约", intent="my_appointments", slots=booked_slots(services))
    _events, listed = run(ActionMyAppointments(services), mine)
    assert [c["code"] for c in cards(listed)] == [booking["code"]]

    cancel = tracker(
        "取消预约",
        intent="cancel_appointment",
        slots=booked_slots(services, booking_code=booking["code"]),
    )
    events, messages = run(ActionCancelAppointment(services), cancel)
    assert events == [SlotSet("booking_code", None)]
    assert responses(messages)[0] == "utter_cancelled"
    assert cards(messages)[0]["status"] == "cancelled"


PEOPLE = itertools.count()


def fill(services: Services, slot: str, day: str = "2026-11-24") -> None:
    """Other citizens (a new one each time) book ``slot`` until it is full."""
    secret = services.settings.secret_key
    for _ in range(50):
        i = next(PEOPLE)
        other = booked_slots(
            services,
            date=day,
            slot=slot,
            name="林静",
            phone=seal(secret, f"137{i:08d}"),
            id_number=seal(secret, id_number(i)),
        )
        t = tracker("确认预约", slots=other)
        t.latest_message["message_id"] = f"other-citizen-{i:06d}"  # each booking its own request
        _events, messages = run(ActionBook(services), t)
        if responses(messages)[0] == "utter_booking_failed":
            assert messages[0]["reason"].startswith("该时段已约满"), messages[0]["reason"]
            return
    raise AssertionError("the slot never filled up")


def test_a_time_taken_meanwhile_is_asked_again_with_the_times_left(services: Services) -> None:
    """Between the offered buttons and the click, someone else took the last place: the citizen
    hears which times are left and the form asks for the time again (with buttons)."""
    fill(services, "09:30")
    t = tracker("IDmine001", slots=booked_slots(services))
    events, messages = run(ActionBook(services), t)
    assert responses(messages) == ["utter_booking_failed"]
    assert messages[0]["reason"].startswith("该时段已约满。当天还可以预约：")
    assert "09:30" not in messages[0]["reason"]
    assert events == [SlotSet("slot", None), FollowupAction("appointment_form")]

    asked = tracker("IDmine002", slots={**booked_slots(services), "slot": None})
    _events, offered = run(ActionAskSlot(services), asked)
    times = [b["title"][:5] for b in offered[0]["buttons"]]
    assert times and "09:30" not in times


def test_a_day_filled_up_meanwhile_asks_for_another_day(services: Services) -> None:
    with services.session() as session:
        view = service.day_view(
            session=session,
            kb=services.kb(),
            hall_ref=HALL,
            guide_ref=GUIDE,
            day=date(2026, 11, 24),
            now=services.now(),
            working_days=services.settings.booking_horizon_working_days,
        )
    for s in view.slots:
        if s.start != time(9, 30):
            fill(services, f"{s.start:%H:%M}")
    fill(services, "09:30")  # the citizen's time last: the whole day is gone when they click
    events, messages = run(ActionBook(services), tracker("IDmine003", slots=booked_slots(services)))
    assert messages[0]["reason"] == "该时段已约满，当天已没有可预约的时段，请选择其他日期。"
    assert events == [
        SlotSet("date", None),
        SlotSet("slot", None),
        FollowupAction("appointment_form"),
    ]


def test_cancelling_without_a_booking_in_this_conversation_says_where_to_cancel(
    services: Services,
) -> None:
    events, messages = run(
        ActionCancelAppointment(services), tracker("取消预约", intent="cancel_appointment")
    )
    assert events == []
    assert responses(messages) == ["utter_no_booking_here"]


def test_a_clarifying_button_answers_the_forms_service_question(services: Services) -> None:
    payload = '/inform{"service":"居民身份证换领"}'
    t = with_new_slots(
        tracker(
            payload,
            intent="inform",
            active_loop="appointment_form",
            slots={"requested_slot": "service"},
        ),
        service=payload,
    )
    events, messages = run(ValidateAppointmentForm(services), t)
    assert events[0] == SlotSet("service", "居民身份证换领")
    assert messages == []


@pytest.mark.parametrize(
    ("name", "slot", "chosen", "misread"),
    [("王五", "date", "2026-11-24", "五"), ("陈一", "slot", "09:30", "一")],
    ids=["day", "time"],
)
def test_a_name_misread_as_a_day_or_time_keeps_the_one_chosen_before(
    services: Services, name: str, slot: str, chosen: str, misread: str
) -> None:
    """The entity extractor may read the 五 of 王五 as a date (the 一 of 陈一 as a time): when
    the name was asked, the answer is the name and the earlier choice stands."""
    filled = {"service": GUIDE, "hall": HALL, "date": "2026-11-24", "slot": "09:30"}
    del filled[slot]
    t = tracker(
        name,
        intent="inform",
        active_loop="appointment_form",
        slots={**filled, "requested_slot": "name"},
    )
    t.events.insert(0, {"event": "slot", "name": slot, "value": chosen})
    t = with_new_slots(t, **{slot: misread, "name": name})
    events, messages = run(ValidateAppointmentForm(services), t)
    assert SlotSet(slot, chosen) in events and SlotSet("name", name) in events
    assert messages == []


def test_an_unclear_day_when_the_day_was_asked_is_asked_again(services: Services) -> None:
    t = with_new_slots(
        tracker(
            "随便",
            intent="inform",
            active_loop="appointment_form",
            slots={"service": GUIDE, "hall": HALL, "requested_slot": "date"},
        ),
        date="随便",
    )
    events, messages = run(ValidateAppointmentForm(services), t)
    assert events[0] == SlotSet("date", None)
    assert messages[0]["text"] == "没听清是哪一天，请从下面的日期中选择。"
