"""Database tables of the knowledge base.

A guide's content lives in versions (``GuideVersion.content``: the JSON of ``schema.Guide``),
so that history, diff, rollback and drafts are one mechanism. The ``Guide`` row carries the
columns the public API filters on, copied from the published version on publish.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from assistant.timeutil import utcnow


class VersionStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    published = "published"
    superseded = "superseded"


class Guide(SQLModel, table=True):
    __tablename__ = "guide"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    department: str = Field(max_length=80, index=True)
    life_events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    online_available: bool = Field(default=False)
    source_path: str = Field(max_length=200, description="File under guides_kb/guides/")
    # Not a foreign key: guide and guide_version refer to each other; the workflow keeps it right.
    published_version_id: int | None = Field(default=None, index=True)
    lock_version: int = Field(default=0, description="Optimistic concurrency check for editors")
    imported_hash: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)


class GuideVersion(SQLModel, table=True):
    __tablename__ = "guide_version"
    __table_args__ = (UniqueConstraint("guide_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    guide_id: int = Field(foreign_key="guide.id", index=True)
    number: int
    status: VersionStatus = Field(default=VersionStatus.draft, max_length=20, index=True)
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    author: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    reviewer: str | None = Field(default=None, max_length=80)
    reviewed_at: datetime | None = None
    comment: str | None = Field(default=None, max_length=1000)
    source: str = Field(default="editor", max_length=20, description="editor | import | rollback")


class Theme(SQLModel, table=True):
    __tablename__ = "theme"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    slug: str = Field(max_length=80, unique=True)
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class ServiceGroup(SQLModel, table=True):
    __tablename__ = "service_group"

    key: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=80)
    position: int = 0


class Hall(SQLModel, table=True):
    __tablename__ = "hall"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    slug: str = Field(max_length=80, unique=True)
    level: str = Field(max_length=20, index=True)
    district: str = Field(max_length=80, index=True)
    lat: float
    lon: float
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    position: int = 0


class LicenceType(SQLModel, table=True):
    __tablename__ = "licence_type"

    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=80)
    issuer: str = Field(max_length=200)
    region_scoped: bool = False
    note: str | None = Field(default=None, max_length=200)
    position: int = 0


class Synonym(SQLModel, table=True):
    __tablename__ = "synonym"

    id: int | None = Field(default=None, primary_key=True)
    canonical: str = Field(max_length=80, index=True)
    variants: list[str] = Field(sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, max_length=200)
    source: str = Field(default="kb", max_length=20, description="kb | editor")
    position: int = 0


class KbState(SQLModel, table=True):
    """One row: a revision number bumped on every change citizens can see.

    Readers (the NLU index, caches) compare it with the revision they were built from, which
    is how a publish becomes visible to every process at once without a restart.
    """

    __tablename__ = "kb_state"

    id: int = Field(default=1, primary_key=True)
    revision: int = 0
    changed_at: datetime = Field(default_factory=utcnow)
