"""Pre-filling application forms from shared data (免填写): plain functions.

A guide lists the form fields shared data may fill (``Guide.form_fields``); a relative's
data (spouse, child) is used only when the guide lists a field about that relative.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from assistant.kb.schema import FormField, LicenceHolder
from assistant.waiver.outcomes import PrefillValue
from assistant.waiver.records import Licence, LicenceSubject, Person, PersonRecords, Relation

LABELS = {
    FormField.name: "姓名",
    FormField.sex: "性别",
    FormField.id_number: "公民身份号码",
    FormField.birth_date: "出生日期",
    FormField.ethnicity: "民族",
    FormField.hukou_address: "户籍地址",
    FormField.marital_status: "婚姻状况",
    FormField.spouse_name: "配偶姓名",
    FormField.spouse_id_number: "配偶公民身份号码",
    FormField.child_name: "子女姓名",
    FormField.child_birth_date: "子女出生日期",
    FormField.phone: "联系电话",
    FormField.business_name: "经营主体名称",
    FormField.credit_code: "统一社会信用代码",
}

# Fields shown only masked, except to the staff who fill the form in (see the router).
SENSITIVE = frozenset({FormField.id_number, FormField.spouse_id_number, FormField.phone})

_SPOUSE = {FormField.spouse_name, FormField.spouse_id_number}
_CHILD = {FormField.child_name, FormField.child_birth_date}
_BUSINESS = {FormField.business_name, FormField.credit_code}
BUSINESS_LICENCE = "business_license"
T = TypeVar("T", Person, Licence)

_PERSON: dict[FormField, Callable[[Person], str | None]] = {
    FormField.name: lambda p: p.name,
    FormField.sex: lambda p: p.sex,
    FormField.id_number: lambda p: p.id_number,
    FormField.birth_date: lambda p: p.birth_date.isoformat(),
    FormField.ethnicity: lambda p: p.ethnicity,
    FormField.hukou_address: lambda p: (p.hukou.address or p.hukou.place) if p.hukou else None,
    FormField.marital_status: lambda p: p.marital_status,
    FormField.phone: lambda p: p.phone,
    FormField.spouse_name: lambda p: p.name,
    FormField.spouse_id_number: lambda p: p.id_number,
    FormField.child_name: lambda p: p.name,
    FormField.child_birth_date: lambda p: p.birth_date.isoformat(),
}


def prefill_needs(fields: Iterable[FormField]) -> dict[LicenceHolder, set[str]]:
    """Which holders (and licence types) the form fields need looked up."""
    wanted = set(fields)
    needs: dict[LicenceHolder, set[str]] = {}
    if wanted & _SPOUSE:
        needs[LicenceHolder.spouse] = set()
    if wanted & _CHILD:
        needs[LicenceHolder.child] = set()
    if wanted & _BUSINESS:
        needs[LicenceHolder.business] = {BUSINESS_LICENCE}
    return needs


def prefill_for(fields: Iterable[FormField], records: PersonRecords) -> tuple[PrefillValue, ...]:
    """The fields shared data can fill, with their values (in full: callers mask)."""
    if records.applicant is None:
        return ()
    out: list[PrefillValue] = []
    for f in fields:
        value = _value(f, records)
        if value:
            out.append(
                PrefillValue(
                    field=f, label=LABELS[f], value=value, holder=_holder(f), source=_source(f)
                )
            )
    return tuple(out)


def _value(f: FormField, records: PersonRecords) -> str | None:
    assert records.applicant is not None
    if f in _BUSINESS:
        lic = _only(
            [
                x
                for x in records.applicant.licences
                if x.subject == LicenceSubject.business and x.type_code == BUSINESS_LICENCE
            ]
        )
        if lic is None:
            return None
        return lic.holder_name if f == FormField.business_name else lic.number
    person: Person | None = records.applicant
    if f in _SPOUSE or f in _CHILD:
        relation = Relation.spouse if f in _SPOUSE else Relation.child
        person = _only(
            [
                r.person
                for r in records.relatives
                if r.relation == relation and r.person.died_on is None
            ]
        )
    getter = _PERSON.get(f)
    return getter(person) if getter and person else None


def _only(items: list[T]) -> T | None:
    return items[0] if len(items) == 1 else None


def _holder(f: FormField) -> LicenceHolder:
    if f in _SPOUSE:
        return LicenceHolder.spouse
    if f in _CHILD:
        return LicenceHolder.child
    if f in _BUSINESS:
        return LicenceHolder.business
    return LicenceHolder.applicant


def _source(f: FormField) -> str:
    return "电子营业执照" if f in _BUSINESS else "人口基础信息"
