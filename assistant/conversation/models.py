"""Tables of the conversation domain: the citizens' ratings of the service (好差评)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from assistant.timeutil import utcnow


class ConversationRating(SQLModel, table=True):
    __tablename__ = "conversation_rating"

    id: int | None = Field(default=None, primary_key=True)
    sender_hash: str = Field(
        max_length=64, index=True, description="HMAC of the channel's sender id"
    )
    channel: str = Field(max_length=20)
    score: int = Field(ge=1, le=5)
    guide_name: str | None = Field(default=None, max_length=80)
    comment: str | None = Field(default=None, max_length=200, description="As said, numbers masked")
    created_at: datetime = Field(default_factory=utcnow, index=True)
