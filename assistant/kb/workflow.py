"""The editors' workflow: draft → submitted → published (or returned), with history.

Rules:
- Citizens only ever see the published version (``Guide.published_version_id``).
- A guide has at most one working version (draft, submitted or returned) beside the published one.
- Every change carries the ``lock_version`` the editor started from; if someone changed the guide
  since, the change is refused with a conflict (never a silent overwrite). The check is one
  conditional UPDATE, so it holds under concurrency.
- A reviewer publishes or returns a submitted version, and may not publish their own work.
- Publishing bumps the KB revision, which every process sees on its next question.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import Session, col, select

from assistant import audit
from assistant.auth.models import Role, User
from assistant.errors import Conflict, Forbidden, InvalidInput, NotFound
from assistant.kb import files, models, schema
from assistant.kb.importer import apply_published_columns, next_version_number, publish_content
from assistant.kb.snapshot import KbSnapshot
from assistant.kb.state import bump_revision
from assistant.timeutil import utcnow

WORKING = (
    models.VersionStatus.draft,
    models.VersionStatus.submitted,
    models.VersionStatus.returned,
)


@dataclass
class EditorView:
    guide: models.Guide
    working: models.GuideVersion | None
    published: models.GuideVersion | None

    @property
    def content(self) -> dict[str, Any]:
        source = self.working or self.published
        assert source is not None
        return source.content

    @property
    def status(self) -> str:
        return (self.working.status if self.working else models.VersionStatus.published).value


def _guide(session: Session, guide_id: int) -> models.Guide:
    row = session.get(models.Guide, guide_id)
    if row is None:
        raise NotFound(f"没有编号为 {guide_id} 的办事指南。")
    return row


def _working(session: Session, guide_id: int) -> models.GuideVersion | None:
    return session.exec(
        select(models.GuideVersion)
        .where(
            models.GuideVersion.guide_id == guide_id, col(models.GuideVersion.status).in_(WORKING)
        )
        .order_by(col(models.GuideVersion.number).desc())
    ).first()


def view(session: Session, guide_id: int) -> EditorView:
    row = _guide(session, guide_id)
    published = (
        session.get(models.GuideVersion, row.published_version_id)
        if row.published_version_id
        else None
    )
    return EditorView(row, _working(session, guide_id), published)


def list_guides(session: Session, *, text: str | None = None) -> list[EditorView]:
    stmt = select(models.Guide).order_by(models.Guide.department, models.Guide.name)
    if text:
        stmt = stmt.where(col(models.Guide.name).contains(text.strip()))
    return [view(session, r.id) for r in session.exec(stmt).all()]  # type: ignore[arg-type]


def validate_content(
    content: Any, kb: KbSnapshot, *, guide_id: int | None, session: Session
) -> schema.Guide:
    """Validate an editor's content completely, or raise InvalidInput listing every problem."""
    try:
        guide = schema.Guide.model_validate(content)
    except ValidationError as exc:
        details = [
            {"field": p.field, "message": p.message}
            for p in files.validation_problems(exc, "", None)
        ]
        raise InvalidInput("指南内容有误，请按提示修改后再保存。", details=details) from None
    refs = files.Refs(
        guide_names=frozenset(g.guide.name for g in kb.guides) | {guide.name},
        hall_names=frozenset(h.hall.name for h in kb.halls),
        licence_codes=frozenset(t.code for t in kb.licence_types),
        group_keys=frozenset(g.key for g in kb.groups),
    )
    problems = [
        {"field": p.field, "message": p.message}
        for p in files.guide_reference_problems(guide, refs, "")
    ]
    for field_name in ("name", "slug"):
        value = getattr(guide, field_name)
        other = session.exec(
            select(models.Guide).where(getattr(models.Guide, field_name) == value)
        ).first()
        if other is not None and other.id != guide_id:
            problems.append({"field": field_name, "message": f"已有其他指南使用“{value}”"})
    if problems:
        raise InvalidInput("指南内容有误，请按提示修改后再保存。", details=problems)
    return guide


