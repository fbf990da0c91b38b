"""Write transactions of the booking domain, and the city clock as stored moments.

Every change that touches capacity, a person's limits or a queue's numbering runs as one
``write_session`` transaction (``BEGIN IMMEDIATE`` on SQLite; row locks and conditional updates
on PostgreSQL), so either all of it happens or none. When a unique key says another request got
there first (a concurrent retry with the same idempotency key, two tickets numbered at once)
or PostgreSQL breaks a deadlock, the whole transaction runs again from the start: the retry
then sees the winner's row and answers from it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from assistant.db import write_session
from assistant.errors import Conflict, Unavailable
from assistant.timeutil import LOCAL_TZ

T = TypeVar("T")
ATTEMPTS = 4
_RETRY_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


def run_write(engine: Engine, work: Callable[[Session], T]) -> T:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with write_session(engine) as session:
                return work(session)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise Conflict("办理的人较多，请稍后重试。") from None
        except OperationalError as exc:
            state = getattr(exc.orig, "sqlstate", None)
            if state in _RETRY_SQLSTATES and attempt < ATTEMPTS:
                continue
            if state in _RETRY_SQLSTATES or "database is locked" in str(exc.orig):
                raise Unavailable("系统繁忙，请稍后重试。") from None
            raise
    raise AssertionError("unreachable")


def to_utc(local: datetime) -> datetime:
    """The city's naive wall-clock time as an aware UTC moment (for stored timestamps)."""
    return local.replace(tzinfo=LOCAL_TZ).astimezone(UTC)
