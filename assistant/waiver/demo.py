"""The demo shared data (``guides_kb/demo/shared_data.yml``): its schema and its people.

The file is validated like the KB files (unknown fields refused, ID check digits checked,
relations naming people of the file). ``Directory`` is the same data in memory, answering
lookups exactly as the store does; unit tests and the fake remote platform use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import Field, StringConstraints, model_validator

from assistant.kb.schema import KEY, NAME, SHORT_TEXT, SharedDataItem, Strict
from assistant.waiver import idcard
from assistant.waiver.records import (
    Hukou,
    Licence,
    LicenceStatus,
    LicenceSubject,
    LookupRequest,
    Person,
    PersonRecords,
    Relation,
    Relative,
    SharedRecord,
    select_records,
)

DEMO_FILE = Path("demo") / "shared_data.yml"  # inside the KB folder
BIRTH_CERT = "birth_medical_cert"
NUMBER = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class DemoLicence(Strict):
    type: KEY
    number: NUMBER
    issuer: SHORT_TEXT
    issued: date | None = None
    valid_until: date | Literal["long-term"] | None = None
    region: NAME | None = Field(default=None, description="Province of issue (default: the file's)")
    status: LicenceStatus = LicenceStatus.valid
    subject: LicenceSubject = LicenceSubject.person
    holder: NAME | None = Field(
        default=None, description="The business's name, for subject business"
    )
    details: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _business_named(self) -> DemoLicence:
        if (self.subject == LicenceSubject.business) != (self.holder is not None):
            raise ValueError("holder (the business's name) is given exactly for subject: business")
        return self


class DemoRecord(Strict):
    kind: SharedDataItem
    reference: NUMBER
    keeper: SHORT_TEXT
    updated: date | None = None


class DemoHukou(Strict):
    province: NAME
    city: str = ""
    district: str = ""
    address: str = Field(default="", max_length=200)


class DemoPerson(Strict):
    name: NAME
    id_number: str | None = None
    sex: Literal["男", "女"]
    born: date
    ethnicity: NAME | None = None
    hukou: DemoHukou | None = None
    marital_status: Literal["未婚", "已婚", "离婚", "丧偶"] | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9\-]{5,20}$")] | None = None
    died_on: date | None = None
    licences: list[DemoLicence] = Field(default_factory=list)
    records: list[DemoRecord] = Field(default_factory=list)

    @model_validator(mode="after")
    def _identity(self) -> DemoPerson:
        if self.id_number is None:
            if not any(lic.type == BIRTH_CERT for lic in self.licences):
                raise ValueError("a person without an ID number needs a birth_medical_cert")
            return self
        self.id_number = idcard.normalize_id_number(self.id_number)
        if idcard.birth_date_of(self.id_number) != self.born:
            raise ValueError(f"{self.name}: born does not match the ID number")
        if idcard.sex_of(self.id_number) != self.sex:
            raise ValueError(f"{self.name}: sex does not match the ID number")
        return self

    @property
    def key(self) -> str:
        """The store's identifier: the ID number, else ``birth:<出生医学证明编号>``."""
        if self.id_number:
            return self.id_number
        return "birth:" + next(lic.number for lic in self.licences if lic.type == BIRTH_CERT)


class DemoRelation(Strict):
    spouses: list[NAME] | None = Field(default=None, min_length=2, max_length=2)
    parents: list[NAME] | None = Field(default=None, min_length=1, max_length=2)
    child: NAME | None = None

    @model_validator(mode="after")
    def _one_form(self) -> DemoRelation:
        if (self.spouses is None) == (self.parents is None) or (self.parents is None) != (
            self.child is None
        ):
            raise ValueError("a relation is either {spouses: [a, b]} or {parents: [...], child: c}")
        return self

    def pairs(self) -> list[tuple[str, Relation, str]]:
        """Both directions: (person, relation of the other to the person, other)."""
        if self.spouses:
            a, b = self.spouses
            return [(a, Relation.spouse, b), (b, Relation.spouse, a)]
        assert self.parents and self.child
        out = []
        for parent in self.parents:
            out += [(parent, Relation.child, self.child), (self.child, Relation.parent, parent)]
        return out


class DemoFile(Strict):
    province: NAME
    persons: list[DemoPerson] = Field(min_length=1)
    relations: list[DemoRelation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> DemoFile:
        names = [p.name for p in self.persons]
        if len(set(names)) != len(names):
            raise ValueError("person names must be unique in the demo file")
        for rel in self.relations:
            for a, _, b in rel.pairs():
                if a not in names or b not in names:
                    raise ValueError(f"relation names someone not in the file: {a} / {b}")
        return self


def load_demo(path: Path) -> DemoFile:
    """Read and validate the demo file (raises pydantic's ``ValidationError`` or a YAML error)."""
    return DemoFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


# ------------------------------------------------------------------ as plain records


def to_person(p: DemoPerson, province: str) -> Person:
    hukou = p.hukou
    return Person(
        name=p.name,
        sex=p.sex,
        birth_date=p.born,
        id_number=p.id_number,
        ethnicity=p.ethnicity,
        hukou=Hukou(hukou.province, hukou.city, hukou.district, hukou.address) if hukou else None,
        marital_status=p.marital_status,
        phone=p.phone,
        died_on=p.died_on,
        licences=tuple(to_licence(lic, p.name, province) for lic in p.licences),
        records=tuple(SharedRecord(r.kind, r.reference, r.keeper, r.updated) for r in p.records),
    )


def to_licence(lic: DemoLicence, person_name: str, province: str) -> Licence:
    return Licence(
        type_code=lic.type,
        number=lic.number,
        holder_name=lic.holder or person_name,
        issuer=lic.issuer,
        region=lic.region or province,
        issued_on=lic.issued,
        valid_until=lic.valid_until if isinstance(lic.valid_until, date) else None,
        status=lic.status,
        subject=lic.subject,
    )


@dataclass(frozen=True)
class Directory:
    """A whole shared-data source in memory, answering lookups like the store."""

    persons: Mapping[str, Person]  # by ID number (people without one are reached by relation)
    relatives: Mapping[str, tuple[Relative, ...]]

    @classmethod
    def from_demo(cls, demo: DemoFile) -> Directory:
        by_name = {p.name: to_person(p, demo.province) for p in demo.persons}
        relatives: dict[str, list[Relative]] = {}
        for rel in demo.relations:
            for a, relation, b in rel.pairs():
                relatives.setdefault(a, []).append(Relative(relation, by_name[b]))
        return cls(
            persons={p.id_number: p for p in by_name.values() if p.id_number},
            relatives={
                p.id_number: tuple(relatives.get(p.name, ()))
                for p in by_name.values()
                if p.id_number
            },
        )

    def lookup(self, request: LookupRequest) -> PersonRecords:
        person = self.persons.get(request.id_number)
        return select_records(request, person, self.relatives.get(request.id_number, ()))
