"""A small exception tree for the domain, mapped to HTTP in one place (``install_handlers``).

Domain code raises these with a message a citizen or an editor can read (in Chinese where a
citizen sees it); routers never build error responses by hand.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class AssistantError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(AssistantError):
    status_code = 422
    code = "invalid_input"


class NotFound(AssistantError):
    status_code = 404
    code = "not_found"


class Conflict(AssistantError):
    status_code = 409
    code = "conflict"


class NotAuthenticated(AssistantError):
    status_code = 401
    code = "not_authenticated"


class Forbidden(AssistantError):
    status_code = 403
    code = "forbidden"


class RateLimited(AssistantError):
    status_code = 429
    code = "rate_limited"


class Unavailable(AssistantError):
    status_code = 503
    code = "unavailable"


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    return body


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(AssistantError)
    async def _domain_error(_request: Request, exc: AssistantError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details), status_code=exc.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"]}
            for e in exc.errors()
        ]
        return JSONResponse(
            error_body("invalid_input", "请求内容有误，请检查后重试。", details), status_code=422
        )
