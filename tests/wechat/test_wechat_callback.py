"""The callback URL as WeChat's servers use it: verification, messages, events, retries."""

from __future__ import annotations

import xmltodict
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from wechatpy.crypto import WeChatCrypto

from assistant.app import create_app
from assistant.config import Settings
from assistant.conversation.messages import (
    Button,
    GuideCard,
    HallCard,
    HallList,
    MaterialLine,
    Reply,
    Turn,
    UserMessage,
)
from assistant.errors import InvalidInput
from channels.wechat import texts
from tests.wechat.conftest import (
    ACCOUNT,
    AES_KEY,
    APP_ID,
    OPENID,
    TOKEN,
    WeChatHarness,
    event_xml,
    message_xml,
    text_xml,
)

CUSTOM_SEND = "/cgi-bin/message/custom/send"


# Verification ------------------------------------------------------------------------------


def test_verification_echoes_echostr_for_wechats_published_signature(
    settings: Settings, engine: Engine
) -> None:
    app = create_app(settings.model_copy(update={"wechat_token": "test"}), engine=engine)
    params = {
        "signature": "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff",
        "timestamp": "1410685589",
        "nonce": "test",
        "echostr": "5927782489442352469",
    }
    with TestClient(app) as client:
        r = client.get("/wechat", params=params)
    assert r.status_code == 200
    assert r.text == "5927782489442352469"


def test_verification_with_a_wrong_signature_is_refused_with_403(wechat: WeChatHarness) -> None:
    params = {**wechat.signed(), "echostr": "42"}
    params["signature"] = params["signature"][:-1] + (
        "0" if params["signature"][-1] != "0" else "1"
    )
    r = wechat.client.get("/wechat", params=params)
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "签名校验失败。"


def test_an_unconfigured_account_answers_503_with_a_reason(
    settings: Settings, engine: Engine
) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        r = client.get(
            "/wechat", params={"signature": "x", "timestamp": "1", "nonce": "2", "echostr": "3"}
        )
    assert r.status_code == 503
    assert r.json()["error"]["message"] == "微信公众号接入尚未配置。"


# Plaintext and AES modes -------------------------------------------------------------------


def test_plaintext_text_message_gets_a_passive_text_reply(wechat: WeChatHarness) -> None:
    reply = wechat.reply(text_xml("新生儿怎么上户口"))
    assert reply["MsgType"] == "text"
    assert reply["ToUserName"] == OPENID and reply["FromUserName"] == ACCOUNT
    assert reply["Content"] == "您问的是：新生儿怎么上户口"
    assert wechat.conversation.messages == [
        UserMessage(sender_id=OPENID, channel="wechat", text="新生儿怎么上户口")
    ]


def test_a_message_with_a_wrong_signature_is_refused_and_never_reaches_the_conversation(
    wechat: WeChatHarness,
) -> None:
    params = {**wechat.signed(), "signature": "0" * 40}
    r = wechat.client.post("/wechat", params=params, content=text_xml("你好").encode())
    assert r.status_code == 403
    assert wechat.conversation.messages == []


def test_unparseable_xml_is_refused_with_a_reason(wechat: WeChatHarness) -> None:
    r = wechat.post("<xml><FromUserName>oops")
    assert r.status_code == 422
    assert r.json()["error"]["message"] == "无法解析的消息。"


def test_aes_mode_round_trip_built_by_wechatpy(wechat: WeChatHarness) -> None:
    r = wechat.post_aes(text_xml("身份证丢了怎么办"), nonce="777", timestamp="1700000009")
    assert r.status_code == 200
    sealed = xmltodict.parse(r.text)["xml"]
    assert "Content" not in r.text  # nothing in the clear
    plain = WeChatCrypto(TOKEN, AES_KEY, APP_ID).decrypt_message(
        r.text, sealed["MsgSignature"], sealed["TimeStamp"], sealed["Nonce"]
    )
    reply = xmltodict.parse(plain)["xml"]
    assert reply["Content"] == "您问的是：身份证丢了怎么办"
    assert reply["ToUserName"] == OPENID
    assert wechat.conversation.messages[0].text == "身份证丢了怎么办"


def test_aes_mode_answers_wechats_published_encrypted_sample(wechat: WeChatHarness) -> None:
    body = (
        "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n"
        "<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiF"
        "nXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/"
        "RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5"
        "jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS70"
        "9/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCR"
        "xthuL0=]]></Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>"
    )
    params = {
        **wechat.signed("1411525903", "461056294"),
        "encrypt_type": "aes",
        "msg_signature": "74d92dfeb87ba7c714f89d98870ae5eb62dff26d",
    }
    r = wechat.client.post("/wechat", params=params, content=body.encode())
    assert r.status_code == 200
    assert wechat.conversation.messages == [
        UserMessage(sender_id="messense", channel="wechat", text="test")
    ]
    sealed = xmltodict.parse(r.text)["xml"]
    assert sealed["Nonce"] == "461056294" and sealed["TimeStamp"] == "1411525903"
    plain = WeChatCrypto(TOKEN, AES_KEY, APP_ID).decrypt_message(
        r.text, sealed["MsgSignature"], "1411525903", "461056294"
    )
    assert xmltodict.parse(plain)["xml"]["Content"] == "您问的是：test"


