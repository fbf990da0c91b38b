"""What a WeChat message asks for, decided on plain parsed messages."""

from __future__ import annotations

import pytest
from wechatpy import parse_message

from assistant.errors import InvalidInput
from channels.wechat import texts
from channels.wechat.inbound import Ask, Forget, Say, classify, dedup_key
from tests.wechat.conftest import OPENID, event_xml, message_xml, text_xml


def test_a_text_message_is_asked_with_its_msgid_as_key() -> None:
    action = classify(parse_message(text_xml(" 居住证怎么办 ", msg_id=42)), max_chars=500)
    assert isinstance(action, Ask)
    assert action.key == "msg:42"
    assert (action.message.sender_id, action.message.text, action.message.channel) == (
        OPENID,
        "居住证怎么办",
        "wechat",
    )


def test_an_event_is_keyed_by_sender_and_create_time() -> None:
    assert dedup_key(parse_message(event_xml("CLICK", key="GUIDES", create_time=1700000123))) == (
        f"event:{OPENID}:1700000123"
    )


def test_unsubscribing_forgets_the_citizen() -> None:
    assert classify(parse_message(event_xml("unsubscribe")), max_chars=500) == Forget(OPENID)


def test_an_unknown_menu_key_gets_the_polite_notice() -> None:
    assert classify(parse_message(event_xml("CLICK", key="NO_SUCH_KEY")), max_chars=500) == Say(
        texts.UNSUPPORTED
    )


@pytest.mark.parametrize("x, y", [("91.0", "115.3"), ("22.7", "abc")])
def test_an_impossible_location_is_not_asked(x: str, y: str) -> None:
    location = f"<Location_X>{x}</Location_X><Location_Y>{y}</Location_Y>"
    assert classify(parse_message(message_xml("location", location)), max_chars=500) == Say(
        texts.UNSUPPORTED
    )


def test_a_blank_text_gets_the_polite_notice() -> None:
    assert classify(parse_message(text_xml("   ")), max_chars=500) == Say(texts.UNSUPPORTED)


def test_a_message_without_a_sender_is_invalid() -> None:
    xml = "<xml><MsgType><![CDATA[text]]></MsgType><Content>hi</Content><MsgId>1</MsgId></xml>"
    with pytest.raises(InvalidInput, match="发送方"):
        classify(parse_message(xml), max_chars=500)
