"""POST /api/v1/nlu/parse and the editors' queue of unanswered questions (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from assistant.nlu.engine import Resources
from assistant.nlu.runtime import Nlu
from assistant.nlu.service import attached_loader

PARSE = "/api/v1/nlu/parse"
QUEUE = "/api/v1/editor/unanswered"


@pytest.fixture
def api(client: TestClient, engine: Engine, nlu_resources: Resources) -> TestClient:
    """The app, with the NLU resources loaded once for the whole run (the index is per app)."""
    client.app.state.nlu = Nlu(resources=nlu_resources, attached=attached_loader(engine))  # type: ignore[attr-defined]
    return client


@pytest.fixture
def editor(api: TestClient, login: Callable[..., TestClient]) -> TestClient:
    return login("ed", "editor")


def test_parse_answers_with_the_guide_its_situation_entities_and_timing(api: TestClient) -> None:
    r = api.post(PARSE, json={"text": "我的社保卡丢了怎么补", "top_k": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "matched"
    assert len(body["results"]) == 3
    top = body["results"][0]
    assert (top["name"], top["kind"], top["situation"]["key"]) == (
        "社会保障卡挂失与补换",
        "guide",
        "lost",
    )
    assert isinstance(top["guide_id"], int) and 0 < top["score"] <= 1
    assert body["entities"] == [
        {"label": "service", "text": "社保卡丢了", "start": 2, "end": 7, "value": "社会保障卡遗失"}
    ]
    assert body["clarify"] is None
    assert body["elapsed_ms"] >= 0


def test_a_question_over_the_length_limit_is_refused_with_a_reason(api: TestClient) -> None:
    r = api.post(PARSE, json={"text": "办" * 501})
    assert r.status_code == 422
    assert r.json()["error"] == {
        "code": "invalid_input",
        "message": "问题太长了，请控制在500个字以内。",
        "details": [{"field": "text", "message": "at most 500 characters"}],
    }


@pytest.mark.parametrize(
    "body", [{}, {"text": None}, {"text": "社保卡", "top_k": 0}, {"text": "社保卡", "top_k": 11}]
)
def test_malformed_requests_are_refused(api: TestClient, body: dict) -> None:
    r = api.post(PARSE, json=body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_input"


def test_unanswered_questions_are_kept_masked_and_counted(
    api: TestClient, editor: TestClient
) -> None:
    question = "我电话13812345678，养狗要办什么证"
    for _ in range(2):
        assert api.post(PARSE, json={"text": question}).json()["status"] == "no_match"
    rows = editor.get(QUEUE).json()
    assert len(rows) == 1
    row = rows[0]
    assert row["text"] == "我电话138****5678，养狗要办什么证"
    assert (row["count"], row["status"], row["reason"]) == (2, "open", "no_match")
    assert "13812345678" not in str(row)


def test_confident_answers_are_not_queued(api: TestClient, editor: TestClient) -> None:
    assert api.post(PARSE, json={"text": "身份证丢了怎么补办"}).json()["status"] == "matched"
    assert editor.get(QUEUE).json() == []


def test_the_queue_is_for_editors_only(api: TestClient, login: Callable[..., TestClient]) -> None:
    assert api.get(QUEUE).status_code == 401
    assert login("clerk", "staff").get(QUEUE).status_code == 403


def test_an_attached_question_matches_the_next_time_it_is_asked(
    api: TestClient, editor: TestClient
) -> None:
    question = "娃娃入籍手续"
    assert api.post(PARSE, json={"text": question}).json()["status"] == "no_match"
    item = editor.get(QUEUE).json()[0]
    r = editor.post(f"{QUEUE}/{item['id']}/resolve", json={"ref": "出生登记"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["resolution"]["name"]) == ("resolved", "出生登记")
    again = api.post(PARSE, json={"text": question}).json()
    assert again["status"] == "matched"
    assert again["results"][0]["name"] == "出生登记"
    assert editor.get(QUEUE).json() == []  # answered now: not queued again


def test_a_word_attached_as_synonym_is_understood_in_other_questions(
    api: TestClient, editor: TestClient
) -> None:
    assert api.post(PARSE, json={"text": "想办张星光卡"}).json()["status"] == "no_match"
    item = editor.get(QUEUE).json()[0]
    r = editor.post(
        f"{QUEUE}/{item['id']}/resolve",
        json={"ref": "社会保障卡申领", "attach_as": "synonym", "phrase": "星光卡"},
    )
    assert r.status_code == 200, r.text
    answer = api.post(PARSE, json={"text": "星光卡在哪里办"}).json()
    assert (answer["status"], answer["results"][0]["name"]) == ("matched", "社会保障卡申领")


def test_a_question_is_resolved_once_and_only_onto_a_published_guide(
    api: TestClient, editor: TestClient
) -> None:
    api.post(PARSE, json={"text": "汽车年审去哪里"})
    item = editor.get(QUEUE).json()[0]
    r = editor.post(f"{QUEUE}/{item['id']}/resolve", json={"ref": "没有这个事项"})
    assert (r.status_code, r.json()["error"]["message"]) == (
        422,
        "没有找到已发布的办事指南：没有这个事项",
    )
    assert editor.post(f"{QUEUE}/{item['id']}/dismiss").json()["status"] == "dismissed"
    r = editor.post(f"{QUEUE}/{item['id']}/resolve", json={"ref": "出生登记"})
    assert (r.status_code, r.json()["error"]["message"]) == (409, "这个问题已经处理过了。")
    assert editor.get(QUEUE).json() == []
    assert [row["id"] for row in editor.get(QUEUE, params={"status": "dismissed"}).json()] == [
        item["id"]
    ]
    assert editor.post(f"{QUEUE}/99999/dismiss").status_code == 404
