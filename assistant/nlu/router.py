"""NLU API: parse a question; the editors' queue of questions the assistant could not answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from assistant.deps import EditorUser, KbDep, SessionDep, SettingsDep
from assistant.errors import InvalidInput
from assistant.nlu import service
from assistant.nlu.models import (
    ParseRequest,
    QueueStatus,
    ResolveIn,
    UnansweredPublic,
    UnansweredQuestion,
)
from assistant.nlu.public import ParsePublic
from assistant.nlu.runtime import Nlu

router = APIRouter()
public = APIRouter(prefix="/nlu", tags=["nlu"])
editor = APIRouter(prefix="/editor/unanswered", tags=["editors"])


def _nlu(request: Request) -> Nlu:
    return request.app.state.nlu  # type: ignore[no-any-return]


@public.post("/parse", response_model=ParsePublic, summary="Map a citizen's question to a guide")
def parse(
    body: ParseRequest, request: Request, kb: KbDep, settings: SettingsDep, session: SessionDep
) -> ParsePublic:
    limit = settings.max_question_chars
    if len(body.text) > limit:
        raise InvalidInput(
            f"问题太长了，请控制在{limit}个字以内。",
            details=[{"field": "text", "message": f"at most {limit} characters"}],
        )
    nlu = _nlu(request)
    result, _doc = nlu.parse(kb, body.text, body.top_k)
    service.record_unanswered(
        session, text=body.text, key=nlu.question_key(body.text), result=result
    )
    return result


def _public(row: UnansweredQuestion) -> UnansweredPublic:
    return UnansweredPublic.model_validate(row, from_attributes=True)


@editor.get(
    "", response_model=list[UnansweredPublic], summary="Questions the assistant could not answer"
)
def list_unanswered(
    _user: EditorUser,
    session: SessionDep,
    status: Annotated[QueueStatus | None, Query()] = QueueStatus.open,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[UnansweredPublic]:
    rows = service.list_unanswered(session, status=status, limit=limit, offset=offset)
    return [_public(r) for r in rows]


@editor.post(
    "/{item_id}/resolve",
    response_model=UnansweredPublic,
    summary="Attach the question to a guide (example or synonym); live at once",
)
def resolve(
    item_id: int, body: ResolveIn, user: EditorUser, session: SessionDep, kb: KbDep
) -> UnansweredPublic:
    return _public(service.resolve(session, item_id=item_id, body=body, kb=kb, user=user))


@editor.post("/{item_id}/dismiss", response_model=UnansweredPublic, summary="Not for the KB")
def dismiss(item_id: int, user: EditorUser, session: SessionDep) -> UnansweredPublic:
    return _public(service.dismiss(session, item_id=item_id, user=user))


router.include_router(public)
router.include_router(editor)
