"""Answers about one aspect of a guide: materials, fee, time limit, online. Halls: ``halls.py``."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import send_card
from actions.services import Services
from assistant.conversation.cards import guide_card
from assistant.kb import schema
from assistant.kb.snapshot import KbSnapshot, PublishedGuide

ASPECT_OF_INTENT = {
    "ask_materials": "materials",
    "ask_fee": "fee",
    "ask_duration": "duration",
    "ask_location": "location",
    "ask_hours": "hours",
    "ask_online": "online",
    "nearest_hall": "nearest",
    "ask_queue": "queue",
}


def answer_materials(
    services: Services,
    kb: KbSnapshot,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    g: PublishedGuide,
    situation: str | None,
) -> list[EventType]:
    card = guide_card(g, situation, services.settings.base_url)
    dispatcher.utter_message(
        response="utter_materials", guide_name=g.name, situation_name=card.situation_name
    )
    send_card(dispatcher, card)
    if any(m.licence or m.shared_data for m in g.guide.materials_for(card.situation_key)):
        dispatcher.utter_message(response="utter_materials_waiver_hint")
    return []


def answer_fee(
    services: Services,
    kb: KbSnapshot,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    g: PublishedGuide,
    situation: str | None,
) -> list[EventType]:
    fee = g.guide.fee
    if not fee.charged:
        dispatcher.utter_message(response="utter_fee_free", guide_name=g.name)
    else:
        dispatcher.utter_message(
            response="utter_fee_charged",
            guide_name=g.name,
            amount=fee.amount or "以窗口告知为准",
            basis=fee.basis or "",
        )
    return []


def answer_duration(
    services: Services,
    kb: KbSnapshot,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    g: PublishedGuide,
    situation: str | None,
) -> list[EventType]:
    t = g.guide.time_limit
    note = t.note or ""
    if t.instant:
        dispatcher.utter_message(response="utter_duration_instant", guide_name=g.name, note=note)
    elif t.promised_days is not None or t.statutory_days is not None:
        promised = t.promised_days if t.promised_days is not None else t.statutory_days
        statutory = t.statutory_days if t.statutory_days is not None else promised
        dispatcher.utter_message(
            response="utter_duration_days",
            guide_name=g.name,
            promised_days=promised,
            statutory_days=statutory,
            note=note,
        )
    else:
        dispatcher.utter_message(response="utter_duration_unknown", guide_name=g.name, note=note)
    if g.guide.visits == 0:
        dispatcher.utter_message(response="utter_visits_none")
    else:
        dispatcher.utter_message(response="utter_visits", visits=g.guide.visits)
    return []


_ONLINE_RESPONSE = {
    schema.OnlineLevel.full: "utter_online_full",
    schema.OnlineLevel.pre_review: "utter_online_pre_review",
    schema.OnlineLevel.appointment_only: "utter_online_appointment",
    schema.OnlineLevel.offline: "utter_online_offline",
}


def answer_online(
    services: Services,
    kb: KbSnapshot,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    g: PublishedGuide,
    situation: str | None,
) -> list[EventType]:
    o = g.guide.online
    dispatcher.utter_message(
        response=_ONLINE_RESPONSE[o.level],
        guide_name=g.name,
        entry=o.entry or "广东政务服务网、粤省事小程序",
        note=o.note or "",
    )
    return []
