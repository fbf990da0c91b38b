"""Database side of the NLU: the unanswered-questions queue and questions attached by editors."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from assistant import audit
from assistant.auth.models import User
from assistant.errors import Conflict, InvalidInput, NotFound
from assistant.kb.models import Synonym
from assistant.kb.snapshot import KbSnapshot
from assistant.kb.state import bump_revision
from assistant.nlu import corpus
from assistant.nlu.models import (
    KEY_MAX,
    TEXT_MAX,
    AttachedQuestion,
    QueueReason,
    QueueStatus,
    ResolveIn,
    UnansweredQuestion,
)
from assistant.nlu.public import ParsePublic
from assistant.privacy import mask_text
from assistant.timeutil import utcnow

log = logging.getLogger(__name__)

LOW_CONFIDENCE = 0.55  # a match scored below this is kept for editors too


def queue_reason(result: ParsePublic) -> QueueReason | None:
    """Why a question belongs in the editors' queue (``None``: it was answered confidently)."""
    if result.status == "no_match":
        return QueueReason.no_match
    if result.status == "ambiguous":
        return QueueReason.ambiguous
    if result.results and result.results[0].score < LOW_CONFIDENCE:
        return QueueReason.low_confidence
    return None


def record_unanswered(
    session: Session, *, text: str, key: str, result: ParsePublic
) -> UnansweredQuestion | None:
    """Keep a question the assistant could not answer with confidence (masked, counted)."""
    reason = queue_reason(result)
    key = key[:KEY_MAX]
    if reason is None or not key:
        return None
    candidates = [
        {"name": r.name, "kind": r.kind, "id": r.guide_id, "score": r.score}
        for r in result.results[:4]
    ]
    row = session.exec(select(UnansweredQuestion).where(UnansweredQuestion.key == key)).first()
    if row is None:
        row = UnansweredQuestion(
            key=key, text=mask_text(text)[:TEXT_MAX], reason=reason, candidates=candidates
        )
        try:
            with session.begin_nested():
                session.add(row)
            return row
        except IntegrityError:  # the same question, recorded a moment ago by another request
            row = session.exec(
                select(UnansweredQuestion).where(UnansweredQuestion.key == key)
            ).one()
    row.count += 1
    row.last_seen = utcnow()
    row.reason, row.candidates = reason, candidates
    if row.status == QueueStatus.resolved:  # attached, yet still not answered: back to editors
        row.status = QueueStatus.open
    session.add(row)
    return row


def list_unanswered(
    session: Session, *, status: QueueStatus | None, limit: int, offset: int
) -> list[UnansweredQuestion]:
    query = select(UnansweredQuestion)
    if status is not None:
        query = query.where(UnansweredQuestion.status == status)
    query = query.order_by(
        col(UnansweredQuestion.count).desc(), col(UnansweredQuestion.last_seen).desc()
    )
    return list(session.exec(query.offset(offset).limit(limit)))


def _open_item(session: Session, item_id: int) -> UnansweredQuestion:
    row = session.get(UnansweredQuestion, item_id, with_for_update=True)
    if row is None:
        raise NotFound(f"没有找到待处理的问题：{item_id}")
    if row.status != QueueStatus.open:
        raise Conflict("这个问题已经处理过了。")
    return row


def resolve(
    session: Session, *, item_id: int, body: ResolveIn, kb: KbSnapshot, user: User
) -> UnansweredQuestion:
    """Attach the question to a guide or theme, as an example question or a synonym; live at
    once (the KB revision moves in the same transaction)."""
    row = _open_item(session, item_id)
    kind, ref_id, name = _target(kb, body)
    if body.attach_as == "example":
        session.add(
            AttachedQuestion(
                kind=kind,
                ref_id=ref_id,
                text=row.text,
                created_by=user.username,
                unanswered_id=row.id,
            )
        )
    else:
        phrase = (body.phrase or row.text).strip()
        if not phrase or len(phrase) > 80:
            raise InvalidInput("同义词请填写问题中指代该事项的词语（80个字以内）。")
        session.add(
            Synonym(
                canonical=name, variants=[phrase], source="editor", note=f"来自未解答问题 #{row.id}"
            )
        )
    row.status = QueueStatus.resolved
    row.resolved_by, row.resolved_at = user.username, utcnow()
    row.resolution = {"kind": kind, "id": ref_id, "name": name, "as": body.attach_as}
    session.add(row)
    bump_revision(session)
    audit.record(
        session,
        actor=user.username,
        action="nlu.resolve",
        entity="unanswered",
        entity_id=row.id,
        target=name,
        attach_as=body.attach_as,
    )
    return row


def dismiss(session: Session, *, item_id: int, user: User) -> UnansweredQuestion:
    row = _open_item(session, item_id)
    row.status = QueueStatus.dismissed
    row.resolved_by, row.resolved_at = user.username, utcnow()
    session.add(row)
    audit.record(
        session, actor=user.username, action="nlu.dismiss", entity="unanswered", entity_id=row.id
    )
    return row


def _target(kb: KbSnapshot, body: ResolveIn) -> tuple[str, int, str]:
    if body.kind == "theme":
        t = kb.theme(body.ref)
        if t is None:
            raise InvalidInput(f"没有找到“一件事”主题：{body.ref}")
        return "theme", t.id, t.theme.name
    g = kb.guide(body.ref)
    if g is None:
        raise InvalidInput(f"没有找到已发布的办事指南：{body.ref}")
    return "guide", g.id, g.guide.name


def attached_questions(session: Session) -> list[corpus.AttachedQuestion]:
    rows = session.exec(select(AttachedQuestion).order_by(col(AttachedQuestion.id)))
    return [corpus.AttachedQuestion(r.kind, r.ref_id, r.text) for r in rows]  # type: ignore[arg-type]


def attached_loader(engine: Engine) -> Callable[[], list[corpus.AttachedQuestion]]:
    """What ``Nlu`` calls to read attached questions when it rebuilds its index."""

    def load() -> list[corpus.AttachedQuestion]:
        try:
            with Session(engine) as session:
                return attached_questions(session)
        except Exception:  # a missing table must not stop the assistant from answering
            log.exception("could not read the questions attached by editors")
            return []

    return load
