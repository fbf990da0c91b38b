"""The menu file and command, and the day-before reminders."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from assistant.cli import app as cli
from assistant.config import Settings
from assistant.db import session_scope
from channels.wechat import reminders, service
from channels.wechat.inbound import MENU_QUESTIONS, MENU_REPLIES
from channels.wechat.menu import check_menu, click_keys, load_menu
from tests.wechat.conftest import APP_ID, fast_api
from tests.wechat.fake_wechat import FakeWeChat

TEMPLATE = "/cgi-bin/message/template/send"


def test_the_menu_file_is_valid_and_every_click_is_handled() -> None:
    menu = load_menu(base_url="https://zhidao.example.cn")
    assert check_menu(menu) == []
    assert click_keys(menu) == set(MENU_QUESTIONS) | set(MENU_REPLIES)
    assert [b["name"] for b in menu["button"]] == ["办事指南", "我的预约", "更多服务"]
    assert menu["button"][2]["sub_button"][2]["url"] == "https://zhidao.example.cn/"


def test_menu_mistakes_are_explained() -> None:
    menu = {
        "button": [
            {"type": "click", "name": "一个很长很长的菜单名", "key": "A"},
            {"type": "view", "name": "网页"},
            {"name": "更多", "sub_button": []},
        ]
    }
    assert check_menu(menu) == [
        "第1个一级按钮：名称需为1-16个字节（最多4个汉字）",
        "一级按钮“网页”：需要 http(s) 链接 url（不超过1024字节）",
        "一级按钮“更多”：二级按钮需为1到5个",
    ]
    assert check_menu({"button": [menu["button"][0]] * 4}) == ["菜单需要1到3个一级按钮（button）"]


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, wechat_settings: Settings) -> Settings:
    env = {
        "DATABASE_URL": wechat_settings.database_url,
        "DATA_DIR": str(wechat_settings.data_dir),
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_APP_SECRET": "app-secret",
        "WECHAT_API_BASE": wechat_settings.wechat_api_base,
        "PUBLIC_BASE_URL": "https://zhidao.example.cn",
    }
    for name, value in env.items():
        monkeypatch.setenv(f"ASSISTANT_{name}", str(value))
    monkeypatch.delenv("ASSISTANT_WECHAT_REMINDER_TEMPLATE_ID", raising=False)
    return wechat_settings


def test_push_menu_sends_the_menu_file_to_wechat(
    cli_env: Settings, fake_wechat: FakeWeChat
) -> None:
    result = CliRunner().invoke(cli, ["wechat", "push-menu"])
    assert result.exit_code == 0, result.output
    assert result.output == "menu pushed: 3 buttons\n"
    [call] = fake_wechat.calls_to("/cgi-bin/menu/create")
    assert call.body == load_menu(base_url="https://zhidao.example.cn")


def test_send_reminders_says_they_are_off_without_a_template(cli_env: Settings) -> None:
    result = CliRunner().invoke(cli, ["wechat", "send-reminders", "--date", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "reminders are off" in result.output


def test_send_reminders_refuses_a_malformed_date(cli_env: Settings) -> None:
    result = CliRunner().invoke(cli, ["wechat", "send-reminders", "--date", "24/11/2026"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def visit(code: str, person_key: str) -> reminders.BookedVisit:
    return reminders.BookedVisit(
        code=code,
        person_key=person_key,
        guide="出生登记",
        hall="城区政务服务中心",
        address="城区香洲路1号",
        day=date(2026, 11, 24),
        start=time(9),
        end=time(9, 30),
    )


def test_only_bookings_of_citizens_who_bound_their_wechat_are_reminded() -> None:
    due = reminders.reminders_for([visit("A1", "k1"), visit("B2", "k2")], {"k2": "o2"})
    assert due == [reminders.Reminder("o2", visit("B2", "k2"))]


def test_bound_openids_are_found_by_the_bookings_person_key(engine: Engine) -> None:
    with session_scope(engine) as session:
        service.bind_identity(
            session=session,
            openid="o-lin",
            id_number="441502199208082345",
            consent=True,
            secret="s",
        )
    key = service.id_key("s", "441502199208082345")
    with session_scope(engine) as session:
        assert reminders.bound_openids(session=session, person_keys=[key, "other"]) == {
            key: "o-lin"
        }


def test_a_reminder_is_a_template_message_sent_once_per_booking(
    wechat_settings: Settings, engine: Engine, fake_wechat: FakeWeChat
) -> None:
    api = fast_api(wechat_settings, engine)
    due = [reminders.Reminder("o1", visit("A1", "k1")), reminders.Reminder("o2", visit("B2", "k2"))]
    fake_wechat.fail_next(TEMPLATE, 43004)  # o1 has unsubscribed: this one fails
    first = reminders.send_reminders(engine=engine, api=api, template_id="TPL", reminders=due)
    again = reminders.send_reminders(engine=engine, api=api, template_id="TPL", reminders=due)
    assert (first.sent, first.failed, first.already_sent) == (1, 1, 0)
    assert (again.sent, again.failed, again.already_sent) == (1, 0, 1)  # the failed one retried
    calls = fake_wechat.calls_to(TEMPLATE)
    assert [c.body["touser"] for c in calls] == ["o1", "o2", "o1"]
    assert calls[1].body == {
        "touser": "o2",
        "template_id": "TPL",
        "data": {
            "first": {"value": "您好，您明天有一个办事预约，请按时前往。"},
            "keyword1": {"value": "出生登记"},
            "keyword2": {"value": "11月24日（周二） 09:00-09:30"},
            "keyword3": {"value": "城区政务服务中心（城区香洲路1号）"},
            "keyword4": {"value": "B2"},
            "remark": {
                "value": "请带齐身份证件和所需材料，提前10分钟到达。"
                "如需取消或改期，请在公众号点击“我的预约”。"
            },
        },
    }
