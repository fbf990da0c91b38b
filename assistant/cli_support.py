"""What every CLI command needs: the settings and an engine (migrated when asked)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from assistant.config import Settings
from assistant.db import make_engine
from assistant.db import migrate as run_migrations


@dataclass
class CliContext:
    settings: Settings
    engine: Engine


def context(*, migrate: bool = False) -> CliContext:
    settings = Settings()
    engine = make_engine(settings)
    if migrate:
        run_migrations(engine)
    return CliContext(settings, engine)
