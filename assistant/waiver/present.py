"""A check as the API and the command line show it: masked wherever it need not be whole.

Licence numbers and record references are always masked. Pre-fill values are masked too
(ID numbers, phone numbers, names, addresses), except for the hall staff who fill the form in
(``full_prefill``): a citizen sees which fields will be filled, the greeter the values.
"""

from __future__ import annotations

from assistant.kb.schema import FormField
from assistant.privacy import mask_id_number, mask_phone
from assistant.waiver.models import (
    ItemPublic,
    MaterialPublic,
    PrefillPublic,
    SituationRef,
    SourcePublic,
    SummaryPublic,
    TargetRef,
    WaiverCheckPublic,
)
from assistant.waiver.outcomes import GuideCheck, MaterialResult, PrefillValue, Summary, ThemeCheck
from assistant.waiver.service import CheckResult

_NAMES = {FormField.name, FormField.spouse_name, FormField.child_name}
_IDS = {FormField.id_number, FormField.spouse_id_number}


def check_public(result: CheckResult, *, full_prefill: bool = False) -> WaiverCheckPublic:
    check, t = result.check, result.target
    items = []
    if isinstance(check, ThemeCheck):
        items = [_item(i, result.guide_ids[i.guide]) for i in check.items]
    return WaiverCheckPublic(
        target=TargetRef(kind=t.kind, id=t.id, name=t.name, slug=t.slug),  # type: ignore[arg-type]
        situation=_situation(check) if isinstance(check, GuideCheck) else None,
        applicant=result.applicant_masked,
        materials=[material_public(m) for m in check.materials],
        items=items,
        summary=_summary(check.summary),
        prefill={p.field.value: prefill_public(p, full=full_prefill) for p in check.prefill},
        notices=list(check.notices),
        checked_on=result.checked_on,
        consent_id=result.consent_id,
    )


def material_public(m: MaterialResult) -> MaterialPublic:
    source = None
    if m.source is not None:
        s = m.source
        source = SourcePublic(
            kind=s.kind,
            code=s.code,
            name=s.name,
            number=mask_id_number(s.number),
            issuer=s.issuer,
            holder=s.holder.value,
            valid_until=s.valid_until,
            long_term=s.long_term,
        )
    return MaterialPublic(
        id=m.material_id,
        name=m.name,
        status=m.status.value,
        reason=m.reason,
        form=m.form.value,
        required=m.required,
        condition=m.condition,
        holder=m.holder.value if m.holder else None,
        licence=m.licence,
        shared_data=m.shared_data.value if m.shared_data else None,
        source=source,
        guides=list(m.guides),
    )


def prefill_public(p: PrefillValue, *, full: bool) -> PrefillPublic:
    value = p.value if full else mask_value(p.field, p.value)
    return PrefillPublic(
        label=p.label, value=value, masked=value != p.value, holder=p.holder.value, source=p.source
    )


def mask_value(f: FormField, value: str) -> str:
    if f in _IDS:
        return mask_id_number(value)
    if f == FormField.phone:
        return mask_phone(value)
    if f in _NAMES:
        return value[:1] + "*" * (len(value) - 1)
    if f == FormField.hukou_address:
        return value[:6] + "*" * max(len(value) - 6, 0)
    return value


def _item(check: GuideCheck, guide_id: int) -> ItemPublic:
    return ItemPublic(
        guide_id=guide_id,
        guide=check.guide,
        situation=_situation(check),
        materials=[material_public(m) for m in check.materials],
        summary=_summary(check.summary),
    )


def _situation(check: GuideCheck) -> SituationRef:
    return SituationRef(key=check.situation_key, name=check.situation_name)


def _summary(s: Summary) -> SummaryPublic:
    return SummaryPublic(**s.__dict__)
