"""The OpenAPI document, made to tell the truth: each operation lists the error statuses it
can answer (all in the ``{message, code}`` shape, 400 where FastAPI would say 422), bearer
auth is declared, and the realtime receiver FastAPI never sees is described by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from delegate.api.recall_callbacks import OPENAPI_PATH, openapi_operation
from delegate.api.schemas import ErrorOut

ERROR_DESCRIPTIONS = {
    400: "Invalid input (the message names the field), or Recall refused it for what it asked",
    401: "Missing or invalid credentials",
    404: "No such record in this account",
    409: "Conflicts with the record's state (alias taken, meeting over, request in progress)",
    413: "Request body too large",
    429: "Rate limited: too many failed authentications from this client, or (initiate) too "
    "many initiates for this account; wait the seconds of Retry-After",
    502: "Recall failed or could not be reached",
    503: "Recall asked to come back later: nothing was done; retry after Retry-After seconds",
}

READ = (400, 401, 404)
LIST = (400, 401)
CREATE = (400, 401, 409, 413)
CHANGE = (400, 401, 404, 409, 413)
DELETE = (400, 401, 404, 413)
MEETING_ACTION = (400, 401, 404, 409, 413, 502)
INITIATE = (*MEETING_ACTION, 503)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that can answer these error statuses."""
    return {
        status: {"model": ErrorOut, "description": ERROR_DESCRIPTIONS[status]}
        | ({"headers": RETRY_AFTER} if status == 503 else {})
        for status in statuses
    }


RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again (what Recall said)",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def error_content() -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


def rate_limited(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": ERROR_DESCRIPTIONS[429],
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before retrying",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        },
        "content": content,
    }


def truthful(describe: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Wrap FastAPI's ``app.openapi``: the generated document, corrected, built once."""
    cached: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not cached:
            schema = describe()
            for operations in schema["paths"].values():
                for operation in operations.values():
                    # Validation errors answer 400 BAD_REQUEST (ChatBotKit's convention).
                    operation.get("responses", {}).pop("422", None)
                    if {"bearerAuth": []} in operation.get("security", []):
                        # Every bearer route may be refused for failed authentications.
                        operation["responses"]["429"] = rate_limited(error_content())
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                components.pop(name, None)
            schema["paths"].setdefault(OPENAPI_PATH, openapi_operation(error_content()))
            cached.update(schema)
        return cached

    return openapi
