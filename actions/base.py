"""Helpers shared by the actions: the current guide, the citizen's words, sending cards."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import Services
from assistant.conversation import finder
from assistant.conversation.finder import Finding
from assistant.kb.snapshot import KbSnapshot, PublishedGuide

GUIDE_SLOTS = ("guide_id", "guide_name", "situation")


def send_card(dispatcher: CollectingDispatcher, card: BaseModel) -> None:
    dispatcher.utter_message(json_message=card.model_dump(mode="json"))


def user_text(tracker: Tracker) -> str:
    """What the citizen typed this turn ("" for a button's ``/intent{...}`` payload)."""
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if finder.parse_payload(text) else text.strip()


def entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


def guessed_intent(tracker: Tracker, default: str = "") -> str:
    """Rasa's best intent other than the fallback (what the words most look like)."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    return next((str(r["name"]) for r in ranking if r.get("name") != "nlu_fallback"), default)


def intent(tracker: Tracker) -> str:
    return str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")


def current_guide(kb: KbSnapshot, tracker: Tracker) -> PublishedGuide | None:
    ref = tracker.get_slot("guide_id")
    return kb.guide(ref) if ref else None


def current_situation(guide: PublishedGuide, tracker: Tracker) -> str | None:
    key = tracker.get_slot("situation")
    return key if key in {s.key for s in guide.guide.situations} else None


def guide_events(finding: Finding) -> list[EventType]:
    """The slots that make ``finding`` the conversation's current guide (or theme)."""
    if finding.guide is not None:
        g = finding.guide
        return [
            SlotSet("guide_id", str(g.id)),
            SlotSet("guide_name", g.name),
            SlotSet("situation", finding.situation),
        ]
    if finding.theme is not None:
        return [
            SlotSet("guide_id", None),
            SlotSet("guide_name", finding.theme.theme.name),
            SlotSet("situation", None),
        ]
    return []


def resolve(
    services: Services, kb: KbSnapshot, tracker: Tracker, *, named: bool = False
) -> Finding:
    """The guide this turn is about: a button's choice, else what the app's NLU makes of the
    words. With ``named``, words that name no service or life event ("多少钱", "现在排队多少人")
    find nothing: the question is about the conversation's current guide."""
    service = entity(tracker, "service")
    if service:
        found = finder.by_name(kb, service, entity(tracker, "situation"))
        if found.status == "matched":
            return found
    text = user_text(tracker)
    if not text:
        return finder.Finding("no_match")
    found = finder.find(services.nlu, kb, text)
    if named and not found.named:
        return finder.Finding("no_match")
    return found


def position(tracker: Tracker) -> tuple[float, float] | None:
    """The citizen's last shared location (the channel sends it as message metadata)."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        meta: dict[str, Any] = event.get("metadata") or {}
        lat, lon = meta.get("lat"), meta.get("lon")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            return float(lat), float(lon)
    return None
