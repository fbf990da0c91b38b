"""Which hall to go to for an item: distance, people waiting, estimated wait, next free slot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from assistant.booking import catalog, queue_service, service
from assistant.booking.calendar import HallDay
from assistant.booking.catalog import Counter
from assistant.booking.distance import HallOption, Order, haversine_km, order_options, with_distance
from assistant.booking.service import SlotView
from assistant.errors import InvalidInput
from assistant.kb.snapshot import KbSnapshot


@dataclass(frozen=True)
class Suggestion:
    counter: Counter
    option: HallOption
    queue: queue_service.QueueStatus
    next_slot: tuple[HallDay, SlotView] | None


def nearest(
    *,
    session: Session,
    kb: KbSnapshot,
    guide_ref: str,
    position: tuple[float, float] | None,
    district: str | None,
    order: Order,
    speed_kmh: float,
    now: datetime,
    working_days: int,
) -> list[Suggestion]:
    g = catalog.guide(kb, guide_ref)
    if position is None and not district:
        raise InvalidInput(
            "请发送您的位置，或告诉我们您所在的区县（如：城区、海丰县），以便推荐最近的大厅。"
        )
    if district and position is None and district not in {h.hall.district for h in kb.halls}:
        known = "、".join(sorted({h.hall.district for h in kb.halls}))
        raise InvalidInput(f"没有找到区县“{district}”，可选：{known}。")
    horizon = service.horizon(session, now=now, working_days=working_days)
    found: dict[int, Suggestion] = {}
    for c in catalog.counters_for(kb, g):
        q = queue_service.counter_status(session=session, c=c, now=now)
        h = c.hall.hall
        opt = HallOption(c.hall.id, h.name, h.district, q.waiting, q.wait_minutes)
        if position is not None:
            km = haversine_km(position[0], position[1], h.lat, h.lon)
            opt = with_distance(opt, km, speed_kmh)
        found[c.hall.id] = Suggestion(c, opt, q, service.next_free_slot(session, c, horizon, now))
    ordered = order_options([s.option for s in found.values()], order=order, district=district)
    return [found[o.hall_id] for o in ordered]
