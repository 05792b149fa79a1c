"""Errors the SDK raises: one class per API status, built from the body's ``{message, code}``."""

from __future__ import annotations

import json

import httpx2

__all__ = [
    "BadGateway",
    "BadRequest",
    "Conflict",
    "ConnectionFailed",
    "DelegateError",
    "NotAuthenticated",
    "NotAuthorized",
    "NotFound",
    "RateLimited",
    "ServerError",
    "TimedOut",
]


class DelegateError(Exception):
    """An API call failed. ``status`` is the HTTP status (``None`` when no answer came)."""

    def __init__(self, message: str, code: str = "ERROR", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def __str__(self) -> str:
        return f"{self.message} ({self.code})"

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(message={self.message!r}, code={self.code!r}, status={self.status!r})"


class BadRequest(DelegateError):
    """400: the request is invalid; the message names the field."""


class NotAuthenticated(DelegateError):
    """401: the token is missing, unknown or revoked."""


class NotAuthorized(DelegateError):
    """403: the token may not do this."""


class NotFound(DelegateError):
    """404: no such record (or it belongs to another account)."""


class Conflict(DelegateError):
    """409: the record is in the wrong state (for example the meeting already ended)."""


class RateLimited(DelegateError):
    """429: too many requests (failed authentications from this client, or initiates of this
    account). ``retry_after`` is the seconds the server asks to wait (``None`` if it said
    nothing)."""

    def __init__(
        self,
        message: str,
        code: str = "RATE_LIMITED",
        status: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code, status)
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"{super().__repr__()[:-1]}, retry_after={self.retry_after!r})"


class ServerError(DelegateError):
    """5xx: the server failed."""


class BadGateway(ServerError):
    """502: Recall (upstream) failed or refused the request."""


class ConnectionFailed(DelegateError):
    """The server could not be reached."""


class TimedOut(DelegateError):
    """No answer in time (a request, or a wait for a session)."""


_BY_STATUS: dict[int, type[DelegateError]] = {
    400: BadRequest,
    401: NotAuthenticated,
    403: NotAuthorized,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
    502: BadGateway,
}

_MAX_BODY_IN_MESSAGE = 200


def error_for(response: httpx2.Response) -> DelegateError:
    """The error for a non-2xx response; a body that is not ``{message, code}`` still reads well."""
    status = response.status_code
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else DelegateError)
    message, code = _message_and_code(response)
    if cls is RateLimited:
        return RateLimited(message, code, status, _retry_after(response))
    return cls(message, code, status)


def _retry_after(response: httpx2.Response) -> float | None:
    """``Retry-After`` in seconds (an HTTP date is not worth parsing here: ``None``)."""
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None


def _message_and_code(response: httpx2.Response) -> tuple[str, str]:
    fallback_code = f"HTTP_{response.status_code}"
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        code = body.get("code")
        return body["message"], code if isinstance(code, str) else fallback_code
    text = " ".join(response.text.split())[:_MAX_BODY_IN_MESSAGE]
    what = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    return (f"{what}: {text}" if text else what), fallback_code
