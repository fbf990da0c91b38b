"""``POST /webhook``: the app serves Rasa's custom-action calls (rasa-sdk's protocol)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from assistant.app import create_app
from assistant.config import Settings
from assistant.nlu.runtime import Nlu


@pytest.fixture
def app_client(settings: Settings, engine: Engine, nlu: Nlu) -> Iterator[TestClient]:
    app = create_app(settings, engine=engine)
    app.state.nlu = nlu
    with TestClient(app) as c:
        yield c


def action_call(action: str, text: str, intent: str, slots: dict[str, Any] | None = None) -> dict:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.98},
        "intent_ranking": [{"name": intent, "confidence": 0.98}],
        "entities": [],
        "message_id": "f00dfeedf00dfeed",
        "metadata": {"channel": "web"},
    }
    return {
        "next_action": action,
        "sender_id": "web-7",
        "version": "3.6.21",
        "tracker": {
            "sender_id": "web-7",
            "slots": slots or {},
            "latest_message": latest,
            "events": [{"event": "user", "text": text, "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {"forms": {}, "slots": {}, "responses": {}},
    }


def test_rasas_call_runs_the_action_and_returns_events_and_messages(app_client: TestClient) -> None:
    r = app_client.post("/webhook", json=action_call("action_find_guide", "想办护照", "ask_guide"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [e["name"] for e in body["events"]] == ["guide_id", "guide_name", "situation"]
    assert body["events"][1]["value"] == "普通护照申领"
    assert body["responses"][1]["custom"]["kind"] == "guide"


def test_an_unknown_action_is_a_404_rasa_understands(app_client: TestClient) -> None:
    r = app_client.post("/webhook", json=action_call("action_nope", "x", "greet"))
    assert r.status_code == 404
    assert r.json()["action_name"] == "action_nope"


def test_the_domain_is_sent_once_then_its_digest_is_enough(app_client: TestClient) -> None:
    """Rasa (nlu_data/zhidao_rasa/action_calls.py) sends the domain with its digest once, then
    the digest only; a digest the app does not know is a 449, and Rasa sends the domain again."""
    call = action_call("action_find_guide", "想办护照", "ask_guide")
    domain = call.pop("domain")
    unknown = app_client.post("/webhook", json=call | {"domain_digest": "d1"})
    assert unknown.status_code == 449
    assert unknown.json()["action_name"] == "action_find_guide"
    first = app_client.post("/webhook", json=call | {"domain_digest": "d1", "domain": domain})
    assert first.status_code == 200, first.text
    again = app_client.post("/webhook", json=call | {"domain_digest": "d1"})
    assert again.status_code == 200, again.text
    assert again.json()["events"][1]["value"] == "普通护照申领"
    new_model = app_client.post("/webhook", json=call | {"domain_digest": "d2"})
    assert new_model.status_code == 449
