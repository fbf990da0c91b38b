"""The day-before appointment reminder, as a WeChat template message.

Template messages need a certified service account and a template chosen in its console, so
reminders are optional (``Settings.wechat_reminder_template_id``); the booking's web page shows
the booking either way. The template is expected to have the classic appointment-reminder
fields: ``first``, ``keyword1`` (事项), ``keyword2`` (时间), ``keyword3`` (地点),
``keyword4`` (预约号), ``remark``.

A reminder goes to the openid bound (with consent) to the ID number the booking was made with:
bookings store the same keyed hash (``person_key``) as ``WeChatIdentity.id_key``. Each booking
is reminded once (``wechat_reminder``), however often the command runs; a failed send is
released so that the next run tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time

import requests
import sqlalchemy as sa
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from wechatpy.exceptions import WeChatClientException

from assistant.booking.models import Booking, BookingStatus
from assistant.db import session_scope
from assistant.kb.models import Hall
from assistant.timeutil import utcnow
from channels.wechat.api_client import WeChatApi
from channels.wechat.models import WeChatIdentity, WeChatReminder
from channels.wechat.render import day_text
from channels.wechat.service import insert_ignoring_duplicate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BookedVisit:
    """What a reminder needs of a booking."""

    code: str
    person_key: str
    guide: str
    hall: str
    address: str
    day: date
    start: time
    end: time


@dataclass(frozen=True)
class Reminder:
    openid: str
    visit: BookedVisit


@dataclass
class ReminderReport:
    sent: int = 0
    already_sent: int = 0
    failed: int = 0


def reminders_for(visits: Iterable[BookedVisit], openids: Mapping[str, str]) -> list[Reminder]:
    """The visits whose citizen bound an openid (``openids``: person key → openid)."""
    return [Reminder(openids[v.person_key], v) for v in visits if v.person_key in openids]


def template_data(visit: BookedVisit) -> dict[str, dict[str, str]]:
    where = f"{visit.hall}（{visit.address}）" if visit.address else visit.hall
    return {
        "first": {"value": "您好，您明天有一个办事预约，请按时前往。"},
        "keyword1": {"value": visit.guide},
        "keyword2": {"value": f"{day_text(visit.day)} {visit.start:%H:%M}-{visit.end:%H:%M}"},
        "keyword3": {"value": where},
        "keyword4": {"value": visit.code},
        "remark": {
            "value": "请带齐身份证件和所需材料，提前10分钟到达。如需取消或改期，"
            "请在公众号点击“我的预约”。"
        },
    }


def bound_openids(*, session: Session, person_keys: Iterable[str]) -> dict[str, str]:
    keys = set(person_keys)
    if not keys:
        return {}
    rows = session.exec(select(WeChatIdentity).where(WeChatIdentity.id_key.in_(keys)))  # type: ignore[attr-defined]
    return {r.id_key: r.openid for r in rows}


def booked_visits(*, session: Session, day: date) -> list[BookedVisit]:
    b = Booking.__table__.c  # type: ignore[attr-defined]
    stmt = (
        sa.select(
            b.code,
            b.person_key,
            b.guide_name,
            col(Hall.name),
            col(Hall.content),
            b.day,
            b.start,
            b.end,
        )
        .join(Hall, Hall.id == b.hall_id)  # type: ignore[arg-type]
        .where(b.day == day, b.status == BookingStatus.booked)
        .order_by(b.start, b.code)
    )
    return [
        BookedVisit(
            code=code,
            person_key=key,
            guide=guide,
            hall=hall,
            address=str((content or {}).get("address") or ""),
            day=d,
            start=s,
            end=e,
        )
        for code, key, guide, hall, content, d, s, e in session.execute(stmt)
    ]


def send_reminders(
    *,
    engine: Engine,
    api: WeChatApi,
    template_id: str,
    reminders: Iterable[Reminder],
    url: str | None = None,
) -> ReminderReport:
    report = ReminderReport()
    for r in reminders:
        with session_scope(engine) as session:
            claimed = insert_ignoring_duplicate(
                session,
                WeChatReminder,
                "booking_code",
                booking_code=r.visit.code,
                openid=r.openid,
                sent_at=utcnow(),
            )
        if not claimed:
            report.already_sent += 1
            continue
        try:
            api.send_template(r.openid, template_id, template_data(r.visit), url)
        except (WeChatClientException, requests.RequestException) as exc:
            log.warning("reminder for booking %s failed: %s", r.visit.code, exc)
            with session_scope(engine) as session:
                session.execute(
                    delete(WeChatReminder).where(col(WeChatReminder.booking_code) == r.visit.code)
                )
            report.failed += 1
            continue
        report.sent += 1
    return report
