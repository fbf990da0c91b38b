"""Human handoff, ratings and the first stage of the two-stage fallback."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import current_guide, guessed_intent, position, user_text
from actions.guide import ServiceAction
from actions.halls import ordered
from assistant.conversation import finder, rating
from assistant.kb import service as kb_service

# What the citizen may have meant, as the question "请问您是想{label}吗？" ends.
INTENT_LABELS = {
    "greet": "打个招呼",
    "goodbye": "结束咨询",
    "thank": "表示感谢",
    "affirm": "确认",
    "deny": "否定",
    "inform": "补充信息",
    "chitchat": "随便聊聊",
    "ask_guide": "了解怎么办理",
    "ask_materials": "了解要带什么材料",
    "ask_fee": "了解收费",
    "ask_duration": "了解多久能办好",
    "ask_location": "了解在哪里办",
    "ask_hours": "了解办公时间",
    "ask_online": "了解能不能网上办",
    "check_waiver": "查哪些材料可以免提交",
    "book_appointment": "预约到大厅办理",
    "cancel_appointment": "取消预约",
    "my_appointments": "查看我的预约",
    "ask_queue": "了解现在排队的人数",
    "nearest_hall": "找离您最近的大厅",
    "human_handoff": "找人工咨询",
    "rate_service": "评价服务",
    "out_of_scope": "咨询其他问题",
}
GUIDE_INTENTS = {
    "ask_guide",
    "ask_materials",
    "ask_fee",
    "ask_duration",
    "ask_location",
    "ask_hours",
    "ask_online",
    "check_waiver",
    "book_appointment",
}
NOT_THIS = {"title": "都不是", "payload": "/out_of_scope"}
MAX_PHONES = 3


class ActionHandoff(ServiceAction):
    """The phone numbers of the current guide's department and its nearest halls."""

    def name(self) -> str:
        return "action_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = self.services.kb()
        g = current_guide(kb, tracker)
        if g is None:
            centre = next((h for h in kb.halls if h.hall.level.value == "city"), None)
            phones = centre.hall.phone if centre else "12345"
            dispatcher.utter_message(response="utter_handoff_general", phones=phones)
            return []
        halls = ordered(
            kb_service.halls_for(kb, g.guide), position(tracker), tracker.get_slot("district")
        )
        phones = [f"{g.guide.department} {g.guide.phone}"]
        phones += [f"{h.hall.name} {h.hall.phone}" for h, _ in halls[: MAX_PHONES - 1]]
        dispatcher.utter_message(response="utter_handoff", phones="；".join(phones))
        return []


class ActionRateService(ServiceAction):
    def name(self) -> str:
        return "action_rate_service"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = user_text(tracker)
        score = rating.score_of(text)
        if score is None:
            dispatcher.utter_message(response="utter_ask_rating")
            return []
        channel = ((tracker.latest_message or {}).get("metadata") or {}).get("channel", "api")
        with self.services.session() as session:
            rating.record(
                session,
                secret=self.services.settings.secret_key,
                sender_id=tracker.sender_id,
                channel=str(channel),
                score=score,
                guide_name=tracker.get_slot("guide_name"),
                comment=text,
            )
        dispatcher.utter_message(response=rating.THANKS[rating.grade(score)])
        return []


class ActionDefaultAskAffirmation(ServiceAction):
    """Replaces Rasa's English "Did you mean 'intent'?": asks in Chinese and, when the app's
    NLU recognises a guide in the words, names it (the button carries it to the next action)."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        guess = guessed_intent(tracker, "ask_guide")
        text = user_text(tracker)
        found = finder.find(self.services.nlu, self.services.kb(), text) if text else None
        if found is not None and found.guide is not None and found.named:
            intent = guess if guess in GUIDE_INTENTS else "ask_guide"
            dispatcher.utter_message(
                response="utter_ask_affirm_intent",
                intent_label=f"{INTENT_LABELS[intent]}（{found.guide.name}）",
                buttons=[
                    {
                        "title": "是的",
                        "payload": f"/{intent}"
                        + finder.inform_payload(service=found.guide.name).removeprefix("/inform"),
                    },
                    NOT_THIS,
                ],
            )
            return []
        if found is not None and found.status == "ambiguous":
            dispatcher.utter_message(
                text=found.question,
                buttons=[
                    {"title": b.title, "payload": b.payload.replace("/inform", "/ask_guide", 1)}
                    for b in found.options
                ]
                + [NOT_THIS],
            )
            return []
        dispatcher.utter_message(
            response="utter_ask_affirm_intent",
            intent_label=INTENT_LABELS.get(guess, guess),
            buttons=[{"title": "是的", "payload": f"/{guess}"}, NOT_THIS],
        )
        return []