def test_aes_message_with_a_wrong_msg_signature_is_refused(wechat: WeChatHarness) -> None:
    sealed = WeChatCrypto(TOKEN, AES_KEY, APP_ID).encrypt_message(
        text_xml("你好"), "1", "1700000000"
    )
    params = {**wechat.signed("1700000000", "1"), "encrypt_type": "aes", "msg_signature": "f" * 40}
    r = wechat.client.post("/wechat", params=params, content=sealed.encode())
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "消息签名校验失败。"
    assert wechat.conversation.messages == []


# WeChat's five seconds and its retries -----------------------------------------------------


def slow(wechat: WeChatHarness) -> None:
    wechat.channel.settings = wechat.channel.settings.model_copy(
        update={"wechat_reply_deadline_seconds": 0.2}
    )
    wechat.conversation.delay = 0.6


def test_a_slow_answer_says_success_then_arrives_as_exactly_one_customer_service_message(
    wechat: WeChatHarness,
) -> None:
    slow(wechat)
    r = wechat.post(text_xml("办居住证要什么材料"))
    assert r.status_code == 200 and r.text == "success"
    wechat.server.wait_for(CUSTOM_SEND)
    wechat.drain()
    [call] = wechat.server.calls_to(CUSTOM_SEND)
    assert call.body == {
        "touser": OPENID,
        "msgtype": "text",
        "text": {"content": "您问的是：办居住证要什么材料"},
    }


def test_a_retried_message_is_answered_once_with_the_same_reply(wechat: WeChatHarness) -> None:
    first = wechat.reply(text_xml("我要预约", msg_id=555))
    again = wechat.reply(text_xml("我要预约", msg_id=555))
    assert again["Content"] == first["Content"] == "您问的是：我要预约"
    assert len(wechat.conversation.messages) == 1


def test_a_retry_while_the_answer_is_late_gets_success_and_one_message_in_all(
    wechat: WeChatHarness,
) -> None:
    slow(wechat)
    assert wechat.post(text_xml("帮我预约明天上午", msg_id=777)).text == "success"
    assert wechat.post(text_xml("帮我预约明天上午", msg_id=777)).text == "success"
    wechat.server.wait_for(CUSTOM_SEND)
    wechat.drain()
    assert wechat.post(text_xml("帮我预约明天上午", msg_id=777)).text == "success"
    assert len(wechat.conversation.messages) == 1
    assert len(wechat.server.calls_to(CUSTOM_SEND)) == 1


def test_events_are_deduplicated_by_sender_and_create_time(wechat: WeChatHarness) -> None:
    wechat.reply(event_xml("CLICK", key="MY_BOOKINGS", create_time=1700000100))
    wechat.reply(event_xml("CLICK", key="MY_BOOKINGS", create_time=1700000100))
    wechat.reply(event_xml("CLICK", key="MY_BOOKINGS", create_time=1700000200))
    assert [m.text for m in wechat.conversation.messages] == ["我的预约", "我的预约"]


# Messages and events -----------------------------------------------------------------------


def test_a_long_guide_is_summarised_within_2048_bytes_with_its_link(wechat: WeChatHarness) -> None:
    url = "http://127.0.0.1:8000/g/chusheng-dengji"
    materials = [
        MaterialLine(name=f"第{i}项证明材料（由户籍所在地派出所出具的原件）", form="原件")
        for i in range(1, 81)
    ]
    card = GuideCard(
        guide_id=1,
        name="出生登记",
        url=url,
        summary="新生儿出生后办理户口登记。" * 20,
        materials=materials,
    )
    wechat.conversation.answer = lambda m: Turn(sender_id=m.sender_id, replies=[Reply(card=card)])
    content = wechat.reply(text_xml("出生登记"))["Content"]
    assert len(content.encode("utf-8")) <= 2048
    assert url in content
    assert content.startswith("【出生登记】")


def test_a_location_asks_for_the_nearest_halls_and_shows_them(wechat: WeChatHarness) -> None:
    halls = HallList(
        guide="出生登记",
        halls=[
            HallCard(
                hall_id=2,
                name="城区政务服务中心",
                address="城区香洲路",
                distance_km=1.24,
                waiting=3,
                wait_minutes=15,
            ),
            HallCard(hall_id=1, name="汕尾市民服务中心", address="城区汕尾大道", distance_km=2.5),
        ],
    )
    wechat.conversation.answer = lambda m: Turn(sender_id=m.sender_id, replies=[Reply(card=halls)])
    location = (
        "<Location_X>22.7860</Location_X><Location_Y>115.3720</Location_Y>"
        "<Scale>15</Scale><Label><![CDATA[汕尾市城区]]></Label>"
    )
    content = wechat.reply(message_xml("location", location))["Content"]
    assert wechat.conversation.messages == [
        UserMessage(sender_id=OPENID, channel="wechat", text="", lat=22.786, lon=115.372)
    ]
    assert content.splitlines()[:3] == [
        "可以办理“出生登记”的服务大厅：",
        "· 城区政务服务中心（约1.2公里）",
        "  地址：城区香洲路",
    ]
    assert "当前排队：3人，预计等候约15分钟" in content


