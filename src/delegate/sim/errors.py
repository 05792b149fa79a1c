"""The error responses of the simulated Recall API (Django REST Framework shapes)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Answer ``status`` with ``body`` (JSON) instead of doing the request."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def invalid_token() -> ApiError:
    return ApiError(401, {"detail": "Invalid token."}, {"www-authenticate": "Token"})


def not_found() -> ApiError:
    return ApiError(404, {"detail": "Not found."})


def method_not_allowed(method: str) -> ApiError:
    return ApiError(405, {"detail": f'Method "{method}" not allowed.'})


def field_errors(errors: dict[str, Any]) -> ApiError:
    return ApiError(400, errors)


def coded(code: str, detail: str, status: int = 400) -> ApiError:
    return ApiError(status, {"code": code, "detail": detail})


def command_completed() -> ApiError:
    return coded(
        "cannot_command_completed_bot",
        "Cannot send a command to a bot which has completed"
        "(is shutting/has shut down/has errored).",
    )


def command_unstarted() -> ApiError:
    return coded(
        "cannot_command_unstarted_bot", "Cannot send a command to a bot which has not been started."
    )


def update_failed(detail: str) -> ApiError:
    return coded("update_bot_failed", detail)
