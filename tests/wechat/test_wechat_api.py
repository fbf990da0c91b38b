"""Calls to WeChat through the fake server: one shared token, refreshed when WeChat says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from wechatpy.exceptions import WeChatClientException

from assistant.config import Settings
from assistant.db import session_scope
from assistant.errors import Unavailable
from assistant.timeutil import utcnow
from channels.wechat.api_client import WeChatApi
from channels.wechat.models import WeChatAccessToken
from tests.wechat.conftest import APP_ID, fast_api
from tests.wechat.fake_wechat import FakeWeChat

SEND = "/cgi-bin/message/custom/send"


def stored_token(engine: Engine) -> str | None:
    with session_scope(engine) as session:
        row = session.get(WeChatAccessToken, APP_ID)
        return row.token if row else None


def test_one_token_is_fetched_and_shared_by_every_worker(
    wechat_settings: Settings, engine: Engine, fake_wechat: FakeWeChat
) -> None:
    worker_a, worker_b = fast_api(wechat_settings, engine), fast_api(wechat_settings, engine)
    worker_a.send_text("o1", "您好")
    worker_b.send_text("o2", "您好")
    assert fake_wechat.tokens_issued == 1
    assert [c.access_token for c in fake_wechat.calls_to(SEND)] == ["TOKEN-1", "TOKEN-1"]
    assert stored_token(engine) == "TOKEN-1"


@pytest.mark.parametrize("errcode", [40001, 42001])
def test_a_token_wechat_rejects_is_refreshed_and_the_call_retried(
    wechat_settings: Settings, engine: Engine, fake_wechat: FakeWeChat, errcode: int
) -> None:
    api = fast_api(wechat_settings, engine)
    api.send_text("o1", "第一条")
    fake_wechat.valid_tokens.clear()  # WeChat expired TOKEN-1 early
    fake_wechat.fail_next(SEND, errcode)
    api.send_text("o1", "第二条")
    assert [c.access_token for c in fake_wechat.calls_to(SEND)] == ["TOKEN-1", "TOKEN-1", "TOKEN-2"]
    assert stored_token(engine) == "TOKEN-2"


def test_a_token_refreshed_by_another_worker_is_not_discarded(
    wechat_settings: Settings, engine: Engine, fake_wechat: FakeWeChat
) -> None:
    slow_worker = fast_api(wechat_settings, engine)
    slow_worker.storage.set(slow_worker.storage.key, "TOKEN-OLD", 7200)
    slow_worker.storage.discard("TOKEN-NOT-STORED")
    assert stored_token(engine) == "TOKEN-OLD"
    slow_worker.send_text("o1", "您好")  # TOKEN-OLD is rejected: discarded, a fresh one fetched
    assert stored_token(engine) == "TOKEN-1"


def test_a_stored_token_near_its_expiry_is_refreshed_before_use(
    wechat_settings: Settings, engine: Engine, fake_wechat: FakeWeChat
) -> None:
    with session_scope(engine) as session:
        session.add(
            WeChatAccessToken(
                app_id=APP_ID, token="TOKEN-OLD", expires_at=utcnow() + timedelta(minutes=2)
            )
        )
    fast_api(wechat_settings, engine).send_text("o1", "您好")
    assert [c.access_token for c in fake_wechat.calls_to(SEND)] == ["TOKEN-1"]


def test_a_busy_wechat_is_retried_with_backoff(
    wechat_settings: Settings, engine: Engine, fake_wechat: FakeWeChat
) -> None:
    fake_wechat.fail_next(SEND, -1)
    fake_wechat.fail_next(SEND, -1)
    fast_api(wechat_settings, engine).send_text("o1", "您好")
    assert len(fake_wechat.calls_to(SEND)) == 3


def test_a_refusal_is_raised_without_retrying(
    wechat_settings: Settings, engine: Engine, fake_wechat: FakeWeChat
) -> None:
    fake_wechat.fail_next(SEND, 45047)  # over the customer-service message quota
    with pytest.raises(WeChatClientException) as caught:
        fast_api(wechat_settings, engine).send_text("o1", "您好")
    assert caught.value.errcode == 45047
    assert len(fake_wechat.calls_to(SEND)) == 1


def test_a_token_rejected_every_time_ends_with_wechats_error(
    wechat_settings: Settings, engine: Engine, fake_wechat: FakeWeChat
) -> None:
    for _ in range(3):
        fake_wechat.fail_next(SEND, 40001)
    with pytest.raises(WeChatClientException) as caught:
        fast_api(wechat_settings, engine).send_text("o1", "您好")
    assert caught.value.errcode == 40001
    assert fake_wechat.tokens_issued == 3


def test_without_app_id_and_secret_the_api_is_unavailable(
    settings: Settings, engine: Engine
) -> None:
    with pytest.raises(Unavailable, match="AppID"):
        WeChatApi.from_settings(settings, engine)
