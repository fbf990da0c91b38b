"""Tables of the WeChat channel.

Everything that must hold across worker processes lives here, never in process memory: the
deduplication of WeChat's retries (a unique key per message), the numbered choices a citizen
may answer with a digit, the shared access token, the consented ID binding and the sent
reminders.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

from assistant.timeutil import utcnow


class Delivery(StrEnum):
    pending = "pending"  # the answer is being worked out
    passive = "passive"  # sent back in the HTTP response to WeChat
    custom = "custom"  # sent (or to be sent) through the customer-service message API
    none = "none"  # nothing to say


class WeChatInbound(SQLModel, table=True):
    """One row per message WeChat delivered: a retry finds the row and is answered once."""

    __tablename__ = "wechat_inbound"

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=160, unique=True, description="MsgId, or openid:CreateTime")
    openid: str = Field(max_length=128, index=True)
    delivery: Delivery = Field(
        default=Delivery.pending,
        sa_column=Column(
            SAEnum(Delivery, native_enum=False, length=10, name="wechat_delivery"), nullable=False
        ),
    )
    reply: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime = Field(default_factory=utcnow, index=True)
    answered_at: datetime | None = None


class WeChatChoice(SQLModel, table=True):
    """The numbered choices last offered to a citizen, so that "2" means the second one."""

    __tablename__ = "wechat_choice"

    openid: str = Field(primary_key=True, max_length=128)
    choices: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    offered_at: datetime = Field(default_factory=utcnow)


class WeChatAccessToken(SQLModel, table=True):
    """The API access token, fetched by one worker and used by all until it expires."""

    __tablename__ = "wechat_access_token"

    app_id: str = Field(primary_key=True, max_length=64)
    token: str = Field(max_length=512)
    expires_at: datetime


class WeChatIdentity(SQLModel, table=True):
    """An openid bound to an ID number, with the citizen's consent.

    Only the keyed hash (HMAC-SHA256 with ``Settings.secret_key``, the same key as a booking's
    ``person_key``) and a masked form are kept, never the number itself.
    """

    __tablename__ = "wechat_identity"

    openid: str = Field(primary_key=True, max_length=128)
    id_key: str = Field(max_length=64, index=True)
    id_masked: str = Field(max_length=20)
    consented_at: datetime = Field(default_factory=utcnow)


class WeChatReminder(SQLModel, table=True):
    """A day-before reminder sent for a booking: running the command twice sends it once."""

    __tablename__ = "wechat_reminder"

    booking_code: str = Field(primary_key=True, max_length=20)
    openid: str = Field(max_length=128)
    sent_at: datetime = Field(default_factory=utcnow)
