"""Tables of the waiver domain.

``shared_*`` tables are the shared-data store: they stand for the province's 电子证照库 and
data-sharing platform, and are the ONLY place where ID numbers are kept in plain text.
Everything else (consents, the audit log, rate limiting) keeps a keyed hash (HMAC with the
app's secret) and the masked form.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from assistant.timeutil import utcnow


class SharedPerson(SQLModel, table=True):
    __tablename__ = "shared_person"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(
        max_length=40,
        unique=True,
        description="ID number, or birth:<出生医学证明编号> for a newborn",
    )
    id_number: str | None = Field(default=None, max_length=18, unique=True, index=True)
    name: str = Field(max_length=40)
    sex: str = Field(max_length=2)
    birth_date: date
    ethnicity: str | None = Field(default=None, max_length=20)
    hukou_province: str | None = Field(default=None, max_length=20)
    hukou_city: str = Field(default="", max_length=40)
    hukou_district: str = Field(default="", max_length=40)
    hukou_address: str = Field(default="", max_length=200)
    marital_status: str | None = Field(default=None, max_length=10)
    phone: str | None = Field(default=None, max_length=20)
    died_on: date | None = None
    source: str = Field(default="demo", max_length=20, description="Where the record came from")
    updated_at: datetime = Field(default_factory=utcnow)


class SharedRelation(SQLModel, table=True):
    """``relative`` is the ``relation`` of ``person`` (stored in both directions)."""

    __tablename__ = "shared_relation"
    __table_args__ = (UniqueConstraint("person_id", "relative_id", "relation"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="shared_person.id", index=True, ondelete="CASCADE")
    relative_id: int = Field(foreign_key="shared_person.id", ondelete="CASCADE")
    relation: str = Field(max_length=10)


class SharedLicence(SQLModel, table=True):
    __tablename__ = "shared_licence"
    __table_args__ = (UniqueConstraint("person_id", "type_code", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="shared_person.id", index=True, ondelete="CASCADE")
    type_code: str = Field(max_length=40)
    number: str = Field(max_length=60)
    subject: str = Field(default="person", max_length=10, description="person | business")
    holder_name: str = Field(max_length=80)
    issuer: str = Field(max_length=200)
    region: str = Field(max_length=20, description="Province of issue")
    issued_on: date | None = None
    valid_until: date | None = Field(default=None, description="None: long-term (长期)")
    status: str = Field(default="valid", max_length=10, description="valid | revoked")
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SharedItem(SQLModel, table=True):
    """One record of the data-sharing platform (户籍信息, 婚姻登记信息...)."""

    __tablename__ = "shared_record"
    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="shared_person.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=40)
    reference: str = Field(max_length=60)
    keeper: str = Field(max_length=200)
    updated_on: date | None = None


class Channel(StrEnum):
    web = "web"
    wechat = "wechat"
    greeter = "greeter"
    api = "api"
    cli = "cli"


class WaiverConsent(SQLModel, table=True):
    """An applicant's explicit consent (授权) to one lookup, recorded before the lookup.

    Also the rate limiter's ledger: the checks of a requester in the last minute are counted here,
    in the database, so the limit holds across processes.
    """

    __tablename__ = "waiver_consent"
    __table_args__ = (Index("ix_waiver_consent_requester_at", "requester_hash", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    requester_hash: str = Field(max_length=64)
    subject_hash: str = Field(max_length=64, index=True)
    subject_masked: str = Field(max_length=20)
    channel: str = Field(max_length=10)
    purpose: str = Field(max_length=200)
    target: str = Field(max_length=80, description="The guide or theme checked")


# ------------------------------------------------------------------ API


class WaiverCheckCreate(SQLModel):
    """``POST /api/v1/waivers``: check one guide (or "一件事" theme) for one applicant."""

    guide: str = Field(
        min_length=1, max_length=80, description="Guide id, slug, name or alias; or a theme"
    )
    situation: str | None = Field(
        default=None, max_length=40, description="Situation key (guides only)"
    )
    id_number: str = Field(
        min_length=1, max_length=30, description="The applicant's 18-digit ID number"
    )
    consent: bool = Field(default=False, description="The applicant consents to the lookup (授权)")
    channel: Literal["web", "wechat", "greeter", "api"] = "api"


class SourcePublic(SQLModel):
    kind: str
    code: str
    name: str
    number: str = Field(description="Masked")
    issuer: str
    holder: str
    valid_until: date | None = None
    long_term: bool = False


class MaterialPublic(SQLModel):
    id: str
    name: str
    status: str
    reason: str
    form: str
    required: bool
    condition: str | None = None
    holder: str | None = None
    licence: str | None = Field(default=None, description="E-licence type that may stand in")
    shared_data: str | None = Field(default=None, description="Shared record that may stand in")
    source: SourcePublic | None = None
    guides: list[str] = Field(default_factory=list, description="Theme items that need it")


class PrefillPublic(SQLModel):
    label: str
    value: str
    masked: bool
    holder: str
    source: str


class SummaryPublic(SQLModel):
    text: str
    must_bring: int
    waived: int
    commitment: int
    deferrable: int
    conditional: int
    forms: int
    prefilled: int


class SituationRef(SQLModel):
    key: str
    name: str


class ItemPublic(SQLModel):
    guide_id: int
    guide: str
    situation: SituationRef
    materials: list[MaterialPublic]
    summary: SummaryPublic


class TargetRef(SQLModel):
    kind: Literal["guide", "theme"]
    id: int
    name: str
    slug: str


class WaiverCheckPublic(SQLModel):
    target: TargetRef
    situation: SituationRef | None = Field(default=None, description="For a guide")
    applicant: str = Field(description="The applicant's ID number, masked")
    materials: list[MaterialPublic] = Field(description="For a theme: each shared material once")
    items: list[ItemPublic] = Field(default_factory=list, description="A theme's items")
    summary: SummaryPublic
    prefill: dict[str, PrefillPublic]
    notices: list[str]
    checked_on: date
    consent_id: int
