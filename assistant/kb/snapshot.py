"""An in-memory, immutable view of what citizens see, refreshed when the KB revision moves.

Reading the published KB from the database on every question would be slow; caching it
forever would make editors' publishes invisible. ``KbCache.get()`` costs one indexed
``SELECT`` of the revision and rebuilds the snapshot only when it changed, so a publish in
any process is seen by the next question in every process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from assistant.kb import schema

if TYPE_CHECKING:  # the database stack is imported where it is read: files-only users skip it
    from sqlalchemy.engine import Engine
    from sqlmodel import Session


@dataclass(frozen=True)
class PublishedGuide:
    id: int
    version: int
    guide: schema.Guide

    @property
    def name(self) -> str:
        return self.guide.name


@dataclass(frozen=True)
class PublishedTheme:
    id: int
    theme: schema.Theme


@dataclass(frozen=True)
class HallRecord:
    id: int
    hall: schema.Hall


@dataclass(frozen=True)
class KbSnapshot:
    revision: int
    guides: tuple[PublishedGuide, ...]
    themes: tuple[PublishedTheme, ...]
    halls: tuple[HallRecord, ...]
    groups: tuple[schema.ServiceGroup, ...]
    licence_types: tuple[schema.LicenceType, ...]
    synonyms: tuple[schema.SynonymGroup, ...]
    _by_key: dict[str, PublishedGuide] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for g in self.guides:
            for key in (str(g.id), g.guide.slug, g.guide.name):
                self._by_key[key] = g

    def guide(self, ref: str | int) -> PublishedGuide | None:
        """A published guide by id, slug or exact name."""
        return self._by_key.get(str(ref).strip())

    def theme(self, ref: str | int) -> PublishedTheme | None:
        ref = str(ref).strip()
        return next(
            (t for t in self.themes if ref in (str(t.id), t.theme.slug, t.theme.name)), None
        )

    def hall(self, ref: str | int) -> HallRecord | None:
        ref = str(ref).strip()
        return next((h for h in self.halls if ref in (str(h.id), h.hall.slug, h.hall.name)), None)

    def licence_name(self, code: str) -> str:
        return next((t.name for t in self.licence_types if t.code == code), code)


def load_snapshot(session: Session) -> KbSnapshot:
    from sqlmodel import select

    from assistant.kb import models
    from assistant.kb.state import current_revision

    revision = current_revision(session)
    rows = session.exec(
        select(models.Guide, models.GuideVersion)
        .join(models.GuideVersion, models.GuideVersion.id == models.Guide.published_version_id)  # type: ignore[arg-type]
        .order_by(models.Guide.id)
    ).all()
    guides = tuple(
        PublishedGuide(id=g.id, version=v.number, guide=schema.Guide.model_validate(v.content))  # type: ignore[arg-type]
        for g, v in rows
    )
    themes = tuple(
        PublishedTheme(id=t.id, theme=schema.Theme.model_validate(t.content))  # type: ignore[arg-type]
        for t in session.exec(select(models.Theme).order_by(models.Theme.id))
    )
    halls = tuple(
        HallRecord(id=h.id, hall=schema.Hall.model_validate(h.content))  # type: ignore[arg-type]
        for h in session.exec(select(models.Hall).order_by(models.Hall.position))
    )
    groups = tuple(
        schema.ServiceGroup(key=g.key, name=g.name)
        for g in session.exec(select(models.ServiceGroup).order_by(models.ServiceGroup.position))
    )
    licence_types = tuple(
        schema.LicenceType(
            code=t.code, name=t.name, issuer=t.issuer, region_scoped=t.region_scoped, note=t.note
        )
        for t in session.exec(select(models.LicenceType).order_by(models.LicenceType.position))
    )
    synonyms = tuple(
        schema.SynonymGroup(canonical=s.canonical, variants=s.variants, note=s.note)
        for s in session.exec(
            select(models.Synonym).order_by(models.Synonym.position, models.Synonym.id)
        )
    )
    return KbSnapshot(revision, guides, themes, halls, groups, licence_types, synonyms)


T = TypeVar("T")


class Derived(Generic[T]):
    """A value computed from a snapshot (an NLU index, say), recomputed when the revision moves."""

    def __init__(self, build: Callable[[KbSnapshot], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._value: T | None = None

    def get(self, snapshot: KbSnapshot) -> T:
        if self._revision == snapshot.revision and self._value is not None:
            return self._value
        with self._lock:
            if self._revision != snapshot.revision or self._value is None:
                self._value = self._build(snapshot)
                self._revision = snapshot.revision
            return self._value


class KbCache:
    """Holds the current snapshot for one process; one per app (kept on ``app.state``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._snapshot: KbSnapshot | None = None

    def get(self) -> KbSnapshot:
        """The published KB as of now: asked at every request, so the revision check is one
        plain query on a pooled connection (no ORM session); loading is rare."""
        from sqlmodel import Session

        from assistant.kb.state import current_revision

        with self._engine.connect() as connection:
            revision = current_revision(connection)
        snap = self._snapshot
        if snap is not None and snap.revision == revision:
            return snap
        with self._lock:
            if self._snapshot is None or self._snapshot.revision != revision:
                with Session(self._engine) as session:
                    self._snapshot = load_snapshot(session)
            return self._snapshot
