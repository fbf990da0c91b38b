"""Answers about where: the halls of a guide, their hours, the nearest ones, their queues."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import position, send_card
from actions.services import Services
from assistant.booking import catalog, nearest_service, queue_service
from assistant.booking.distance import Order, haversine_km
from assistant.conversation.cards import hall_card, hours_text
from assistant.conversation.messages import HallList
from assistant.kb import service as kb_service
from assistant.kb.snapshot import HallRecord, KbSnapshot, PublishedGuide

MAX_HALLS = 5
SPEED_KMH = 30.0  # average travel speed in the city, for "soonest served"


def ordered(
    halls: list[HallRecord], where: tuple[float, float] | None, district: str | None
) -> list[tuple[HallRecord, float | None]]:
    """Nearest first when the position is known; else the citizen's district first."""
    if where is not None:
        with_km = [(h, haversine_km(*where, h.hall.lat, h.hall.lon)) for h in halls]
        return sorted(with_km, key=lambda p: (p[1], p[0].hall.name))
    return [(h, None) for h in sorted(halls, key=lambda h: h.hall.district != district)]


def answer_location(
    services: Services,
    kb: KbSnapshot,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    g: PublishedGuide,
    situation: str | None,
) -> list[EventType]:
    halls = ordered(
        kb_service.halls_for(kb, g.guide), position(tracker), tracker.get_slot("district")
    )
    if not halls:
        dispatcher.utter_message(
            response="utter_location_none", guide_name=g.name, phone=g.guide.phone
        )
        return []
    dispatcher.utter_message(response="utter_location", guide_name=g.name)
    cards = [hall_card(h, distance_km=_km(km)) for h, km in halls[:MAX_HALLS]]
    send_card(dispatcher, HallList(guide=g.name, halls=cards))
    return []


def answer_hours(
    services: Services,
    kb: KbSnapshot,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    g: PublishedGuide | None,
    situation: str | None,
) -> list[EventType]:
    named = entity_hall(kb, tracker)
    if named is None:
        candidates = kb_service.halls_for(kb, g.guide) if g is not None else list(kb.halls)
        ranked = ordered(
            candidates or list(kb.halls), position(tracker), tracker.get_slot("district")
        )
        named = ranked[0][0]
    dispatcher.utter_message(
        response="utter_hours", hall=named.hall.name, hours=hours_text(named.hall)
    )
    return []


def entity_hall(kb: KbSnapshot, tracker: Tracker) -> HallRecord | None:
    name = tracker.get_slot("hall")
    return kb.hall(name) if name else None


def answer_nearest(
    services: Services,
    kb: KbSnapshot,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    g: PublishedGuide | None,
    situation: str | None,
) -> list[EventType]:
    where, district = position(tracker), tracker.get_slot("district")
    if where is None and not district:
        dispatcher.utter_message(response="utter_need_location")
        return [SlotSet("aspect", "nearest")]
    if g is None:
        halls = ordered(list(kb.halls), where, district)[:MAX_HALLS]
        dispatcher.utter_message(response="utter_nearest_all")
        send_card(
            dispatcher, HallList(halls=[hall_card(h, distance_km=_km(km)) for h, km in halls])
        )
        return []
    settings = services.settings
    with services.session() as session:
        found = nearest_service.nearest(
            session=session,
            kb=kb,
            guide_ref=str(g.id),
            position=where,
            district=district,
            order=Order.distance,
            speed_kmh=SPEED_KMH,
            now=services.now(),
            working_days=settings.booking_horizon_working_days,
        )
    cards = []
    for s in found[:MAX_HALLS]:
        next_slot = None
        if s.next_slot is not None:
            day, slot = s.next_slot
            next_slot = f"{day.day.month}月{day.day.day}日 {slot.start:%H:%M}"
        cards.append(
            hall_card(
                s.counter.hall,
                distance_km=_km(s.option.distance_km),
                waiting=s.queue.waiting,
                wait_minutes=_minutes(s.queue.wait_minutes),
                next_slot=next_slot,
            )
        )
    dispatcher.utter_message(response="utter_nearest", guide_name=g.name)
    send_card(dispatcher, HallList(guide=g.name, halls=cards))
    return []


def answer_queue(
    services: Services,
    kb: KbSnapshot,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    g: PublishedGuide | None,
    situation: str | None,
) -> list[EventType]:
    if g is None:
        dispatcher.utter_message(response="utter_queue_all")
        return [SlotSet("aspect", "queue")]
    counters = catalog.counters_for(kb, g)
    named = entity_hall(kb, tracker)
    if named is not None:
        counters = [c for c in counters if c.hall.id == named.id] or counters
    rank = {
        h.id: i
        for i, (h, _) in enumerate(
            ordered([c.hall for c in counters], position(tracker), tracker.get_slot("district"))
        )
    }
    counters = sorted(counters, key=lambda c: rank[c.hall.id])[:MAX_HALLS]
    now = services.now()
    with services.session() as session:
        statuses = [queue_service.counter_status(session=session, c=c, now=now) for c in counters]
    cards = [
        hall_card(c.hall, waiting=q.waiting, wait_minutes=_minutes(q.wait_minutes))
        for c, q in zip(counters, statuses, strict=True)
    ]
    dispatcher.utter_message(response="utter_queue", guide_name=g.name)
    send_card(dispatcher, HallList(guide=g.name, halls=cards))
    return []


def _km(km: float | None) -> float | None:
    return round(km, 1) if km is not None else None


def _minutes(m: float | None) -> int | None:
    return round(m) if m is not None else None
