"""Helpers for the waiver tests: demo shared data in the template, plain guides, a fake platform.

Test modules that need the demo citizens in their databases call ``use_demo_shared_data()``
at import time (before any database fixture runs): it adds the import to the template's
``PREPARE_HOOKS`` once.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy.engine import Engine

from assistant.db import session_scope
from assistant.kb import files
from assistant.kb.schema import Guide, LicenceType
from assistant.waiver.demo import DEMO_FILE, DemoFile, Directory, load_demo
from assistant.waiver.records import request_from_json, to_json
from assistant.waiver.rules import RuleContext
from assistant.waiver.store import import_demo
from tests.conftest import KB_DIR, PREPARE_HOOKS

TODAY = date(2026, 11, 22)
PROVINCE = "广东省"

LIN_JING = "441502199208082345"
CHEN_XIAOMING = "441502199003151239"
HUANG_WEI = "441521196105120017"
WU_MEILING = "441581198506202027"
ZHANG_JIANGUO = "441502195001010039"
LIU_FANG = "430102199803070248"
ZHOU_GUOQIANG = "441523197809090415"
NOBODY = "441502198801010022"  # valid check digit, not in the shared data


def seed_demo_shared_data(engine: Engine) -> None:
    with session_scope(engine) as session:
        import_demo(session, demo_file())


def use_demo_shared_data() -> None:
    if seed_demo_shared_data not in PREPARE_HOOKS:
        PREPARE_HOOKS.append(seed_demo_shared_data)


@cache
def demo_file() -> DemoFile:
    return load_demo(KB_DIR / DEMO_FILE)


@cache
def demo_directory() -> Directory:
    return Directory.from_demo(demo_file())


@cache
def bundled() -> files.Bundle:
    """The bundled KB as plain data (the ``kb_bundle`` fixture checks it is free of problems)."""
    return files.load_bundle(KB_DIR)[0]


def bundled_guide(name: str) -> Guide:
    return next(g for g in bundled().guides.values() if g.name == name)


def licence_types() -> dict[str, LicenceType]:
    return {t.code: t for t in bundled().licence_types}


def rule_context(today: date = TODAY) -> RuleContext:
    return RuleContext(today=today, province=PROVINCE, licence_types=licence_types())


def make_guide(
    name: str,
    materials: list[dict[str, Any]],
    *,
    situations: list[dict[str, Any]] | None = None,
    form_fields: list[str] | None = None,
) -> Guide:
    """A valid guide from the few fields a waiver test cares about."""
    return Guide.model_validate(
        {
            "name": name,
            "slug": "test-guide",
            "code": "11441500TEST000001",
            "item_type": "公共服务",
            "department": "汕尾市测试局",
            "service_object": ["自然人"],
            "service_group": "zonghe",
            "levels": ["district"],
            "summary": "测试用办事指南。",
            "legal_basis": ["测试依据。"],
            "acceptance_conditions": ["测试条件。"],
            "situations": situations
            or [{"key": "normal", "name": "一般情形", "materials": [m["id"] for m in materials]}],
            "materials": materials,
            "steps": [{"name": "受理", "description": "窗口受理。"}],
            "time_limit": {"promised_days": 1},
            "fee": {"charged": False},
            "visits": 1,
            "online": {"level": "仅限窗口"},
            "phone": "0660-12345",
            "form_fields": form_fields or [],
        }
    )


@dataclass
class PlatformBehaviour:
    delay_seconds: float = 0.0
    status: int = 200
    calls: int = 0


@contextmanager
def fake_platform(directory: Directory, behaviour: PlatformBehaviour) -> Iterator[str]:
    """A remote shared-data platform on loopback answering ``POST /lookup``; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            behaviour.calls += 1
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            time.sleep(behaviour.delay_seconds)
            if behaviour.status != 200:
                self._send(behaviour.status, {"error": "unavailable"})
                return
            self._send(200, to_json(directory.lookup(request_from_json(body))))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)  # the client may have given up (timeout)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
