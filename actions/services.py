"""What the actions use of the app process: read from ``app.state`` when they run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.config import Settings
from assistant.db import session_scope
from assistant.kb.snapshot import KbSnapshot
from assistant.timeutil import local_now


class Services:
    """The app's settings, engine, KB cache, NLU and clock, shared with its API.

    Read lazily from ``state`` (``app.state``, or any object with those attributes in tests)
    so that the order in which ``create_app`` sets them up does not matter.
    """

    def __init__(self, state: Any) -> None:
        self._state = state

    @property
    def settings(self) -> Settings:
        return self._state.settings  # type: ignore[no-any-return]

    @property
    def engine(self) -> Engine:
        return self._state.engine  # type: ignore[no-any-return]

    @property
    def nlu(self) -> Any:
        return self._state.nlu

    @property
    def shared_data(self) -> Any:
        return self._state.shared_data

    def kb(self) -> KbSnapshot:
        return self._state.kb_cache.get()  # type: ignore[no-any-return]

    def now(self) -> datetime:
        clock: Callable[[], datetime] = getattr(self._state, "clock", local_now)
        return clock()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as session:
            yield session
