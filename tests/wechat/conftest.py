"""Fixtures of the WeChat channel tests: a fake WeChat API server, a fake conversation, and a
client that speaks to ``/wechat`` as WeChat's servers do (plaintext or AES, signed).

The account's credentials are WeChat's published sample values (token, EncodingAESKey and
AppID of the official encryption sample), so the AES tests can use WeChat's own vectors.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import xmltodict
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine
from wechatpy.crypto import WeChatCrypto

from assistant.app import create_app
from assistant.config import Settings
from assistant.conversation.messages import Reply, Turn, UserMessage
from channels.wechat.api_client import WeChatApi
from channels.wechat.channel import WeChatChannel
from channels.wechat.crypto import sign
from tests.wechat.fake_wechat import FakeWeChat

TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APP_ID = "wx49f0ab532d5d035a"
OPENID = "oCitizen0000000000000000001"
ACCOUNT = "gh_zhidao"


def echo(message: UserMessage) -> Turn:
    return Turn(sender_id=message.sender_id, replies=[Reply(text=f"您问的是：{message.text}")])


@dataclass
class FakeConversation:
    """Stands in for the conversation gateway (``app.state.conversation``)."""

    answer: Callable[[UserMessage], Turn] = echo
    delay: float = 0.0
    fail: Exception | None = None
    messages: list[UserMessage] = field(default_factory=list)

    def warm_up(self) -> None:
        """The real conversation builds its NLU here; nothing to build in the fake."""

    async def aclose(self) -> None:
        """Nothing to close."""

    async def handle(self, message: UserMessage) -> Turn:
        self.messages.append(message)
        await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return self.answer(message)


def text_xml(content: str, *, msg_id: int = 1001, openid: str = OPENID) -> str:
    return _xml(openid, "text", f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>")


def event_xml(event: str, *, key: str = "", create_time: int = 1700000000) -> str:
    extra = f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey>"
    return _xml(OPENID, "event", extra, create_time=create_time)


def _xml(openid: str, kind: str, extra: str, *, create_time: int = 1700000000) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>"
        f"{extra}</xml>"
    )


def message_xml(kind: str, extra: str, *, msg_id: int = 1002) -> str:
    return _xml(OPENID, kind, f"{extra}<MsgId>{msg_id}</MsgId>")


@dataclass
class WeChatHarness:
    client: TestClient
    conversation: FakeConversation
    server: FakeWeChat
    channel: WeChatChannel

    def signed(self, timestamp: str = "1700000000", nonce: str = "n0nce") -> dict[str, str]:
        return {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}

    def post(self, xml: str) -> Response:
        return self.client.post("/wechat", params=self.signed(), content=xml.encode())

    def reply(self, xml: str) -> dict[str, str]:
        """The passive reply's fields (plaintext mode)."""
        r = self.post(xml)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/xml"), r.text
        return dict(xmltodict.parse(r.text)["xml"])

    def post_aes(
        self, xml: str, nonce: str = "461056294", timestamp: str = "1700000001"
    ) -> Response:
        sealed = WeChatCrypto(TOKEN, AES_KEY, APP_ID).encrypt_message(xml, nonce, timestamp)
        msg_signature = xmltodict.parse(sealed)["xml"]["MsgSignature"]
        params = {
            **self.signed(timestamp, nonce),
            "encrypt_type": "aes",
            "msg_signature": msg_signature,
        }
        return self.client.post("/wechat", params=params, content=sealed.encode())

    def drain(self) -> None:
        """Wait for answers still being delivered by customer-service message."""
        self.client.portal.call(self.channel.drain)  # type: ignore[union-attr]


@pytest.fixture
def fake_wechat() -> Iterator[FakeWeChat]:
    server = FakeWeChat().start()
    yield server
    server.stop()


@pytest.fixture
def wechat_settings(settings: Settings, fake_wechat: FakeWeChat) -> Settings:
    return settings.model_copy(
        update={
            "wechat_token": TOKEN,
            "wechat_aes_key": AES_KEY,
            "wechat_app_id": APP_ID,
            "wechat_app_secret": "app-secret",
            "wechat_api_base": fake_wechat.base_url,
            "wechat_reply_deadline_seconds": 1.5,
        }
    )


def fast_api(settings: Settings, engine: Engine) -> WeChatApi:
    """The API client with test-sized backoff."""
    return WeChatApi.from_settings(settings, engine, backoff=0.01)


@pytest.fixture
def wechat(
    wechat_settings: Settings, engine: Engine, fake_wechat: FakeWeChat
) -> Iterator[WeChatHarness]:
    app = create_app(wechat_settings, engine=engine)
    conversation = FakeConversation()
    app.state.conversation = conversation
    app.state.wechat = WeChatChannel(wechat_settings, engine, api=fast_api(wechat_settings, engine))
    with TestClient(app) as client:
        yield WeChatHarness(client, conversation, fake_wechat, app.state.wechat)


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)
