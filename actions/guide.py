"""Finding the guide and answering one aspect of it, keeping the current guide in slots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import aspects, halls
from actions.base import (
    current_guide,
    current_situation,
    entity,
    guessed_intent,
    guide_events,
    intent,
    resolve,
    send_card,
    user_text,
)
from actions.services import Services
from assistant.conversation import finder
from assistant.conversation.cards import guide_card, theme_card
from assistant.conversation.finder import Finding
from assistant.conversation.messages import Button
from assistant.kb.snapshot import KbSnapshot, PublishedGuide

Answer = Callable[..., list[EventType]]
ANSWERS: dict[str, Answer] = {
    "materials": aspects.answer_materials,
    "fee": aspects.answer_fee,
    "duration": aspects.answer_duration,
    "online": aspects.answer_online,
    "location": halls.answer_location,
    "hours": halls.answer_hours,
    "nearest": halls.answer_nearest,
    "queue": halls.answer_queue,
}
NEEDS_NO_GUIDE = {"hours", "nearest", "queue"}  # they answer (or ask) without one
MAX_SITUATION_BUTTONS = 4


class ServiceAction(Action):
    def __init__(self, services: Services) -> None:
        self.services = services


class ActionFindGuide(ServiceAction):
    """``ask_guide`` and choices outside forms (a clarifying button, a situation, a district)."""

    def name(self) -> str:
        return "action_find_guide"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = self.services.kb()
        pending = tracker.get_slot("aspect")
        found = resolve(self.services, kb, tracker)
        current = current_guide(kb, tracker)
        if found.status != "matched" and current is not None:
            found = self._situation_of(kb, tracker, current) or found
        if found.status == "matched":
            events = guide_events(found)
            if found.guide is not None and pending == "waiver":
                return events + [SlotSet("aspect", None), FollowupAction("waiver_form")]
            if found.guide is not None and pending in ANSWERS:
                return (
                    events
                    + [SlotSet("aspect", None)]
                    + ANSWERS[pending](
                        self.services, kb, tracker, dispatcher, found.guide, found.situation
                    )
                )
            return events + present(self.services, dispatcher, found)
        place = entity(tracker, "district") or entity(tracker, "hall")
        if place and found.status == "no_match":  # "我在海丰": where to go, from there
            aspect = pending if pending in NEEDS_NO_GUIDE else "nearest"
            return [SlotSet("aspect", None)] + ANSWERS[aspect](
                self.services, kb, tracker, dispatcher, current, None
            )
        if found.status == "ambiguous":
            ask(dispatcher, found)
            return []
        dispatcher.utter_message(response="utter_guide_not_found")
        return []

    def _situation_of(
        self, kb: KbSnapshot, tracker: Tracker, current: PublishedGuide
    ) -> Finding | None:
        """A situation of the current guide, chosen by button or said in words (没结婚)."""
        key = entity(tracker, "situation")
        if key in {s.key for s in current.guide.situations}:
            return Finding("matched", guide=current, situation=key)
        text = user_text(tracker)
        if not text:
            return None
        found = finder.find(self.services.nlu, kb, f"{current.name} {text}")
        if found.guide is not None and found.guide.id == current.id and found.situation:
            return found
        return None


class ActionGuideOrFallback(ServiceAction):
    """When Rasa cannot tell what is asked (``nlu_fallback``) or takes it for out of scope, the
    app's NLU may still recognise a service in the words ("上班的时候手被机器压伤了…" is 工伤
    认定申请): then the citizen gets the guide, the aspect asked of it, or the clarifying
    question at once, as on every other channel. Otherwise the two-stage fallback starts, or the
    polite out-of-scope answer is given."""

    def name(self) -> str:
        return "action_guide_or_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = user_text(tracker)
        kb = self.services.kb()
        found = finder.find(self.services.nlu, kb, text) if text else Finding("no_match")
        if found.status == "matched":  # the app's NLU is confident (its scorer's threshold)
            aspect = aspects.ASPECT_OF_INTENT.get(guessed_intent(tracker))
            if aspect is None or found.guide is None:
                return guide_events(found) + present(self.services, dispatcher, found)
            return guide_events(found) + ANSWERS[aspect](
                self.services, kb, tracker, dispatcher, found.guide, found.situation
            )
        if found.named and found.status == "ambiguous":
            ask(dispatcher, found)
            return []
        if intent(tracker) == "nlu_fallback":
            return [FollowupAction("action_two_stage_fallback")]
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionAnswerAspect(ServiceAction):
    """Materials, fee, time limit, where, hours, online: of the guide named in the question,
    else of the conversation's current guide."""

    def name(self) -> str:
        return "action_answer_aspect"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        aspect = aspects.ASPECT_OF_INTENT.get(intent(tracker), "materials")
        return answer(self.services, dispatcher, tracker, aspect)


