"""免提交: the waiver form (ID number, consent) and the check over the shared data."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.base import current_guide, current_situation, guide_events, resolve, send_card
from actions.guide import ServiceAction
from actions.services import Services
from assistant.conversation import sealing
from assistant.conversation.messages import MaterialLine, WaiverCard
from assistant.errors import AssistantError
from assistant.waiver import idcard
from assistant.waiver.consent import Requester
from assistant.waiver.models import Channel
from assistant.waiver.present import check_public
from assistant.waiver.service import CheckRequest, run_check


def sealed_id_number(
    services: Services, value: Any, dispatcher: CollectingDispatcher
) -> str | None:
    """The sealed token of a valid ID number in ``value``, or None after saying what is wrong.

    The gateway sealed the number before Rasa saw it; the slot keeps the token, never the
    number. A token sealed for an earlier form is accepted as it is."""
    text = str(value or "")
    secret = services.settings.secret_key
    found = sealing.tokens(text, "ID")
    if not found:
        dispatcher.utter_message(
            text="没有识别到身份证号码。请输入18位身份证号码（最后一位可以是X）。"
        )
        return None
    try:
        idcard.normalize_id_number(sealing.reveal(secret, found[0]))
    except idcard.IdNumberError as exc:
        dispatcher.utter_message(text=str(exc))
        return None
    return found[0]


class ValidateWaiverForm(FormValidationAction):
    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "validate_waiver_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """A guide named in the request itself ("出生登记能免交哪些") becomes the current one;
        without any guide the form ends at once (``action_check_waiver`` asks for one)."""
        events: list[EventType] = []
        if tracker.get_slot("requested_slot") is None:  # activation
            kb = self.services.kb()
            found = resolve(self.services, kb, tracker, named=True)
            if found.guide is not None:
                events = guide_events(found)
                tracker.add_slots(events)
            if not tracker.get_slot("guide_id"):
                return events + [SlotSet("requested_slot", None)]
        return events + await super().run(dispatcher, tracker, domain)

    def validate_id_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return {"id_number": sealed_id_number(self.services, value, dispatcher)}

    def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return {"consent": value if isinstance(value, bool) else None}


class ActionCheckWaiver(ServiceAction):
    def name(self) -> str:
        return "action_check_waiver"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = self.services.kb()
        g = current_guide(kb, tracker)
        if g is None:
            dispatcher.utter_message(response="utter_waiver_need_guide")
            return [SlotSet("aspect", "waiver")]
        if tracker.get_slot("consent") is not True:
            dispatcher.utter_message(response="utter_waiver_no_consent")
            return [SlotSet("consent", None)]
        settings = self.services.settings
        channel = _channel(tracker)
        request = CheckRequest(
            target=str(g.id),
            situation=current_situation(g, tracker),
            consent=True,
            id_number=sealing.reveal(settings.secret_key, tracker.get_slot("id_number") or ""),
            channel=channel,
        )
        try:
            result = run_check(
                engine=self.services.engine,
                kb=kb,
                providers=self.services.shared_data,
                settings=settings,
                request=request,
                requester=Requester(channel.value, tracker.sender_id),
            )
        except AssistantError as exc:
            dispatcher.utter_message(text=exc.message)
            return [SlotSet("consent", None)]
        public = check_public(result)
        dispatcher.utter_message(response="utter_waiver_result", guide_name=g.name)
        send_card(
            dispatcher,
            WaiverCard(
                guide=g.name,
                summary=public.summary.text,
                notices=public.notices,
                materials=[
                    MaterialLine(
                        name=m.name,
                        form=m.form,
                        required=m.required,
                        condition=m.condition,
                        status=m.status,
                        reason=m.reason,
                    )
                    for m in public.materials
                ],
            ),
        )
        return [SlotSet("consent", None)]


def _channel(tracker: Tracker) -> Channel:
    meta = (tracker.latest_message or {}).get("metadata") or {}
    try:
        return Channel(meta.get("channel", "api"))
    except ValueError:
        return Channel.api
