"""Halls and guides as the booking domain needs them, from the published KB snapshot."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.errors import InvalidInput, NotFound
from assistant.kb import service as kb_service
from assistant.kb.snapshot import HallRecord, KbSnapshot, PublishedGuide


@dataclass(frozen=True)
class Counter:
    """Where an item is handled: a hall and the window group serving it there."""

    hall: HallRecord
    guide: PublishedGuide
    group: str

    @property
    def windows(self) -> int:
        return self.hall.hall.groups.get(self.group, 0)


def hall(kb: KbSnapshot, ref: str | int) -> HallRecord:
    found = kb.hall(ref)
    if found is None:
        raise NotFound(f"没有找到服务大厅：{ref}")
    return found


def guide(kb: KbSnapshot, ref: str | int) -> PublishedGuide:
    found = kb.guide(ref)
    if found is None:
        raise NotFound(f"没有找到办事事项：{ref}")
    return found


def serving_group(h: HallRecord, g: PublishedGuide) -> str | None:
    if not kb_service.hall_accepts(h.hall, g.guide):
        return None
    return kb_service.window_group(h.hall, g.guide)


def counters_for(kb: KbSnapshot, g: PublishedGuide) -> list[Counter]:
    """Every hall that accepts the item and has windows for it."""
    return [Counter(h, g, grp) for h in kb.halls if (grp := serving_group(h, g))]


def counter(kb: KbSnapshot, hall_ref: str | int, guide_ref: str | int) -> Counter:
    h, g = hall(kb, hall_ref), guide(kb, guide_ref)
    group = serving_group(h, g)
    if group is None:
        others = "、".join(c.hall.hall.name for c in counters_for(kb, g)[:4])
        hint = f"可以到{others}办理。" if others else "请咨询12345热线。"
        raise InvalidInput(f"{h.hall.name}不受理“{g.name}”，{hint}")
    return Counter(h, g, group)
