"""Tool results: the answer as JSON text (and structured content), or an error whose text is
the API's ``{"message", "code"}`` so an agent reads what to fix."""

from __future__ import annotations

from typing import Any

import orjson
from mcp_types import CallToolResult, TextContent

BAD_REQUEST = "BAD_REQUEST"


def _text(data: dict[str, Any]) -> list[TextContent]:
    return [TextContent(type="text", text=orjson.dumps(data).decode())]


def success(data: dict[str, Any]) -> CallToolResult:
    """A tool's answer."""
    return CallToolResult(content=_text(data), structured_content=data)


def failure(message: str, code: str = BAD_REQUEST) -> CallToolResult:
    """A tool error carrying ``{message, code}``."""
    error = {"message": message, "code": code}
    return CallToolResult(content=_text(error), structured_content=error, is_error=True)


def error_of(result: CallToolResult) -> dict[str, Any] | None:
    """The ``{message, code}`` of an error result, if it carries one."""
    data = result.structured_content
    if result.is_error and isinstance(data, dict) and {"message", "code"} <= data.keys():
        return data
    return None
