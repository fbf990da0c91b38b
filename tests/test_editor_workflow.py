"""Editors draft, reviewers publish: what citizens see changes only on publish, at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient


def _guide_id(client: TestClient, name: str) -> int:
    return client.get(f"/api/v1/guides/{name}").json()["id"]


@pytest.fixture
def editor(login: Callable[..., TestClient]) -> TestClient:
    return login("alice", "editor")


@pytest.fixture
def reviewer(login: Callable[..., TestClient]) -> TestClient:
    return login("bob", "reviewer")


def _open(editor: TestClient, guide_id: int) -> dict:
    r = editor.get(f"/api/v1/editor/guides/{guide_id}")
    assert r.status_code == 200, r.text
    return r.json()


def _save(editor: TestClient, guide_id: int, g: dict, **changes: object) -> dict:
    content = {**g["content"], **changes}
    r = editor.put(
        f"/api/v1/editor/guides/{guide_id}/draft",
        json={"content": content, "lock_version": g["lock_version"]},
    )
    assert r.status_code == 200, r.text
    return r.json()


def _submit_and_publish(editor: TestClient, reviewer: TestClient, guide_id: int, g: dict) -> dict:
    g = editor.post(
        f"/api/v1/editor/guides/{guide_id}/submit", json={"lock_version": g["lock_version"]}
    ).json()
    assert g["status"] == "submitted"
    r = reviewer.post(
        f"/api/v1/editor/guides/{guide_id}/publish",
        json={"lock_version": g["lock_version"], "comment": "同意"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_console_api_needs_login(client: TestClient) -> None:
    r = client.get("/api/v1/editor/guides")
    assert r.status_code == 401
    assert r.json()["error"]["message"] == "请先登录。"


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client: TestClient, make_user
) -> None:  # type: ignore[no-untyped-def]
    make_user("alice", "editor")
    for username in ("alice", "nobody"):
        r = client.post(
            "/api/v1/auth/login", json={"username": username, "password": "wrong-password"}
        )
        assert r.status_code == 401
        assert r.json()["error"]["message"] == "用户名或密码不正确。"


def test_draft_is_invisible_to_citizens_until_a_reviewer_publishes_it(
    client: TestClient, editor: TestClient, reviewer: TestClient
) -> None:
    gid = _guide_id(client, "出生登记")
    old_phone = client.get("/api/v1/guides/出生登记").json()["content"]["phone"]
    g = _save(editor, gid, _open(editor, gid), phone="0660-3999999")
    assert g["status"] == "draft"
    assert client.get("/api/v1/guides/出生登记").json()["content"]["phone"] == old_phone

    published = _submit_and_publish(editor, reviewer, gid, g)
    assert published["status"] == "published"
    public = client.get("/api/v1/guides/出生登记").json()
    assert public["content"]["phone"] == "0660-3999999"
    assert public["version"] == published["published_version"]


def test_second_editor_saving_a_stale_copy_gets_a_conflict_not_an_overwrite(
    editor: TestClient, login, client: TestClient
) -> None:  # type: ignore[no-untyped-def]
    carol = login("carol", "editor")
    gid = _guide_id(client, "出生登记")
    alice_copy, carol_copy = _open(editor, gid), _open(carol, gid)
    _save(editor, gid, alice_copy, phone="0660-3111111")
    r = carol.put(
        f"/api/v1/editor/guides/{gid}/draft",
        json={
            "content": {**carol_copy["content"], "phone": "0660-3222222"},
            "lock_version": carol_copy["lock_version"],
        },
    )
    assert r.status_code == 409
    assert "alice" in r.json()["error"]["message"]
    assert _open(editor, gid)["content"]["phone"] == "0660-3111111"


def test_invalid_draft_is_refused_with_field_errors_and_nothing_is_saved(
    editor: TestClient, client: TestClient
) -> None:
    gid = _guide_id(client, "出生登记")
    g = _open(editor, gid)
    bad = {**g["content"], "visits": -2, "name": "", "unexpected": 1}
    r = editor.put(
        f"/api/v1/editor/guides/{gid}/draft",
        json={"content": bad, "lock_version": g["lock_version"]},
    )
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert {"visits", "name", "unexpected"} <= fields
    after = _open(editor, gid)
    assert after["status"] == "published" and after["lock_version"] == g["lock_version"]


def test_draft_naming_an_unknown_licence_is_refused(editor: TestClient, client: TestClient) -> None:
    gid = _guide_id(client, "出生登记")
    g = _open(editor, gid)
    materials = [dict(m) for m in g["content"]["materials"]]
    materials[0]["licence"] = "moon_passport"
    r = editor.put(
        f"/api/v1/editor/guides/{gid}/draft",
        json={
            "content": {**g["content"], "materials": materials},
            "lock_version": g["lock_version"],
        },
    )
    assert r.status_code == 422
    assert {
        "field": "materials[0].licence",
        "message": "unknown licence type 'moon_passport'",
    } in r.json()["error"]["details"]


def test_script_in_editor_text_is_stored_as_text_and_rendered_escaped(
    editor: TestClient, reviewer: TestClient, client: TestClient
) -> None:
    gid = _guide_id(client, "出生登记")
    g = _save(editor, gid, _open(editor, gid), summary="<script>alert('x')</script>办理说明")
    _submit_and_publish(editor, reviewer, gid, g)
    assert (
        client.get("/api/v1/guides/出生登记").json()["content"]["summary"]
        == "<script>alert('x')</script>办理说明"
    )
    page = client.get("/g/chusheng-dengji").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;办理说明" in page


def test_editor_cannot_publish_and_reviewer_cannot_publish_own_work(
    editor: TestClient, reviewer: TestClient, client: TestClient
) -> None:
    gid = _guide_id(client, "出生登记")
    g = _save(editor, gid, _open(editor, gid), phone="0660-3555555")
    g = editor.post(
        f"/api/v1/editor/guides/{gid}/submit", json={"lock_version": g["lock_version"]}
    ).json()
    r = editor.post(
        f"/api/v1/editor/guides/{gid}/publish", json={"lock_version": g["lock_version"]}
    )
    assert r.status_code == 403
    own = _save(reviewer, gid, _open(reviewer, gid), phone="0660-3666666")
    own = reviewer.post(
        f"/api/v1/editor/guides/{gid}/submit", json={"lock_version": own["lock_version"]}
    ).json()
    r = reviewer.post(
        f"/api/v1/editor/guides/{gid}/publish", json={"lock_version": own["lock_version"]}
    )
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "请由另一位审核人发布您自己编辑的内容。"


def test_reviewer_returns_a_draft_with_a_comment_the_editor_sees(
    editor: TestClient, reviewer: TestClient, client: TestClient
) -> None:
    gid = _guide_id(client, "出生登记")
    g = _save(editor, gid, _open(editor, gid), phone="0660-3777777")
    g = editor.post(
        f"/api/v1/editor/guides/{gid}/submit", json={"lock_version": g["lock_version"]}
    ).json()
    r = reviewer.post(
        f"/api/v1/editor/guides/{gid}/return",
        json={"lock_version": g["lock_version"], "comment": "电话号码请核实"},
    )
    assert r.status_code == 200
    seen = _open(editor, gid)
    assert seen["status"] == "returned" and seen["comment"] == "电话号码请核实"


def test_history_keeps_every_version_with_a_readable_diff_and_rollback(
    editor: TestClient, reviewer: TestClient, client: TestClient
) -> None:
    gid = _guide_id(client, "出生登记")
    original = client.get("/api/v1/guides/出生登记").json()
    g = _save(editor, gid, _open(editor, gid), phone="0660-3888888")
    published = _submit_and_publish(editor, reviewer, gid, g)

    versions = reviewer.get(f"/api/v1/editor/guides/{gid}/versions").json()
    assert [v["status"] for v in versions[:2]] == ["published", "superseded"]
    diff = reviewer.get(
        f"/api/v1/editor/guides/{gid}/diff",
        params={"old": original["version"], "new": published["published_version"]},
    ).json()["diff"]
    assert "-phone: 0660-12345" in diff and "+phone: 0660-3888888" in diff

    r = reviewer.post(
        f"/api/v1/editor/guides/{gid}/rollback",
        json={"version": original["version"], "lock_version": published["lock_version"]},
    )
    assert r.status_code == 200, r.text
    assert (
        client.get("/api/v1/guides/出生登记").json()["content"]["phone"]
        == original["content"]["phone"]
    )
    assert len(reviewer.get(f"/api/v1/editor/guides/{gid}/versions").json()) == len(versions) + 1


def test_audit_log_records_who_changed_what(
    editor: TestClient, reviewer: TestClient, client: TestClient
) -> None:
    gid = _guide_id(client, "出生登记")
    g = _save(editor, gid, _open(editor, gid), phone="0660-3123456")
    _submit_and_publish(editor, reviewer, gid, g)
    entries = reviewer.get("/api/v1/editor/audit", params={"entity_id": str(gid)}).json()
    assert [(e["actor"], e["action"]) for e in entries[:3]] == [
        ("bob", "guide.publish"),
        ("alice", "guide.submit"),
        ("alice", "guide.save_draft"),
    ]


def test_editor_creates_a_new_guide_that_appears_once_published(
    editor: TestClient, reviewer: TestClient, client: TestClient
) -> None:
    base = _open(editor, _guide_id(client, "出生登记"))["content"]
    new = {
        **base,
        "name": "测试新增事项",
        "slug": "ceshi-xinzeng",
        "code": "11441500TEST0000001",
        "related": [],
        "aliases": [],
        "examples": [],
    }
    r = editor.post("/api/v1/editor/guides", json={"content": new, "lock_version": 0})
    assert r.status_code == 201, r.text
    g = r.json()
    assert client.get("/api/v1/guides/测试新增事项").status_code == 404
    _submit_and_publish(editor, reviewer, g["id"], g)
    assert client.get("/api/v1/guides/测试新增事项").status_code == 200


def test_public_guide_list_filters(client: TestClient) -> None:
    by_dept = client.get("/api/v1/guides", params={"department": "公积金"}).json()
    assert by_dept["total"] == 4
    by_event = client.get("/api/v1/guides", params={"life_event": "出生"}).json()
    assert "出生登记" in [g["name"] for g in by_event["items"]]
    village = client.get("/api/v1/guides", params={"hall": "城区凤山街道新港社区便民服务站"}).json()
    assert "居住证申领" in [g["name"] for g in village["items"]]
    assert "二手房转移登记" not in [g["name"] for g in village["items"]]
    online = client.get("/api/v1/guides", params={"online": True}).json()
    assert all(g["online_available"] for g in online["items"]) and online["total"] > 0
    assert client.get("/api/v1/guides", params={"hall": "火星大厅"}).status_code == 404


def test_theme_lists_its_items(client: TestClient) -> None:
    theme = client.get("/api/v1/themes/出生一件事").json()
    assert [i["name"] for i in theme["items"]] == [
        "出生登记",
        "城乡居民基本医疗保险参保登记",
        "社会保障卡申领",
        "生育津贴申领",
        "生育登记",
    ]


def test_guide_detail_lists_accepting_halls(client: TestClient) -> None:
    g = client.get("/api/v1/guides/租房提取住房公积金").json()
    assert [h["name"] for h in g["halls"]] == ["汕尾市民服务中心"]
    assert g["content"]["situations"] and g["content"]["materials"]


def test_publish_is_seen_at_once_by_another_process_without_restart(
    editor: TestClient,
    reviewer: TestClient,
    settings,
    database_url: str,  # type: ignore[no-untyped-def]
) -> None:
    from assistant.app import create_app
    from assistant.db import make_engine

    other_engine = make_engine(database_url)  # a second app process: its own engine and KB cache
    other = TestClient(create_app(settings, engine=other_engine))
    assert other.get("/api/v1/guides/出生登记").json()["content"]["phone"] == "0660-12345"
    gid = other.get("/api/v1/guides/出生登记").json()["id"]
    g = _save(editor, gid, _open(editor, gid), phone="0660-3000001")
    _submit_and_publish(editor, reviewer, gid, g)
    assert other.get("/api/v1/guides/出生登记").json()["content"]["phone"] == "0660-3000001"
    other_engine.dispose()


def test_rollback_refuses_a_version_that_was_never_published(
    editor: TestClient, reviewer: TestClient, client: TestClient
) -> None:
    gid = _guide_id(client, "出生登记")
    draft = _save(reviewer, gid, _open(reviewer, gid), phone="0660-3444444")
    r = reviewer.post(
        f"/api/v1/editor/guides/{gid}/rollback",
        json={"version": draft["working_version"], "lock_version": draft["lock_version"]},
    )
    assert r.status_code == 409
    assert "从未发布过" in r.json()["error"]["message"]
    assert client.get("/api/v1/guides/出生登记").json()["content"]["phone"] == "0660-12345"
