"""Ratings of the service (好差评): a score from the citizen's words, and its record."""

from __future__ import annotations

import hashlib
import hmac

from sqlmodel import Session

from assistant.conversation.models import ConversationRating
from assistant.privacy import mask_text

_BAD = ("差评", "不满意", "太差", "很差", "没用", "不好", "垃圾", "一星")
_NEUTRAL = ("一般", "还行", "凑合", "马马虎虎", "还可以", "三星")
_GOOD = ("好评", "满意", "很好", "不错", "点赞", "五星", "棒", "赞", "有用")
THANKS = {
    "good": "utter_rating_thanks_good",
    "neutral": "utter_rating_thanks_neutral",
    "bad": "utter_rating_thanks_bad",
}


def score_of(text: str) -> int | None:
    """5 (好评), 3 (一般) or 1 (差评); None when the words carry no judgement."""
    if any(w in text for w in _BAD):
        return 1
    if any(w in text for w in _NEUTRAL):
        return 3
    if any(w in text for w in _GOOD):
        return 5
    return None


def grade(score: int) -> str:
    return "good" if score >= 4 else "neutral" if score == 3 else "bad"


def sender_hash(secret: str, sender_id: str) -> str:
    """Who rated, recognisable again but not readable (a WeChat openid is personal data)."""
    return hmac.new(
        secret.encode(), f"conversation:{sender_id}".encode(), hashlib.sha256
    ).hexdigest()


def record(
    session: Session,
    *,
    secret: str,
    sender_id: str,
    channel: str,
    score: int,
    guide_name: str | None,
    comment: str,
) -> ConversationRating:
    row = ConversationRating(
        sender_hash=sender_hash(secret, sender_id),
        channel=channel[:20],
        score=score,
        guide_name=(guide_name or None) and guide_name[:80],
        comment=mask_text(comment)[:200] or None,
    )
    session.add(row)
    session.flush()
    return row
