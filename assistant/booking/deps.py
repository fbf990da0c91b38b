"""Dependencies of the booking routers: the clock (the engine is ``assistant.deps.EngineDep``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request


def get_now(request: Request) -> datetime:
    """The city's wall-clock time from ``app.state.clock`` (a fixed clock in tests)."""
    return request.app.state.clock()  # type: ignore[no-any-return]


NowDep = Annotated[datetime, Depends(get_now)]
