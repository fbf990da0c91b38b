"""``POST /api/v1/chat`` through the gateway, with a fake Rasa on loopback: up, down, slow, broken.

When Rasa cannot answer within ``rasa_timeout_seconds`` (1.5 s), guide questions are still
answered through the app's own NLU, with the same card, and the citizen is told that booking and
waiver checks are briefly unavailable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.app import create_app
from assistant.config import Settings
from assistant.conversation.chat import NO_REPLY
from assistant.conversation.degraded import NOTICE, WEB_NOTICE_WITH_CARD
from assistant.conversation.models import ConversationRating
from assistant.conversation.sealing import reveal
from assistant.nlu.runtime import Nlu
from tests.conversation.fake_rasa import FakeRasa, closed_port_url, fake_rasa

Chat = Callable[[str], TestClient]


@pytest.fixture
def chat_client(
    settings: Settings, engine: Engine, nlu: Nlu
) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def _make(rasa_url: str) -> TestClient:
        app = create_app(settings.model_copy(update={"rasa_url": rasa_url}), engine=engine)
        app.state.nlu = nlu  # the run's NLU, built once (the app builds the same on demand)
        c = TestClient(app)
        c.__enter__()
        clients.append(c)
        return c

    yield _make
    for c in clients:
        c.__exit__(None, None, None)


@contextmanager
def rasa(**behaviour: object) -> Iterator[FakeRasa]:
    with fake_rasa(FakeRasa(**behaviour)) as fake:  # type: ignore[arg-type]
        yield fake


def ask(client: TestClient, text: str, **extra: object) -> dict:
    r = client.post("/api/v1/chat", json={"sender_id": "web-1", "text": text, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def assert_degraded_guide_answer(turn: dict, guide: str) -> None:
    assert turn["degraded"] is True
    first, last = turn["replies"][0], turn["replies"][-1]
    assert first["card"]["kind"] == "guide" and first["card"]["name"] == guide
    assert first["card"]["materials"]
    assert last == {"text": NOTICE, "buttons": [], "card": None}


def test_with_rasa_stopped_a_guide_question_is_answered_with_the_guide_card(
    chat_client: Chat,
) -> None:
    turn = ask(chat_client(closed_port_url()), "身份证丢了怎么补办")
    assert_degraded_guide_answer(turn, "居民身份证补领")


def test_with_rasa_slower_than_the_timeout_the_answer_comes_from_the_app(
    chat_client: Chat,
) -> None:
    with rasa(delay=6.0, answer=[{"text": "too late"}]) as fake:
        started = time.perf_counter()
        turn = ask(chat_client(fake.url), "我想办护照")
        waited = time.perf_counter() - started
        assert len(fake.received) == 1  # Rasa was asked, and not waited for
    assert_degraded_guide_answer(turn, "普通护照申领")
    assert 1.5 <= waited < 6.0, waited


def test_with_rasa_failing_the_answer_comes_from_the_app(chat_client: Chat) -> None:
    with rasa(status=500, answer={"error": "boom"}) as fake:  # type: ignore[arg-type]
        turn = ask(chat_client(fake.url), "港澳通行证怎么办")
    assert_degraded_guide_answer(turn, "往来港澳通行证及签注申领")


def test_degraded_mode_turns_a_clarifying_button_into_the_guide(chat_client: Chat) -> None:
    client = chat_client(closed_port_url())
    r = client.post(
        "/api/v1/chat",
        json={"sender_id": "web-1", "payload": '/inform{"service":"居民身份证换领"}'},
    )
    assert_degraded_guide_answer(r.json(), "居民身份证换领")


def test_rasas_answer_becomes_typed_replies(chat_client: Chat) -> None:
    card = {"kind": "rating", "question": "请问您对这次服务满意吗？"}
    answer = [
        {
            "recipient_id": "web-1",
            "text": "请选择",
            "buttons": [
                {"title": "城区政务服务中心", "payload": '/inform{"hall":"城区政务服务中心"}'}
            ],
        },
        {"recipient_id": "web-1", "custom": card},
        {"recipient_id": "web-1", "custom": {"kind": "unknown", "x": 1}},
    ]
    with rasa(answer=answer) as fake:
        turn = ask(chat_client(fake.url), "帮我约明天上午", channel="web", lat=22.78, lon=115.36)
    assert turn["degraded"] is False
    assert turn["replies"] == [
        {
            "text": "请选择",
            "card": None,
            "buttons": [
                {"title": "城区政务服务中心", "payload": '/inform{"hall":"城区政务服务中心"}'}
            ],
        },
        {"text": None, "buttons": [], "card": card},
    ]
    [sent] = fake.received
    assert sent["path"] == "/webhooks/rest/webhook" and sent["sender"] == "web-1"
    assert sent["metadata"] == {"channel": "web", "lat": 22.78, "lon": 115.36}


def test_with_several_rasa_servers_each_conversation_always_goes_to_the_same_one(
    chat_client: Chat,
) -> None:
    answer = [{"recipient_id": "x", "text": "好的"}]
    with rasa(answer=answer) as one, rasa(answer=answer) as two:
        client = chat_client(f"{one.url},{two.url}/")
        senders = [f"web-{n}" for n in range(24)]
        for _ in range(2):
            for sender in senders:
                r = client.post("/api/v1/chat", json={"sender_id": sender, "text": "多少钱"})
                assert r.status_code == 200 and r.json()["degraded"] is False
    got = [{m["sender"] for m in fake.received} for fake in (one, two)]
    assert got[0] and got[1], "both servers take conversations"
    assert got[0].isdisjoint(got[1]) and got[0] | got[1] == set(senders)
    assert len(one.received) + len(two.received) == 48


def test_with_one_of_two_rasa_servers_stopped_its_conversations_are_answered_degraded(
    chat_client: Chat,
) -> None:
    with rasa(answer=[{"recipient_id": "x", "text": "好的"}]) as up:
        client = chat_client(f"{up.url},{closed_port_url()}")
        turns = {
            n: client.post("/api/v1/chat", json={"sender_id": f"web-{n}", "text": "身份证丢了"})
            for n in range(12)
        }
    served = {m["sender"] for m in up.received}
    for n, r in turns.items():
        assert r.status_code == 200
        assert r.json()["degraded"] is (f"web-{n}" not in served)
    assert 0 < len(served) < 12


def test_id_and_phone_numbers_reach_rasa_sealed(chat_client: Chat, settings: Settings) -> None:
    with rasa(answer=[]) as fake:
        ask(chat_client(fake.url), "441502199003151239，电话13800138000")
    sent = fake.received[0]["message"]
    assert "441502199003151239" not in sent and "13800138000" not in sent
    assert reveal(settings.secret_key, sent) == "441502199003151239，电话13800138000"


def test_an_empty_message_is_refused_with_a_reason(chat_client: Chat) -> None:
    r = chat_client(closed_port_url()).post(
        "/api/v1/chat", json={"sender_id": "web-1", "text": "  "}
    )
    assert r.status_code == 422
    assert r.json()["error"]["message"] == "请输入您想咨询的问题。"


def test_a_question_over_the_limit_is_refused(chat_client: Chat, settings: Settings) -> None:
    text = "我" * (settings.max_question_chars + 1)
    r = chat_client(closed_port_url()).post("/api/v1/chat", json={"sender_id": "w", "text": text})
    assert r.status_code == 422
    assert f"{settings.max_question_chars}个字以内" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("谢谢", "不客气，很高兴能帮到您！还有其他想了解的，直接问我就好。"),
        ("好的", "好的。还有什么可以帮您？直接告诉我您要办的事就行。"),
        ("拜拜", "好的，祝您办事顺利！还有问题随时来问我。"),
    ],
)
def test_with_rasa_stopped_small_talk_gets_a_clerks_answer_not_a_guide(
    chat_client: Chat, text: str, answer: str
) -> None:
    turn = ask(chat_client(closed_port_url()), text)
    assert turn["degraded"] is True
    assert turn["replies"] == [{"text": answer, "buttons": [], "card": None}]


def test_with_rasa_stopped_a_greeting_says_what_works_now(chat_client: Chat) -> None:
    turn = ask(chat_client(closed_port_url()), "你好", channel="wechat")
    greeting, last = turn["replies"]
    assert greeting["text"].startswith("您好！我是汕尾市政务服务智能导办") and not greeting["card"]
    assert last["text"] == NOTICE


def test_with_rasa_stopped_a_rating_is_thanked_and_recorded(
    chat_client: Chat, engine: Engine
) -> None:
    turn = ask(chat_client(closed_port_url()), "满意", channel="web")
    assert turn["replies"] == [
        {"text": "感谢您的好评！我们会继续努力，祝您办事顺利。", "buttons": [], "card": None}
    ]
    with Session(engine) as session:
        [row] = session.exec(select(ConversationRating)).all()
    assert (row.score, row.channel, row.comment) == (5, "web", "满意")


def test_on_the_web_the_degraded_notice_points_to_the_guide_cards_buttons(
    chat_client: Chat,
) -> None:
    turn = ask(chat_client(closed_port_url()), "身份证丢了怎么补办", channel="web")
    assert turn["replies"][0]["card"]["kind"] == "guide"
    assert turn["replies"][-1]["text"] == WEB_NOTICE_WITH_CARD


def test_an_empty_answer_from_rasa_still_answers_the_citizen(chat_client: Chat) -> None:
    with rasa(answer=[]) as fake:
        turn = ask(chat_client(fake.url), "取消预约")
    assert turn["degraded"] is False
    assert turn["replies"] == [{"text": NO_REPLY, "buttons": [], "card": None}]


def test_the_rasa_url_setting_lists_one_or_more_servers() -> None:
    settings = Settings(rasa_url="http://127.0.0.1:5005, http://10.0.0.2:5005/")
    assert settings.rasa_urls == ["http://127.0.0.1:5005", "http://10.0.0.2:5005"]
    for bad in ("", "127.0.0.1:5005", "http://a:1,http://a:1"):
        with pytest.raises(ValueError, match="rasa_url"):
            Settings(rasa_url=bad)
