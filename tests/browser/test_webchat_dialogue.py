"""The web chat through the real dialogue server: Rasa 3.6 with the trained model, its custom
actions served by the app, in a phone-sized Chromium.

One conversation walks the flow the conversation issue names, all typed as a citizen would:
a guide question, then "要带什么材料" → "多少钱" → "在哪办" → "帮我约明天上午" (hall and slot
as buttons, name, phone and ID number typed) → "我能免交哪些" (consent) → "取消预约". Every
turn must come from Rasa (``degraded: false``), and the booking must really be made and then
cancelled in the database. Screenshots go to test-results/browser/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from assistant.booking.models import Booking
from tests.browser.conftest import Site, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.rasa]

CHEN_XIAOMING = "441502199003151239"  # demo citizen with a valid e-ID card and hukou booklet
PHONE_NUMBER = "13800138000"


def _is_chat(response: Any) -> bool:
    return bool(response.url.endswith("/api/v1/chat") and response.request.method == "POST")


def say(page: Page, text: str) -> dict[str, Any]:
    """Type and send a message; the turn the server answered (through Rasa, not degraded)."""
    with page.expect_response(_is_chat, timeout=60_000) as answer:
        page.get_by_label("您的问题").fill(text)
        page.get_by_role("button", name="发送", exact=True).click()
    return _from_rasa(answer.value.json())


def press(page: Page, button: str) -> dict[str, Any]:
    """Press a quick reply of the last answer, as a citizen taps it."""
    with page.expect_response(_is_chat, timeout=60_000) as answer:
        page.get_by_role("button", name=button, exact=True).last.click()
    return _from_rasa(answer.value.json())


def _from_rasa(turn: dict[str, Any]) -> dict[str, Any]:
    assert turn["degraded"] is False, f"answered without the dialogue server: {turn}"
    assert turn["replies"], "the dialogue server answered nothing"
    return turn


def bookings(site: Site) -> list[Booking]:
    with Session(site.app.state.engine) as session:
        return list(session.exec(select(Booking)))


def test_citizen_talks_through_guide_booking_waiver_and_cancellation(
    open_dialogue_page: Callable[..., Page], dialogue_site: Site
) -> None:
    page = open_dialogue_page()
    page.goto("/chat")
    log = page.get_by_role("log")
    expect(log).to_contain_text("我是汕尾市政务服务智能导办")

    say(page, "身份证丢了怎么办")
    expect(page.get_by_role("article", name="办事指南：居民身份证补领")).to_be_visible()
    screenshot(page, "dialogue-1-guide")

    # The guide stays the subject of the conversation: each aspect without naming it again.
    say(page, "要带什么材料")
    expect(page.locator(".msg.bot").filter(has_text="需要准备以下材料").last).to_be_visible()
    say(page, "多少钱")
    expect(page.locator(".msg.bot").last).to_contain_text("工本费")
    say(page, "在哪办")
    halls = page.get_by_role("region", name="服务大厅").last
    expect(halls).to_contain_text("城区政务服务中心")
    screenshot(page, "dialogue-2-where")

    # Booking as a form the dialogue drives: hall and slot as buttons, the rest typed.
    say(page, "帮我约明天上午")
    press(page, "城区政务服务中心")
    slots = page.get_by_role("region", name="可预约时段：城区政务服务中心").last
    expect(slots).to_contain_text("11月24日")  # the fixed clock's tomorrow (a Tuesday)
    screenshot(page, "dialogue-3-slots")
    with page.expect_response(_is_chat, timeout=60_000):
        slots.get_by_role("button", name=re.compile(r"^09:00")).click()
    expect(page.locator(".msg.bot").last).to_contain_text("姓名")
    say(page, "陈晓明")
    expect(page.locator(".msg.bot").last).to_contain_text("手机号码")
    say(page, PHONE_NUMBER)
    expect(page.locator(".msg.bot").last).to_contain_text("身份证号码")
    say(page, CHEN_XIAOMING)
    expect(log).to_contain_text("预约成功")
    ticket = page.locator(".card.booking").last
    code = ticket.locator(".code strong").inner_text()
    [booked] = bookings(dialogue_site)
    assert (booked.code, booked.status, str(booked.day), booked.start.strftime("%H:%M")) == (
        code,
        "booked",
        "2026-11-24",
        "09:00",
    )
    # What the citizen typed is shown and kept masked.
    expect(page.locator(".msg.user").last).to_have_text("4415**********1239")
    screenshot(page, "dialogue-4-booked")

    # Waivers through the dialogue: nothing is looked up before consent.
    say(page, "我能免交哪些")
    expect(page.locator(".msg.bot").last).to_contain_text("同意")
    press(page, "同意授权")
    waiver = page.get_by_role("article", name=re.compile("^免提交核验：居民身份证补领"))
    expect(waiver.locator(".badge.ok").first).to_have_text("免提交")
    screenshot(page, "dialogue-5-waiver", full_page=True)

    say(page, "取消预约")
    expect(log).to_contain_text(f"已为您取消预约 {code}")
    [cancelled] = bookings(dialogue_site)
    assert cancelled.status == "cancelled"
    screenshot(page, "dialogue-6-cancelled")

    # The conversation survives a reload, without the full numbers the citizen typed.
    page.reload()
    expect(page.get_by_role("article", name=f"预约：{code}").first).to_be_visible()
    kept = page.evaluate("JSON.stringify(localStorage)")
    assert CHEN_XIAOMING not in kept and PHONE_NUMBER not in kept


def test_vague_question_gets_a_clarifying_choice_from_the_dialogue(
    open_dialogue_page: Callable[..., Page],
) -> None:
    page = open_dialogue_page()
    page.goto("/chat")
    turn = say(page, "身份证怎么办")
    offered = [b["title"] for r in turn["replies"] for b in r["buttons"]]
    assert {"补领", "换领"} <= set(offered), offered
    press(page, "补领")
    expect(page.get_by_role("article", name="办事指南：居民身份证补领")).to_be_visible()
    screenshot(page, "dialogue-clarified")
