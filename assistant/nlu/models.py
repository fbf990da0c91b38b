"""Tables and API models of the NLU domain.

``UnansweredQuestion`` is the editors' queue: every question the assistant could not answer
with confidence, masked, counted when it comes back. ``AttachedQuestion`` is what an editor
made of one: an example question of a guide or theme, indexed at once (the KB revision is
bumped in the same transaction).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from assistant.timeutil import utcnow

KEY_MAX = 200
TEXT_MAX = 500
PHRASE_MAX = 80  # a synonym variant is a KB name (schema.NAME_MAX)


class QueueStatus(StrEnum):
    open = "open"
    resolved = "resolved"
    dismissed = "dismissed"


class QueueReason(StrEnum):
    no_match = "no_match"
    ambiguous = "ambiguous"
    low_confidence = "low_confidence"


class UnansweredQuestion(SQLModel, table=True):
    __tablename__ = "nlu_unanswered"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(
        max_length=KEY_MAX, unique=True, description="Canonical form: repeats share it"
    )
    text: str = Field(max_length=TEXT_MAX, description="As asked, ID and phone numbers masked")
    status: QueueStatus = Field(default=QueueStatus.open, max_length=20, index=True)
    reason: QueueReason = Field(max_length=20)
    count: int = Field(default=1, ge=1)
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow, index=True)
    candidates: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    resolved_by: str | None = Field(default=None, max_length=80)
    resolved_at: datetime | None = None
    resolution: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class AttachedQuestion(SQLModel, table=True):
    __tablename__ = "nlu_attached_question"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10, description="guide | theme")
    ref_id: int = Field(index=True)
    text: str = Field(max_length=TEXT_MAX)
    created_by: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    unanswered_id: int | None = Field(default=None, foreign_key="nlu_unanswered.id")


# ---------------------------------------------------------------- API models


class ParseRequest(BaseModel):
    text: str = Field(description="The citizen's question, as typed")
    top_k: int = Field(default=5, ge=1, le=10)


class UnansweredPublic(BaseModel):
    id: int
    text: str
    status: QueueStatus
    reason: QueueReason
    count: int
    first_seen: datetime
    last_seen: datetime
    candidates: list[dict[str, Any]]
    resolved_by: str | None
    resolution: dict[str, Any] | None


class ResolveIn(BaseModel):
    kind: Literal["guide", "theme"] = "guide"
    ref: str = Field(min_length=1, max_length=80, description="Guide (or theme) id, slug or name")
    attach_as: Literal["example", "synonym"] = "example"
    phrase: str | None = Field(
        default=None,
        max_length=PHRASE_MAX,
        description="For a synonym: the citizen's word for the guide (default: the whole question)",
    )
