"""The MCP tools: thin calls of the API through the SDK, with the caller's token.

Each tool parses nothing itself: the API validates what it is sent (meeting URL, join time,
recipient, page URL) exactly as for any other client, and an API error becomes a tool error
whose text is the API's ``{"message", "code"}``."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import CallToolResult, ToolAnnotations
from pydantic import Field

from delegate.mcp.connection import Connector, SessionDirectory
from delegate.mcp.results import failure, success
from delegate.mcp.transcript_view import select_turns
from delegate_client import AsyncDelegate, BadRequest, DelegateError, MeetingSession
from delegate_client._operations import Async
from delegate_client._resources import Sessions
from delegate_client.types import Model

Json = dict[str, Any]
Operation = Callable[..., Awaitable[Json]]

SessionIdArg = Annotated[
    str, Field(min_length=1, description="The session id (from send_delegate or list_sessions)")
]
IntegrationIdArg = Annotated[
    str | None,
    Field(
        min_length=1,
        description="The Recall integration to use (from list_integrations); may be left out "
        "when the account has exactly one",
    ),
]
READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
IN_MEETING = ToolAnnotations(read_only_hint=False, open_world_hint=True)
ASKS_RECALL = ToolAnnotations(read_only_hint=True, open_world_hint=True)
LIST_LIMIT = 20


def _json(record: Model, *drop: str) -> Json:
    data = record.to_json()
    for name in drop:
        data.pop(name, None)
    return data


def _session_json(session: MeetingSession) -> Json:
    """A session as an agent needs it: status, meeting and people; the delegate's replies
    are left out (the transcript has what it said)."""
    return _json(session, "replies")


class DelegateTools:
    """The tools of one MCP server; ``register`` adds them to it."""

    def __init__(self, connector: Connector, directory: SessionDirectory) -> None:
        self.connector = connector
        self.directory = directory

    def api(self, ctx: Context) -> AsyncDelegate:
        """The API client acting for the caller of this request."""
        return self.connector.client(ctx.request_context.request)

    async def session_api(self, ctx: Context, session_id: str) -> Sessions[Async]:
        """The SDK's session resource of the integration that holds ``session_id``."""
        api = self.api(ctx)
        integration_id = await self.directory.integration_of(api, session_id)
        return api.integration.recall.sessions(integration_id)

    async def list_bots(self, ctx: Context) -> Json:
        """List the account's bots: each one is a backstory (system prompt) and a model that
        does a delegate's thinking."""
        bots = await self.api(ctx).bot.list_all()
        return {"bots": [_json(b) for b in bots]}

    async def list_integrations(self, ctx: Context) -> Json:
        """List the account's Recall integrations: each one sends delegates through one Recall
        workspace with one bot. Use an id from here as integration_id."""
        integrations = await self.api(ctx).integration.recall.list_all()
        return {"integrations": [_json(i) for i in integrations]}

    async def verify_integration(
        self, ctx: Context, integration_id: IntegrationIdArg = None
    ) -> Json:
        """Check a Recall integration against Recall for real, changing nothing: is its API
        key accepted in its region (or is Recall unreachable), is a webhook secret set, can it
        send a delegate. Each check has a level (ok, warning, error) and a message; ok is
        false when a check is an error. Use it when send_delegate fails on Recall's side."""
        api = self.api(ctx)
        integration = integration_id or await self._only_integration(api)
        return _json(await api.integration.recall.verify(integration))

    async def send_delegate(
        self,
        ctx: Context,
        meeting_url: Annotated[
            str,
            Field(
                description="The https link of the meeting (Zoom, Google Meet, Microsoft "
                "Teams, Webex, GoTo)"
            ),
        ],
        instruction: Annotated[
            str,
            Field(
                description="What the delegate should do in this meeting, in plain words "
                "(e.g. 'Take notes and answer questions about the Q3 roadmap')"
            ),
        ],
        integration_id: IntegrationIdArg = None,
        bot_name: Annotated[
            str | None,
            Field(description="The name shown in the meeting; defaults to the bot's name"),
        ] = None,
        join_at: Annotated[
            str | None,
            Field(
                description="When to join, ISO 8601 with a time zone (e.g. "
                "2026-12-03T15:00:00Z); leave out to join now"
            ),
        ] = None,
        idempotency_key: Annotated[
            str | None,
            Field(
                max_length=255,
                description="Any unique string for this request: sending again with the same "
                "key (within 24 hours, e.g. after a timeout) answers the first session and "
                "sends no second delegate",
            ),
        ] = None,
    ) -> Json:
        """Send a delegate into a meeting with an instruction. Answers the new session's id:
        follow it with session_status and read_transcript."""
        api = self.api(ctx)
        integration = integration_id or await self._only_integration(api)
        result = await api.integration.recall.initiate(
            integration,
            meeting_url=meeting_url,
            text=instruction,
            bot_name=bot_name,
            join_at=join_at,
            idempotency_key=idempotency_key,
        )
        self.directory.remember(result.session_id, integration)
        session = await api.integration.recall.sessions(integration).fetch(result.session_id)
        return {
            "sessionId": result.session_id,
            "integrationId": integration,
            **_session_json(session),
        }

    async def _only_integration(self, api: AsyncDelegate) -> str:
        integrations = await api.integration.recall.list_all()
        if len(integrations) == 1:
            return integrations[0].id
        if not integrations:
            raise BadRequest(
                "this account has no Recall integration yet: create one (delegate "
                "integration create) before sending a delegate",
                "BAD_REQUEST",
                400,
            )
        names = ", ".join(f"{i.id} ({i.name})" for i in integrations)
        raise BadRequest(
            f"this account has {len(integrations)} Recall integrations; pass integration_id, "
            f"one of: {names}",
            "BAD_REQUEST",
            400,
        )

    async def list_sessions(
        self,
        ctx: Context,
        integration_id: Annotated[
            str | None,
            Field(description="Only this integration's sessions; leave out for all of them"),
        ] = None,
        limit: Annotated[
            int, Field(ge=1, le=100, description="At most this many, newest first")
        ] = LIST_LIMIT,
    ) -> Json:
        """List meeting sessions (one delegate in one meeting each), newest first."""
        api = self.api(ctx)
        if integration_id:
            ids = [integration_id]
        else:
            ids = [i.id for i in await api.integration.recall.list_all()]
        sessions: list[MeetingSession] = []
        for iid in ids:
            sessions += (await api.integration.recall.sessions(iid).list(take=limit)).items
        sessions.sort(key=lambda s: s.created_at, reverse=True)
        for s in sessions:
            self.directory.remember(s.id, s.integration_id)
        return {"sessions": [_session_json(s) for s in sessions[:limit]]}

    async def session_status(self, ctx: Context, session_id: SessionIdArg) -> Json:
        """A session's status (joining, in_call, recording, ended, failed, ...), its meeting
        and who is in it (participants, the host marked)."""
        session = await (await self.session_api(ctx, session_id)).fetch(session_id)
        return _session_json(session)

    async def read_transcript(
        self,
        ctx: Context,
        session_id: SessionIdArg,
        since_turn: Annotated[
            int | None,
            Field(
                description="Only turns after this one (the lastTurn of an earlier answer), "
                "to follow a live meeting"
            ),
        ] = None,
        search: Annotated[
            str | None,
            Field(
                description="Only turns whose speaker or text contains every word of this "
                "(case-insensitive), e.g. 'pricing'"
            ),
        ] = None,
    ) -> Json:
        """Read what was said and written in the meeting, turn by turn (speaker, text, chat
        or speech, seconds from the start). Whole, since a turn, or searched."""
        transcript = await (await self.session_api(ctx, session_id)).transcript(session_id)
        turns = select_turns(transcript.items, since_turn, search)
        last = transcript.items[-1].seq if transcript.items else since_turn
        return {
            "sessionId": session_id,
            "turns": [_json(t) for t in turns],
            "lastTurn": last,
        }

    async def send_chat_message(
        self,
        ctx: Context,
        session_id: SessionIdArg,
        message: Annotated[str, Field(description="The text to post in the meeting chat")],
        to: Annotated[
            str,
            Field(
                description="'everyone', 'host', or a participant id from session_status "
                "(a direct message, where the platform has them)"
            ),
        ] = "everyone",
    ) -> Json:
        """Post a chat message in the meeting as the delegate."""
        sessions = await self.session_api(ctx, session_id)
        return _json(await sessions.send_message(session_id, message, to))

    async def pause_recording(self, ctx: Context, session_id: SessionIdArg) -> Json:
        """Pause the delegate's recording (and transcription) of the meeting."""
        sessions = await self.session_api(ctx, session_id)
        return _json(await sessions.pause_recording(session_id))

    async def resume_recording(self, ctx: Context, session_id: SessionIdArg) -> Json:
        """Resume the delegate's recording after pause_recording."""
        sessions = await self.session_api(ctx, session_id)
        return _json(await sessions.resume_recording(session_id))

    async def share_page(
        self,
        ctx: Context,
        session_id: SessionIdArg,
        url: Annotated[
            str, Field(description="A public https web page to show as the screenshare")
        ],
    ) -> Json:
        """Show a web page in the meeting as the delegate's screenshare."""
        sessions = await self.session_api(ctx, session_id)
        return _json(await sessions.start_screenshare(session_id, url))

    async def stop_sharing(self, ctx: Context, session_id: SessionIdArg) -> Json:
        """Stop the delegate's screenshare."""
        sessions = await self.session_api(ctx, session_id)
        return _json(await sessions.stop_screenshare(session_id))

    async def leave_meeting(self, ctx: Context, session_id: SessionIdArg) -> Json:
        """Make the delegate leave the meeting; its notes are written right after."""
        sessions = await self.session_api(ctx, session_id)
        return _json(await sessions.leave(session_id))

    async def get_notes(self, ctx: Context, session_id: SessionIdArg) -> Json:
        """The meeting notes: summary, decisions and action items. status is 'ready' once
        the meeting ended and they are written, else 'not_ended' or 'pending'."""
        sessions = await self.session_api(ctx, session_id)
        return _json(await sessions.notes(session_id))

    async def list_datasets(self, ctx: Context) -> Json:
        """List the account's datasets (knowledge bases a bot answers from): id, name and
        how far their records are indexed."""
        datasets = await self.api(ctx).dataset.list_all()
        return {"datasets": [_json(d) for d in datasets]}

    async def search_dataset(
        self,
        ctx: Context,
        dataset_id: Annotated[
            str, Field(min_length=1, description="The dataset id (from list_datasets)")
        ],
        search: Annotated[
            str, Field(min_length=1, description="What to look for, in any language")
        ],
        take: Annotated[
            int, Field(ge=1, le=LIST_LIMIT, description="How many records at most")
        ] = 5,
    ) -> Json:
        """Search a dataset by meaning and words: the records that best answer ``search``,
        best first, each with its text, source (e.g. pricing.md) and score."""
        return _json(await self.api(ctx).dataset.search(dataset_id, search, take=take))

    def register(self, server: MCPServer) -> None:
        """Add every tool to ``server``."""
        read: list[Operation] = [
            self.list_bots,
            self.list_integrations,
            self.list_sessions,
            self.session_status,
            self.read_transcript,
            self.get_notes,
            self.list_datasets,
            self.search_dataset,
        ]
        act: list[Operation] = [
            self.send_delegate,
            self.send_chat_message,
            self.pause_recording,
            self.resume_recording,
            self.share_page,
            self.stop_sharing,
            self.leave_meeting,
        ]
        checks: list[Operation] = [self.verify_integration]
        for operations, hints in ((read, READ_ONLY), (checks, ASKS_RECALL), (act, IN_MEETING)):
            for operation in operations:
                server.add_tool(answering(operation), annotations=hints, structured_output=False)


def answering(operation: Operation) -> Callable[..., Awaitable[CallToolResult]]:
    """The tool for ``operation``: its answer, or the API's error, as a tool result. The tool
    keeps the operation's name, docstring and parameters (the SDK builds the input schema
    from them)."""

    async def tool(*args: Any, **kwargs: Any) -> CallToolResult:
        try:
            return success(await operation(*args, **kwargs))
        except DelegateError as exc:
            return failure(exc.message, exc.code)

    signature = inspect.signature(operation, eval_str=True)
    tool.__name__ = tool.__qualname__ = operation.__name__
    tool.__doc__ = operation.__doc__
    tool.__signature__ = signature.replace(  # type: ignore[attr-defined]
        return_annotation=CallToolResult
    )
    tool.__annotations__ = {
        **{name: p.annotation for name, p in signature.parameters.items()},
        "return": CallToolResult,
    }
    return tool
