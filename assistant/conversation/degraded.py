"""Answers without the dialogue server: guide questions through the app's NLU, same cards.

When Rasa is down or slow, a citizen still gets the guide (or the clarifying question), small
talk gets a clerk's answer instead of a guide, and the notice says what works on that channel:
on the web page the guide card's buttons book and check waivers through the app's API; in
the other channels booking and waiver checks wait until the dialogue is back.
"""

from __future__ import annotations

import re
from typing import Literal

from assistant.conversation import finder, rating
from assistant.conversation.cards import guide_card, theme_card
from assistant.conversation.finder import Finding, NluLike
from assistant.conversation.messages import Reply
from assistant.kb.snapshot import KbSnapshot

NOTICE = "对话预约、取消预约和免提交核验暂时无法使用，请稍后再试；办事指南查询不受影响。"
# The web page's guide card books and checks waivers through the API, without the dialogue.
WEB_NOTICE_WITH_CARD = (
    "对话预约暂时无法使用，请稍后再试。上面办事指南卡片里的“预约到大厅办理”和"
    "“查哪些材料可以免交”按钮可以照常使用。"
)
WEB_NOTICE = (
    "对话预约暂时无法使用，请稍后再试。告诉我您要办的业务，在办事指南卡片里点"
    "“预约到大厅办理”或“查哪些材料可以免交”，可以照常办理。"
)
FOUND = "为您找到办事指南：{name}。"
FOUND_THEME = "为您找到“一件事”主题服务：{name}。"
NOT_FOUND = (
    "抱歉，暂时没有找到和您的问题对应的办事事项。您可以换个说法，比如说出要办的证件或事情"
    "（如“补办社保卡”），或拨打12345政务服务便民热线咨询。"
)

SmallTalk = Literal["thank", "goodbye", "rating", "greet", "ack"]
# Checked in this order: "好的谢谢" is a thank-you, "好的再见" a goodbye.
WORDS: dict[SmallTalk, tuple[str, ...]] = {
    "thank": ("谢谢", "多谢", "感谢", "谢啦", "唔该", "辛苦了", "thankyou", "thanks", "thx"),
    "goodbye": ("再见", "拜拜", "回见", "下次见", "byebye", "bye", "88"),
    "rating": ("不满意", "满意", "好评", "差评", "一般", "还行", "不错", "点赞", "五星"),
    "greet": (
        "你好", "您好", "在吗", "在不在", "有人吗", "哈喽", "hello", "hi", "嗨", "早上好",
        "上午好", "中午好", "下午好", "晚上好", "早晨", "早安",
    ),
    "ack": (
        "好的", "好滴", "好嘞", "知道了", "明白了", "明白", "收到", "了解", "懂了", "没问题",
        "可以", "是的", "ok", "okay", "嗯", "好", "行", "对", "哦", "噢",
    ),
}  # fmt: skip
FILLERS = "你您啊呀哦喔啦吧呢嘛哈了的咯晒"  # 晒: Cantonese "all" (唔该晒, 多谢晒)
ANSWERS: dict[SmallTalk, str] = {
    "thank": "不客气，很高兴能帮到您！还有其他想了解的，直接问我就好。",
    "goodbye": "好的，祝您办事顺利！还有问题随时来问我。",
    "greet": (
        "您好！我是汕尾市政务服务智能导办“智导”，可以帮您查办事指南：要带什么材料、"
        "多少钱、在哪办。请直接说您要办的事，比如“身份证丢了怎么补办”。"
    ),
    "ack": "好的。还有什么可以帮您？直接告诉我您要办的事就行。",
}
RATING_THANKS = {
    "good": "感谢您的好评！我们会继续努力，祝您办事顺利。",
    "neutral": "感谢您的评价！我们会继续改进服务。",
    "bad": (
        "很抱歉这次没能让您满意，我们会认真改进。如需反映问题，可以拨打12345政务服务便民热线。"
    ),
}
_PUNCTUATION = re.compile(r"[\s,.!?~:;'\"()，。！？～…、：；“”‘’（）]+")


def small_talk(text: str) -> SmallTalk | None:
    """What a message made only of courtesy words is ("谢谢", "你好呀", "好的，谢谢", "满意"),
    or None when it says anything else (then it may be a guide question)."""
    payload = finder.parse_payload(text)
    if payload is not None:
        return "rating" if payload[0] == "rate_service" else None
    rest = _PUNCTUATION.sub("", text.lower())
    if not rest or len(rest) > 12:
        return None
    found: list[SmallTalk] = []
    for kind, words in WORDS.items():
        for word in words:
            if word in rest:
                rest = rest.replace(word, "")
                found.append(kind)
    if not found or rest.strip(FILLERS):
        return None
    return min(found, key=list(WORDS).index)


def rating_words(text: str) -> str:
    """The words a rating was given in (a rating button sends them in its payload)."""
    payload = finder.parse_payload(text)
    return payload[1].get("rating", "") if payload is not None else text


def notice(channel: str, replies: list[Reply]) -> str:
    if channel != "web":
        return NOTICE
    shown = any(r.card is not None and r.card.kind == "guide" for r in replies)
    return WEB_NOTICE_WITH_CARD if shown else WEB_NOTICE


def degraded_replies(
    nlu: NluLike, kb: KbSnapshot, text: str, base_url: str, channel: str = "api"
) -> list[Reply]:
    talk = small_talk(text)
    if talk == "rating":
        score = rating.score_of(rating_words(text))
        return [Reply(text=RATING_THANKS[rating.grade(score or 3)])]
    if talk == "greet":
        return [Reply(text=ANSWERS["greet"]), Reply(text=notice(channel, []))]
    if talk is not None:
        return [Reply(text=ANSWERS[talk])]
    answer = _answer(nlu, kb, text, base_url)
    return [*answer, Reply(text=notice(channel, answer))]


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
