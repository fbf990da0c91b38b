"""Read-side questions about the published KB: plain functions over a snapshot."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.kb import schema
from assistant.kb.snapshot import HallRecord, KbSnapshot, PublishedGuide


def hall_accepts(hall: schema.Hall, guide: schema.Guide) -> bool:
    """Whether a hall takes applications for a guide.

    A guide names its halls explicitly, or else is accepted by every hall of its levels; a hall
    may add items beyond its level (``accepts``) or leave some out (``excludes``).
    """
    if guide.name in hall.excludes:
        return False
    if guide.name in hall.accepts:
        return True
    if guide.halls:
        return hall.name in guide.halls
    return hall.level in guide.levels


def halls_for(snapshot: KbSnapshot, guide: schema.Guide) -> list[HallRecord]:
    return [h for h in snapshot.halls if hall_accepts(h.hall, guide)]


def window_group(hall: schema.Hall, guide: schema.Guide) -> str | None:
    """The window group of ``hall`` that serves ``guide``: its own group, else 综合受理."""
    if hall.groups.get(guide.service_group):
        return guide.service_group
    if hall.groups.get("zonghe"):
        return "zonghe"
    return None


def filter_guides(
    snapshot: KbSnapshot,
    *,
    department: str | None = None,
    life_event: str | None = None,
    hall: HallRecord | None = None,
    online: bool | None = None,
    text: str | None = None,
) -> list[PublishedGuide]:
    out: Iterable[PublishedGuide] = snapshot.guides
    if department:
        out = [g for g in out if department in g.guide.department]
    if life_event:
        out = [g for g in out if life_event in g.guide.life_events]
    if hall is not None:
        out = [g for g in out if hall_accepts(hall.hall, g.guide)]
    if online is not None:
        out = [g for g in out if g.guide.online.available == online]
    if text:
        t = text.strip()
        out = [g for g in out if t in g.guide.name or any(t in a for a in g.guide.aliases)]
    return list(out)
