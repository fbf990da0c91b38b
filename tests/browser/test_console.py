"""The editors' console in a real browser: edit, preview, submit, publish, and what can go wrong."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PASSWORD, LiveServer, login, screenshot

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]


def _field(page: Page, path: str, control: str = "input") -> Locator:
    return page.locator(f'[data-path="{path}"] > {control}')


def _open_guide(page: Page, name: str) -> None:
    page.get_by_role("searchbox", name="搜索指南").fill(name)
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def _public(server: LiveServer, name: str) -> dict:
    r = httpx.get(server.api(f"/guides/{name}"))
    assert r.status_code == 200, r.text
    return r.json()


def test_editor_change_reaches_citizens_once_a_reviewer_publishes_it(
    new_page: NewPage, live_server: LiveServer
) -> None:
    before = _public(live_server, "出生登记")
    note = "请携带原件，窗口当场核验后退还。"

    editor = new_page()
    login(editor, "alice")
    expect(editor.locator(".console-top")).to_contain_text("李编辑")
    expect(editor.locator(".console-top")).to_contain_text("编辑")
    _open_guide(editor, "出生登记")
    _field(editor, "phone").fill("0660-3999999")
    _field(editor, "materials.0.note", "textarea").fill(note)
    expect(editor.get_by_text("有未保存的修改")).to_be_visible()
    editor.get_by_role("button", name="保存草稿").click()
    expect(editor.get_by_role("status").filter(has_text="草稿已保存")).to_be_visible()
    screenshot(editor, "editor-saved")

    with editor.context.expect_page() as opened:
        editor.get_by_role("button", name="预览").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator(".banner")).to_contain_text("尚未发布")
    expect(preview.locator("dl.facts")).to_contain_text("0660-3999999")
    expect(preview.get_by_text(note).first).to_be_visible()
    screenshot(preview, "preview", full_page=True)
    preview.close()
    assert _public(live_server, "出生登记")["content"]["phone"] == before["content"]["phone"]

    editor.get_by_role("button", name="提交审核").click()
    expect(editor.get_by_role("status").filter(has_text="已提交，审核人发布后")).to_be_visible()
    expect(editor.locator("h1 .badge")).to_have_text("待审核")

    reviewer = new_page()
    login(reviewer, "bob")
    expect(reviewer.get_by_text("有 1 份指南等待您审核")).to_be_visible()
    link = reviewer.get_by_role("link", name="出生登记", exact=True)
    row = reviewer.get_by_role("row").filter(has=link)
    expect(row.locator(".badge")).to_have_text("待审核")
    screenshot(reviewer, "list-pending")
    _open_guide(reviewer, "出生登记")
    reviewer.get_by_role("button", name="发布", exact=True).click()
    reviewer.get_by_placeholder("审核意见（可不填）").fill("核对无误，同意发布。")
    reviewer.get_by_role("button", name="确认发布").click()
    expect(reviewer.get_by_role("status").filter(has_text="群众和各渠道即刻可见")).to_be_visible()
    expect(reviewer.locator("h1 .badge")).to_have_text("已发布")

    after = _public(live_server, "出生登记")
    assert after["version"] == before["version"] + 1
    assert after["content"]["phone"] == "0660-3999999"
    assert after["content"]["materials"][0]["note"] == note

    reviewer.get_by_role("button", name="历史").click()
    reviewer.get_by_role("button", name=f"对比第 {after['version']} 版").first.click()
    diff = reviewer.locator(".diff")
    expect(diff.locator(".line.add").filter(has_text="phone: 0660-3999999")).to_be_visible()
    expect(diff.locator(".line.del").filter(has_text="phone: 0660-12345")).to_be_visible()
    expect(reviewer.locator(".audit")).to_contain_text("发布")
    reviewer.evaluate("window.scrollTo(0, 0)")  # sticky head: capture from the top
    screenshot(reviewer, "history-diff", full_page=True)

    first = reviewer.get_by_role("row").filter(has_text=f"第 {before['version']} 版")
    first.get_by_role("button", name="回退到此版本").click()
    first.get_by_role("button", name=f"确认回退到第 {before['version']} 版并立即发布？").click()
    expect(reviewer.get_by_role("status").filter(has_text="已回退到")).to_be_visible()
    rolled_back = _public(live_server, "出生登记")
    assert rolled_back["content"]["phone"] == before["content"]["phone"]
    assert rolled_back["version"] == after["version"] + 1


def test_stale_second_tab_is_told_of_the_conflict_and_can_reload(
    new_page: NewPage, live_server: LiveServer
) -> None:
    first = new_page()
    login(first, "alice")
    _open_guide(first, "出生登记")
    second = new_page(first.context)
    second.goto(first.url)
    expect(second.get_by_role("heading", level=1)).to_contain_text("出生登记")

    _field(first, "phone").fill("0660-3111111")
    first.get_by_role("button", name="保存草稿").click()
    expect(first.get_by_role("status").filter(has_text="草稿已保存")).to_be_visible()

    _field(second, "phone").fill("0660-3222222")
    second.get_by_role("button", name="保存草稿").click()
    expect(
        second.get_by_role("alert").filter(has_text="为避免覆盖对方的修改，本次保存未生效")
    ).to_be_visible()
    screenshot(second, "conflict")
    second.get_by_role("button", name="重新载入").click()
    expect(_field(second, "phone")).to_have_value("0660-3111111")
    assert _public(live_server, "出生登记")["content"]["phone"] == "0660-12345"


def test_script_typed_into_the_summary_is_shown_as_text(new_page: NewPage) -> None:
    attack = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">请按时申报'
    page = new_page()
    login(page, "alice")
    _open_guide(page, "出生登记")
    _field(page, "summary", "textarea").fill(attack)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("status").filter(has_text="草稿已保存")).to_be_visible()

    page.reload()
    expect(_field(page, "summary", "textarea")).to_have_value(attack)
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="预览").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator("article.guide > p").filter(has_text="请按时申报")).to_have_text(attack)
    assert preview.locator("article.guide img").count() == 0
    assert preview.evaluate("window.__pwned") is None
    assert page.evaluate("window.__pwned") is None


def test_new_guide_saved_empty_lists_every_missing_field_beside_it(new_page: NewPage) -> None:
    page = new_page()
    login(page, "alice")
    page.get_by_role("button", name="＋ 新建指南").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("新建指南")
    _field(page, "slug").fill("Not A Slug")
    page.get_by_role("button", name="保存草稿").click()

    errors = page.locator(".error-list")
    expect(errors).to_contain_text("事项名称：此项必填。")
    expect(errors).to_contain_text("网址标识：格式不正确。")
    expect(page.locator('[data-path="name"] > .field-error')).to_have_text("此项必填。")
    expect(page.locator('[data-path="materials.0.id"] > .field-error')).to_have_text("此项必填。")
    screenshot(page, "new-guide-errors")
    assert page.url.endswith("#/new"), "nothing was created"


def _submitted_by_api(server: LiveServer, name: str, **changes: object) -> None:
    """Alice saves and submits a change without the browser (setting the scene quickly)."""
    with httpx.Client(base_url=server.url) as alice:
        login_body = {"username": "alice", "password": PASSWORD}
        assert alice.post("/api/v1/auth/login", json=login_body).status_code == 200
        gid = _public(server, name)["id"]
        g = alice.get(f"/api/v1/editor/guides/{gid}").json()
        body = {"content": {**g["content"], **changes}, "lock_version": g["lock_version"]}
        g = alice.put(f"/api/v1/editor/guides/{gid}/draft", json=body).json()
        lock = {"lock_version": g["lock_version"]}
        assert alice.post(f"/api/v1/editor/guides/{gid}/submit", json=lock).status_code == 200


def test_reviewer_must_say_why_when_returning_and_the_editor_reads_it(
    new_page: NewPage, live_server: LiveServer
) -> None:
    _submitted_by_api(live_server, "出生登记", phone="0660-3777777")
    reviewer = new_page()
    login(reviewer, "bob")
    _open_guide(reviewer, "出生登记")
    reviewer.get_by_role("button", name="退回", exact=True).click()
    reviewer.get_by_role("button", name="确认退回").click()
    expect(reviewer.locator(".review-panel .field-error")).to_have_text(
        "退回时请写明需要修改的地方。"
    )
    reviewer.get_by_placeholder("请写明需要修改的地方（必填）").fill("咨询电话请与部门核实。")
    reviewer.get_by_role("button", name="确认退回").click()
    expect(reviewer.locator("h1 .badge")).to_have_text("已退回")

    editor = new_page()
    login(editor, "alice")
    _open_guide(editor, "出生登记")
    expect(editor.get_by_text("审核人退回了这份草稿，意见：咨询电话请与部门核实。")).to_be_visible()
    expect(editor.get_by_role("button", name="提交审核")).to_be_enabled()


def test_renamed_ids_keep_their_references_and_the_content_sent_is_clean(new_page: NewPage) -> None:
    page = new_page()
    sent: list[dict] = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.method == "PUT" else None)
    login(page, "alice")
    _open_guide(page, "出生登记")
    _field(page, "materials.0.id").fill("birth_proof")
    _field(page, "materials.0.id").blur()
    _field(page, "situations.1.key").fill("unmarried")
    _field(page, "situations.1.key").blur()
    page.get_by_role("button", name="材料 2 上移").click()
    _field(page, "visits").fill("2")
    _field(page, "time_limit.statutory_days").fill("")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("status").filter(has_text="草稿已保存")).to_be_visible()

    content = sent[-1]["content"]
    assert [m["id"] for m in content["materials"]][:2] == ["applicant_id", "birth_proof"]
    assert all(s["materials"][0] == "birth_proof" for s in content["situations"])
    assert content["situations"][1]["key"] == "unmarried"
    assert content["questions"][0]["options"][1] == {
        "label": "没有登记结婚",
        "situation": "unmarried",
    }
    assert content["visits"] == 2 and content["materials"][1]["copies"] == 1
    assert "statutory_days" not in content["time_limit"]
    assert '""' not in json.dumps(content) and "null" not in json.dumps(content)
