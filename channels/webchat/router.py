"""The chat page. Everything else the page needs is the public API (``/api/v1``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from assistant.web.router import NO_CACHE, STATIC_DIR

CHAT_PAGE = STATIC_DIR / "chat" / "index.html"

router = APIRouter(include_in_schema=False)


@router.get("/chat")
def chat_page() -> FileResponse:
    return FileResponse(CHAT_PAGE, headers=NO_CACHE)


@router.get("/chat/")
def chat_slash() -> RedirectResponse:
    return RedirectResponse("/chat")
