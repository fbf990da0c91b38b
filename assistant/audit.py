"""The audit log: who did what to which record, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel

from assistant.timeutil import utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=80, index=True)
    action: str = Field(max_length=60, index=True)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=80, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def record(
    session: Session, *, actor: str, action: str, entity: str, entity_id: str | int, **detail: Any
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor, action=action, entity=entity, entity_id=str(entity_id), detail=detail
    )
    session.add(entry)
    return entry
