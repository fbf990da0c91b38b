"""Waiver checks at the same time: no "database is locked", an exact rate limit on SQLite.

Each thread is a request of its own (its own ``TestClient``, so its own connection and
transaction), released together at a barrier; the databases are files (or PostgreSQL), so the
transactions really overlap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.app import create_app
from assistant.audit import AuditEntry
from assistant.config import Settings
from assistant.waiver.models import WaiverConsent
from assistant.waiver.records import LookupRequest, PersonRecords
from tests.waiver_support import LIN_JING, demo_directory, use_demo_shared_data

use_demo_shared_data()

URL = "/api/v1/waivers"
T = TypeVar("T")
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def all_at_once(n: int, work: Callable[[int], T]) -> list[T]:
    barrier = threading.Barrier(n)

    def run(i: int) -> T:
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def ask(app: Any) -> httpx.Response:
    return TestClient(app).post(
        URL, json={"guide": "出生登记", "id_number": LIN_JING, "consent": True}
    )


def count(engine: Engine, model: type, *where: Any) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


@sqlite_only
def test_one_requesters_simultaneous_checks_never_exceed_the_limit_on_sqlite(
    settings: Settings, engine: Engine
) -> None:
    limited = settings.model_copy(update={"waiver_checks_per_minute": 5})
    with TestClient(create_app(limited, engine=engine)) as client:
        statuses = all_at_once(20, lambda _i: ask(client.app).status_code)
    assert sorted(statuses) == [200] * 5 + [429] * 15
    assert count(engine, WaiverConsent) == 5
    assert count(engine, AuditEntry, AuditEntry.action == "waiver.lookup") == 5


class WriterProbe:
    """A provider that, while it looks up, checks whether another connection could write."""

    name = "probe"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.could_write: list[bool] = []

    def lookup(self, request: LookupRequest) -> PersonRecords:
        raw = self.engine.raw_connection()
        try:
            raw.execute("PRAGMA busy_timeout=100")  # type: ignore[attr-defined]
            raw.execute("BEGIN IMMEDIATE")  # type: ignore[attr-defined]
            raw.execute("ROLLBACK")  # type: ignore[attr-defined]
            self.could_write.append(True)
        except Exception as exc:  # noqa: BLE001 (sqlite3.OperationalError: database is locked)
            assert "locked" in str(exc), exc
            self.could_write.append(False)
        finally:
            raw.close()
        return demo_directory().lookup(request)


@sqlite_only
def test_the_shared_data_lookup_runs_without_holding_the_write_lock(
    client: TestClient, engine: Engine
) -> None:
    probe = WriterProbe(engine)
    client.app.state.shared_data = lambda _session: probe  # type: ignore[attr-defined]
    r = client.post(URL, json={"guide": "出生登记", "id_number": LIN_JING, "consent": True})
    assert r.status_code == 200, r.text
    assert probe.could_write == [True]  # a slow platform would otherwise stall every writer
