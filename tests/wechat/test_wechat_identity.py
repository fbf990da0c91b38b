"""Binding an openid to an ID number: only with consent, never the number itself."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from assistant.audit import AuditEntry
from assistant.conversation.messages import Button
from assistant.db import session_scope
from assistant.errors import Forbidden, InvalidInput
from channels.wechat import service
from channels.wechat.models import WeChatChoice, WeChatIdentity
from tests.wechat.conftest import OPENID, WeChatHarness, event_xml

SECRET = "test-secret"
ID_NUMBER = "441502199208082345"  # demo citizen 林静


def test_binding_without_consent_is_refused_and_stores_nothing(engine: Engine) -> None:
    with pytest.raises(Forbidden, match="同意授权"), session_scope(engine) as session:
        service.bind_identity(
            session=session, openid=OPENID, id_number=ID_NUMBER, consent=False, secret=SECRET
        )
    with session_scope(engine) as session:
        assert session.get(WeChatIdentity, OPENID) is None


def test_binding_with_consent_keeps_only_a_keyed_hash_and_the_masked_number(engine: Engine) -> None:
    with session_scope(engine) as session:
        service.bind_identity(
            session=session,
            openid=OPENID,
            id_number="４４１５０２１９９２０８０８２３４５",
            consent=True,
            secret=SECRET,
        )
    with session_scope(engine) as session:
        row = session.get(WeChatIdentity, OPENID)
        assert row is not None
        assert row.id_masked == "4415**********2345"
        assert row.id_key == service.id_key(SECRET, ID_NUMBER) != service.id_key("other", ID_NUMBER)
        assert ID_NUMBER not in row.id_key
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "bind_identity")).all()
        assert entry.detail == {"id_masked": "4415**********2345"}


def test_an_id_number_with_a_wrong_check_digit_is_explained(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="校验位不正确"), session_scope(engine) as session:
        service.bind_identity(
            session=session,
            openid=OPENID,
            id_number="441502199208082346",
            consent=True,
            secret=SECRET,
        )


def test_unsubscribing_forgets_the_binding_and_the_pending_choices(
    wechat: WeChatHarness, engine: Engine
) -> None:
    with session_scope(engine) as session:
        service.bind_identity(
            session=session, openid=OPENID, id_number=ID_NUMBER, consent=True, secret=SECRET
        )
        service.save_choices(
            session=session, openid=OPENID, choices=[Button(title="是", payload="/yes")]
        )
    r = wechat.post(event_xml("unsubscribe"))
    assert r.text == "success"
    with session_scope(engine) as session:
        assert session.get(WeChatIdentity, OPENID) is None
        assert session.get(WeChatChoice, OPENID) is None
