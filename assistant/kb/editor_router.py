"""The content editors' API (behind login): drafts, review, history, rollback, audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlmodel import col, select

from assistant import audit
from assistant.deps import EditorUser, KbDep, ReviewerUser, SessionDep
from assistant.kb import schema, workflow

router = APIRouter(prefix="/editor", tags=["editors"])


class EditorGuide(BaseModel):
    id: int
    name: str
    department: str
    status: str
    lock_version: int
    published_version: int | None
    working_version: int | None
    working_author: str | None
    comment: str | None
    content: dict[str, Any]


class EditorGuideRow(BaseModel):
    id: int
    name: str
    department: str
    status: str
    published_version: int | None
    updated_at: datetime


class DraftIn(BaseModel):
    content: dict[str, Any]
    lock_version: int = Field(ge=0)


class LockIn(BaseModel):
    lock_version: int = Field(ge=0)
    comment: str | None = Field(default=None, max_length=1000)


class RollbackIn(BaseModel):
    lock_version: int = Field(ge=0)
    version: int = Field(ge=1)


class VersionOut(BaseModel):
    number: int
    status: str
    author: str
    created_at: datetime
    updated_at: datetime
    reviewer: str | None
    reviewed_at: datetime | None
    comment: str | None
    source: str


class AuditOut(BaseModel):
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]


def _out(v: workflow.EditorView) -> EditorGuide:
    return EditorGuide(
        id=v.guide.id,
        name=v.guide.name,
        department=v.guide.department,
        status=v.status,  # type: ignore[arg-type]
        lock_version=v.guide.lock_version,
        published_version=v.published.number if v.published else None,
        working_version=v.working.number if v.working else None,
        working_author=v.working.author if v.working else None,
        comment=(v.working.comment if v.working else None),
        content=v.content,
    )


@router.get("/meta", summary="Choices for the guide form")
def meta(kb: KbDep, _user: EditorUser) -> dict[str, Any]:
    return {
        "item_types": [e.value for e in schema.ItemType],
        "service_objects": [e.value for e in schema.ServiceObject],
        "levels": [e.value for e in schema.HallLevel],
        "material_forms": [e.value for e in schema.MaterialForm],
        "licence_holders": [e.value for e in schema.LicenceHolder],
        "shared_data": [e.value for e in schema.SharedDataItem],
        "form_fields": [e.value for e in schema.FormField],
        "online_levels": [e.value for e in schema.OnlineLevel],
        "licence_types": [{"code": t.code, "name": t.name} for t in kb.licence_types],
        "groups": [{"key": g.key, "name": g.name} for g in kb.groups],
        "halls": [h.hall.name for h in kb.halls],
        "guides": [g.guide.name for g in kb.guides],
    }


@router.get("/guides", response_model=list[EditorGuideRow])
def list_guides(
    session: SessionDep, _user: EditorUser, q: str | None = Query(None, max_length=80)
) -> list[EditorGuideRow]:
    return [
        EditorGuideRow(
            id=v.guide.id,
            name=v.guide.name,
            department=v.guide.department,
            status=v.status,  # type: ignore[arg-type]
            published_version=v.published.number if v.published else None,
            updated_at=v.guide.updated_at,
        )
        for v in workflow.list_guides(session, text=q)
    ]


@router.post("/guides", response_model=EditorGuide, status_code=201)
def create_guide(body: DraftIn, session: SessionDep, kb: KbDep, user: EditorUser) -> EditorGuide:
    return _out(workflow.create_guide(session, content=body.content, user=user, kb=kb))


@router.get("/guides/{guide_id}", response_model=EditorGuide)
def get_guide(guide_id: int, session: SessionDep, _user: EditorUser) -> EditorGuide:
    return _out(workflow.view(session, guide_id))


@router.put("/guides/{guide_id}/draft", response_model=EditorGuide)
def save_draft(
    guide_id: int, body: DraftIn, session: SessionDep, kb: KbDep, user: EditorUser
) -> EditorGuide:
    return _out(
        workflow.save_draft(
            session,
            guide_id=guide_id,
            content=body.content,
            lock_version=body.lock_version,
            user=user,
            kb=kb,
        )
    )


@router.post("/guides/{guide_id}/submit", response_model=EditorGuide)
def submit(guide_id: int, body: LockIn, session: SessionDep, user: EditorUser) -> EditorGuide:
    return _out(
        workflow.submit(session, guide_id=guide_id, lock_version=body.lock_version, user=user)
    )


@router.post("/guides/{guide_id}/publish", response_model=EditorGuide)
def publish(guide_id: int, body: LockIn, session: SessionDep, user: ReviewerUser) -> EditorGuide:
    return _out(
        workflow.publish(
            session,
            guide_id=guide_id,
            lock_version=body.lock_version,
            user=user,
            comment=body.comment,
        )
    )


@router.post("/guides/{guide_id}/return", response_model=EditorGuide)
def return_to_editor(
    guide_id: int, body: LockIn, session: SessionDep, user: ReviewerUser
) -> EditorGuide:
    return _out(
        workflow.return_to_editor(
            session,
            guide_id=guide_id,
            lock_version=body.lock_version,
            user=user,
            comment=body.comment or "",
        )
    )


@router.get("/guides/{guide_id}/versions", response_model=list[VersionOut])
def versions(guide_id: int, session: SessionDep, _user: EditorUser) -> list[VersionOut]:
    return [
        VersionOut.model_validate(v, from_attributes=True)
        for v in workflow.history(session, guide_id=guide_id)
    ]


@router.get("/guides/{guide_id}/diff", summary="Unified diff between two versions")
def diff(
    guide_id: int,
    session: SessionDep,
    _user: EditorUser,
    old: int = Query(ge=1),
    new: int = Query(ge=1),
) -> dict[str, str]:
    return {"diff": workflow.diff(session, guide_id=guide_id, old=old, new=new)}


@router.post("/guides/{guide_id}/rollback", response_model=EditorGuide)
def rollback(
    guide_id: int, body: RollbackIn, session: SessionDep, user: ReviewerUser
) -> EditorGuide:
    return _out(
        workflow.rollback(
            session,
            guide_id=guide_id,
            number=body.version,
            lock_version=body.lock_version,
            user=user,
        )
    )


@router.get("/audit", response_model=list[AuditOut])
def audit_log(
    session: SessionDep,
    _user: EditorUser,
    entity_id: str | None = Query(None, max_length=80),
    limit: int = Query(100, ge=1, le=1000),
) -> list[AuditOut]:
    stmt = select(audit.AuditEntry).order_by(col(audit.AuditEntry.id).desc()).limit(limit)
    if entity_id:
        stmt = stmt.where(audit.AuditEntry.entity_id == entity_id)
    return [AuditOut.model_validate(a, from_attributes=True) for a in session.exec(stmt)]
