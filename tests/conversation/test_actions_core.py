"""Human handoff, ratings and the Chinese first stage of the two-stage fallback."""

from __future__ import annotations

from sqlmodel import Session, select

from actions.core import ActionDefaultAskAffirmation, ActionHandoff, ActionRateService
from actions.services import Services
from assistant.conversation.models import ConversationRating
from assistant.kb.snapshot import KbSnapshot
from tests.conversation.conftest import responses, run, tracker


def test_handoff_gives_the_departments_and_nearest_halls_phone_numbers(
    services: Services, kb: KbSnapshot
) -> None:
    g = kb.guide("出生登记")
    t = tracker(
        "转人工",
        intent="human_handoff",
        slots={"guide_id": str(g.id)},
        metadata={"lat": 22.967, "lon": 115.323},
    )
    _events, messages = run(ActionHandoff(services), t)
    assert messages[0]["response"] == "utter_handoff"
    haifeng = kb.hall("海丰县政务服务中心").hall
    assert messages[0]["phones"].split("；")[:2] == [
        f"{g.guide.department} {g.guide.phone}",
        f"{haifeng.name} {haifeng.phone}",
    ]


def test_handoff_without_a_guide_gives_the_city_centre(services: Services, kb: KbSnapshot) -> None:
    _events, messages = run(ActionHandoff(services), tracker("人工", intent="human_handoff"))
    assert messages[0] == {
        **messages[0],
        "response": "utter_handoff_general",
        "phones": kb.hall("汕尾市民服务中心").hall.phone,
    }


def test_a_bad_rating_is_recorded_masked_and_answered_with_an_apology(
    services: Services,
) -> None:
    t = tracker(
        "差评，打13800138000都没人接",
        intent="rate_service",
        sender_id="wx-open-id",
        slots={"guide_name": "出生登记"},
        metadata={"channel": "wechat"},
    )
    events, messages = run(ActionRateService(services), t)
    assert events == [] and responses(messages) == ["utter_rating_thanks_bad"]
    with Session(services.engine) as s:
        [row] = s.exec(select(ConversationRating)).all()
    assert (row.score, row.channel, row.guide_name) == (1, "wechat", "出生登记")
    assert "13800138000" not in row.comment and "wx-open-id" not in row.sender_hash


def test_a_rating_without_a_judgement_asks_for_one(services: Services) -> None:
    events, messages = run(ActionRateService(services), tracker("我要评价", intent="rate_service"))
    assert events == [] and responses(messages) == ["utter_ask_rating"]


def test_the_fallback_asks_in_chinese_naming_the_guide_the_nlu_recognises(
    services: Services,
) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_fee", "confidence": 0.3}]
    t = tracker("港澳通行证那个收钱不", intent="nlu_fallback", ranking=ranking)
    events, messages = run(ActionDefaultAskAffirmation(services), t)
    assert events == []
    assert messages[0]["response"] == "utter_ask_affirm_intent"
    assert messages[0]["intent_label"] == "了解收费（往来港澳通行证及签注申领）"
    assert messages[0]["buttons"] == [
        {"title": "是的", "payload": '/ask_fee{"service":"往来港澳通行证及签注申领"}'},
        {"title": "都不是", "payload": "/out_of_scope"},
    ]


def test_the_fallback_without_a_guide_asks_about_the_likeliest_intent(services: Services) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_hours", "confidence": 0.3},
    ]
    _events, messages = run(
        ActionDefaultAskAffirmation(services),
        tracker("嗯那个几点", intent="nlu_fallback", ranking=ranking),
    )
    assert messages[0]["intent_label"] == "了解办公时间"
    assert messages[0]["buttons"][0] == {"title": "是的", "payload": "/ask_hours"}
