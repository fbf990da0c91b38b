"""The web chat in a phone-sized Chromium: ask, clarify, guide card, reload, large text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.live import open_page, screenshot, site, chromium  # noqa: F401

pytestmark = pytest.mark.browser


def ask(page: Page, text: str) -> None:
    page.get_by_label("您的问题").fill(text)
    page.get_by_role("button", name="发送", exact=True).click()


def test_question_clarified_into_guide_card_survives_reload(open_page: Callable[..., Page]) -> None:
    page = open_page()
    page.goto("/chat")
    expect(page.get_by_role("log")).to_contain_text("我是汕尾市政务服务智能导办")
    ask(page, "身份证怎么办")
    page.get_by_role("button", name="居民身份证补领").click()
    card = page.get_by_role("article", name="办事指南：居民身份证补领")
    expect(card).to_be_visible()
    screenshot(page, "chat-guide-phone")
    page.reload()
    expect(page.get_by_role("article", name="办事指南：居民身份证补领")).to_be_visible()
    page.get_by_role("button", name="大字").click()
    screenshot(page, "chat-guide-phone-big")
