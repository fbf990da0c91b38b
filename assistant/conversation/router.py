"""``POST /api/v1/chat`` (the web chat's and the tests' entry point) and ``POST /webhook``
(Rasa's custom-action calls, served by rasa-sdk's executor inside the app)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)

from assistant.conversation.chat import Conversation
from assistant.conversation.messages import Turn, UserMessage
from assistant.privacy import mask_text

log = logging.getLogger(__name__)
router = APIRouter(tags=["conversation"])
webhook_router = APIRouter(include_in_schema=False)


def conversation(request: Request) -> Conversation:
    return request.app.state.conversation  # type: ignore[no-any-return]


@router.post("/chat", response_model=Turn, summary="One turn of conversation with the assistant")
async def chat(message: UserMessage, request: Request) -> Turn:
    """Answers through the dialogue server; when it is down or slow, guide questions are still
    answered (``degraded: true``) and booking and waiver checks are said to be unavailable."""
    return await conversation(request).handle(message)


@webhook_router.post("/webhook")
def webhook(request: Request, call: dict[str, Any] = Body(...)) -> JSONResponse:  # noqa: B008
    """rasa-sdk's action-server protocol. A sync route: FastAPI runs it in its thread pool and
    the (database-bound) actions run on an event loop of their own there, never blocking the
    app's."""
    name = call.get("next_action")
    try:
        result = conversation(request).run_action(call)
    except ActionExecutionRejection as exc:
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, 400)
    except ActionNotFoundException as exc:
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, 404)
    except ActionMissingDomainException as exc:
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, 449)
    except Exception:
        log.exception("action %s failed (sender %s)", name, mask_text(str(call.get("sender_id"))))
        return JSONResponse({"error": f"action {name} failed", "action_name": name}, 500)
    return JSONResponse(result.model_dump() if result else None)