def test_subscribing_is_welcomed_with_what_the_assistant_can_do(wechat: WeChatHarness) -> None:
    assert wechat.reply(event_xml("subscribe"))["Content"] == texts.WELCOME
    assert wechat.conversation.messages == []


def test_menu_guides_click_asks_the_conversation(wechat: WeChatHarness) -> None:
    assert wechat.reply(event_xml("CLICK", key="GUIDES"))["Content"] == "您问的是：办事指南"


def test_menu_nearby_halls_click_asks_for_the_location(wechat: WeChatHarness) -> None:
    assert wechat.reply(event_xml("CLICK", key="NEARBY_HALLS"))["Content"] == texts.SEND_LOCATION


def test_menu_human_service_click_gives_the_hotline(wechat: WeChatHarness) -> None:
    content = wechat.reply(event_xml("CLICK", key="HUMAN_SERVICE"))["Content"]
    assert "12345" in content
    assert wechat.conversation.messages == []


def test_a_view_click_gets_success_and_no_reply(wechat: WeChatHarness) -> None:
    r = wechat.post(event_xml("VIEW", key="http://127.0.0.1:8000/"))
    assert r.status_code == 200 and r.text == "success"


def test_an_unsupported_message_type_gets_a_polite_notice(wechat: WeChatHarness) -> None:
    image = (
        "<PicUrl><![CDATA[http://example.invalid/p.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>"
    )
    assert wechat.reply(message_xml("image", image))["Content"] == texts.UNSUPPORTED
    assert texts.UNSUPPORTED.startswith("暂不支持此类消息，请发送文字")


def test_voice_is_answered_from_its_recognition(wechat: WeChatHarness) -> None:
    voice = "<MediaId><![CDATA[v1]]></MediaId><Format><![CDATA[amr]]></Format>"
    heard = voice + "<Recognition><![CDATA[社保卡怎么补办]]></Recognition>"
    assert wechat.reply(message_xml("voice", heard))["Content"] == "您问的是：社保卡怎么补办"
    assert (
        wechat.reply(message_xml("voice", voice, msg_id=1003))["Content"]
        == texts.VOICE_NOT_RECOGNISED
    )


def test_typing_a_number_sends_the_payload_of_that_button(wechat: WeChatHarness) -> None:
    buttons = [
        Button(title="出生登记", payload='/choose_guide{"guide_id": 1}'),
        Button(title="居民身份证首次申领", payload='/choose_guide{"guide_id": 2}'),
    ]
    wechat.conversation.answer = lambda m: Turn(
        sender_id=m.sender_id, replies=[Reply(text="您想办理哪一项？", buttons=buttons)]
    )
    content = wechat.reply(text_xml("上户口", msg_id=1))["Content"]
    assert content == "您想办理哪一项？\n\n请回复数字选择：\n1. 出生登记\n2. 居民身份证首次申领"
    wechat.reply(text_xml("２", msg_id=2))
    assert wechat.conversation.messages[-1] == UserMessage(
        sender_id=OPENID,
        channel="wechat",
        text="居民身份证首次申领",
        payload='/choose_guide{"guide_id": 2}',
    )


def test_a_number_without_a_matching_choice_is_passed_on_as_text(wechat: WeChatHarness) -> None:
    wechat.reply(text_xml("3", msg_id=3))
    assert wechat.conversation.messages[-1].payload is None
    assert wechat.conversation.messages[-1].text == "3"


def test_a_failing_conversation_still_gets_the_citizen_a_polite_answer(
    wechat: WeChatHarness,
) -> None:
    wechat.conversation.fail = RuntimeError("dialogue server down")
    assert wechat.reply(text_xml("你好"))["Content"] == texts.UNAVAILABLE


def test_a_refusal_written_for_the_citizen_is_passed_on(wechat: WeChatHarness) -> None:
    wechat.conversation.fail = InvalidInput("请输入您想咨询的问题。")
    assert wechat.reply(text_xml("你好"))["Content"] == "请输入您想咨询的问题。"


def test_a_question_longer_than_allowed_is_asked_to_be_shorter(wechat: WeChatHarness) -> None:
    content = wechat.reply(text_xml("我" * 501))["Content"]
    assert content == "您的问题有点长，请简要说说您要办的事（不超过500个字）。"
    assert wechat.conversation.messages == []