def answer(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, aspect: str
) -> list[EventType]:
    kb = services.kb()
    found = resolve(services, kb, tracker, named=True)
    current = current_guide(kb, tracker)
    events: list[EventType] = []
    if found.status == "matched" and found.guide is not None:
        if current is None or found.guide.id != current.id:
            events = guide_events(found)
        current, situation = (
            found.guide,
            found.situation or (current_situation(found.guide, tracker) if current else None),
        )
    elif found.status == "matched" and found.theme is not None:
        return guide_events(found) + present(services, dispatcher, found)
    elif found.status == "ambiguous" and current is None:
        ask(dispatcher, found)
        return [SlotSet("aspect", aspect)]
    else:
        situation = current_situation(current, tracker) if current else None
    if current is None and aspect not in NEEDS_NO_GUIDE:
        dispatcher.utter_message(response="utter_ask_service")
        return [SlotSet("aspect", aspect)]
    return events + ANSWERS[aspect](services, kb, tracker, dispatcher, current, situation)


def ask(dispatcher: CollectingDispatcher, found: Finding) -> None:
    dispatcher.utter_message(text=found.question, buttons=[b.model_dump() for b in found.options])


def present(
    services: Services, dispatcher: CollectingDispatcher, found: Finding
) -> list[EventType]:
    """A found guide (card, and the situations to choose from) or theme (its items)."""
    if found.theme is not None:
        dispatcher.utter_message(response="utter_theme_found", guide_name=found.theme.theme.name)
        send_card(dispatcher, theme_card(found.theme))
        dispatcher.utter_message(
            response="utter_theme_pick_item",
            buttons=[
                Button(title=item[:60], payload=finder.inform_payload(service=item)).model_dump()
                for item in found.theme.theme.items
            ],
        )
        return []
    assert found.guide is not None
    g = found.guide
    card = guide_card(g, found.situation, services.settings.base_url)
    if found.situation:
        dispatcher.utter_message(
            response="utter_guide_found_situation",
            guide_name=g.name,
            situation_name=card.situation_name,
        )
    else:
        dispatcher.utter_message(response="utter_guide_found", guide_name=g.name)
    send_card(dispatcher, card)
    situations = g.guide.situations
    if found.situation is None and len(situations) > 1:
        dispatcher.utter_message(
            response="utter_situation_pick",
            buttons=[
                Button(
                    title=s.name[:60],
                    payload=finder.inform_payload(service=g.name, situation=s.key),
                ).model_dump()
                for s in situations[:MAX_SITUATION_BUTTONS]
            ],
        )
    else:
        dispatcher.utter_message(response="utter_guide_followup")
    return []


class ActionNearestHalls(ServiceAction):
    def name(self) -> str:
        return "action_nearest_halls"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return answer(self.services, dispatcher, tracker, "nearest")


class ActionQueueStatus(ServiceAction):
    def name(self) -> str:
        return "action_queue_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return answer(self.services, dispatcher, tracker, "queue")
