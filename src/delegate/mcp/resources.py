"""The MCP resources: a meeting's transcript and notes, read through the API with the
caller's token. ``live.py`` tells listeners when they change."""

from __future__ import annotations

import orjson
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPError
from mcp_types import INTERNAL_ERROR, INVALID_PARAMS

from delegate.mcp.tools import DelegateTools
from delegate_client import BadRequest, DelegateError, NotFound

SCHEME = "delegate"
TRANSCRIPT_URI = "delegate://session/{session_id}/transcript"
NOTES_URI = "delegate://session/{session_id}/notes"


def transcript_uri(session_id: str) -> str:
    return TRANSCRIPT_URI.format(session_id=session_id)


def notes_uri(session_id: str) -> str:
    return NOTES_URI.format(session_id=session_id)


def resource_error(exc: DelegateError) -> MCPError:
    """The API's error as a resource read error; ``data`` carries ``{message, code}``."""
    code = INVALID_PARAMS if isinstance(exc, NotFound | BadRequest) else INTERNAL_ERROR
    return MCPError(code, exc.message, {"message": exc.message, "code": exc.code})


class DelegateResources:
    """The resources of one MCP server, reached with the same clients as its tools."""

    def __init__(self, tools: DelegateTools) -> None:
        self.tools = tools

    async def transcript(self, session_id: str, ctx: Context) -> str:
        """The transcript as text, one turn per line ("[mm:ss] Speaker: text")."""
        try:
            sessions = await self.tools.session_api(ctx, session_id)
            text: str = await sessions.transcript_text(session_id, "text")
        except DelegateError as exc:
            raise resource_error(exc) from exc
        return text

    async def notes(self, session_id: str, ctx: Context) -> str:
        """The notes as JSON: status, summary, decisions, action items."""
        try:
            sessions = await self.tools.session_api(ctx, session_id)
            notes = await sessions.notes(session_id)
        except DelegateError as exc:
            raise resource_error(exc) from exc
        return orjson.dumps(notes.to_json()).decode()

    def register(self, server: MCPServer) -> None:
        """Add the resource templates to ``server``."""
        server.resource(
            TRANSCRIPT_URI,
            name="transcript",
            title="Meeting transcript",
            description="What was said and written in the meeting so far, one turn per line; "
            "updated while the meeting is live",
            mime_type="text/plain",
        )(self.transcript)
        server.resource(
            NOTES_URI,
            name="notes",
            title="Meeting notes",
            description="Summary, decisions and action items, written when the meeting ends",
            mime_type="application/json",
        )(self.notes)