def _take_lock(session: Session, row: models.Guide, expected: int, user: User) -> None:
    result = session.exec(  # type: ignore[call-overload]
        update(models.Guide)
        .where(models.Guide.id == row.id, models.Guide.lock_version == expected)
        .values(lock_version=models.Guide.lock_version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:
        session.refresh(row)
        last = session.exec(
            select(audit.AuditEntry)
            .where(audit.AuditEntry.entity == "guide", audit.AuditEntry.entity_id == str(row.id))
            .order_by(col(audit.AuditEntry.id).desc())
        ).first()
        who = f"{last.actor} 于 {last.at:%Y-%m-%d %H:%M} (UTC) " if last else ""
        raise Conflict(
            f"这份指南在您打开之后已被{who}修改，为避免覆盖对方的修改，本次保存未生效。请刷新后重新编辑。",
            details={"current_lock_version": row.lock_version},
        )
    session.refresh(row)


def save_draft(
    session: Session, *, guide_id: int, content: Any, lock_version: int, user: User, kb: KbSnapshot
) -> EditorView:
    row = _guide(session, guide_id)
    guide = validate_content(content, kb, guide_id=guide_id, session=session)
    _take_lock(session, row, lock_version, user)
    working = _working(session, guide_id)
    canonical = files.content_of(guide)
    if working is None:
        working = models.GuideVersion(
            guide_id=guide_id,
            number=next_version_number(session, guide_id),
            content=canonical,
            author=user.username,
        )
    else:  # a submitted or returned version edited again goes back to draft
        working.content = canonical
        working.author = user.username
    working.status = models.VersionStatus.draft
    working.updated_at = utcnow()
    session.add(working)
    session.flush()
    audit.record(
        session,
        actor=user.username,
        action="guide.save_draft",
        entity="guide",
        entity_id=guide_id,
        version=working.number,
    )
    return view(session, guide_id)


def create_guide(session: Session, *, content: Any, user: User, kb: KbSnapshot) -> EditorView:
    guide = validate_content(content, kb, guide_id=None, session=session)
    folder = session.exec(
        select(models.Guide.source_path).where(models.Guide.department == guide.department)
    ).first()
    rel = (
        f"{folder.rsplit('/', 1)[0]}/{guide.slug}.yml" if folder else f"guides/new/{guide.slug}.yml"
    )
    row = models.Guide(
        name=guide.name, slug=guide.slug, department=guide.department, source_path=rel
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    session.add(
        models.GuideVersion(
            guide_id=row.id, number=1, content=files.content_of(guide), author=user.username
        )
    )
    session.flush()
    audit.record(
        session,
        actor=user.username,
        action="guide.create",
        entity="guide",
        entity_id=row.id,
        name=guide.name,
    )
    return view(session, row.id)


def submit(session: Session, *, guide_id: int, lock_version: int, user: User) -> EditorView:
    row = _guide(session, guide_id)
    working = _working(session, guide_id)
    if working is None or working.status == models.VersionStatus.submitted:
        raise Conflict("没有可提交的草稿。" if working is None else "这份草稿已提交审核。")
    _take_lock(session, row, lock_version, user)
    working.status = models.VersionStatus.submitted
    working.submitted_at = utcnow()
    session.add(working)
    audit.record(
        session,
        actor=user.username,
        action="guide.submit",
        entity="guide",
        entity_id=guide_id,
        version=working.number,
    )
    return view(session, guide_id)


def publish(
    session: Session, *, guide_id: int, lock_version: int, user: User, comment: str | None
) -> EditorView:
    row = _guide(session, guide_id)
    working = _working(session, guide_id)
    if working is None or working.status != models.VersionStatus.submitted:
        raise Conflict("只有已提交审核的版本才能发布。")
    if working.author == user.username and not user.has_role(Role.admin):
        raise Forbidden("请由另一位审核人发布您自己编辑的内容。")
    _take_lock(session, row, lock_version, user)
    now = utcnow()
    if row.published_version_id:
        previous = session.get(models.GuideVersion, row.published_version_id)
        if previous is not None:
            previous.status = models.VersionStatus.superseded
            session.add(previous)
    working.status = models.VersionStatus.published
    working.reviewer, working.reviewed_at, working.comment = user.username, now, comment
    session.add(working)
    apply_published_columns(row, schema.Guide.model_validate(working.content))
    row.published_version_id = working.id
    session.add(row)
    bump_revision(session)
    audit.record(
        session,
        actor=user.username,
        action="guide.publish",
        entity="guide",
        entity_id=guide_id,
        version=working.number,
    )
    return view(session, guide_id)


def return_to_editor(
    session: Session, *, guide_id: int, lock_version: int, user: User, comment: str
) -> EditorView:
    row = _guide(session, guide_id)
    working = _working(session, guide_id)
    if working is None or working.status != models.VersionStatus.submitted:
        raise Conflict("只有已提交审核的版本才能退回。")
    if not comment.strip():
        raise InvalidInput("退回时请写明需要修改的地方。")
    _take_lock(session, row, lock_version, user)
    working.status = models.VersionStatus.returned
    working.reviewer, working.reviewed_at, working.comment = (
        user.username,
        utcnow(),
        comment.strip(),
    )
    session.add(working)
    audit.record(
        session,
        actor=user.username,
        action="guide.return",
        entity="guide",
        entity_id=guide_id,
        version=working.number,
        comment=comment.strip(),
    )
    return view(session, guide_id)


def history(session: Session, *, guide_id: int) -> list[models.GuideVersion]:
    _guide(session, guide_id)
    return list(
        session.exec(
            select(models.GuideVersion)
            .where(models.GuideVersion.guide_id == guide_id)
            .order_by(col(models.GuideVersion.number).desc())
        )
    )


def _version(session: Session, guide_id: int, number: int) -> models.GuideVersion:
    v = session.exec(
        select(models.GuideVersion).where(
            models.GuideVersion.guide_id == guide_id, models.GuideVersion.number == number
        )
    ).first()
    if v is None:
        raise NotFound(f"这份指南没有第 {number} 版。")
    return v


def diff(session: Session, *, guide_id: int, old: int, new: int) -> str:
    """A unified diff of two versions in the canonical YAML form editors know from the files."""
    a, b = _version(session, guide_id, old), _version(session, guide_id, new)
    return "".join(
        difflib.unified_diff(
            files.dump_yaml(a.content).splitlines(keepends=True),
            files.dump_yaml(b.content).splitlines(keepends=True),
            fromfile=f"第{old}版",
            tofile=f"第{new}版",
        )
    )


def rollback(
    session: Session, *, guide_id: int, number: int, lock_version: int, user: User
) -> EditorView:
    row = _guide(session, guide_id)
    target = _version(session, guide_id, number)
    if target.id == row.published_version_id:
        raise Conflict(f"第 {number} 版就是当前发布的版本。")
    if target.status != models.VersionStatus.superseded:
        # Only content that once passed review may come back without review.
        raise Conflict(f"第 {number} 版从未发布过，不能直接回退；请将其作为草稿提交审核。")
    _take_lock(session, row, lock_version, user)
    version = publish_content(
        session,
        row,
        dict(target.content),
        actor=user.username,
        source="rollback",
        comment=f"回退到第{number}版",
    )
    session.flush()
    bump_revision(session)
    audit.record(
        session,
        actor=user.username,
        action="guide.rollback",
        entity="guide",
        entity_id=guide_id,
        to_version=number,
        new_version=version.number,
    )
    return view(session, guide_id)
