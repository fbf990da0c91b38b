"""The greeter console on a tablet: life event → questions → checklist → waiver → QR → ticket."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.live import (  # noqa: F401
    EDITOR,
    GREETER,
    PASSWORD,
    TABLET,
    chromium,
    open_page,
    screenshot,
    site,
)

pytestmark = pytest.mark.browser

CHEN_XIAOMING = "441502199003151239"


def log_in(page: Page, username: str) -> None:
    page.goto("/greeter")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_greeter_walks_life_event_to_checklist_waiver_and_ticket(
    open_page: Callable[..., Page],
) -> None:
    page = open_page(TABLET)
    log_in(page, GREETER[0])
    expect(page.get_by_role("heading", name="群众要办什么事？")).to_be_visible()
    page.get_by_label("本厅").select_option(label="城区政务服务中心")
    screenshot(page, "greeter-1-start")

    page.get_by_role("region", name="按人生事件").get_by_role("button", name="日常").click()
    page.get_by_role("button", name="居民身份证补领").click()
    question = page.get_by_role("region", name="问题")
    expect(question.get_by_role("heading")).to_have_text("您的身份证是怎么丢失的？")
    screenshot(page, "greeter-2-question")
    question.get_by_role("button", name="被偷或被抢").click()

    sheet = page.get_by_role("article", name="材料清单：居民身份证补领")
    expect(sheet.get_by_text("办理情形：身份证被盗补领")).to_be_visible()
    expect(sheet.get_by_role("listitem").first).to_be_visible()

    # Waivers need the applicant's consent; the greeter sees which materials are waived.
    page.get_by_role("button", name="核验免提交材料").click()
    form = page.get_by_role("form", name="核验免提交材料")
    form.get_by_label("申请人身份证号码").fill(CHEN_XIAOMING)
    form.get_by_role("button", name="核验").click()
    expect(form.get_by_role("alert")).to_have_text("请先征得申请人同意，并勾选同意查询。")
    form.get_by_label("申请人已同意为办理本事项查询其电子证照和政务共享数据").check()
    form.get_by_role("button", name="核验").click()
    expect(sheet.locator(".badge.ok").first).to_have_text("免提交")
    expect(form).to_contain_text("申请人 4415**********1239")
    expect(form.get_by_label("申请人身份证号码")).to_have_value("")

    # The QR code of this checklist (the guide page with the situation).
    page.get_by_role("button", name="显示二维码").click()
    qr = sheet.get_by_role("img", name="二维码：居民身份证补领（身份证被盗补领）的办事指南")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert qr.get_attribute("src") == "/g/juminshenfenzheng-buling/qr.svg?s=stolen"
    screenshot(page, "greeter-3-checklist", full_page=True)

    # Printing leaves the checklist alone, with its QR code.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="核验免提交材料")).to_be_hidden()
    expect(qr).to_be_visible()
    screenshot(page, "greeter-4-print", full_page=True)
    page.emulate_media(media="screen")

    # A queue ticket now, at the greeter's own hall.
    page.get_by_role("button", name="现场取号").click()
    ticket_form = page.get_by_role("form", name="现场取号")
    expect(ticket_form.get_by_label("办理大厅")).to_have_value(
        ticket_form.get_by_label("办理大厅").locator("option", has_text="城区政务服务中心").get_attribute("value")
    )
    ticket_form.get_by_role("button", name="取号").click()
    ticket = ticket_form.get_by_role("status")
    expect(ticket).to_contain_text("城区政务服务中心")
    assert ticket.locator(".label").inner_text().strip()
    screenshot(page, "greeter-5-ticket")


def test_greeter_search_understands_a_citizens_words(open_page: Callable[..., Page]) -> None:
    page = open_page(TABLET)
    log_in(page, GREETER[0])
    page.get_by_role("search").get_by_role("textbox").fill("身份证")
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    expect(page.get_by_role("button", name="居民身份证补领")).to_be_visible()


def test_an_editor_account_cannot_use_the_greeter_console(open_page: Callable[..., Page]) -> None:
    page = open_page(TABLET)
    log_in(page, EDITOR[0])
    expect(page.get_by_role("alert")).to_have_text("这个账号不是导办员账号，请换导办员账号登录。")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
