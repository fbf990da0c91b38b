"""Database work of the WeChat channel: small functions, one transaction each (the caller's).

Retries are deduplicated by a unique key: ``claim`` inserts the message's row or finds the one
an earlier delivery of the same message inserted (on any worker), so the conversation is asked
once per message. Who answers is settled by conditional updates on ``delivery`` (``pending`` →
``passive`` by the request that computed the answer in time, or ``pending`` → ``custom`` by the
deadline or by a retry), so exactly one of the two ways delivers it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from assistant import audit
from assistant.conversation.messages import Button
from assistant.errors import Forbidden, InvalidInput
from assistant.privacy import mask_id_number
from assistant.timeutil import utcnow
from channels.wechat.models import Delivery, WeChatChoice, WeChatIdentity, WeChatInbound

CHOICE_TTL = timedelta(hours=2)  # "2" still means the second button of an answer this recent


@dataclass(frozen=True)
class Claim:
    new: bool
    delivery: Delivery
    reply: str | None


def insert_ignoring_duplicate(
    session: Session, model: type[SQLModel], key: str, **values: object
) -> bool:
    """INSERT unless a row with the same unique ``key`` column exists; True if inserted."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    stmt = insert(model).values(**values).on_conflict_do_nothing(index_elements=[key])
    # RETURNING, not rowcount: drivers disagree on rowcount after ON CONFLICT DO NOTHING.
    return session.execute(stmt.returning(getattr(model, key))).first() is not None


def claim(*, session: Session, key: str, openid: str) -> Claim:
    new = insert_ignoring_duplicate(
        session,
        WeChatInbound,
        "dedup_key",
        dedup_key=key,
        openid=openid,
        delivery=Delivery.pending,
        received_at=utcnow(),
    )
    row = session.exec(select(WeChatInbound).where(col(WeChatInbound.dedup_key) == key)).one()
    return Claim(new, row.delivery, row.reply)


def settle(*, session: Session, key: str, reply: str | None, delivery: Delivery) -> Delivery:
    """Record the answer and take ``delivery`` unless the message was handed over meanwhile."""
    now = utcnow()
    took = session.execute(
        update(WeChatInbound)
        .where(col(WeChatInbound.dedup_key) == key, col(WeChatInbound.delivery) == Delivery.pending)
        .values(delivery=delivery, reply=reply, answered_at=now)
    ).rowcount  # type: ignore[attr-defined]
    if took:
        return delivery
    session.execute(
        update(WeChatInbound)
        .where(col(WeChatInbound.dedup_key) == key)
        .values(reply=reply, answered_at=now)
    )
    row = session.exec(select(WeChatInbound).where(col(WeChatInbound.dedup_key) == key)).one()
    return row.delivery


def hand_over(*, session: Session, key: str) -> None:
    """The answer goes by customer-service message (a deadline passed, or WeChat retried)."""
    session.execute(
        update(WeChatInbound)
        .where(col(WeChatInbound.dedup_key) == key, col(WeChatInbound.delivery) == Delivery.pending)
        .values(delivery=Delivery.custom)
    )


def prune_inbound(*, session: Session, before: datetime) -> int:
    """Forget deduplication rows older than ``before`` (WeChat retries within seconds)."""
    return session.execute(
        delete(WeChatInbound).where(col(WeChatInbound.received_at) < before)
    ).rowcount  # type: ignore[attr-defined]


def save_choices(*, session: Session, openid: str, choices: Sequence[Button]) -> None:
    row = session.get(WeChatChoice, openid)
    if not choices:
        if row is not None:
            session.delete(row)
        return
    data = [b.model_dump() for b in choices]
    if row is None:
        session.add(WeChatChoice(openid=openid, choices=data, offered_at=utcnow()))
    else:
        row.choices, row.offered_at = data, utcnow()
        session.add(row)


def choice_for(*, session: Session, openid: str, number: int) -> Button | None:
    row = session.get(WeChatChoice, openid)
    if row is None or row.offered_at < utcnow() - CHOICE_TTL:
        return None
    if not 1 <= number <= len(row.choices):
        return None
    return Button.model_validate(row.choices[number - 1])


def forget(*, session: Session, openid: str) -> None:
    """The citizen unsubscribed: drop pending choices and the ID binding."""
    session.execute(delete(WeChatChoice).where(col(WeChatChoice.openid) == openid))
    unbind_identity(session=session, openid=openid)


# Binding an openid to an ID number (only with consent) -------------------------------------

_ID_RE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


def normalise_id_number(value: str) -> str:
    """The 18-character resident ID number, or ``InvalidInput`` saying what is wrong.

    Deliberately the same rules (and keyed hash, ``id_key``) as the booking domain's
    ``person`` module, so that a bound openid finds its bookings; to be shared once merged.
    """
    v = value.translate(_FULL_WIDTH).replace(" ", "").strip().upper()
    if not _ID_RE.fullmatch(v):
        raise InvalidInput("身份证号码应为18位（最后一位可以是X），请核对后重新输入。")
    check = "10X98765432"[sum(int(c) * w for c, w in zip(v[:17], _WEIGHTS, strict=True)) % 11]
    if check != v[17]:
        raise InvalidInput("身份证号码校验位不正确，请核对是否输错了某一位。")
    return v


def id_key(secret: str, id_number: str) -> str:
    return hmac.new(secret.encode(), id_number.encode(), hashlib.sha256).hexdigest()


def bind_identity(
    *, session: Session, openid: str, id_number: str, consent: bool, secret: str
) -> WeChatIdentity:
    """Bind ``openid`` to an ID number, only when the citizen consented in the dialogue."""
    if consent is not True:
        raise Forbidden("需要您同意授权后，才能把身份证号与微信绑定。")
    number = normalise_id_number(id_number)
    row = session.get(WeChatIdentity, openid) or WeChatIdentity(
        openid=openid, id_key="", id_masked=""
    )
    row.id_key, row.id_masked, row.consented_at = (
        id_key(secret, number),
        mask_id_number(number),
        utcnow(),
    )
    session.add(row)
    audit.record(
        session,
        actor=f"wechat:{openid}"[:80],
        action="bind_identity",
        entity="wechat_identity",
        entity_id=openid[:80],
        id_masked=row.id_masked,
    )
    return row


def unbind_identity(*, session: Session, openid: str) -> bool:
    row = session.get(WeChatIdentity, openid)
    if row is None:
        return False
    session.delete(row)
    audit.record(
        session,
        actor=f"wechat:{openid}"[:80],
        action="unbind_identity",
        entity="wechat_identity",
        entity_id=openid[:80],
    )
    return True
