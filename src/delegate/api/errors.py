"""The one place where errors become HTTP responses: always ``{"message", "code"}``."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from delegate.domain.errors import (
    Conflict,
    DelegateError,
    InvalidInput,
    NotAuthenticated,
    NotAuthorized,
    NotFound,
    RateLimited,
    Unavailable,
    UpstreamFailed,
)

log = logging.getLogger(__name__)

STATUS = {
    InvalidInput: 400,
    NotAuthenticated: 401,
    NotAuthorized: 403,
    NotFound: 404,
    Conflict: 409,
    RateLimited: 429,
    UpstreamFailed: 502,
    Unavailable: 503,
}

HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "NOT_AUTHENTICATED",
    403: "NOT_AUTHORIZED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
}

NOT_FOUND = {
    "botId": "Bot not found",
    "integrationId": "Recall integration not found",
    "sessionId": "Meeting session not found",
    "webhookId": "Webhook not found",
    "deliveryId": "Delivery not found",
}
"""What a path naming a record that cannot exist answers (the services' own words)."""

HTTP_MESSAGES = {
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
}


def error_body(status: int, message: str, code: str | None = None) -> dict[str, str]:
    return {"message": message, "code": code or HTTP_CODES.get(status, "ERROR")}


def error_response(status: int, message: str, code: str | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, code), status_code=status)


def status_of(exc: DelegateError) -> int:
    return next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 500)


def retry_after(exc: DelegateError) -> str | None:
    """The ``Retry-After`` header (whole seconds) an error answers with, if any."""
    seconds = getattr(exc, "retry_after_s", None)
    if (
        not isinstance(exc, Unavailable | RateLimited)
        or seconds is None
        or not math.isfinite(seconds)
    ):
        return None
    return str(max(1, math.ceil(seconds)))


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts)


def validation_message(errors: list[Any]) -> str:
    """Joi-style messages that name the offending field, joined with '; '."""
    messages = []
    for err in errors:
        kind = err.get("type", "")
        field = _field(err.get("loc", ()))
        if kind == "json_invalid":
            messages.append("Request body is not valid JSON")
        elif kind == "missing" and not field:
            messages.append("Request body is required (a JSON object)")
        elif kind == "model_attributes_type" and not field:
            messages.append("Request body must be a JSON object")
        elif kind == "extra_forbidden":
            messages.append(f'"{field}" is not allowed')
        elif kind == "missing":
            messages.append(f'"{field}" is required')
        else:
            text = str(err.get("msg") or "is invalid")
            messages.append(f'"{field}" {text[:1].lower()}{text[1:]}')
    return "; ".join(dict.fromkeys(messages)) or "Bad request"


def install(app: FastAPI) -> None:
    @app.exception_handler(DelegateError)
    async def _domain(_: Request, exc: DelegateError) -> JSONResponse:
        response = error_response(status_of(exc), exc.message, exc.code)
        if (after := retry_after(exc)) is not None:
            response.headers["Retry-After"] = after
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = list(exc.errors())
        for err in problems:
            loc = err.get("loc", ())
            if len(loc) == 2 and loc[0] == "path" and loc[1] in NOT_FOUND:
                # No record has an id of another shape: answered like an unknown id.
                return error_response(404, NOT_FOUND[loc[1]])
        return error_response(400, validation_message(problems))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else None
        if not message or message == "Request Entity Too Large":
            message = HTTP_MESSAGES.get(exc.status_code, "Request failed")
        response = error_response(exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)  # 405's Allow
        return response

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, _: ClientDisconnect) -> JSONResponse:
        # The caller hung up mid-request: nothing to answer and nothing wrong on our side.
        log.info("client disconnected during %s %s", request.method, request.url.path)
        return error_response(400, "Client disconnected")

    app.add_middleware(CatchAll)


class CatchAll:
    """Answers any unexpected error with ``{message, code}`` 500 and keeps the connection.

    Starlette's outermost error middleware answers too, but then re-raises, and the server
    closes the client's keep-alive connection: its next request would fail with "server
    disconnected". Added last, this middleware sits just inside that one and swallows the error
    once logged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracked = TrackedSend(send)
        try:
            await self.app(scope, receive, tracked)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not tracked.started:
                await error_response(500, "Internal server error")(scope, receive, send)


class TrackedSend:
    """An ASGI ``send`` that remembers whether the response has started: once it has, an
    error can no longer be answered."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)
