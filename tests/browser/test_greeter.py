"""The greeter console on a tablet: life event → questions → checklist → waiver → QR → ticket."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from assistant.kb import files, schema
from tests.browser.conftest import EDITOR, GREETER, PASSWORD, TABLET, screenshot

pytestmark = pytest.mark.browser

CHEN_XIAOMING = "441502199003151239"
GUIDE = "居民身份证补领"  # a catalog item whose guide has a question tree


def bundled_guide(bundle: files.Bundle, name: str) -> schema.Guide:
    return next(g for g in bundle.guides.values() if g.name == name)


def walk_to_situation(page: Page, guide: schema.Guide) -> schema.Situation:
    """Answer each question with its last option until a situation is reached."""
    by_id = {q.id: q for q in guide.questions}
    question = guide.questions[0]
    while True:
        region = page.get_by_role("region", name="问题")
        expect(region.get_by_role("heading")).to_have_text(question.text)
        option = question.options[-1]
        region.get_by_role("button", name=option.label, exact=True).click()
        if option.situation:
            return guide.situation(option.situation)
        question = by_id[option.next]


def log_in(page: Page, username: str) -> None:
    page.goto("/greeter")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_greeter_walks_life_event_to_checklist_with_waivers_qr_and_print(
    open_page: Callable[..., Page], kb_bundle: files.Bundle
) -> None:
    guide = bundled_guide(kb_bundle, GUIDE)
    page = open_page(TABLET)
    log_in(page, GREETER[0])
    expect(page.get_by_role("heading", name="群众要办什么事？")).to_be_visible()
    page.get_by_label("本厅").select_option(label="城区政务服务中心")
    screenshot(page, "greeter-1-start")

    events = page.get_by_role("region", name="按人生事件")
    events.get_by_role("button", name=guide.life_events[0], exact=True).click()
    page.get_by_role("button", name=GUIDE).click()
    screenshot(page, "greeter-2-question")
    situation = walk_to_situation(page, guide)

    sheet = page.get_by_role("article", name=f"材料清单：{GUIDE}")
    expect(sheet.get_by_text(f"办理情形：{situation.name}")).to_be_visible()
    names = [m.name for m in guide.materials_for(situation.key)]
    expect(sheet.locator(".materials strong")).to_have_text(names)

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
    expect(
        form.get_by_label("申请人已同意为办理本事项查询其电子证照和政务共享数据")
    ).not_to_be_checked()

    # The QR code of this checklist (the guide page with the situation).
    page.get_by_role("button", name="显示二维码").click()
    qr = sheet.get_by_role("img", name=f"二维码：{GUIDE}（{situation.name}）的办事指南")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert qr.get_attribute("src") == f"/g/{guide.slug}/qr.svg?s={situation.key}"
    screenshot(page, "greeter-3-checklist", full_page=True)

    # Printing leaves the checklist alone, with its QR code.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="核验免提交材料")).to_be_hidden()
    expect(qr).to_be_visible()
    screenshot(page, "greeter-4-print", full_page=True)
    page.emulate_media(media="screen")


def test_greeter_issues_a_queue_ticket_or_books_a_slot_at_their_own_hall(
    open_page: Callable[..., Page], kb_bundle: files.Bundle
) -> None:
    page = open_page(TABLET)
    log_in(page, GREETER[0])
    page.get_by_label("本厅").select_option(label="城区政务服务中心")
    page.get_by_label("搜索事项或直接输入群众的问题").fill(GUIDE)
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    page.get_by_role("button", name=GUIDE).click()
    walk_to_situation(page, bundled_guide(kb_bundle, GUIDE))
    page.get_by_role("button", name="现场取号").click()
    ticket_form = page.get_by_role("form", name="现场取号")
    expect(ticket_form.get_by_label("办理大厅")).to_have_value(
        ticket_form.get_by_label("办理大厅")
        .locator("option", has_text="城区政务服务中心")
        .get_attribute("value")
    )
    ticket_form.get_by_role("button", name="取号").click()
    ticket = ticket_form.get_by_role("status")
    expect(ticket).to_contain_text("城区政务服务中心")
    assert ticket.locator(".label").inner_text().strip()
    screenshot(page, "greeter-5-ticket")

    # Or an appointment: day → slot → the citizen's details → booking code.
    page.get_by_role("button", name="预约办理").click()
    booking = page.get_by_role("form", name="预约办理")
    booking.get_by_role("button", name="查看可预约日期").click()
    booking.locator(".days").get_by_role("button").first.click()
    booking.locator(".slots").get_by_role("button").first.click()
    booking.get_by_label("办事人姓名").fill("陈晓明")
    booking.get_by_label("手机号码").fill("13800138000")
    booking.get_by_label("身份证号码").fill(CHEN_XIAOMING)
    booking.get_by_role("button", name="确认预约").click()
    expect(booking.get_by_role("status")).to_contain_text("预约成功")
    screenshot(page, "greeter-6-booked")


def test_greeter_search_understands_a_citizens_words(open_page: Callable[..., Page]) -> None:
    page = open_page(TABLET)
    log_in(page, GREETER[0])
    page.get_by_label("搜索事项或直接输入群众的问题").fill("身份证丢了")
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    expect(page.get_by_role("button", name=GUIDE)).to_be_visible()


def test_an_editor_account_cannot_use_the_greeter_console(open_page: Callable[..., Page]) -> None:
    page = open_page(TABLET)
    log_in(page, EDITOR[0])
    expect(page.get_by_role("alert")).to_have_text("这个账号不是导办员账号，请换导办员账号登录。")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
