"""Consent (授权), requesters and the rate limit.

A lookup happens only after the applicant's explicit consent has been written down (purpose,
channel, time, who asked). Neither the requester nor the applicant's ID number is stored in
plain text here: both are kept as a keyed hash (HMAC-SHA256 with the app's secret key), which
still lets the audit trail and the rate limit recognise the same person again.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from assistant.errors import Forbidden, RateLimited
from assistant.privacy import mask_id_number
from assistant.waiver.models import Channel, WaiverConsent

RATE_WINDOW = timedelta(minutes=1)
PURPOSE = "查询办理“{target}”时可免提交的材料和可预填的表单信息"


class ConsentRequired(Forbidden):
    code = "consent_required"


def keyed_hash(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Requester:
    """Who asks: a console account (``user``), the command line (``cli``), a WeChat user
    (``wechat``, by openid) or an anonymous caller known only by network address (``ip``)."""

    kind: str
    ident: str

    def hash(self, secret: str) -> str:
        return keyed_hash(secret, f"{self.kind}:{self.ident}")

    def actor(self, secret: str) -> str:
        """How the audit log names the requester: staff by account, citizens by hash."""
        if self.kind in ("user", "cli"):
            return f"{self.kind}:{self.ident}"[:80]
        return f"{self.kind}:#{self.hash(secret)[:16]}"


def require_consent(consent: bool) -> None:
    if not consent:
        raise ConsentRequired(
            "查询免提交材料需要调取您的电子证照和共享数据，请先阅读并同意授权后再查询"
            "（未经您的授权，我们不会查询任何信息）。"
        )


def enforce_rate_limit(session: Session, *, requester_hash: str, limit: int, now: datetime) -> None:
    """At most ``limit`` checks per requester in any minute, counted in the database.

    Run it in the ``write_session`` that then records the consent. On SQLite that transaction
    holds the write lock from its start, so the count and the insert are one step and the limit
    is exact. On PostgreSQL (read committed, no lock taken here) two simultaneous requests of the
    same requester may both count before either commits and both pass at the boundary: a soft
    limit, exceeded by at most the number of that requester's concurrent requests; enough
    against repeats and enumeration, without serialising every check.
    """
    recent = session.exec(
        select(func.count())
        .select_from(WaiverConsent)
        .where(WaiverConsent.requester_hash == requester_hash, WaiverConsent.at > now - RATE_WINDOW)
    ).one()
    if recent >= limit:
        raise RateLimited("查询过于频繁。为保护个人信息安全，请稍等一分钟后再试。")


def record_consent(
    session: Session,
    *,
    secret: str,
    requester: Requester,
    id_number: str,
    channel: Channel,
    target: str,
    now: datetime,
) -> WaiverConsent:
    row = WaiverConsent(
        at=now,
        requester_hash=requester.hash(secret),
        subject_hash=keyed_hash(secret, id_number),
        subject_masked=mask_id_number(id_number),
        channel=channel.value,
        purpose=PURPOSE.format(target=target)[:200],
        target=target[:80],
    )
    session.add(row)
    session.flush()
    return row
