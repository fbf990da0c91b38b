"""The web chat in a phone-sized Chromium: the whole flow a citizen walks.

ask → clarify → guide card → waiver with consent → hall → slot → book → cancel → rating, with a
reload in the middle (the transcript comes back) and large-text mode. Screenshots go to
test-results/browser/. The dialogue server is not running here: the chat endpoint answers in
degraded mode (see ``live.site``); the waiver and booking steps use the page's own forms, which
call the public API directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

CHEN_XIAOMING = "441502199003151239"  # demo citizen with a valid e-ID card and hukou booklet
PHONE_NUMBER = "13800138000"
FIRST_ANSWER_MS = 30_000
WAIVER_CARD = re.compile("^免提交核验：居民身份证补领")


def ask(page: Page, text: str) -> None:
    page.get_by_label("您的问题").fill(text)
    page.get_by_role("button", name="发送", exact=True).click()


def guide_from_clarified_question(page: Page) -> None:
    page.goto("/chat")
    expect(page.get_by_role("log")).to_contain_text("我是汕尾市政务服务智能导办")
    ask(page, "身份证怎么办")
    # The first answer builds the app's NLU index, which takes a while on a busy machine.
    choice = page.get_by_role("button", name="补领", exact=True)
    expect(choice).to_be_visible(timeout=FIRST_ANSWER_MS)
    choice.click()
    expect(page.get_by_role("article", name="办事指南：居民身份证补领")).to_be_visible()


def test_citizen_gets_a_guide_and_checks_waivers_with_consent(
    open_page: Callable[..., Page],
) -> None:
    page = open_page()
    guide_from_clarified_question(page)
    card = page.get_by_role("article", name="办事指南：居民身份证补领")
    expect(card.get_by_role("listitem").first).to_be_visible()
    screenshot(page, "chat-1-guide")

    # Waivers: nothing is looked up without the consent box ticked.
    card.get_by_role("button", name="查哪些材料可以免交").click()
    form = page.get_by_role("form", name="查询“居民身份证补领”哪些材料可以免交")
    form.get_by_label("身份证号码").fill(CHEN_XIAOMING)
    form.get_by_role("button", name="查询").click()
    expect(form.get_by_role("alert")).to_have_text("需要您勾选同意查询，我们才能帮您核验。")
    form.get_by_label("我同意为办理本事项查询我的电子证照和政务共享数据").check()
    screenshot(page, "chat-2-consent")
    form.get_by_role("button", name="查询").click()
    waiver = page.get_by_role("article", name=WAIVER_CARD)
    expect(waiver.locator(".badge.ok").first).to_have_text("免提交")
    expect(page.get_by_role("log")).to_contain_text("同意查询免交材料（身份证 4415**********1239）")
    screenshot(page, "chat-3-waiver", full_page=True)

    # The transcript survives a reload, without the full ID number.
    page.reload()
    expect(page.get_by_role("article", name=WAIVER_CARD)).to_be_visible()
    assert CHEN_XIAOMING not in page.evaluate("JSON.stringify(localStorage)")


def test_citizen_books_a_slot_cancels_it_and_rates_the_service(
    open_page: Callable[..., Page],
) -> None:
    page = open_page()
    guide_from_clarified_question(page)

    # Booking: where → hall → day → slot → form.
    page.get_by_role("article", name="办事指南：居民身份证补领").get_by_role(
        "button", name="预约到大厅办理"
    ).click()
    page.get_by_role("button", name="使用我的位置").click()
    halls = page.get_by_role("region", name="服务大厅").last
    expect(halls).to_contain_text("距离约")
    nearest = halls.get_by_role("article").first
    expect(nearest.get_by_role("heading")).to_have_text("城区政务服务中心")
    expect(nearest.get_by_role("link", name="在地图上查看")).to_have_attribute(
        "href",
        "https://uri.amap.com/marker?position=115.365%2C22.78&name="
        + quote("城区政务服务中心")
        + "&coordinate=wgs84",
    )
    screenshot(page, "chat-4-halls")
    halls.get_by_role("button", name="预约这家大厅").first.click()
    page.locator(".msg.bot").last.get_by_role("button").first.click()
    slots = page.get_by_role("region", name="可预约时段：城区政务服务中心")
    slots.get_by_role("button").first.click()
    screenshot(page, "chat-5-slots")
    booking_form = page.get_by_role("form", name="填写预约信息")
    booking_form.get_by_label("办事人姓名").fill("陈晓明")
    booking_form.get_by_label("手机号码（取消预约时要用）").fill(PHONE_NUMBER)
    booking_form.get_by_label("办事人身份证号码").fill(CHEN_XIAOMING)
    booking_form.get_by_role("button", name="确认预约").click()
    ticket = page.locator(".card.booking").last
    expect(ticket).to_contain_text("已预约")
    code = ticket.locator(".code strong").inner_text()
    screenshot(page, "chat-6-booked")

    # Cancel: the phone number is asked again (prefilled from this visit, never stored).
    ticket.get_by_role("button", name="取消这个预约").click()
    cancel = page.get_by_role("form", name=f"取消预约 {code}")
    expect(cancel.get_by_label("预约时留的手机号码")).to_have_value(PHONE_NUMBER)
    cancel.get_by_role("button", name="确认取消").click()
    expect(page.get_by_role("article", name=f"预约：{code}").last).to_contain_text("已取消")
    assert PHONE_NUMBER not in page.evaluate("JSON.stringify(localStorage)")

    # The end of the task: a rating (好差评), sent to the dialogue like any button.
    rating = page.get_by_role("region", name="服务评价").last
    rating.get_by_role("button", name="满意", exact=True).click()
    expect(page.locator(".msg.user").last).to_have_text("满意")
    expect(rating.get_by_role("button", name="满意", exact=True)).to_be_disabled()
    screenshot(page, "chat-7-rated")


def test_large_text_mode_is_remembered_and_earlier_choices_retire(
    open_page: Callable[..., Page],
) -> None:
    page = open_page()
    guide_from_clarified_question(page)
    expect(page.get_by_role("button", name="换领", exact=True)).to_be_disabled()
    page.get_by_role("button", name="大字").click()
    expect(page.get_by_role("button", name="大字")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("html")).to_have_class("big")
    font = page.evaluate("getComputedStyle(document.documentElement).fontSize")
    assert font == "23px"
    screenshot(page, "chat-big-text")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling


def test_new_conversation_forgets_transcript_and_sender(open_page: Callable[..., Page]) -> None:
    page = open_page()
    guide_from_clarified_question(page)
    before = page.evaluate("localStorage.getItem('zd.chat.session')")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="新对话").click()
    expect(page.get_by_role("article")).to_have_count(0)
    after = page.evaluate("localStorage.getItem('zd.chat.session')")
    assert after != before and after.startswith("web-")
