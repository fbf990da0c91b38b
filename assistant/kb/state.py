"""The KB revision: how every process learns that citizens' content changed."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.engine import Connection
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


_TABLE = KbState.__table__  # type: ignore[attr-defined]
_REVISION = _TABLE.select().with_only_columns(_TABLE.c.revision).where(_TABLE.c.id == 1)


def current_revision(db: Session | Connection) -> int:
    """The revision, read with a plain SQL statement: caches ask it on every request."""
    connection = db.connection() if isinstance(db, Session) else db
    revision = connection.execute(_REVISION).scalar()
    return int(revision) if revision is not None else 0
