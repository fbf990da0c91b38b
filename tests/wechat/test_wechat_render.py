"""A conversation turn as one WeChat text: plain data in, text out."""

from __future__ import annotations

from datetime import date, time

from assistant.conversation.messages import (
    BookingCard,
    Button,
    GuideCard,
    MaterialLine,
    Reply,
    SlotOption,
    SlotPicker,
    ThemeCard,
    Turn,
    WaiverCard,
)
from channels.wechat.render import TEXT_LIMIT_BYTES, cut, nbytes, render_turn

URL = "http://127.0.0.1:8000/g/chusheng-dengji"


def turn(*replies: Reply) -> Turn:
    return Turn(sender_id="o1", replies=list(replies))


def guide(materials: list[MaterialLine], **extra: object) -> GuideCard:
    return GuideCard(guide_id=1, name="出生登记", url=URL, materials=materials, **extra)  # type: ignore[arg-type]


def test_a_guide_lists_its_materials_facts_and_link() -> None:
    card = guide(
        [
            MaterialLine(name="出生医学证明", form="原件"),
            MaterialLine(name="父母结婚证", form="原件和复印件", copies=2),
            MaterialLine(name="委托书", form="原件", required=False, condition="委托他人代办时"),
        ],
        situation_name="父母双方为本市户籍",
        summary="新生儿在出生后一个月内申报户口。",
        time_limit="即时办结",
        fee="不收费",
        phone="0660-1234567",
    )
    assert render_turn(turn(Reply(card=card))).text == "\n".join(
        [
            "【出生登记】",
            "办理情形：父母双方为本市户籍",
            "新生儿在出生后一个月内申报户口。",
            "所需材料（共3项）：",
            "· 出生医学证明（原件1份）",
            "· 父母结婚证（原件和复印件2份）",
            "· 委托书（原件1份，视情况提供：委托他人代办时）",
            "办理时限：即时办结",
            "收费：不收费",
            "咨询电话：0660-1234567",
            f"办事指南全文：{URL}",
        ]
    )


def test_waiver_statuses_say_what_need_not_be_brought_and_why() -> None:
    card = WaiverCard(
        guide="出生登记",
        summary="3项材料中2项免提交。",
        materials=[
            MaterialLine(name="居民户口簿", status="waived_licence", reason="已调取电子户口簿"),
            MaterialLine(name="结婚证", status="waived_shared_data", reason="婚姻登记信息已共享"),
            MaterialLine(name="出生医学证明", status="must_bring"),
        ],
        notices=["身份证已过期的，不能免提交。"],
    )
    text = render_turn(turn(Reply(card=card))).text
    assert "· 居民户口簿（1份）\n  免提交（已调取电子证照）：已调取电子户口簿" in text
    assert "· 出生医学证明（1份）\n  需携带" in text
    assert text.endswith("提示：身份证已过期的，不能免提交。")


def long_guide() -> GuideCard:
    materials = [
        MaterialLine(
            name=f"第{i}项证明材料（由户籍所在地派出所出具）",
            form="原件和复印件",
            condition="申请人户籍不在本市的，还需提供居住证明",
        )
        for i in range(60)
    ]
    return guide(materials, summary="出生登记说明。" * 30)


def test_a_guide_too_long_for_wechat_is_summarised_with_its_link() -> None:
    text = render_turn(turn(Reply(text="为您找到以下办事指南：", card=long_guide()))).text
    assert nbytes(text) <= TEXT_LIMIT_BYTES
    assert text.startswith("为您找到以下办事指南：\n【出生登记】")
    lines = text.splitlines()
    assert lines[2].startswith("出生登记说明。") and lines[2].endswith("…")
    assert lines[3].startswith("所需材料共60项：第0项证明材料（由户籍所在地派出所出具）、第1项")
    assert lines[3].endswith("派出所出具）等")
    assert lines[4] == f"完整材料清单和办理说明请查看：{URL}"


def test_even_when_the_summary_is_too_long_the_link_and_the_choices_survive() -> None:
    buttons = [
        Button(title="预约办理", payload="/book"),
        Button(title="查看附近大厅", payload="/halls"),
    ]
    replies = [Reply(card=long_guide()), Reply(text="很长的说明。" * 400, buttons=buttons)]
    rendered = render_turn(turn(*replies))
    assert nbytes(rendered.text) <= TEXT_LIMIT_BYTES
    assert rendered.text.endswith("请回复数字选择：\n1. 预约办理\n2. 查看附近大厅")
    assert f"完整内容请查看：{URL}" in rendered.text
    assert rendered.choices == tuple(buttons)


def test_slot_options_and_buttons_are_numbered_in_order() -> None:
    picker = SlotPicker(
        hall="城区政务服务中心",
        guide="出生登记",
        options=[
            SlotOption(
                date=date(2026, 11, 24), start=time(9), end=time(9, 30), free=3, payload="/slot{1}"
            ),
            SlotOption(
                date=date(2026, 11, 24), start=time(9, 30), end=time(10), free=1, payload="/slot{2}"
            ),
        ],
    )
    rendered = render_turn(
        turn(Reply(card=picker, buttons=[Button(title="换个日期", payload="/dates")]))
    )
    assert rendered.text == "\n".join(
        [
            "城区政务服务中心可预约办理“出生登记”的时间如下。",
            "",
            "请回复数字选择：",
            "1. 11月24日（周二） 09:00-09:30（余3个）",
            "2. 11月24日（周二） 09:30-10:00（余1个）",
            "3. 换个日期",
        ]
    )
    assert [b.payload for b in rendered.choices] == ["/slot{1}", "/slot{2}", "/dates"]


def test_a_booking_is_confirmed_with_its_code_place_and_time() -> None:
    card = BookingCard(
        code="ZD8K2M",
        guide="出生登记",
        hall="城区政务服务中心",
        date=date(2026, 11, 24),
        start=time(9),
        end=time(9, 30),
        status="booked",
    )
    assert render_turn(turn(Reply(text="预约成功！", card=card))).text == "\n".join(
        [
            "预约成功！",
            "预约号：ZD8K2M",
            "办理事项：出生登记",
            "办理大厅：城区政务服务中心",
            "预约时间：11月24日（周二） 09:00-09:30",
            "状态：已预约",
        ]
    )


def test_a_theme_lists_its_items() -> None:
    card = ThemeCard(theme_id=1, name="新生儿出生“一件事”", items=["出生登记", "社会保障卡申领"])
    assert render_turn(turn(Reply(card=card))).text == (
        "【一件事】新生儿出生“一件事”\n包含以下事项，可一次办好：\n· 出生登记\n· 社会保障卡申领"
    )


def test_an_empty_turn_renders_to_nothing() -> None:
    assert render_turn(turn()).text == ""


def test_cutting_by_bytes_never_splits_a_character() -> None:
    assert cut("办事指南", 7) == "办事"
    assert cut("办事指南", 6) == "办事"
    assert cut("办事指南", 0) == ""
