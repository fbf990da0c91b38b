"""What a waiver check says: per-material results, the summary, and theme ("一件事") merging.

Plain dataclasses built by ``rules``; the router turns them into JSON (masking what needs it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from assistant.kb.schema import FormField, LicenceHolder, MaterialForm, SharedDataItem


class Status(StrEnum):
    waived_licence = "waived_licence"  # an e-licence stands in for it
    waived_shared_data = "waived_shared_data"  # a shared record stands in for it
    commitment = "commitment"  # 告知承诺: a signed commitment replaces it
    deferrable = "deferrable"  # 容缺受理: accepted now, handed in later
    must_bring = "must_bring"

    @property
    def waived(self) -> bool:
        return self in (Status.waived_licence, Status.waived_shared_data)


# When a theme lists the same material for several items, the strictest outcome holds:
# if one item needs the paper, the citizen brings it.
_STRICTNESS = {
    Status.waived_licence: 0,
    Status.waived_shared_data: 1,
    Status.commitment: 2,
    Status.deferrable: 3,
    Status.must_bring: 4,
}


@dataclass(frozen=True)
class Source:
    """Where a waiver comes from: a licence (type, number, issuer) or a shared record."""

    kind: str  # "licence" | "shared_data"
    code: str  # licence type code or SharedDataItem value
    name: str  # 居民身份证 / 户籍登记信息
    number: str  # licence number or record reference, in full (the router masks it)
    issuer: str
    holder: LicenceHolder
    valid_until: date | None = None
    long_term: bool = False


@dataclass(frozen=True)
class MaterialResult:
    material_id: str
    name: str
    status: Status
    reason: str
    form: MaterialForm
    required: bool = True
    condition: str | None = None
    holder: LicenceHolder | None = None
    licence: str | None = None
    shared_data: SharedDataItem | None = None
    source: Source | None = None
    guides: tuple[str, ...] = ()

    @property
    def is_form(self) -> bool:
        return self.form == MaterialForm.form


@dataclass(frozen=True)
class PrefillValue:
    field: FormField
    label: str
    value: str
    holder: LicenceHolder
    source: str


@dataclass(frozen=True)
class Summary:
    must_bring: int
    waived: int
    commitment: int
    deferrable: int
    conditional: int
    forms: int
    prefilled: int
    text: str


@dataclass(frozen=True)
class GuideCheck:
    guide: str
    situation_key: str
    situation_name: str
    materials: tuple[MaterialResult, ...]
    prefill: tuple[PrefillValue, ...]
    notices: tuple[str, ...]
    summary: Summary


@dataclass(frozen=True)
class ThemeCheck:
    theme: str
    items: tuple[GuideCheck, ...]
    materials: tuple[MaterialResult, ...]  # every shared material once
    prefill: tuple[PrefillValue, ...]
    notices: tuple[str, ...]
    summary: Summary


def summarize(materials: Sequence[MaterialResult], prefilled: int) -> Summary:
    """Counts by outcome and one sentence (``需携带 2 项，免提交 4 项``).

    Conditional materials are counted apart ("视情况"); application forms are counted in
    需携带 (they are handed in, signed), and the sentence says they can be filled at the window.
    """
    required = [m for m in materials if m.required]
    count = {s: sum(1 for m in required if m.status == s) for s in Status}
    waived = count[Status.waived_licence] + count[Status.waived_shared_data]
    forms = sum(1 for m in required if m.is_form)
    conditional = len(materials) - len(required)
    must = f"需携带 {count[Status.must_bring]} 项"
    if forms:
        filled = f"已预填 {prefilled} 项，" if prefilled else ""
        must += f"（其中申请表 {forms} 份，{filled}可在窗口现场填写）"
    parts = [must, f"免提交 {waived} 项"]
    if count[Status.commitment]:
        parts.append(f"可告知承诺 {count[Status.commitment]} 项")
    if count[Status.deferrable]:
        parts.append(f"可容缺后补 {count[Status.deferrable]} 项")
    text = "，".join(parts)
    if conditional:
        text += f"；另有 {conditional} 项视情况提交"
    return Summary(
        must_bring=count[Status.must_bring],
        waived=waived,
        commitment=count[Status.commitment],
        deferrable=count[Status.deferrable],
        conditional=conditional,
        forms=forms,
        prefilled=prefilled,
        text=text,
    )


def combine_theme(
    theme: str, items: Sequence[GuideCheck], *, notices: Iterable[str] = ()
) -> ThemeCheck:
    """Merge the items of a theme: a licence of the same type and holder is one material."""
    merged: dict[tuple[str, ...], MaterialResult] = {}
    for item in items:
        for m in item.materials:
            key = (
                ("licence", m.licence, m.holder or "")
                if m.licence
                else ("own", item.guide, m.material_id)
            )
            mine = replace(m, guides=(item.guide,))
            merged[key] = _merge(merged[key], mine) if key in merged else mine
    prefill = {p.field: p for item in items for p in item.prefill}
    all_notices = _unique([*(n for item in items for n in item.notices), *notices])
    materials = tuple(merged.values())
    return ThemeCheck(
        theme=theme,
        items=tuple(items),
        materials=materials,
        prefill=tuple(prefill.values()),
        notices=all_notices,
        summary=summarize(materials, len(prefill)),
    )


def _merge(a: MaterialResult, b: MaterialResult) -> MaterialResult:
    strict = a if _STRICTNESS[a.status] >= _STRICTNESS[b.status] else b
    required = a.required or b.required
    return replace(
        strict,
        name=a.name,
        required=required,
        condition=None if required else a.condition,
        guides=a.guides + tuple(g for g in b.guides if g not in a.guides),
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
