"""The KB revision: how every process learns that citizens' content changed."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from assistant.kb.models import KbState
from assistant.timeutil import utcnow


def bump_revision(session: Session) -> None:
    """Atomically count one more change (safe when two reviewers publish at once)."""
    result = session.exec(  # type: ignore[call-overload]
        update(KbState)
        .where(KbState.id == 1)
        .values(revision=KbState.revision + 1, changed_at=utcnow())
    )
    if result.rowcount == 0:
        session.add(KbState(id=1, revision=1))
        session.flush()


def current_revision(session: Session) -> int:
    state = session.exec(  # type: ignore[call-overload]
        KbState.__table__.select().where(KbState.__table__.c.id == 1)  # type: ignore[attr-defined]
    ).first()
    return state.revision if state else 0
