"""``POST /api/v1/waivers`` on the bundled KB and the demo citizens (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.app import create_app
from assistant.audit import AuditEntry
from assistant.config import Settings
from assistant.waiver import texts
from assistant.waiver.models import WaiverConsent
from assistant.waiver.providers import HttpProvider
from assistant.waiver.records import LookupRequest, PersonRecords
from tests.waiver_support import (
    HUANG_WEI,
    LIN_JING,
    LIU_FANG,
    NOBODY,
    PlatformBehaviour,
    demo_directory,
    fake_platform,
    use_demo_shared_data,
)

use_demo_shared_data()

URL = "/api/v1/waivers"


def ask(client: TestClient, id_number: str = LIN_JING, **body: Any) -> Any:
    return client.post(
        URL, json={"guide": "出生登记", "id_number": id_number, "consent": True, **body}
    )


def by_id(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in body["materials"]}


def by_licence(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["licence"]: m for m in body["materials"] if m["licence"]}


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


class SpyProvider:
    name = "spy"

    def __init__(self) -> None:
        self.calls: list[LookupRequest] = []

    def lookup(self, request: LookupRequest) -> PersonRecords:
        self.calls.append(request)
        return demo_directory().lookup(request)


@pytest.fixture
def spy(client: TestClient) -> SpyProvider:
    provider = SpyProvider()
    client.app.state.shared_data = lambda _session: provider  # type: ignore[attr-defined]
    return provider


# ------------------------------------------------------------------ the demo citizens


def test_lin_jing_need_not_bring_the_birth_certificate_marriage_certificate_hukou_or_id(
    client: TestClient,
) -> None:
    r = ask(client)
    assert r.status_code == 200, r.text
    body = r.json()
    m = by_id(body)
    for waived in ("birth_cert", "marriage_cert", "hukou_booklet", "applicant_id"):
        assert m[waived]["status"] == "waived_licence", waived
    assert m["birth_cert"]["source"] == {
        "kind": "licence",
        "code": "birth_medical_cert",
        "name": "出生医学证明",
        "number": "Q441**2387",
        "issuer": "汕尾市妇幼保健院",
        "holder": "child",
        "valid_until": None,
        "long_term": True,
    }
    assert body["target"]["kind"] == "guide" and body["target"]["name"] == "出生登记"
    assert body["situation"] == {"key": "married_parents", "name": "婚生子女随父或母落户"}
    assert body["applicant"] == "4415**********2345"
    assert body["summary"]["waived"] == 5
    assert body["summary"]["text"].endswith("免提交 5 项")


def test_prefill_is_masked_for_citizens(client: TestClient) -> None:
    prefill = ask(client).json()["prefill"]
    assert prefill["id_number"] == {
        "label": "公民身份号码",
        "value": "4415**********2345",
        "masked": True,
        "holder": "applicant",
        "source": "人口基础信息",
    }
    assert prefill["spouse_id_number"]["value"] == "4415**********1239"
    assert (prefill["name"]["value"], prefill["child_name"]["value"]) == ("林*", "陈**")
    assert prefill["sex"] == {**prefill["sex"], "value": "女", "masked": False}


def test_the_greeter_who_fills_the_form_sees_the_prefill_in_full(
    login: Callable[..., TestClient], engine: Engine
) -> None:
    greeter = login("greeter1", "greeter")
    body = ask(greeter, channel="greeter").json()
    assert body["prefill"]["spouse_id_number"]["value"] == "441502199003151239"
    assert body["prefill"]["name"] == {**body["prefill"]["name"], "value": "林静", "masked": False}
    assert by_id(body)["applicant_id"]["source"]["number"] == "4415**********2345"  # still masked
    with Session(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "waiver.lookup")).one()
    assert (entry.actor, entry.detail["full_prefill"], entry.detail["channel"]) == (
        "user:greeter1",
        True,
        "greeter",
    )


def test_huang_weis_expired_id_card_waives_nothing_and_says_why(client: TestClient) -> None:
    applicant_id = by_id(ask(client, HUANG_WEI).json())["applicant_id"]
    assert applicant_id["status"] == "must_bring"
    assert applicant_id["reason"] == "您的电子身份证已于2025年6月1日过期，请携带有效证件。"
    assert applicant_id["source"] is None


def test_liu_fangs_hunan_hukou_booklet_is_not_waived_but_her_residence_permit_is(
    client: TestClient,
) -> None:
    r = ask(client, LIU_FANG, guide="居民身份证首次申领", situation="non_local")
    m = by_licence(r.json())
    assert m["hukou_booklet"]["status"] == "must_bring"
    assert m["hukou_booklet"]["reason"] == (
        "您的户籍在湖南省长沙市，户口簿不在广东省的共享数据中，无法免提交，请携带原件。"
    )
    assert m["residence_permit"]["status"] == "waived_licence"
    assert m["residence_permit"]["source"]["issuer"] == "汕尾市公安局城区分局"


def test_a_person_not_in_the_shared_data_must_bring_everything_with_a_notice(
    client: TestClient,
) -> None:
    body = ask(client, NOBODY, situation="married_parents").json()
    assert {m["status"] for m in body["materials"]} == {"must_bring"}
    assert body["notices"] == [texts.NOTICE_NOT_FOUND]
    assert body["prefill"] == {}


def test_no_consent_is_refused_and_nothing_is_looked_up(
    client: TestClient, spy: SpyProvider, engine: Engine
) -> None:
    for body in (
        {"guide": "出生登记", "id_number": LIN_JING, "consent": False},
        {"guide": "出生登记", "id_number": LIN_JING},
    ):
        r = client.post(URL, json=body)
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "consent_required"
        assert r.json()["error"]["message"].startswith(
            "查询免提交材料需要调取您的电子证照和共享数据"
        )
    assert spy.calls == []
    assert count(engine, WaiverConsent) == 0
    assert count(engine, AuditEntry) == 1  # the KB import's entry only


@pytest.fixture
def slow_platform() -> Iterator[tuple[str, PlatformBehaviour]]:
    behaviour = PlatformBehaviour(delay_seconds=1.0)
    with fake_platform(demo_directory(), behaviour) as url:
        yield url, behaviour


def test_a_provider_timing_out_waives_nothing_and_says_so(
    client: TestClient, slow_platform: tuple[str, PlatformBehaviour], engine: Engine
) -> None:
    url, behaviour = slow_platform
    remote = HttpProvider(url, timeout=0.2, retries=1, backoff_seconds=0)
    client.app.state.shared_data = lambda _session: remote  # type: ignore[attr-defined]
    try:
        body = ask(client).json()
    finally:
        remote.close()
    assert behaviour.calls == 2  # one retry
    m = by_id(body)
    assert {x["status"] for x in body["materials"]} == {"must_bring"}
    assert m["birth_cert"]["reason"] == "暂时无法连接共享数据平台，未能核验此项，请携带原件。"
    assert texts.NOTICE_UNAVAILABLE in body["notices"]
    with Session(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "waiver.lookup")).one()
    assert (entry.detail["outcome"], entry.detail["provider"]) == ("unavailable", "http")


# ------------------------------------------------------------------ consent, audit, privacy


def test_each_check_records_consent_and_an_audit_entry_without_the_plain_id_number(
    client: TestClient, engine: Engine
) -> None:
    ask(client, channel="web")
    with Session(engine) as session:
        consent = session.exec(select(WaiverConsent)).one()
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "waiver.lookup")).one()
    assert (consent.channel, consent.subject_masked) == ("web", "4415**********2345")
    assert consent.purpose == "查询办理“出生登记”时可免提交的材料和可预填的表单信息"
    assert len(consent.subject_hash) == 64 and consent.subject_hash == entry.detail["subject_hash"]
    assert entry.entity_id == "4415**********2345"
    assert entry.actor.startswith("ip:#")
    assert entry.detail["target"] == "出生登记"
    assert entry.detail["situations"] == {"出生登记": "married_parents"}
    assert entry.detail["relatives"] == ["child", "spouse"]
    assert entry.detail["counts"]["waived"] == 5
    assert entry.detail["consent_id"] == consent.id
    for table in ("waiver_consent", "audit_log"):
        with engine.connect() as conn:
            dump = " ".join(str(row) for row in conn.execute(text(f"SELECT * FROM {table}")))
        assert LIN_JING not in dump and "441502199003151239" not in dump, table


def test_checks_repeated_too_quickly_are_refused(settings: Settings, engine: Engine) -> None:
    limited = settings.model_copy(update={"waiver_checks_per_minute": 2})
    with TestClient(create_app(limited, engine=engine)) as c:
        assert [ask(c).status_code for _ in range(2)] == [200, 200]
        r = ask(c, HUANG_WEI)
    assert r.status_code == 429
    assert r.json()["error"]["message"] == "查询过于频繁。为保护个人信息安全，请稍等一分钟后再试。"
    assert count(engine, WaiverConsent) == 2


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"id_number": "44150219920808234"}, 422, "身份证号码应为18位"),
        ({"id_number": "441502199208082346"}, 422, "身份证号码校验位不正确"),
        ({"id_number": "441502921308082345"}, 422, "身份证号码中的出生日期不正确"),
        ({"id_number": "441502920808234"}, 422, "这是旧版15位身份证号码"),
        ({"guide": "办理飞船驾照"}, 404, "没有找到办事事项或“一件事”主题：办理飞船驾照"),
        ({"situation": "twins"}, 422, "“出生登记”没有情形“twins”。可选的情形：married_parents"),
        ({"guide": "出生一件事", "situation": "married_parents"}, 422, "不能指定情形"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_is_written(
    client: TestClient, spy: SpyProvider, engine: Engine, body: dict, status: int, message: str
) -> None:
    r = ask(client, **{"id_number": LIN_JING, **body})
    assert r.status_code == status
    assert message in r.json()["error"]["message"]
    assert spy.calls == []
    assert count(engine, WaiverConsent) == 0


def test_an_unknown_channel_is_refused(client: TestClient) -> None:
    r = ask(client, channel="fax")
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "channel"


# ------------------------------------------------------------------ guides and themes


@pytest.mark.parametrize("ref", ["chusheng-dengji", "新生儿上户口"])
def test_a_guide_may_be_named_by_slug_or_alias(client: TestClient, ref: str) -> None:
    assert ask(client, guide=ref).json()["target"]["name"] == "出生登记"


def test_the_default_situation_is_named_in_a_notice(client: TestClient) -> None:
    notices = ask(client).json()["notices"]
    assert notices == [
        "已按“婚生子女随父或母落户”的情形核验；如果您的情况不同，请选择对应情形后重新查询。"
    ]
    assert ask(client, situation="married_parents").json()["notices"] == []


def test_a_theme_lists_each_shared_material_once(client: TestClient) -> None:
    body = ask(client, guide="出生一件事").json()
    assert body["target"]["kind"] == "theme"
    assert [i["guide"] for i in body["items"]] == [
        "出生登记",
        "城乡居民基本医疗保险参保登记",
        "社会保障卡申领",
        "生育津贴申领",
        "生育登记",
    ]
    keys = [(m["licence"], m["holder"]) for m in body["materials"] if m["licence"]]
    assert len(keys) == len(set(keys))
    id_card = next(
        m for m in body["materials"] if (m["licence"], m["holder"]) == ("id_card", "applicant")
    )
    assert len(id_card["guides"]) > 1 and id_card["status"] == "waived_licence"
    item_materials = sum(len(i["materials"]) for i in body["items"])
    assert len(body["materials"]) < item_materials
    assert body["summary"]["text"].startswith("需携带 ")
