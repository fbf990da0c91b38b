"""The knowledge-base content model: what one YAML file in ``guides_kb/`` may say.

These pydantic models are the single definition of a guide (办事指南), a theme (一件事),
a hall, a licence type and a synonym group. They validate the YAML files, the editor's
form submissions and the JSON stored with each guide version, so the three never drift.
Unknown fields are refused (``extra="forbid"``) so a typo in a file is an error, not a
silently dropped value.
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)

# Limits shared by the YAML files, the editor API and the database columns.
NAME_MAX = 80
SHORT_TEXT = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LONG_TEXT = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
NAME = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX)]
KEY = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
SLUG = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")]


_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def tidy_text(value: str) -> str:
    """Drop the spaces a folded YAML scalar leaves between Chinese characters."""
    return _CJK_GAP.sub("", value)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _tidy_strings(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        out = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = tidy_text(value)
            elif isinstance(value, list):
                value = [tidy_text(v) if isinstance(v, str) else v for v in value]
            out[key] = value
        return out


class ItemType(StrEnum):
    permit = "行政许可"
    confirmation = "行政确认"
    benefit = "行政给付"
    adjudication = "行政裁决"
    other_power = "其他行政权力"
    public_service = "公共服务"


class ServiceObject(StrEnum):
    person = "自然人"
    legal_person = "法人"
    other_org = "其他组织"


class HallLevel(StrEnum):
    city = "city"
    district = "district"
    town = "town"
    village = "village"


class MaterialForm(StrEnum):
    original = "原件"
    copy = "复印件"
    original_and_copy = "原件和复印件"
    electronic = "电子件"
    form = "申请表"


class LicenceHolder(StrEnum):
    """Whose licence may stand in for a material (免提交 is only ever about that person)."""

    applicant = "applicant"
    spouse = "spouse"
    child = "child"
    parent = "parent"
    deceased = "deceased"
    business = "business"


class SharedDataItem(StrEnum):
    """Records of the data-sharing platform that can replace a paper proof."""

    hukou_record = "hukou_record"
    marriage_record = "marriage_record"
    social_insurance_record = "social_insurance_record"
    housing_fund_record = "housing_fund_record"
    property_record = "property_record"
    low_income_record = "low_income_record"
    disability_record = "disability_record"
    death_record = "death_record"
    business_record = "business_record"
    tax_record = "tax_record"


class FormField(StrEnum):
    """Application-form fields that shared data can pre-fill (免填写)."""

    name = "name"
    sex = "sex"
    id_number = "id_number"
    birth_date = "birth_date"
    ethnicity = "ethnicity"
    hukou_address = "hukou_address"
    marital_status = "marital_status"
    spouse_name = "spouse_name"
    spouse_id_number = "spouse_id_number"
    child_name = "child_name"
    child_birth_date = "child_birth_date"
    phone = "phone"
    business_name = "business_name"
    credit_code = "credit_code"


class Template(Strict):
    name: NAME
    url: Annotated[str, StringConstraints(max_length=300)] | None = None
    note: SHORT_TEXT | None = None


class Material(Strict):
    id: KEY = Field(description="Key used by situations to list this material")
    name: NAME
    form: MaterialForm = MaterialForm.original
    copies: int = Field(default=1, ge=0, le=20)
    required: bool = True
    condition: SHORT_TEXT | None = Field(
        default=None, description="When a non-required material is needed"
    )
    issuer: SHORT_TEXT | None = None
    licence: KEY | None = Field(default=None, description="E-licence type code that can stand in")
    licence_holder: LicenceHolder | None = None
    shared_data: SharedDataItem | None = Field(
        default=None, description="Shared record that can replace it"
    )
    commitment_allowed: bool = Field(default=False, description="告知承诺 may replace it")
    deferrable: bool = Field(default=False, description="容缺受理: may be handed in later")
    template: Template | None = None
    note: LONG_TEXT | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Material:
        if not self.required and not self.condition:
            raise ValueError("a conditional material (required: false) needs a condition")
        if self.licence and not self.licence_holder:
            raise ValueError("licence_holder is required when licence is set")
        return self


class Situation(Strict):
    key: KEY
    name: NAME
    description: LONG_TEXT | None = None
    cues: list[SHORT_TEXT] = Field(
        default_factory=list, description="Words in a question that imply it"
    )
    materials: list[KEY] = Field(min_length=1)
    default: bool = False
    note: LONG_TEXT | None = None


class Step(Strict):
    name: NAME
    description: LONG_TEXT


class TimeLimit(Strict):
    statutory_days: int | None = Field(
        default=None, ge=0, le=365, description="法定办结时限 (working days)"
    )
    promised_days: int | None = Field(
        default=None, ge=0, le=365, description="承诺办结时限 (working days)"
    )
    instant: bool = Field(default=False, description="即办件")
    note: LONG_TEXT | None = None


class Fee(Strict):
    charged: bool = False
    amount: SHORT_TEXT | None = None
    basis: LONG_TEXT | None = None


class OnlineLevel(StrEnum):
    full = "全程网办"
    pre_review = "网上预审"
    appointment_only = "网上预约"
    offline = "仅限窗口"


class Online(Strict):
    level: OnlineLevel = OnlineLevel.offline
    entry: SHORT_TEXT | None = Field(default=None, description="e.g. 粤省事小程序、广东政务服务网")
    note: LONG_TEXT | None = None

    @property
    def available(self) -> bool:
        return self.level in (OnlineLevel.full, OnlineLevel.pre_review)


class SpecialProcedure(Strict):
    name: NAME
    days: int | None = Field(default=None, ge=0, le=365)
    note: LONG_TEXT | None = None


class Faq(Strict):
    q: SHORT_TEXT
    a: LONG_TEXT


class QuestionOption(Strict):
    label: SHORT_TEXT
    next: KEY | None = Field(default=None, description="id of the next question")
    situation: KEY | None = Field(default=None, description="situation reached by this answer")

    @model_validator(mode="after")
    def _one_target(self) -> QuestionOption:
        if (self.next is None) == (self.situation is None):
            raise ValueError("an option leads either to a next question or to a situation")
        return self


class Question(Strict):
    id: KEY
    text: SHORT_TEXT
    options: list[QuestionOption] = Field(min_length=2, max_length=8)


class Guide(Strict):
    """One service guide (办事指南)."""

    name: NAME
    slug: SLUG
    code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{10,40}$")]
    item_type: ItemType
    department: NAME
    implementing_body: SHORT_TEXT | None = None
    service_object: list[ServiceObject] = Field(min_length=1)
    life_events: list[NAME] = Field(default_factory=list)
    service_group: KEY = Field(
        description="Window group in the halls that handles it (halls.yml groups)"
    )
    service_minutes: int = Field(default=15, ge=1, le=240, description="Typical time at the window")
    levels: list[HallLevel] = Field(min_length=1)
    halls: list[NAME] = Field(
        default_factory=list, description="Explicit halls; empty = all halls of levels"
    )
    summary: LONG_TEXT
    legal_basis: list[LONG_TEXT] = Field(min_length=1)
    acceptance_conditions: list[LONG_TEXT] = Field(min_length=1)
    situations: list[Situation] = Field(min_length=1)
    materials: list[Material] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)
    time_limit: TimeLimit
    fee: Fee
    visits: int = Field(ge=0, le=5, description="到现场次数")
    online: Online
    special_procedures: list[SpecialProcedure] = Field(default_factory=list)
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9\-、 ]{5,40}$")]
    form_fields: list[FormField] = Field(
        default_factory=list, description="Fields shared data can pre-fill"
    )
    aliases: list[NAME] = Field(default_factory=list)
    examples: list[SHORT_TEXT] = Field(
        default_factory=list, description="Example questions for matching"
    )
    related: list[NAME] = Field(default_factory=list)
    faq: list[Faq] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list, description="Greeter question tree")
    notes: LONG_TEXT | None = None

    @field_validator("aliases", "examples", "related", "life_events", "halls")
    @classmethod
    def _no_duplicates(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for v in value:
            if v in seen:
                raise ValueError(f"duplicate entry: {v}")
            seen.add(v)
        return value

    @model_validator(mode="after")
    def _internal_references(self) -> Guide:
        problems = internal_problems(self)
        if problems:
            raise ValueError("; ".join(msg for _, msg in problems))
        return self

    def situation(self, key: str | None) -> Situation:
        if key is None:
            return next((s for s in self.situations if s.default), self.situations[0])
        for s in self.situations:
            if s.key == key:
                return s
        raise KeyError(key)

    def materials_for(self, key: str | None) -> list[Material]:
        by_id = {m.id: m for m in self.materials}
        return [by_id[m] for m in self.situation(key).materials]


def internal_problems(guide: Guide) -> list[tuple[str, str]]:
    """Problems that need only the guide itself: (field, message) pairs."""
    problems: list[tuple[str, str]] = []
    mat_ids = [m.id for m in guide.materials]
    for dup in {m for m in mat_ids if mat_ids.count(m) > 1}:
        problems.append(("materials", f"material id '{dup}' is used twice"))
    sit_keys = [s.key for s in guide.situations]
    for dup in {k for k in sit_keys if sit_keys.count(k) > 1}:
        problems.append(("situations", f"situation key '{dup}' is used twice"))
    for s in guide.situations:
        for m in s.materials:
            if m not in mat_ids:
                problems.append((f"situations.{s.key}.materials", f"unknown material '{m}'"))
    if sum(1 for s in guide.situations if s.default) > 1:
        problems.append(("situations", "at most one situation may be the default"))
    q_ids = {q.id for q in guide.questions}
    for q in guide.questions:
        for o in q.options:
            if o.next and o.next not in q_ids:
                problems.append(
                    (
                        f"questions.{q.id}",
                        f"option '{o.label}' leads to unknown question '{o.next}'",
                    )
                )
            if o.situation and o.situation not in sit_keys:
                problems.append(
                    (
                        f"questions.{q.id}",
                        f"option '{o.label}' leads to unknown situation '{o.situation}'",
                    )
                )
    return problems


class Theme(Strict):
    """A "一件事" theme: several items handled together."""

    name: NAME
    slug: SLUG
    life_event: NAME
    summary: LONG_TEXT
    items: list[NAME] = Field(min_length=2)
    lead_department: NAME
    levels: list[HallLevel] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)
    promised_days: int | None = Field(default=None, ge=0, le=365)
    visits: int = Field(ge=0, le=5)
    online: Online
    aliases: list[NAME] = Field(default_factory=list)
    examples: list[SHORT_TEXT] = Field(default_factory=list)
    notes: LONG_TEXT | None = None


class OpeningPeriod(Strict):
    """One opening period, written ``"09:00-12:00"`` in YAML."""

    start: time
    end: time

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            m = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*", value)
            if not m:
                raise ValueError("an opening period is written like 09:00-12:00")
            return {"start": m.group(1), "end": m.group(2)}
        return value

    @model_serializer
    def _to_text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @model_validator(mode="after")
    def _ordered(self) -> OpeningPeriod:
        if self.start >= self.end:
            raise ValueError("an opening period must end after it starts")
        return self


class WeekdayHours(Strict):
    """Opening hours of one weekday (0 = Monday). ``booked_only`` opens for appointments only."""

    weekday: int = Field(ge=0, le=6)
    periods: list[OpeningPeriod] = Field(min_length=1, max_length=4)
    booked_only: bool = False


class Hall(Strict):
    name: NAME
    slug: SLUG
    level: HallLevel
    district: NAME
    address: SHORT_TEXT
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9\-、 ]{5,40}$")]
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    windows: int = Field(ge=1, le=200)
    groups: dict[KEY, int] = Field(description="Windows per service group")
    hours: list[WeekdayHours] = Field(min_length=1)
    slot_minutes: int = Field(default=30, ge=5, le=240)
    accepts: list[NAME] = Field(default_factory=list, description="Items accepted beyond its level")
    excludes: list[NAME] = Field(
        default_factory=list, description="Items of its level it does not accept"
    )
    transit: SHORT_TEXT | None = None

    @model_validator(mode="after")
    def _groups_fit(self) -> Hall:
        if sum(self.groups.values()) > self.windows:
            raise ValueError("group windows add up to more than the hall's windows")
        return self


class ServiceGroup(Strict):
    key: KEY
    name: NAME


class LicenceType(Strict):
    code: KEY
    name: NAME
    issuer: SHORT_TEXT
    region_scoped: bool = Field(
        default=False, description="In the shared data only when issued in this province"
    )
    note: SHORT_TEXT | None = None


class SynonymGroup(Strict):
    """Words citizens use for one canonical term (colloquial, dialect, common mistakes)."""

    canonical: NAME
    variants: list[NAME] = Field(min_length=1)
    note: SHORT_TEXT | None = None


CODE_RE = re.compile(r"^[0-9A-Z]{10,40}$")
