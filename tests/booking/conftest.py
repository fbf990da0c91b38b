"""Fixtures of the booking tests: a fixed city clock, the KB snapshot, a booking helper.

Tests refer only to the catalog's item names and the demo city's halls and citizens; window
counts come from the KB itself, so the tests hold when halls.yml changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.booking import catalog
from assistant.kb.snapshot import KbSnapshot, load_snapshot

GUIDE = "出生登记"
HALL = "城区政务服务中心"
CITIZEN = {"name": "陈晓明", "id_number": "441502199003151239", "phone": "13800138000"}
MONDAY_8AM = datetime(2026, 11, 23, 8, 0)  # horizon of 7 working days: up to 2026-12-02


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(client: TestClient) -> Clock:
    fixed = Clock(MONDAY_8AM)
    client.app.state.clock = fixed  # type: ignore[attr-defined]
    return fixed


@pytest.fixture
def kb(engine: Engine) -> KbSnapshot:
    with Session(engine) as session:
        return load_snapshot(session)


@pytest.fixture
def windows(kb: KbSnapshot) -> int:
    """Windows serving the test guide at the test hall (= capacity of each slot)."""
    return catalog.counter(kb, HALL, GUIDE).windows


@pytest.fixture
def book(client: TestClient, clock: Clock) -> Callable[..., httpx.Response]:
    def _book(*, headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:
        body = {
            "hall": HALL,
            "guide": GUIDE,
            "date": "2026-11-24",
            "start": "09:00",
            **CITIZEN,
            **fields,
        }
        return client.post("/api/v1/bookings", json=body, headers=headers or {})

    return _book
