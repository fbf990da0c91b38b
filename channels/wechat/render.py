"""A conversation ``Turn`` as one WeChat text message.

WeChat shows plain text only (a passive reply or a customer-service message, at most 2048
bytes of UTF-8), and since 2023 one user message earns one answer: every reply of a turn is
merged into one text. Cards become readable text; buttons (and slot options) become numbered
choices at the end, which the citizen answers by typing the number. When the full text does
not fit, cards are rendered compactly (a guide's material names only, with the link to its web
page), and as a last resort the body is cut with the link kept.

Plain functions over the channel-neutral models: no server, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from assistant.conversation.messages import (
    BookingCard,
    Button,
    Card,
    GuideCard,
    HallCard,
    HallList,
    MaterialLine,
    RatingPrompt,
    Reply,
    SlotOption,
    SlotPicker,
    ThemeCard,
    Turn,
    WaiverCard,
)
from channels.wechat import texts

TEXT_LIMIT_BYTES = 2048  # WeChat's limit for a text message (passive or customer-service)
_WEEKDAYS = "一二三四五六日"
_WAIVER_LABELS = {
    "waived_licence": "免提交（已调取电子证照）",
    "waived_shared_data": "免提交（已调取共享数据）",
    "commitment": "可告知承诺，签署承诺书即可",
    "deferrable": "可容缺受理，事后补交",
    "must_bring": "需携带",
}
_BOOKING_LABELS = {
    "booked": "已预约",
    "cancelled": "已取消",
    "checked_in": "已签到",
    "no_show": "未到",
}


@dataclass(frozen=True)
class Rendered:
    text: str
    choices: tuple[Button, ...] = ()


def nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


def cut(text: str, limit: int) -> str:
    """The longest prefix of ``text`` within ``limit`` UTF-8 bytes (never half a character)."""
    return text.encode("utf-8")[: max(limit, 0)].decode("utf-8", errors="ignore")


def clip(text: str, limit: int) -> str:
    """``text`` within ``limit`` bytes, ending in "…" when shortened."""
    return text if nbytes(text) <= limit else cut(text, limit - nbytes("…")) + "…"


def _names(materials: list[MaterialLine], budget: int) -> str:
    names: list[str] = []
    for m in materials:
        if nbytes("、".join([*names, m.name])) > budget:
            break
        names.append(m.name)
    return "、".join(names) + ("等" if len(names) < len(materials) else "")


def render_turn(turn: Turn, *, limit: int = TEXT_LIMIT_BYTES) -> Rendered:
    choice_text, choices = _choice_block(_choices(turn.replies), budget=limit // 2)
    body = ""
    for compact in (False, True):
        body = "\n\n".join(b for r in turn.replies if (b := render_reply(r, compact=compact)))
        if nbytes(text := _join(body, choice_text)) <= limit:
            return Rendered(text, choices)
    tail = "……"
    if link := _first_link(turn.replies):
        tail += "\n" + texts.MORE_AT.format(url=link)
    budget = limit - nbytes(tail) - (nbytes(choice_text) + 2 if choice_text else 0)
    return Rendered(_join(cut(body, budget).rstrip() + tail, choice_text), choices)


def render_reply(reply: Reply, *, compact: bool = False) -> str:
    parts = [reply.text.strip()] if reply.text else []
    if reply.card is not None:
        parts.append(render_card(reply.card, compact=compact))
    return "\n".join(p for p in parts if p)


def render_card(card: Card, *, compact: bool = False) -> str:
    match card:
        case GuideCard():
            return _guide_compact(card) if compact else _guide(card)
        case WaiverCard():
            return _waiver(card, compact=compact)
        case ThemeCard():
            return _theme(card)
        case HallList():
            return _halls(card, compact=compact)
        case SlotPicker():
            return f"{card.hall}可预约办理“{card.guide}”的时间如下。"
        case BookingCard():
            return _booking(card)
        case RatingPrompt():
            return card.question
    raise TypeError(f"no WeChat rendering for {type(card).__name__}")  # a new card kind


def _join(body: str, choice_text: str) -> str:
    return "\n\n".join(p for p in (body, choice_text) if p)


def _choices(replies: list[Reply]) -> list[Button]:
    out: list[Button] = []
    for r in replies:
        if isinstance(r.card, SlotPicker):
            out += [Button(title=slot_title(o), payload=o.payload) for o in r.card.options]
        out += r.buttons
    return out


def _choice_block(choices: list[Button], *, budget: int) -> tuple[str, tuple[Button, ...]]:
    if not choices:
        return "", ()
    lines, kept = [texts.CHOOSE], []
    for i, b in enumerate(choices, start=1):
        line = f"{i}. {b.title}"
        if nbytes("\n".join([*lines, line])) > budget:
            break
        lines.append(line)
        kept.append(b)
    return ("\n".join(lines), tuple(kept)) if kept else ("", ())


def _first_link(replies: list[Reply]) -> str | None:
    return next((r.card.url for r in replies if isinstance(r.card, GuideCard)), None)


def day_text(d: date) -> str:
    return f"{d.month}月{d.day}日（周{_WEEKDAYS[d.weekday()]}）"


def _span(start: time, end: time) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def slot_title(o: SlotOption) -> str:
    return f"{day_text(o.date)} {_span(o.start, o.end)}（余{o.free}个）"


def _material(m: MaterialLine) -> str:
    bits = [f"{m.form or ''}{m.copies}份" if m.copies else (m.form or "")]
    if not m.required:
        bits.append("视情况提供" + (f"：{m.condition}" if m.condition else ""))
    elif m.condition:
        bits.append(m.condition)
    line = f"· {m.name}" + (f"（{'，'.join(b for b in bits if b)}）" if any(bits) else "")
    if m.status:
        label = _WAIVER_LABELS.get(m.status, m.status)
        line += f"\n  {label}" + (f"：{m.reason}" if m.reason else "")
    return line


def _guide(card: GuideCard) -> str:
    lines = [f"【{card.name}】"]
    if card.situation_name:
        lines.append(f"办理情形：{card.situation_name}")
    if card.summary:
        lines.append(card.summary.strip())
    if card.materials:
        lines.append(f"所需材料（共{len(card.materials)}项）：")
        lines += [_material(m) for m in card.materials]
    facts = [
        ("办理时限", card.time_limit),
        ("收费", card.fee),
        ("网上办理", card.online),
        ("咨询电话", card.phone),
    ]
    lines += [f"{k}：{v}" for k, v in facts if v]
    lines.append(f"办事指南全文：{card.url}")
    return "\n".join(lines)


def _guide_compact(card: GuideCard) -> str:
    lines = [f"【{card.name}】"]
    if card.situation_name:
        lines.append(f"办理情形：{card.situation_name}")
    if card.summary:
        lines.append(clip(card.summary.strip(), 300))
    if card.materials:
        lines.append(f"所需材料共{len(card.materials)}项：{_names(card.materials, 900)}")
    lines.append(f"完整材料清单和办理说明请查看：{card.url}")
    return "\n".join(lines)


def _waiver(card: WaiverCard, *, compact: bool) -> str:
    lines = [f"【{card.guide}】材料核验结果", card.summary.strip()]
    if compact:
        waived = [m.name for m in card.materials if m.status and m.status != "must_bring"]
        bring = [m.name for m in card.materials if m.name not in waived]
        lines += [
            f"无需携带：{'、'.join(waived)}" if waived else "",
            f"需要携带：{'、'.join(bring)}" if bring else "",
        ]
    else:
        lines += [_material(m) for m in card.materials]
    lines += [f"提示：{n}" for n in card.notices]
    return "\n".join(x for x in lines if x)


def _theme(card: ThemeCard) -> str:
    lines = [f"【一件事】{card.name}"]
    if card.summary:
        lines.append(card.summary.strip())
    if card.items:
        lines.append("包含以下事项，可一次办好：")
        lines += [f"· {item}" for item in card.items]
    return "\n".join(lines)


def _hall(h: HallCard, *, compact: bool) -> str:
    head = f"· {h.name}" + (f"（约{h.distance_km:.1f}公里）" if h.distance_km is not None else "")
    lines = [head, f"  地址：{h.address}"]
    if h.waiting is not None:
        wait = f"，预计等候约{h.wait_minutes}分钟" if h.wait_minutes is not None else ""
        lines.append(f"  当前排队：{h.waiting}人{wait}")
    if h.next_slot:
        lines.append(f"  最早可预约：{h.next_slot}")
    if not compact:
        lines += [
            f"  电话：{h.phone}" if h.phone else "",
            f"  地图：{h.map_url}" if h.map_url else "",
        ]
    return "\n".join(x for x in lines if x)


def _halls(card: HallList, *, compact: bool) -> str:
    head = f"可以办理“{card.guide}”的服务大厅：" if card.guide else "离您较近的服务大厅："
    if not card.halls:
        return "暂时没有找到合适的服务大厅。"
    return "\n".join([head, *(_hall(h, compact=compact) for h in card.halls)])


def _booking(card: BookingCard) -> str:
    return "\n".join(
        [
            f"预约号：{card.code}",
            f"办理事项：{card.guide}",
            f"办理大厅：{card.hall}",
            f"预约时间：{day_text(card.date)} {_span(card.start, card.end)}",
            f"状态：{_BOOKING_LABELS.get(card.status, card.status)}",
        ]
    )
