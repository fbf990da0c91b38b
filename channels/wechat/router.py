"""The callback URL WeChat calls: ``GET /wechat`` (verification) and ``POST /wechat`` (messages).

One straight line: check the signature (403) → decrypt (safe mode) → parse → answer → reply
(encrypted in safe mode). Plaintext, compatible and safe modes all arrive here; compatible mode
is answered like safe mode whenever WeChat says ``encrypt_type=aes``.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from xml.parsers.expat import ExpatError

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response
from wechatpy import create_reply, parse_message
from wechatpy.messages import BaseMessage

from assistant.errors import InvalidInput, Unavailable
from channels.wechat.channel import WeChatChannel
from channels.wechat.crypto import check_signature

router = APIRouter(tags=["wechat"])

MAX_BODY_BYTES = 64 * 1024  # WeChat's messages are a few hundred bytes
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def get_channel(request: Request) -> WeChatChannel:
    return request.app.state.wechat  # type: ignore[no-any-return]


ChannelDep = Annotated[WeChatChannel, Depends(get_channel)]
Param = Annotated[str, Query(max_length=128)]


@router.get("/wechat", response_class=PlainTextResponse, summary="WeChat server verification")
def verify(
    channel: ChannelDep,
    signature: Param,
    timestamp: Param,
    nonce: Param,
    echostr: Annotated[str, Query(max_length=512)],
) -> str:
    check_signature(channel.callback_config().token, signature, timestamp, nonce)
    return echostr


@router.post("/wechat", summary="Messages and events from WeChat (XML)")
async def receive(
    request: Request,
    channel: ChannelDep,
    signature: Param,
    timestamp: Param,
    nonce: Param,
    encrypt_type: Literal["raw", "aes"] = "raw",
    msg_signature: Param = "",
) -> Response:
    config = channel.callback_config()
    check_signature(config.token, signature, timestamp, nonce)
    body = await _body(request)
    safe = config.safe_mode if encrypt_type == "aes" else None
    if encrypt_type == "aes" and safe is None:
        raise Unavailable("未配置消息加解密密钥（EncodingAESKey），无法处理加密消息。")
    xml = (
        safe.decrypt(body, msg_signature=msg_signature, timestamp=timestamp, nonce=nonce)
        if safe
        else body
    )
    message = _parse(xml)
    text = await channel.respond(message, getattr(request.app.state, "conversation", None))
    if text is None:
        return PlainTextResponse("success")
    reply = create_reply(_xml_safe(text), message).render()
    if safe is not None:
        reply = safe.encrypt(reply, timestamp=timestamp, nonce=nonce)
    return Response(reply, media_type="application/xml")


async def _body(request: Request) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise InvalidInput("消息过大。")
    return body


def _parse(xml: bytes | str) -> BaseMessage:
    try:
        message = parse_message(xml)
    except (ExpatError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        message = None
    if message is None:
        raise InvalidInput("无法解析的消息。")
    return message


def _xml_safe(text: str) -> str:
    """Text that cannot break the reply's CDATA section or its XML."""
    return _CONTROL.sub("", text).replace("]]>", "]]＞")
