"""A fake WeChat API server on loopback: issues tokens, records what it is sent.

Only tokens it issued are valid (anything else gets 40001, as WeChat answers a stale token);
``fail_next(path, errcode)`` makes the next call to ``path`` fail with that errcode.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Call:
    path: str
    access_token: str | None
    body: dict[str, Any]


class FakeWeChat:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.tokens_issued = 0
        self.valid_tokens: set[str] = set()
        self.failures: dict[str, list[int]] = defaultdict(list)
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/cgi-bin/"

    def start(self) -> FakeWeChat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, path: str, errcode: int) -> None:
        self.failures[path].append(errcode)

    def calls_to(self, path: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.path == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := [c for c in self.calls if c.path == path]) < count:
                if not self._changed.wait(deadline - time.monotonic()):
                    raise AssertionError(f"{path}: {len(found)} calls, expected {count}")
            return found

    def _answer(self, path: str, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
        with self._changed:
            if path == "/cgi-bin/token":
                self.tokens_issued += 1
                issued = f"TOKEN-{self.tokens_issued}"
                self.valid_tokens.add(issued)
                return {"access_token": issued, "expires_in": 7200}
            self.calls.append(Call(path, token, body))
            self._changed.notify_all()
            if self.failures[path]:
                code = self.failures[path].pop(0)
                return {"errcode": code, "errmsg": f"fake error {code}"}
            if token not in self.valid_tokens:
                return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
            return {"errcode": 0, "errmsg": "ok"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self) -> None:
                url = urlsplit(self.path)
                token = (parse_qs(url.query).get("access_token") or [None])[0]
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                out = json.dumps(fake._answer(url.path, token, body)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = _reply

            def log_message(self, *args: object) -> None:
                pass

        return Handler
