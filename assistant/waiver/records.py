"""What the shared data says about an applicant: plain dataclasses, no database.

A provider (the local store or a remote platform) answers a ``LookupRequest`` with a
``PersonRecords``. The request names, for each kind of holder a guide attributes materials
to (the applicant, the spouse, a child...), the licence types and shared records wanted,
so that a provider hands over nothing about a relative beyond what the guide needs.

The same classes travel as JSON between ``HttpProvider`` and a remote platform
(``to_json`` / ``records_from_json``, through pydantic's dataclass support).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter

from assistant.kb.schema import LicenceHolder, SharedDataItem


class Relation(StrEnum):
    """A recorded family relation, seen from the applicant: ``child`` is the applicant's child."""

    spouse = "spouse"
    child = "child"
    parent = "parent"


class LicenceStatus(StrEnum):
    valid = "valid"
    revoked = "revoked"


class LicenceSubject(StrEnum):
    """Whom a licence is issued to: the person, or a business the person runs."""

    person = "person"
    business = "business"


@dataclass(frozen=True)
class Licence:
    """One e-licence (电子证照). ``valid_until`` None means long-term (长期)."""

    type_code: str
    number: str
    holder_name: str
    issuer: str
    region: str  # province of issue, e.g. 广东省
    issued_on: date | None = None
    valid_until: date | None = None
    status: LicenceStatus = LicenceStatus.valid
    subject: LicenceSubject = LicenceSubject.person


@dataclass(frozen=True)
class SharedRecord:
    """One record of the data-sharing platform (户籍信息, 婚姻登记信息...)."""

    kind: SharedDataItem
    reference: str
    keeper: str
    updated_on: date | None = None


@dataclass(frozen=True)
class Hukou:
    province: str
    city: str = ""
    district: str = ""
    address: str = ""

    @property
    def place(self) -> str:
        """``湖南省长沙市``, ``广东省汕尾市城区``."""
        return f"{self.province}{self.city}{self.district}"


@dataclass(frozen=True)
class Person:
    name: str
    sex: str
    birth_date: date
    id_number: str | None = None  # a newborn has none before 出生登记
    ethnicity: str | None = None
    hukou: Hukou | None = None
    marital_status: str | None = None
    phone: str | None = None
    died_on: date | None = None
    licences: tuple[Licence, ...] = ()
    records: tuple[SharedRecord, ...] = ()


@dataclass(frozen=True)
class Relative:
    relation: Relation
    person: Person


@dataclass(frozen=True)
class PersonRecords:
    """The answer to one lookup. ``applicant`` None: the person is not in the shared data."""

    applicant: Person | None
    relatives: tuple[Relative, ...] = ()

    @property
    def found(self) -> bool:
        return self.applicant is not None


@dataclass(frozen=True)
class HolderNeed:
    """What a guide needs to know about one kind of holder."""

    holder: LicenceHolder
    licence_types: frozenset[str] = frozenset()
    shared_items: frozenset[SharedDataItem] = frozenset()


@dataclass(frozen=True)
class LookupRequest:
    id_number: str
    needs: tuple[HolderNeed, ...] = field(default_factory=tuple)

    def need(self, holder: LicenceHolder) -> HolderNeed | None:
        return next((n for n in self.needs if n.holder == holder), None)


_RECORDS = TypeAdapter(PersonRecords)
_REQUEST = TypeAdapter(LookupRequest)


def to_json(value: PersonRecords | LookupRequest) -> dict[str, Any]:
    adapter: TypeAdapter[Any] = _RECORDS if isinstance(value, PersonRecords) else _REQUEST
    return adapter.dump_python(value, mode="json")  # type: ignore[no-any-return]


def records_from_json(data: Any) -> PersonRecords:
    """Validate a provider's JSON answer (raises ``pydantic.ValidationError`` if malformed)."""
    return _RECORDS.validate_python(data)


def request_from_json(data: Any) -> LookupRequest:
    return _REQUEST.validate_python(data)


# ------------------------------------------------------------------ data minimisation

_RELATIVE_HOLDER = {
    Relation.spouse: LicenceHolder.spouse,
    Relation.child: LicenceHolder.child,
    Relation.parent: LicenceHolder.parent,
}


def relations_needed(request: LookupRequest) -> frozenset[Relation]:
    """The relations worth reading at all (a deceased relative may be any of them)."""
    holders = {n.holder for n in request.needs}
    if LicenceHolder.deceased in holders:
        return frozenset(Relation)
    return frozenset(r for r, h in _RELATIVE_HOLDER.items() if h in holders)


def select_records(
    request: LookupRequest, applicant: Person | None, relatives: Iterable[Relative]
) -> PersonRecords:
    """Keep only what the request asks for: every provider answers through this.

    The applicant keeps the licences and records asked for the applicant (and, for licences
    issued to a business the applicant runs, those asked for the business). A relative is kept
    only when the request needs that kind of holder (a deceased relative counts as
    ``deceased``, whatever the relation), with the licences and records asked for it and
    basic identity only (no phone, ethnicity or marital status).
    """
    if applicant is None:
        return PersonRecords(applicant=None)
    own = request.need(LicenceHolder.applicant) or HolderNeed(LicenceHolder.applicant)
    business = request.need(LicenceHolder.business) or HolderNeed(LicenceHolder.business)
    kept = replace(
        applicant,
        licences=tuple(
            lic
            for lic in applicant.licences
            if lic.type_code
            in (business if lic.subject == LicenceSubject.business else own).licence_types
        ),
        records=tuple(
            r for r in applicant.records if r.kind in own.shared_items | business.shared_items
        ),
    )
    out = []
    for rel in relatives:
        holder = LicenceHolder.deceased if rel.person.died_on else _RELATIVE_HOLDER[rel.relation]
        need = request.need(holder)
        if need is not None:
            out.append(Relative(rel.relation, _restrict_relative(rel.person, need)))
    out.sort(key=lambda r: (r.relation.value, r.person.name))
    return PersonRecords(applicant=kept, relatives=tuple(out))


def _restrict_relative(person: Person, need: HolderNeed) -> Person:
    return replace(
        person,
        ethnicity=None,
        marital_status=None,
        phone=None,
        licences=tuple(
            lic
            for lic in person.licences
            if lic.type_code in need.licence_types and lic.subject == LicenceSubject.person
        ),
        records=tuple(r for r in person.records if r.kind in need.shared_items),
    )
