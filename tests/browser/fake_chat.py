"""A stand-in for ``POST /api/v1/chat`` until the conversation gateway lands in main.

It answers a few scripted questions with the real message contract and real KB content, so the
page is exercised against the shapes it will get: a clarifying question with buttons, a guide
card for the chosen situation, a rating prompt, thanks for a rating.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request

from assistant.conversation.messages import (
    Button,
    GuideCard,
    MaterialLine,
    RatingPrompt,
    Reply,
    Turn,
    UserMessage,
)
from assistant.kb.snapshot import KbSnapshot

ID_CARD_GUIDES = {
    "补领": "居民身份证补领",
    "换领": "居民身份证换领",
    "首次申领": "居民身份证首次申领",
}
CHOOSE = "/inform"


def guide_card(kb: KbSnapshot, name: str, situation: str | None, base_url: str) -> GuideCard:
    g = kb.guide(name)
    assert g is not None, name
    x = g.guide
    s = x.situation(situation)
    return GuideCard(
        guide_id=g.id,
        name=x.name,
        url=f"{base_url}/g/{x.slug}?s={s.key}",
        situation_key=s.key,
        situation_name=s.name,
        summary=x.summary,
        materials=[
            MaterialLine(
                name=m.name,
                form=m.form.value,
                copies=m.copies,
                required=m.required,
                condition=m.condition,
            )
            for m in x.materials_for(s.key)
        ],
        fee=x.fee.amount if x.fee.charged else "不收费",
        time_limit=f"承诺{x.time_limit.promised_days}个工作日",
        online=x.online.level.value,
        phone=x.phone,
    )


def answer(kb: KbSnapshot, msg: UserMessage, base_url: str) -> list[Reply]:
    said = msg.payload or msg.text
    if said.startswith(CHOOSE):
        name = json.loads(said[len(CHOOSE) :])["service"]
        return [Reply(text="好的，这是办理指南：", card=guide_card(kb, name, None, base_url))]
    if said.startswith("/rate_service"):
        return [Reply(text="感谢您的评价！祝您办事顺利。")]
    if "谢谢" in said:
        return [Reply(text="不客气！"), Reply(card=RatingPrompt())]
    if "身份证" in said and ("丢" in said or "不见" in said):
        card = guide_card(kb, "居民身份证补领", "lost", base_url)
        return [Reply(text="身份证丢了要办理补领。", card=card)]
    if "身份证" in said:
        buttons = [
            Button(title=t, payload=CHOOSE + json.dumps({"service": n}, ensure_ascii=False))
            for t, n in ID_CARD_GUIDES.items()
        ]
        return [Reply(text="关于“居民身份证”，请问您要办理的是哪一项？", buttons=buttons)]
    return [Reply(text="抱歉，我还不太明白，能换个说法吗？")]


router = APIRouter()


@router.post("/api/v1/chat", response_model=Turn)
def chat(msg: UserMessage, request: Request) -> Turn:
    kb = request.app.state.kb_cache.get()
    base = str(request.base_url).rstrip("/")
    return Turn(sender_id=msg.sender_id, replies=answer(kb, msg, base), degraded=True)
