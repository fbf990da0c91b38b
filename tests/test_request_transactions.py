"""A request's database work is committed before its response leaves the server.

Otherwise a browser that got "200" may send its next request before the commit (the console
logs in and at once asks for its data: 401), and a commit that fails would be a lost write
the client was told had succeeded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
import anyio.from_thread
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.auth.models import LoginSession, User


def test_login_session_is_committed_before_the_response_is_sent(
    client: TestClient, engine: Engine, make_user: Callable[..., User]
) -> None:
    make_user("alice", "editor")
    body = json.dumps({"username": "alice", "password": "correct-horse-9"}).encode()
    sessions_when_answered: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            with Session(engine) as s:  # another connection sees only committed rows
                sessions_when_answered.append(len(s.exec(select(LoginSession)).all()))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/auth/login",
        "raw_path": b"/api/v1/auth/login",
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    with anyio.from_thread.start_blocking_portal() as portal:  # as TestClient does
        portal.call(client.app, scope, receive, send)
    assert sessions_when_answered == [1]
