"""The waiver rules (免提交): for one guide and situation, what the citizen need not bring.

Pure functions over plain data: a ``Guide`` of the KB, the ``PersonRecords`` a provider
returned (``None`` when the provider could not be asked) and a ``RuleContext`` (the day, the
province whose shared data this is, the licence types). No database, no clock.

For each material of the situation, in this order:

1. An application form (申请表) is never waived; shared data pre-fills it instead.
2. An e-licence of the type the guide names, held by the person the guide attributes the
   material to (the applicant, the spouse, the child...), valid on the day, not revoked, and
   for a region-scoped type issued in this province → ``waived_licence``. A valid licence
   beats everything below.
3. A shared record the guide names (户籍信息, 婚姻登记信息...) → ``waived_shared_data``.
4. A written commitment (告知承诺) → ``commitment``; 5. 容缺受理 → ``deferrable``;
6. otherwise ``must_bring``, with the reason the data could not stand in.

Never a false waiver: when the provider failed, or the applicant is not in the shared data,
every material that depends on the data is ``must_bring`` with that reason — not even a
commitment is offered for it, because 告知承诺 rests on the authority verifying the claim
later against the same data, which is exactly what could not be reached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from assistant.kb.schema import Guide, LicenceHolder, LicenceType, Material, MaterialForm
from assistant.waiver import texts
from assistant.waiver.outcomes import GuideCheck, MaterialResult, Source, Status, summarize
from assistant.waiver.prefill import prefill_for, prefill_needs
from assistant.waiver.records import (
    HolderNeed,
    Licence,
    LicenceStatus,
    LicenceSubject,
    LookupRequest,
    Person,
    PersonRecords,
    Relation,
    SharedRecord,
)
from assistant.waiver.texts import Why

# Licences issued where the person's hukou is: out of reach when the hukou is in another province.
HUKOU_BOUND_LICENCES = frozenset({"hukou_booklet"})


@dataclass(frozen=True)
class RuleContext:
    today: date
    province: str
    licence_types: Mapping[str, LicenceType] = field(default_factory=dict)

    def licence_name(self, code: str) -> str:
        t = self.licence_types.get(code)
        return t.name if t else code

    def region_scoped(self, code: str) -> bool:
        t = self.licence_types.get(code)
        return bool(t and t.region_scoped)


# ------------------------------------------------------------------ what to ask for


def plan_lookup(id_number: str, targets: Sequence[tuple[Guide, str | None]]) -> LookupRequest:
    """The data a lookup may fetch: per holder, only what the guides attribute to that holder."""
    licences: dict[LicenceHolder, set[str]] = {}
    shared: dict[LicenceHolder, set] = {}
    for guide, situation in targets:
        for m in guide.materials_for(situation):
            holder = m.licence_holder or LicenceHolder.applicant
            if m.licence:
                licences.setdefault(holder, set()).add(m.licence)
            if m.shared_data:
                shared.setdefault(holder, set()).add(m.shared_data)
        for holder, codes in prefill_needs(guide.form_fields).items():
            licences.setdefault(holder, set()).update(codes)
    holders = [LicenceHolder.applicant, *(h for h in LicenceHolder if h != LicenceHolder.applicant)]
    needs = tuple(
        HolderNeed(h, frozenset(licences.get(h, ())), frozenset(shared.get(h, ())))
        for h in holders
        if h == LicenceHolder.applicant or h in licences or h in shared
    )
    return LookupRequest(id_number=id_number, needs=needs)


# ------------------------------------------------------------------ the check


def check_guide(
    guide: Guide, situation: str | None, records: PersonRecords | None, ctx: RuleContext
) -> GuideCheck:
    """Judge every material of the situation (``records`` None: the data could not be reached)."""
    sit = guide.situation(situation)
    prefill = prefill_for(guide.form_fields, records) if records is not None else ()
    materials = tuple(
        judge(m, records, ctx, prefilled=len(prefill)) for m in guide.materials_for(sit.key)
    )
    notices: list[str] = []
    if records is None:
        notices.append(texts.NOTICE_UNAVAILABLE)
    elif not records.found:
        notices.append(texts.NOTICE_NOT_FOUND)
    return GuideCheck(
        guide=guide.name,
        situation_key=sit.key,
        situation_name=sit.name,
        materials=materials,
        prefill=prefill,
        notices=tuple(notices),
        summary=summarize(materials, len(prefill)),
    )


def judge(
    material: Material, records: PersonRecords | None, ctx: RuleContext, *, prefilled: int = 0
) -> MaterialResult:
    """The outcome for one material (see the module docstring for the order)."""
    if material.form == MaterialForm.form:
        return _result(material, Status.must_bring, texts.form_reason(prefilled))
    why: Why | None = None
    if material.licence or material.shared_data:
        if records is None or not records.found:
            why = texts.UNAVAILABLE if records is None else texts.NOT_FOUND
            return _result(material, Status.must_bring, texts.must_bring(material, why))
        by_licence = _by_licence(material, records, ctx) if material.licence else None
        if isinstance(by_licence, MaterialResult):
            return by_licence
        by_record = _by_shared_data(material, records, ctx) if material.shared_data else None
        if isinstance(by_record, MaterialResult):
            return by_record
        why = by_licence or by_record
    if material.commitment_allowed:
        return _result(material, Status.commitment, texts.commitment(why))
    if material.deferrable:
        return _result(material, Status.deferrable, texts.deferrable(why))
    return _result(material, Status.must_bring, texts.must_bring(material, why))


def _result(
    material: Material, status: Status, reason: str, source: Source | None = None
) -> MaterialResult:
    if not material.required and material.condition:
        reason = texts.conditional(material.condition, reason)
    return MaterialResult(
        material_id=material.id,
        name=material.name,
        status=status,
        reason=reason,
        form=material.form,
        required=material.required,
        condition=material.condition,
        holder=material.licence_holder,
        licence=material.licence,
        shared_data=material.shared_data,
        source=source,
    )


# ------------------------------------------------------------------ whose data


def candidates(records: PersonRecords, holder: LicenceHolder) -> list[Person]:
    """The recorded persons a material of ``holder`` may belong to (living, but for deceased)."""
    assert records.applicant is not None
    if holder in (LicenceHolder.applicant, LicenceHolder.business):
        return [records.applicant]
    if holder == LicenceHolder.deceased:
        return [r.person for r in records.relatives if r.person.died_on is not None]
    relation = Relation(holder.value)
    return [
        r.person for r in records.relatives if r.relation == relation and r.person.died_on is None
    ]


def _one_holder(material: Material, records: PersonRecords) -> Person | Why:
    holder = material.licence_holder or LicenceHolder.applicant
    people = candidates(records, holder)
    if not people:
        return texts.no_relative(holder)
    if len(people) > 1:
        return texts.ambiguous_relative(holder, len(people))
    return people[0]


# ------------------------------------------------------------------ licences


def _by_licence(
    material: Material, records: PersonRecords, ctx: RuleContext
) -> MaterialResult | Why:
    assert material.licence and material.licence_holder
    person = _one_holder(material, records)
    if isinstance(person, Why):
        return person
    code, holder = material.licence, material.licence_holder
    subject = LicenceSubject.business if holder == LicenceHolder.business else LicenceSubject.person
    mine = [lic for lic in person.licences if lic.type_code == code and lic.subject == subject]
    if not mine:
        return _missing_licence(person, holder, code, ctx)
    ordered = _newest_first(mine)
    usable = next((lic for lic in ordered if licence_problem(lic, holder, ctx) is None), None)
    if usable is None:  # say what is wrong with the newest one
        return licence_problem(ordered[0], holder, ctx) or texts.licence_not_found(holder, code)
    source = Source(
        kind="licence",
        code=code,
        name=ctx.licence_name(code),
        number=usable.number,
        issuer=usable.issuer,
        holder=holder,
        valid_until=usable.valid_until,
        long_term=usable.valid_until is None,
    )
    reason = texts.waived_by_licence(holder, ctx.licence_name(code), usable.valid_until)
    return _result(material, Status.waived_licence, reason, source)


def licence_problem(lic: Licence, holder: LicenceHolder, ctx: RuleContext) -> Why | None:
    """Why a licence cannot stand in today, or None when it can."""
    name = ctx.licence_name(lic.type_code)
    if lic.status == LicenceStatus.revoked:
        return texts.licence_revoked(holder, name)
    if lic.valid_until is not None and lic.valid_until < ctx.today:
        return texts.licence_expired(holder, name, lic.valid_until)
    if ctx.region_scoped(lic.type_code) and lic.region != ctx.province:
        return texts.licence_out_of_region(holder, name, lic.region, ctx.province)
    return None


def _missing_licence(person: Person, holder: LicenceHolder, code: str, ctx: RuleContext) -> Why:
    name = ctx.licence_name(code)
    hukou = person.hukou
    if code in HUKOU_BOUND_LICENCES and hukou is not None and hukou.province != ctx.province:
        return texts.hukou_elsewhere(holder, hukou.place, name, ctx.province)
    return texts.licence_not_found(holder, name)


def _newest_first(licences: list[Licence]) -> list[Licence]:
    return sorted(licences, key=lambda lic: lic.issued_on or date.min, reverse=True)


# ------------------------------------------------------------------ shared records


def _by_shared_data(
    material: Material, records: PersonRecords, ctx: RuleContext
) -> MaterialResult | Why:
    assert material.shared_data
    person = _one_holder(material, records)
    if isinstance(person, Why):
        return person
    holder = material.licence_holder or LicenceHolder.applicant
    item = material.shared_data
    record: SharedRecord | None = next((r for r in person.records if r.kind == item), None)
    if record is None:
        hukou = person.hukou
        if item.value == "hukou_record" and hukou is not None and hukou.province != ctx.province:
            return texts.hukou_elsewhere(
                holder, hukou.place, texts.SHARED_ITEM_NAMES[item], ctx.province
            )
        return texts.record_not_found(holder, item)
    source = Source(
        kind="shared_data",
        code=item.value,
        name=texts.SHARED_ITEM_NAMES[item],
        number=record.reference,
        issuer=record.keeper,
        holder=holder,
    )
    reason = texts.waived_by_record(holder, item, record.keeper)
    return _result(material, Status.waived_shared_data, reason, source)
