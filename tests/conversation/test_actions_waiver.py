"""The waiver form and check over the demo shared data (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rasa_sdk.events import SlotSet
from sqlalchemy import func
from sqlmodel import Session, select

from actions.services import Services
from actions.waiver import ActionCheckWaiver, ValidateWaiverForm
from assistant.audit import AuditEntry
from assistant.conversation.sealing import reveal, seal
from assistant.kb.snapshot import KbSnapshot
from assistant.waiver.models import WaiverConsent
from tests.conversation.conftest import cards, responses, run, tracker
from tests.waiver_support import LIN_JING, use_demo_shared_data

use_demo_shared_data()


def sealed(services: Services, text: str) -> str:
    return seal(services.settings.secret_key, text)


def test_a_valid_id_number_is_kept_sealed_in_the_slot(services: Services) -> None:
    text = sealed(services, f"我的身份证号是{LIN_JING}")
    t = tracker(
        text,
        intent="inform",
        active_loop="waiver_form",
        slots={"requested_slot": "id_number", "id_number": text, "guide_id": "1"},
    )
    t.events.append({"event": "slot", "name": "id_number", "value": text})
    events, messages = run(ValidateWaiverForm(services), t)
    token = events[0]["value"]
    assert events[0]["name"] == "id_number" and LIN_JING not in token
    assert reveal(services.settings.secret_key, token) == LIN_JING
    assert messages == []


def test_a_wrong_check_digit_is_refused_with_the_reason(services: Services) -> None:
    text = sealed(services, LIN_JING[:-1] + "9")
    t = tracker(
        text,
        intent="inform",
        active_loop="waiver_form",
        slots={"requested_slot": "id_number", "id_number": text, "guide_id": "1"},
    )
    t.events.append({"event": "slot", "name": "id_number", "value": text})
    events, messages = run(ValidateWaiverForm(services), t)
    assert events[0] == SlotSet("id_number", None)
    assert "校验" in messages[0]["text"] or "核对" in messages[0]["text"]


def test_without_a_guide_the_form_ends_at_once(services: Services) -> None:
    events, messages = run(
        ValidateWaiverForm(services), tracker("我能免交哪些", intent="check_waiver")
    )
    assert events == [SlotSet("requested_slot", None)]
    assert messages == []


def test_the_check_answers_with_a_waiver_card_and_forgets_the_consent(
    services: Services, kb: KbSnapshot
) -> None:
    g = kb.guide("出生登记")
    token = sealed(services, LIN_JING)
    t = tracker(
        "/affirm",
        intent="affirm",
        sender_id="wx-openid-1",
        metadata={"channel": "wechat"},
        slots={
            "guide_id": str(g.id),
            "guide_name": "出生登记",
            "id_number": token,
            "consent": True,
        },
    )
    events, messages = run(ActionCheckWaiver(services), t)
    assert events == [SlotSet("consent", None)]
    assert responses(messages)[0] == "utter_waiver_result"
    [card] = cards(messages)
    assert card["kind"] == "waiver" and card["guide"] == "出生登记"
    statuses = {m["status"] for m in card["materials"]}
    assert statuses & {"waived_licence", "waived_shared_data"}, card["materials"]
    assert all(m["reason"] for m in card["materials"])
    assert LIN_JING not in str(messages)


def test_no_consent_means_no_lookup(services: Services, kb: KbSnapshot) -> None:
    g = kb.guide("出生登记")
    t = tracker(
        "不同意",
        intent="deny",
        slots={"guide_id": str(g.id), "consent": False, "id_number": sealed(services, LIN_JING)},
    )
    events, messages = run(ActionCheckWaiver(services), t)
    assert events == [SlotSet("consent", None)]
    assert responses(messages) == ["utter_waiver_no_consent"]


def test_a_check_without_a_guide_asks_for_one_and_remembers_it(services: Services) -> None:
    events, messages = run(
        ActionCheckWaiver(services), tracker("我能免交哪些", intent="check_waiver")
    )
    assert events == [SlotSet("aspect", "waiver")]
    assert responses(messages) == ["utter_waiver_need_guide"]


def test_twenty_citizens_checking_at_once_all_get_their_card_with_consent_and_audit(
    services: Services, kb: KbSnapshot
) -> None:
    g = kb.guide("出生登记")
    token = sealed(services, LIN_JING)
    n = 20
    barrier = threading.Barrier(n)

    def check(i: int) -> list[dict[str, Any]]:
        t = tracker(
            "/affirm",
            intent="affirm",
            sender_id=f"wx-openid-{i}",
            metadata={"channel": "wechat"},
            slots={"guide_id": str(g.id), "id_number": token, "consent": True},
        )
        barrier.wait()
        return run(ActionCheckWaiver(services), t)[1]

    with ThreadPoolExecutor(max_workers=n) as pool:
        answers = list(pool.map(check, range(n)))
    assert [responses(m)[0] for m in answers] == ["utter_waiver_result"] * n
    assert all(cards(m)[0]["kind"] == "waiver" for m in answers)
    with Session(services.engine) as session:
        consents = session.exec(select(WaiverConsent.requester_hash)).all()
        audited = session.exec(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "waiver.lookup")
        ).one()
    assert len(set(consents)) == len(consents) == n  # one consent per citizen
    assert audited == n
