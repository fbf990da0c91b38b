"""What a WeChat message asks of us: a plain decision, made before anything is done.

``classify`` maps a parsed wechatpy message to one of:

- ``Ask``: a question for the conversation (text, recognised voice, a location, a menu item
  the conversation answers), with the key that deduplicates WeChat's retries: the ``MsgId``
  of a message, ``FromUserName:CreateTime`` of an event (WeChat's own advice);
- ``Say``: a reply the channel gives by itself (welcome, how to send a location, ...);
- ``Forget``: the citizen unsubscribed: drop what we keep about the openid;
- ``None``: nothing to say (a VIEW click, a location report, ...): WeChat gets "success".
"""

from __future__ import annotations

from dataclasses import dataclass

from wechatpy import events, messages
from wechatpy.messages import BaseMessage

from assistant.conversation.messages import UserMessage
from assistant.errors import InvalidInput
from channels.wechat import texts

# Menu CLICK keys (menu.json): asked of the conversation as if typed, or answered here.
MENU_QUESTIONS = {"GUIDES": "办事指南", "MY_BOOKINGS": "我的预约"}
MENU_REPLIES = {"NEARBY_HALLS": texts.SEND_LOCATION, "HUMAN_SERVICE": texts.HUMAN_SERVICE}


@dataclass(frozen=True)
class Ask:
    key: str
    message: UserMessage


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Forget:
    openid: str


Action = Ask | Say | Forget | None


def dedup_key(msg: BaseMessage) -> str:
    raw = msg._data  # wechatpy keeps the parsed XML fields here
    if msg_id := str(raw.get("MsgId") or "").strip():
        return f"msg:{msg_id[:64]}"
    return f"event:{msg.source}:{str(raw.get('CreateTime') or '')[:20]}"


def classify(msg: BaseMessage, *, max_chars: int) -> Action:
    if not isinstance(msg.source, str) or not 1 <= len(msg.source) <= 128:
        raise InvalidInput("消息缺少有效的发送方（FromUserName）。")
    match msg:
        case messages.TextMessage():
            return _ask_text(msg, msg.content or "", max_chars)
        case messages.VoiceMessage():
            if not (msg.recognition or "").strip():
                return Say(texts.VOICE_NOT_RECOGNISED)
            return _ask_text(msg, msg.recognition, max_chars)
        case messages.LocationMessage():
            return _ask_location(msg)
        case events.SubscribeEvent() | events.SubscribeScanEvent():
            return Say(texts.WELCOME)
        case events.UnsubscribeEvent():
            return Forget(msg.source)
        case events.ClickEvent():
            return _menu(msg)
        case events.BaseEvent():
            return None  # VIEW, location reports, template-sent receipts...: nothing to say
    return Say(texts.UNSUPPORTED)


def _ask(msg: BaseMessage, text: str, lat: float | None = None, lon: float | None = None) -> Ask:
    message = UserMessage(sender_id=msg.source, channel="wechat", text=text, lat=lat, lon=lon)
    return Ask(dedup_key(msg), message)


def _ask_text(msg: BaseMessage, text: str, max_chars: int) -> Action:
    text = text.strip()
    if not text:
        return Say(texts.UNSUPPORTED)
    if len(text) > max_chars:
        return Say(texts.TOO_LONG.format(limit=max_chars))
    return _ask(msg, text=text)


def _ask_location(msg: messages.LocationMessage) -> Action:
    try:
        lat, lon = float(msg.location_x), float(msg.location_y)
    except (TypeError, ValueError):
        return Say(texts.UNSUPPORTED)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return Say(texts.UNSUPPORTED)
    return _ask(msg, text="", lat=lat, lon=lon)


def _menu(msg: events.ClickEvent) -> Action:
    key = (msg.key or "").strip()
    if key in MENU_QUESTIONS:
        return _ask(msg, text=MENU_QUESTIONS[key])
    return Say(MENU_REPLIES.get(key, texts.UNSUPPORTED))
