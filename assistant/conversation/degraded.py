"""Answers without the dialogue server: guide questions through the app's NLU, same cards.

When Rasa is down or slow, a citizen still gets the guide (or the clarifying question) and is
told politely that booking and waiver checks are briefly unavailable.
"""

from __future__ import annotations

from assistant.conversation import finder
from assistant.conversation.cards import guide_card, theme_card
from assistant.conversation.finder import Finding, NluLike
from assistant.conversation.messages import Reply
from assistant.kb.snapshot import KbSnapshot

NOTICE = "预约、取消预约和免提交核验暂时无法使用，请稍后再试；办事指南查询不受影响。"
FOUND = "为您找到办事指南：{name}。"
FOUND_THEME = "为您找到“一件事”主题服务：{name}。"
NOT_FOUND = (
    "抱歉，暂时没有找到和您的问题对应的办事事项。您可以换个说法，比如说出要办的证件或事情"
    "（如“补办社保卡”），或拨打12345政务服务便民热线咨询。"
)


def degraded_replies(nlu: NluLike, kb: KbSnapshot, text: str, base_url: str) -> list[Reply]:
    return [*_answer(nlu, kb, text, base_url), Reply(text=NOTICE)]


def _answer(nlu: NluLike, kb: KbSnapshot, text: str, base_url: str) -> list[Reply]:
    payload = finder.parse_payload(text)
    if payload is not None:
        _intent, entities = payload
        if "service" not in entities:
            return []
        found = finder.by_name(kb, entities["service"], entities.get("situation"))
    else:
        found = finder.find(nlu, kb, text)
    return render(found, base_url)


def render(found: Finding, base_url: str) -> list[Reply]:
    if found.guide is not None:
        card = guide_card(found.guide, found.situation, base_url)
        return [Reply(text=FOUND.format(name=found.guide.name), card=card)]
    if found.theme is not None:
        return [
            Reply(
                text=FOUND_THEME.format(name=found.theme.theme.name), card=theme_card(found.theme)
            )
        ]
    if found.status == "ambiguous":
        return [Reply(text=found.question, buttons=found.options)]
    return [Reply(text=found.message or NOT_FOUND)]
