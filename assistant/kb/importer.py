"""Import ``guides_kb/`` into the database and export it back.

Import never loses an editor's work: a guide whose published version came from an editor
(not from a file) since the last import is kept, and reported, even when its file changed.
Import is idempotent: an unchanged file adds no version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from assistant import audit
from assistant.kb import files, models, schema
from assistant.kb.state import bump_revision
from assistant.timeutil import utcnow


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_editor_version: list[str] = field(default_factory=list)
    halls: int = 0
    themes: int = 0
    licence_types: int = 0
    synonyms: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        parts = [
            f"guides: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged",
            f"themes: {self.themes}, halls: {self.halls}, licence types: {self.licence_types}, "
            f"synonym groups: {self.synonyms}",
        ]
        if self.kept_editor_version:
            parts.append(
                "kept the editors' published version (file changed too): "
                + "、".join(self.kept_editor_version)
            )
        return "\n".join(parts)


def import_bundle(session: Session, bundle: files.Bundle, *, actor: str = "import") -> ImportReport:
    report = ImportReport()
    _import_reference_tables(session, bundle, report)
    for rel, guide in sorted(bundle.guides.items()):
        _import_guide(session, rel, guide, actor, report)
    session.flush()
    _import_themes(session, bundle, report)
    bump_revision(session)
    audit.record(
        session,
        actor=actor,
        action="kb.import",
        entity="kb",
        entity_id="bundle",
        added=len(report.added),
        updated=len(report.updated),
        kept=report.kept_editor_version,
    )
    return report


def _import_reference_tables(session: Session, bundle: files.Bundle, report: ImportReport) -> None:
    existing_lt = {t.code: t for t in session.exec(select(models.LicenceType))}
    for pos, lt in enumerate(bundle.licence_types):
        row = existing_lt.pop(lt.code, None) or models.LicenceType(
            code=lt.code, name=lt.name, issuer=lt.issuer
        )
        row.name, row.issuer, row.region_scoped, row.note, row.position = (
            lt.name,
            lt.issuer,
            lt.region_scoped,
            lt.note,
            pos,
        )
        session.add(row)
    for stale in existing_lt.values():
        session.delete(stale)
    report.licence_types = len(bundle.licence_types)

    existing_g = {g.key: g for g in session.exec(select(models.ServiceGroup))}
    for pos, g in enumerate(bundle.groups):
        row = existing_g.pop(g.key, None) or models.ServiceGroup(key=g.key, name=g.name)
        row.name, row.position = g.name, pos
        session.add(row)
    for stale in existing_g.values():
        session.delete(stale)

    existing_h = {h.name: h for h in session.exec(select(models.Hall))}
    for pos, h in enumerate(bundle.halls):
        row = existing_h.get(h.name) or models.Hall(
            name=h.name,
            slug=h.slug,
            level=h.level,
            district=h.district,
            lat=h.lat,
            lon=h.lon,
            content={},
        )
        row.slug, row.level, row.district, row.lat, row.lon = (
            h.slug,
            h.level.value,
            h.district,
            h.lat,
            h.lon,
        )
        row.content, row.position = files.content_of(h), pos
        session.add(row)
    report.halls = len(bundle.halls)

    for row in session.exec(select(models.Synonym).where(models.Synonym.source == "kb")):
        session.delete(row)
    editor_synonyms = {
        s.canonical
        for s in session.exec(select(models.Synonym).where(models.Synonym.source == "editor"))
    }
    for pos, s in enumerate(bundle.synonyms):
        if s.canonical in editor_synonyms:
            continue
        session.add(
            models.Synonym(
                canonical=s.canonical,
                variants=list(s.variants),
                note=s.note,
                source="kb",
                position=pos,
            )
        )
    report.synonyms = len(bundle.synonyms)


def _import_guide(
    session: Session, rel: str, guide: schema.Guide, actor: str, report: ImportReport
) -> None:
    content = files.content_of(guide)
    digest = files.content_hash(content)
    row = session.exec(select(models.Guide).where(models.Guide.name == guide.name)).first()
    if row is None:
        row = models.Guide(
            name=guide.name, slug=guide.slug, department=guide.department, source_path=rel
        )
        session.add(row)
        session.flush()
        report.added.append(guide.name)
    else:
        if row.imported_hash == digest:
            report.unchanged.append(guide.name)
            return
        current = (
            session.get(models.GuideVersion, row.published_version_id)
            if row.published_version_id
            else None
        )
        if current is not None and current.source != "import":
            report.kept_editor_version.append(guide.name)
            row.imported_hash = digest
            session.add(row)
            return
        if current is not None and files.content_hash(current.content) == digest:
            row.imported_hash = digest
            session.add(row)
            report.unchanged.append(guide.name)
            return
        report.updated.append(guide.name)
    publish_content(session, row, content, actor=actor, source="import")
    row.imported_hash = digest
    row.source_path = rel


def next_version_number(session: Session, guide_id: int) -> int:
    numbers = session.exec(
        select(models.GuideVersion.number).where(models.GuideVersion.guide_id == guide_id)
    ).all()
    return max(numbers, default=0) + 1


def publish_content(
    session: Session,
    row: models.Guide,
    content: dict,
    *,
    actor: str,
    source: str,
    comment: str | None = None,
) -> models.GuideVersion:
    """Add a published version with ``content`` and make it the one citizens see."""
    assert row.id is not None
    now = utcnow()
    if row.published_version_id:
        previous = session.get(models.GuideVersion, row.published_version_id)
        if previous is not None:
            previous.status = models.VersionStatus.superseded
            session.add(previous)
    version = models.GuideVersion(
        guide_id=row.id,
        number=next_version_number(session, row.id),
        status=models.VersionStatus.published,
        content=content,
        author=actor,
        reviewer=actor,
        reviewed_at=now,
        source=source,
        comment=comment,
    )
    session.add(version)
    session.flush()
    apply_published_columns(row, schema.Guide.model_validate(content))
    row.published_version_id = version.id
    row.lock_version += 1
    row.updated_at = now
    session.add(row)
    return version


def apply_published_columns(row: models.Guide, guide: schema.Guide) -> None:
    row.name = guide.name
    row.slug = guide.slug
    row.department = guide.department
    row.life_events = list(guide.life_events)
    row.online_available = guide.online.available


def _import_themes(session: Session, bundle: files.Bundle, report: ImportReport) -> None:
    existing = {t.name: t for t in session.exec(select(models.Theme))}
    for t in bundle.themes:
        row = existing.pop(t.name, None) or models.Theme(name=t.name, slug=t.slug, content={})
        row.slug, row.content, row.updated_at = t.slug, files.content_of(t), utcnow()
        session.add(row)
    for stale in existing.values():
        session.delete(stale)
    report.themes = len(bundle.themes)


def export_bundle(session: Session, *, headers: dict[str, str] | None = None) -> files.Bundle:
    """The published state of the database as a bundle, ready for ``files.write_bundle``."""
    bundle = files.Bundle(headers=dict(headers or {}))
    rows = session.exec(select(models.Guide).order_by(models.Guide.source_path)).all()
    for row in rows:
        if not row.published_version_id:
            continue
        version = session.get(models.GuideVersion, row.published_version_id)
        assert version is not None
        bundle.guides[row.source_path] = schema.Guide.model_validate(version.content)
    bundle.themes = [
        schema.Theme.model_validate(t.content)
        for t in session.exec(select(models.Theme).order_by(models.Theme.id))
    ]
    bundle.groups = [
        schema.ServiceGroup(key=g.key, name=g.name)
        for g in session.exec(select(models.ServiceGroup).order_by(models.ServiceGroup.position))
    ]
    bundle.halls = [
        schema.Hall.model_validate(h.content)
        for h in session.exec(select(models.Hall).order_by(models.Hall.position))
    ]
    bundle.licence_types = [
        schema.LicenceType(
            code=t.code, name=t.name, issuer=t.issuer, region_scoped=t.region_scoped, note=t.note
        )
        for t in session.exec(select(models.LicenceType).order_by(models.LicenceType.position))
    ]
    bundle.synonyms = [
        schema.SynonymGroup(canonical=s.canonical, variants=s.variants, note=s.note)
        for s in session.exec(
            select(models.Synonym).order_by(
                models.Synonym.source, models.Synonym.position, models.Synonym.id
            )
        )
    ]
    return bundle


def import_dir(
    session: Session, kb_dir: Path, *, actor: str = "import"
) -> tuple[ImportReport | None, list[files.Problem]]:
    """Check the files, then import them: nothing is written when any file has a problem."""
    bundle, problems = files.load_bundle(kb_dir)
    if problems:
        return None, problems
    return import_bundle(session, bundle, actor=actor), []
