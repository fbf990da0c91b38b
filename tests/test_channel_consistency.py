"""The same question gets the same answer on every channel.

A set of citizens' questions goes through the NLU API (``POST /api/v1/nlu/parse``), the web chat
(``POST /api/v1/chat``) and WeChat (the ``/wechat`` callback, plaintext mode); each channel's
answer is reduced to what it chose — a guide, a "一件事" theme, or a clarifying question with
its options — and the three must agree. The dialogue server is not running here, so the chat
and WeChat answer through the conversation's degraded mode (the app's retrieval), which is also
what Rasa's actions call to choose a guide.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import xmltodict
from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.config import Settings
from assistant.db import make_engine
from channels.wechat.crypto import sign
from tests.conftest import KB_DIR, SHARED_DIR

TOKEN = "consistency-token"
DEV_QUESTIONS = SHARED_DIR / "eval" / "dev_questions.jsonl"
_LINK = re.compile(r"/g/([a-z0-9-]+)")
_CHOICE = re.compile(r"^\d+\. (.+)$", re.M)
_QUOTED = re.compile(r"“([^”]{2,40})”")
NOT_UNDERSTOOD = "都不是"  # the two-stage fallback's way out (actions/core.py NOT_THIS)


@dataclass(frozen=True)
class Choice:
    """What a channel chose for a question: ``guide``/``theme`` with its name, ``clarify`` with
    the options offered, or ``none``."""

    kind: str
    names: tuple[str, ...]


def questions() -> list[str]:
    """The development questions of every kind, a few of each (ambiguous ones included)."""
    rows = [json.loads(line) for line in DEV_QUESTIONS.read_text("utf-8").splitlines() if line]
    picked: dict[str, list[str]] = {}
    for row in rows:
        kind = picked.setdefault(row["kind"], [])
        if len(kind) < 4:
            kind.append(row["q"])
    return [q for qs in picked.values() for q in qs]


@pytest.fixture(scope="module")
def client(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the whole set (its NLU index is built once, by the first API question,
    before WeChat's five-second rule applies), Rasa unreachable."""
    folder = tmp_path_factory.mktemp("consistency")
    db = folder / "app.db"
    shutil.copyfile(sqlite_template, db)
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{db}",
        data_dir=folder,
        kb_dir=KB_DIR,
        rasa_url="http://127.0.0.1:9",
        wechat_token=TOKEN,
    )
    engine = make_engine(settings.effective_database_url)
    with TestClient(create_app(settings, engine=engine)) as c:
        yield c
    engine.dispose()


def by_api(client: httpx.Client, question: str) -> Choice:
    r = client.post("/api/v1/nlu/parse", json={"text": question})
    assert r.status_code == 200, r.text
    body = r.json()
    if body["status"] == "matched":
        top = body["results"][0]
        return Choice(top["kind"], (top["name"],))
    if body["status"] == "ambiguous" and body["clarify"]:
        return Choice("clarify", tuple(o["label"] for o in body["clarify"]["options"]))
    return Choice("none", ())


def by_web(client: httpx.Client, question: str, sender: str) -> Choice:
    message = {"sender_id": sender, "channel": "web", "text": question}
    r = client.post("/api/v1/chat", json=message)
    assert r.status_code == 200, r.text
    replies = r.json()["replies"]
    for reply in replies:
        card = reply.get("card") or {}
        if card.get("kind") in ("guide", "theme"):
            return Choice(card["kind"], (card["name"],))
    if named := guide_answered(client, " ".join(reply["text"] or "" for reply in replies)):
        return named
    buttons = tuple(b["title"] for reply in replies for b in reply["buttons"])
    if NOT_UNDERSTOOD in buttons:  # the dialogue asks what was meant: no guide chosen
        return Choice("none", ())
    return Choice("clarify", buttons) if buttons else Choice("none", ())


def guide_answered(client: httpx.Client, text: str) -> Choice | None:
    """A question about one aspect (fee, time limit, where) is answered in words that quote the
    guide: 办理“居民身份证补领”需要缴费…"""
    quoted = next((q for q in _QUOTED.findall(text) if q in guide_names(client)), None)
    return Choice("guide", (quoted,)) if quoted else None


@functools.cache
def guide_names(client: httpx.Client) -> frozenset[str]:
    items = client.get("/api/v1/guides", params={"limit": 500}).json()["items"]
    return frozenset(g["name"] for g in items)


def by_wechat(
    client: httpx.Client, question: str, openid: str, msg_id: int, token: str = TOKEN
) -> Choice:
    xml = (
        f"<xml><ToUserName><![CDATA[gh_zhidao]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>1700000000</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{question}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )
    params = {"signature": sign(token, "1700000000", "n0nce"), "timestamp": "1700000000"}
    r = client.post("/wechat", params={**params, "nonce": "n0nce"}, content=xml.encode())
    assert r.status_code == 200, r.text
    text = xmltodict.parse(r.text)["xml"]["Content"]
    if link := _LINK.search(text):
        guide = client.get(f"/api/v1/guides/{link.group(1)}").json()
        return Choice("guide", (guide["name"],))
    if theme := re.search(r"【一件事】(.+)", text):
        return Choice("theme", (theme.group(1).strip(),))
    if named := guide_answered(client, text):
        return named
    choices = tuple(_CHOICE.findall(text))
    if NOT_UNDERSTOOD in choices:
        return Choice("none", ())
    return Choice("clarify", choices) if choices else Choice("none", ())


def test_api_web_chat_and_wechat_choose_the_same_guide(client: TestClient) -> None:
    asked = questions()
    assert len(asked) >= 12
    differ, kinds = [], set()
    for n, q in enumerate(asked):
        api = by_api(client, q)
        web = by_web(client, q, sender=f"web-consistency-{n}")
        wechat = by_wechat(client, q, openid=f"oConsistency{n:016d}", msg_id=9000 + n)
        kinds.add(api.kind)
        if not api == web == wechat:
            differ.append(f"{q}: api={api} web={web} wechat={wechat}")
    assert not differ, "channels disagree:\n" + "\n".join(differ)
    assert {"guide", "theme", "clarify"} <= kinds  # the set exercises every kind of answer
