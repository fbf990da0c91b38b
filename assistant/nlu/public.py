"""The answer to one question: what ``POST /api/v1/nlu/parse`` and ``assistant ask --json``
return. Apart from the tables (``models``) so that the pipeline, used without a database by
the CLI and benchmarks, does not import SQLModel and SQLAlchemy (~20 MB resident).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class SituationPublic(BaseModel):
    key: str
    name: str


class ResultPublic(BaseModel):
    name: str
    guide_id: int = Field(description="Guide id, or theme id when kind is theme")
    kind: Literal["guide", "theme"]
    score: float
    situation: SituationPublic | None


class EntityPublic(BaseModel):
    label: str
    text: str = Field(description="As typed by the citizen")
    start: int
    end: int
    value: str = Field(description="Canonical form (simplified, standard word)")


class OptionPublic(BaseModel):
    label: str
    name: str
    guide_id: int
    kind: Literal["guide", "theme"]


class ClarifyPublic(BaseModel):
    question: str
    options: list[OptionPublic]


class ParsePublic(BaseModel):
    status: Literal["matched", "ambiguous", "no_match"]
    results: list[ResultPublic]
    entities: list[EntityPublic]
    clarify: ClarifyPublic | None
    message: str | None
    elapsed_ms: float
