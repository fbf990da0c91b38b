"""The guide actions against the bundled KB and the app's real NLU (SQLite and PostgreSQL)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.guide import ActionAnswerAspect, ActionFindGuide, ActionGuideOrFallback
from actions.services import Services
from assistant.conversation.finder import inform_payload
from assistant.kb.snapshot import KbSnapshot
from tests.conversation.conftest import cards, responses, run, tracker


def guide_slots(kb: KbSnapshot, name: str, situation: str | None) -> list[SlotSet]:
    g = kb.guide(name)
    assert g is not None
    return [
        SlotSet("guide_id", str(g.id)),
        SlotSet("guide_name", name),
        SlotSet("situation", situation),
    ]


def test_a_guide_question_sets_the_current_guide_and_sends_its_card(
    services: Services, kb: KbSnapshot
) -> None:
    events, messages = run(
        ActionFindGuide(services), tracker("身份证丢了怎么补办", intent="ask_guide")
    )
    [card] = cards(messages)
    assert card["kind"] == "guide" and card["name"] == "居民身份证补领"
    assert events == guide_slots(kb, "居民身份证补领", events[2]["value"])
    assert card["url"] == f"{services.settings.base_url}/g/{kb.guide('居民身份证补领').guide.slug}"
    assert card["materials"], "the card lists the materials of the situation"
    assert responses(messages)[0] in ("utter_guide_found", "utter_guide_found_situation")


def test_a_clarifying_button_names_the_guide_exactly(services: Services, kb: KbSnapshot) -> None:
    payload = inform_payload(service="居民身份证换领")
    t = tracker(payload, intent="inform", entities=[("service", "居民身份证换领")])
    events, messages = run(ActionFindGuide(services), t)
    assert events == guide_slots(kb, "居民身份证换领", None)
    assert cards(messages)[0]["name"] == "居民身份证换领"


def test_a_situation_button_keeps_the_guide_and_lists_that_situations_materials(
    services: Services, kb: KbSnapshot
) -> None:
    g = kb.guide("出生登记")
    other = g.guide.situations[-1]
    t = tracker(
        inform_payload(service="出生登记", situation=other.key),
        intent="inform",
        entities=[("service", "出生登记"), ("situation", other.key)],
        slots={"guide_id": str(g.id), "guide_name": "出生登记"},
    )
    events, messages = run(ActionFindGuide(services), t)
    assert events == guide_slots(kb, "出生登记", other.key)
    [card] = cards(messages)
    assert card["situation_key"] == other.key
    assert [m["name"] for m in card["materials"]] == [
        m.name for m in g.guide.materials_for(other.key)
    ]


def test_an_unrelated_question_finds_nothing_and_keeps_the_slots(services: Services) -> None:
    events, messages = run(
        ActionFindGuide(services), tracker("帮我写一首关于大海的诗", intent="ask_guide")
    )
    assert events == []
    assert responses(messages) == ["utter_guide_not_found"]


def test_the_fee_of_the_current_guide_when_the_question_names_none(
    services: Services, kb: KbSnapshot
) -> None:
    g = kb.guide("出生登记")
    t = tracker("多少钱", intent="ask_fee", slots={"guide_id": str(g.id), "guide_name": "出生登记"})
    events, messages = run(ActionAnswerAspect(services), t)
    assert events == []
    expected = "utter_fee_charged" if g.guide.fee.charged else "utter_fee_free"
    assert messages[0]["response"] == expected and messages[0]["guide_name"] == "出生登记"


def test_an_aspect_naming_another_guide_switches_to_it(services: Services, kb: KbSnapshot) -> None:
    current = kb.guide("出生登记")
    t = tracker(
        "办护照要多久",
        intent="ask_duration",
        slots={"guide_id": str(current.id), "guide_name": "出生登记"},
    )
    events, messages = run(ActionAnswerAspect(services), t)
    assert events[:2] == guide_slots(kb, "普通护照申领", None)[:2]
    assert messages[0]["guide_name"] == "普通护照申领"
    assert messages[0]["response"].startswith("utter_duration_")
    assert messages[-1]["response"] in ("utter_visits", "utter_visits_none")


def test_an_aspect_without_any_guide_asks_which_and_remembers_the_aspect(
    services: Services,
) -> None:
    events, messages = run(
        ActionAnswerAspect(services), tracker("要带什么材料", intent="ask_materials")
    )
    assert events == [SlotSet("aspect", "materials")]
    assert responses(messages) == ["utter_ask_service"]


def test_the_remembered_aspect_is_answered_once_the_guide_is_known(
    services: Services, kb: KbSnapshot
) -> None:
    t = tracker("我想办居住证", intent="ask_guide", slots={"aspect": "materials"})
    events, messages = run(ActionFindGuide(services), t)
    assert events == guide_slots(kb, "居住证申领", events[2]["value"]) + [SlotSet("aspect", None)]
    assert responses(messages)[0] == "utter_materials"
    assert cards(messages)[0]["name"] == "居住证申领"


def test_where_lists_the_halls_accepting_the_guide_nearest_first(
    services: Services, kb: KbSnapshot
) -> None:
    g = kb.guide("出生登记")
    t = tracker(
        "在哪办",
        intent="ask_location",
        slots={"guide_id": str(g.id)},
        metadata={"lat": 22.967, "lon": 115.323},
    )  # at the 海丰县 centre
    events, messages = run(ActionAnswerAspect(services), t)
    [halls] = cards(messages)
    assert halls["kind"] == "halls" and halls["guide"] == "出生登记"
    assert halls["halls"][0]["name"] == "海丰县政务服务中心"
    kms = [h["distance_km"] for h in halls["halls"]]
    assert kms == sorted(kms)


def test_hours_of_a_named_hall(services: Services) -> None:
    t = tracker("城区政务服务中心几点上班", intent="ask_hours", slots={"hall": "城区政务服务中心"})
    _events, messages = run(ActionAnswerAspect(services), t)
    assert messages[0]["response"] == "utter_hours"
    assert messages[0]["hall"] == "城区政务服务中心"
    assert messages[0]["hours"].startswith("周一至周五 09:00-12:00")


def test_online_answer_follows_the_guides_online_level(services: Services, kb: KbSnapshot) -> None:
    g = kb.guide("普通护照申领")
    t = tracker("能不能网上办", intent="ask_online", slots={"guide_id": str(g.id)})
    _events, messages = run(ActionAnswerAspect(services), t)
    level = g.guide.online.level.name  # full, pre_review, appointment_only, offline
    assert messages[0]["response"] == {"appointment_only": "utter_online_appointment"}.get(
        level, f"utter_online_{level}"
    )


def test_a_district_after_being_asked_where_one_is_answers_the_nearest_halls(
    services: Services, kb: KbSnapshot
) -> None:
    g = kb.guide("出生登记")
    t = tracker(
        "我在海丰",
        intent="inform",
        entities=[("district", "海丰县")],
        slots={"guide_id": str(g.id), "aspect": "nearest", "district": "海丰县"},
    )
    events, messages = run(ActionFindGuide(services), t)
    assert events == [SlotSet("aspect", None)]
    assert responses(messages)[0] == "utter_nearest"
    [halls] = cards(messages)
    assert halls["halls"][0]["name"].startswith("海丰县")


def fallback_tracker(text: str, guess: str) -> Tracker:
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": guess, "confidence": 0.3}]
    return tracker(text, intent="nlu_fallback", ranking=ranking)


def test_low_confidence_words_that_name_a_service_get_its_guide_at_once(
    services: Services, kb: KbSnapshot
) -> None:
    t = fallback_tracker("上班的时候手被机器压伤了，老板不肯给报，该去哪里申请认定", "ask_location")
    events, messages = run(ActionGuideOrFallback(services), t)
    assert ("guide_name", "工伤认定申请") in {(e.get("name"), e.get("value")) for e in events}
    assert "action_two_stage_fallback" not in str(events)
    assert messages, "the aspect asked (where) is answered for that guide"


def test_low_confidence_words_naming_no_service_start_the_two_stage_fallback(
    services: Services,
) -> None:
    events, messages = run(
        ActionGuideOrFallback(services), fallback_tracker("帮我写一首关于大海的诗", "chitchat")
    )
    assert events == [FollowupAction("action_two_stage_fallback")]
    assert messages == []


def test_out_of_scope_for_rasa_but_a_service_for_the_app_gets_the_guide(
    services: Services,
) -> None:
    t = tracker("想在商业街开个手机维修店，就我自己干，先得办个什么照", intent="out_of_scope")
    events, messages = run(ActionGuideOrFallback(services), t)
    assert [c["name"] for c in cards(messages)] == ["个体工商户设立登记"]


def test_out_of_scope_that_names_no_service_gets_the_polite_scope_answer(
    services: Services,
) -> None:
    t = tracker("帮我订一张去深圳的火车票", intent="out_of_scope")
    events, messages = run(ActionGuideOrFallback(services), t)
    assert (events, responses(messages)) == ([], ["utter_out_of_scope"])


def test_a_document_that_names_its_guide_gets_that_guides_answer_without_a_current_guide(
    services: Services,
) -> None:
    # 居住证 is a material of other guides too, but it is what 居住证申领 issues.
    t = tracker("居住证办下来要多长时间", intent="ask_duration")
    events, messages = run(ActionAnswerAspect(services), t)
    assert ("guide_name", "居住证申领") in {(e.get("name"), e.get("value")) for e in events}
    assert responses(messages)[0] in ("utter_duration_days", "utter_duration_instant")
