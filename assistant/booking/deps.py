"""Dependencies of the booking routers: the engine (for write transactions) and the clock."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def get_now(request: Request) -> datetime:
    """The city's wall-clock time from ``app.state.clock`` (a fixed clock in tests)."""
    return request.app.state.clock()  # type: ignore[no-any-return]


EngineDep = Annotated[Engine, Depends(get_engine)]
NowDep = Annotated[datetime, Depends(get_now)]
