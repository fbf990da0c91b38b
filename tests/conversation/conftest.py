"""Fixtures of the conversation tests: the app's services for actions, trackers, a fixed clock.

Actions are tested without a Rasa server: a rasa-sdk ``Tracker`` built here stands for what
Rasa would send, and the test asserts the exact events and messages the action returns.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine

from actions.services import Services
from assistant.config import Settings
from assistant.kb.snapshot import KbCache, KbSnapshot
from assistant.nlu.runtime import Nlu
from assistant.waiver.providers import provider_factory

# Monday 23 November 2026, before the halls open: "明天" is Tuesday the 24th, a working day.
NOW = datetime(2026, 11, 23, 8, 30)


@pytest.fixture(scope="session")
def nlu() -> Nlu:
    """One NLU for the whole run: its pipeline is rebuilt only when the KB revision moves."""
    return Nlu()


@pytest.fixture
def state(settings: Settings, engine: Engine, nlu: Nlu) -> SimpleNamespace:
    """What ``create_app`` puts on ``app.state``, as the actions read it."""
    return SimpleNamespace(
        settings=settings,
        engine=engine,
        kb_cache=KbCache(engine),
        nlu=nlu,
        clock=lambda: NOW,
        shared_data=provider_factory(settings),
    )


@pytest.fixture
def services(state: SimpleNamespace) -> Services:
    return Services(state)


@pytest.fixture
def kb(services: Services) -> KbSnapshot:
    return services.kb()


def tracker(
    text: str = "",
    *,
    intent: str = "",
    entities: Iterable[tuple[str, str]] = (),
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    metadata: dict[str, Any] | None = None,
    sender_id: str = "citizen-1",
    ranking: list[dict[str, Any]] | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
        "entities": [{"entity": e, "value": v} for e, v in entities],
        "metadata": metadata or {},
        "message_id": "0123456789abcdef",
    }
    events = [{"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}}]
    return Tracker(
        sender_id,
        dict(slots or {}),
        latest,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def run(action: Action, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The events an action returns and the messages it sends, as Rasa would receive them."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, t, {"forms": FORMS, "slots": {}})
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    return list(result), dispatcher.messages


FORMS = {
    "waiver_form": {"required_slots": ["id_number", "consent"]},
    "appointment_form": {
        "required_slots": ["service", "hall", "date", "slot", "name", "phone", "id_number"]
    },
}


def responses(messages: list[dict[str, Any]]) -> list[str | None]:
    return [m.get("response") for m in messages]


def cards(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["custom"] for m in messages if m.get("custom")]
