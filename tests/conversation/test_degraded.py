"""What the degraded mode takes for small talk (plain data, no server)."""

from __future__ import annotations

import pytest

from assistant.conversation.degraded import (
    NOTICE,
    WEB_NOTICE,
    WEB_NOTICE_WITH_CARD,
    notice,
    small_talk,
)
from assistant.conversation.messages import GuideCard, Reply


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("谢谢", "thank"),
        ("好的，谢谢！", "thank"),
        ("唔该晒", "thank"),
        ("你好呀", "greet"),
        ("在吗？", "greet"),
        ("好的", "ack"),
        ("嗯嗯", "ack"),
        ("OK", "ack"),
        ("满意", "rating"),
        ("不满意", "rating"),
        ('/rate_service{"rating":"一般"}', "rating"),
        ("拜拜", "goodbye"),
        ("好的再见", "goodbye"),
    ],
)
def test_courtesy_words_are_small_talk(text: str, kind: str | None) -> None:
    assert small_talk(text) == kind


@pytest.mark.parametrize(
    "text",
    ["你好，身份证丢了怎么补办", "好的，那结婚登记要带什么", "社保卡", "谢谢，公积金怎么提取", ""],
)
def test_a_message_that_says_more_than_courtesy_is_not_small_talk(text: str) -> None:
    assert small_talk(text) is None


def test_the_notice_points_web_citizens_to_the_guide_cards_buttons() -> None:
    card = GuideCard(guide_id=1, name="居民身份证补领", url="http://x/g/1", situation_key="lost")
    with_card = [Reply(text="为您找到办事指南：居民身份证补领。", card=card)]
    assert notice("web", with_card) == WEB_NOTICE_WITH_CARD
    assert "预约到大厅办理" in WEB_NOTICE_WITH_CARD
    assert notice("web", [Reply(text="请问您要办理哪一项？")]) == WEB_NOTICE
    assert notice("wechat", with_card) == NOTICE and notice("api", []) == NOTICE
    assert "暂时无法使用" in NOTICE and "预约" in NOTICE
