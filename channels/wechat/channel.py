"""The WeChat channel's per-process object (``app.state.wechat``): one message in, one answer out.

WeChat waits five seconds for a passive reply and then retries (three tries in all). So the
conversation gets ``Settings.wechat_reply_deadline_seconds`` (4.5 s by default): an answer
ready by then goes back in the HTTP response; otherwise WeChat gets "success" at once and the
answer follows as one customer-service message when it is ready (a background task of this
process). Retries of the same message never reach the conversation again (``service.claim``):
the retry gets the same passive reply if there was one, else "success" while the answer is on
its way by customer-service message.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import requests
from sqlalchemy.engine import Engine
from sqlmodel import Session
from wechatpy.exceptions import WeChatClientException
from wechatpy.messages import BaseMessage

from assistant.config import Settings
from assistant.conversation.messages import Turn, UserMessage
from assistant.db import session_scope
from assistant.errors import AssistantError, Unavailable
from channels.wechat import inbound, service, texts
from channels.wechat.api_client import WeChatApi
from channels.wechat.crypto import SafeMode
from channels.wechat.models import Delivery
from channels.wechat.render import render_turn

log = logging.getLogger(__name__)
T = TypeVar("T")
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.。、]?\s*$")  # "2", "２", "2." ...


class Conversation(Protocol):
    """What the channel needs of the conversation gateway (``app.state.conversation``)."""

    async def handle(self, message: UserMessage) -> Turn: ...


@dataclass(frozen=True)
class CallbackConfig:
    token: str
    safe_mode: SafeMode | None


def short(openid: str) -> str:
    """An openid as logs show it."""
    return openid[:6] + "…"


class WeChatChannel:
    def __init__(self, settings: Settings, engine: Engine, *, api: WeChatApi | None = None) -> None:
        self.settings, self.engine = settings, engine
        self._api = api
        self._tasks: set[asyncio.Task[None]] = set()

    def callback_config(self) -> CallbackConfig:
        s = self.settings
        if not s.wechat_token:
            raise Unavailable("微信公众号接入尚未配置。")
        if not (s.wechat_aes_key and s.wechat_app_id):
            return CallbackConfig(s.wechat_token, None)
        try:
            return CallbackConfig(
                s.wechat_token, SafeMode(s.wechat_token, s.wechat_aes_key, s.wechat_app_id)
            )
        except ValueError:
            log.error("ASSISTANT_WECHAT_AES_KEY is not a valid EncodingAESKey")
            raise Unavailable("微信公众号的消息加解密密钥配置有误。") from None

    @property
    def api(self) -> WeChatApi:
        if self._api is None:
            self._api = WeChatApi.from_settings(self.settings, self.engine)
        return self._api

    async def respond(self, msg: BaseMessage, conversation: Conversation | None) -> str | None:
        """The passive reply to ``msg``, or None for "success"."""
        started = asyncio.get_running_loop().time()
        action = inbound.classify(msg, max_chars=self.settings.max_question_chars)
        match action:
            case inbound.Say(text):
                return text
            case inbound.Forget(openid):
                await self._db(service.forget, openid=openid)
            case inbound.Ask():
                return await self._ask(action, conversation, started)
        return None

    async def _ask(
        self, ask: inbound.Ask, conversation: Conversation | None, started: float
    ) -> str | None:
        openid = ask.message.sender_id
        claim = await self._db(service.claim, key=ask.key, openid=openid)
        if not claim.new:  # WeChat retried a message we have (or had) in hand
            if claim.delivery is Delivery.passive:
                return claim.reply
            await self._db(service.hand_over, key=ask.key)
            return None
        work = asyncio.create_task(self._converse(ask.message, conversation))
        left = self.settings.wechat_reply_deadline_seconds - (
            asyncio.get_running_loop().time() - started
        )
        try:
            text = await asyncio.wait_for(asyncio.shield(work), max(left, 0.0))
        except TimeoutError:
            await self._db(service.hand_over, key=ask.key)
            self._background(self._deliver_later(ask.key, openid, work))
            return None
        delivery = Delivery.passive if text else Delivery.none
        if (
            await self._db(service.settle, key=ask.key, reply=text, delivery=delivery)
            is Delivery.custom
        ):
            self._background(self._send(openid, text))  # a retry came first: it said "success"
            return None
        return text

    async def _converse(
        self, message: UserMessage, conversation: Conversation | None
    ) -> str | None:
        message = await self._db(self._with_choice, message=message)
        if conversation is None:
            log.error("no conversation gateway on app.state.conversation")
            return texts.UNAVAILABLE
        try:
            turn = await conversation.handle(message)
        except AssistantError as exc:  # e.g. "请输入您想咨询的问题。": written for the citizen
            return exc.message
        except Exception:  # the citizen gets a polite answer whatever went wrong behind
            log.exception("conversation failed for wechat user %s", short(message.sender_id))
            return texts.UNAVAILABLE
        rendered = render_turn(turn)
        await self._db(service.save_choices, openid=message.sender_id, choices=rendered.choices)
        return rendered.text or None

    @staticmethod
    def _with_choice(*, session: Session, message: UserMessage) -> UserMessage:
        """A typed number answers the numbered choice of the last answer (its button payload)."""
        m = _NUMBER.match(message.text)
        if m is None:
            return message
        button = service.choice_for(
            session=session, openid=message.sender_id, number=int(m.group(1))
        )
        if button is None:
            return message
        return message.model_copy(update={"text": button.title, "payload": button.payload})

    async def _deliver_later(self, key: str, openid: str, work: asyncio.Task[str | None]) -> None:
        try:
            text = await work
            await self._db(service.settle, key=key, reply=text, delivery=Delivery.custom)
        except Exception:  # a background task has nobody to raise to
            log.exception("late answer for wechat user %s failed", short(openid))
            return
        await self._send(openid, text)

    async def _send(self, openid: str, text: str | None) -> None:
        if not text:
            return
        try:
            await asyncio.to_thread(self.api.send_text, openid, text)
        except (WeChatClientException, Unavailable, requests.RequestException) as exc:
            log.warning("customer-service message to %s failed: %s", short(openid), exc)

    def _background(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for answers still being delivered (at shutdown, and in tests)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def _db(self, fn: Callable[..., T], **kwargs: Any) -> T:
        def run() -> T:
            with session_scope(self.engine) as session:
                return fn(session=session, **kwargs)

        return await asyncio.to_thread(run)
