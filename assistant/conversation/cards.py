"""Guides, themes and halls as the typed cards of ``messages.py``, and short phrases about them.

Plain functions over the KB schema: the Rasa actions and the degraded mode both render a guide
with ``guide_card`` so a citizen sees the same card whichever answered.
"""

from __future__ import annotations

from assistant.conversation.messages import GuideCard, HallCard, MaterialLine, ThemeCard
from assistant.kb import schema
from assistant.kb.snapshot import HallRecord, PublishedGuide, PublishedTheme

WEEKDAYS = "一二三四五六日"


def guide_url(base_url: str, guide: schema.Guide) -> str:
    return f"{base_url}/g/{guide.slug}"


def material_line(m: schema.Material) -> MaterialLine:
    return MaterialLine(
        name=m.name, form=m.form.value, copies=m.copies, required=m.required, condition=m.condition
    )


def fee_text(guide: schema.Guide) -> str:
    if not guide.fee.charged:
        return "不收费"
    return guide.fee.amount or "收费标准以窗口告知为准"


def time_limit_text(guide: schema.Guide) -> str:
    t = guide.time_limit
    if t.instant:
        return "即办件，材料齐全当场办结"
    if t.promised_days is not None:
        return f"承诺{t.promised_days}个工作日办结"
    if t.statutory_days is not None:
        return f"法定{t.statutory_days}个工作日办结"
    return "以窗口受理时告知为准"


def online_text(guide: schema.Guide) -> str:
    o = guide.online
    return o.level.value + (f"（{o.entry}）" if o.entry else "")


def guide_card(
    g: PublishedGuide, situation_key: str | None, base_url: str, *, with_materials: bool = True
) -> GuideCard:
    guide = g.guide
    situation = guide.situation(situation_key)
    materials = [material_line(m) for m in guide.materials_for(situation.key)]
    return GuideCard(
        guide_id=g.id,
        name=guide.name,
        url=guide_url(base_url, guide),
        situation_key=situation.key,
        situation_name=situation.name,
        summary=guide.summary,
        materials=materials if with_materials else [],
        fee=fee_text(guide),
        time_limit=time_limit_text(guide),
        online=online_text(guide),
        phone=guide.phone,
    )


def theme_card(t: PublishedTheme) -> ThemeCard:
    return ThemeCard(
        theme_id=t.id, name=t.theme.name, summary=t.theme.summary, items=list(t.theme.items)
    )


def hall_card(h: HallRecord, **extra: object) -> HallCard:
    hall = h.hall
    return HallCard(
        hall_id=h.id,
        name=hall.name,
        address=hall.address,
        phone=hall.phone,
        map_url=f"https://uri.amap.com/marker?position={hall.lon},{hall.lat}&name={hall.name}",
        **extra,  # type: ignore[arg-type]
    )


def hours_text(hall: schema.Hall) -> str:
    """``周一至周五 09:00-12:00、14:30-17:30；周六 09:00-12:00（仅预约）``."""
    groups: list[tuple[list[int], str]] = []
    for day in sorted(hall.hours, key=lambda d: d.weekday):
        periods = "、".join(f"{p.start:%H:%M}-{p.end:%H:%M}" for p in day.periods)
        if day.booked_only:
            periods += "（仅预约）"
        if groups and groups[-1][1] == periods and groups[-1][0][-1] == day.weekday - 1:
            groups[-1][0].append(day.weekday)
        else:
            groups.append(([day.weekday], periods))
    parts = []
    for days, periods in groups:
        first, last = WEEKDAYS[days[0]], WEEKDAYS[days[-1]]
        span = f"周{first}" if len(days) == 1 else f"周{first}至周{last}"
        parts.append(f"{span} {periods}")
    return "；".join(parts)
