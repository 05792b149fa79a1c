"""The asynchronous resources: the same operations as ``_resources``, awaited."""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, overload

from delegate.client import _requests as rq
from delegate.client._exceptions import TimedOut
from delegate.client.types import (
    ActionResult,
    Bot,
    IdResult,
    InitiateResult,
    MeetingSession,
    Notes,
    Order,
    Page,
    RecallIntegration,
    ReplyMode,
    SetupResult,
    T,
    Transcript,
    TranscriptFormat,
)

if TYPE_CHECKING:
    from delegate.client._client import AsyncDelegate


async def _walk(
    list_page: Callable[[str | None], Awaitable[Page[T]]], take: int
) -> AsyncIterator[T]:
    cursor: str | None = None
    while True:
        page = await list_page(cursor)
        for item in page.items:
            yield item
        if (cursor := rq.next_cursor(page, take)) is None:
            return


class AsyncBots:
    """``client.bot``: bots (a backstory and a model) that do the thinking."""

    def __init__(self, client: AsyncDelegate) -> None:
        self._client = client

    async def list(
        self, *, cursor: str | None = None, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Page[Bot]:
        """One page of bots."""
        return await self._client._model(rq.listing("bot/list", cursor, order, take), Page[Bot])

    def iterate(self, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE) -> AsyncIterator[Bot]:
        """Every bot, following cursors page by page."""
        return _walk(lambda cursor: self.list(cursor=cursor, order=order, take=take), take)

    async def list_all(self, *, order: Order = "desc") -> builtins.list[Bot]:
        """Every bot, in one list."""
        return [item async for item in self.iterate(order=order)]

    async def create(
        self,
        *,
        name: str | None = None,
        backstory: str | None = None,
        model: str | None = None,
        alias: str | None = None,
        description: str | None = None,
        meta: dict[str, Any] | None = None,
        reply_mode: ReplyMode | None = None,
        voice: str | None = None,
    ) -> IdResult:
        """Create a bot; answers its id."""
        body = rq.fields(
            name=name,
            backstory=backstory,
            model=model,
            alias=alias,
            description=description,
            meta=meta,
            reply_mode=reply_mode,
            voice=voice,
        )
        return await self._client._model(rq.post("bot/create", body), IdResult)

    async def fetch(self, bot_id: str) -> Bot:
        """One bot, by id or ``@alias``."""
        return await self._client._model(rq.get(rq.bot_path(bot_id, "fetch")), Bot)

    async def update(
        self,
        bot_id: str,
        *,
        name: str | None = None,
        backstory: str | None = None,
        model: str | None = None,
        alias: str | None = None,
        description: str | None = None,
        meta: dict[str, Any] | None = None,
        reply_mode: ReplyMode | None = None,
        voice: str | None = None,
    ) -> IdResult:
        """Change the given fields; the others stay as they are."""
        body = rq.fields(
            name=name,
            backstory=backstory,
            model=model,
            alias=alias,
            description=description,
            meta=meta,
            reply_mode=reply_mode,
            voice=voice,
        )
        return await self._client._model(rq.post(rq.bot_path(bot_id, "update"), body), IdResult)

    async def delete(self, bot_id: str) -> IdResult:
        """Delete a bot."""
        return await self._client._model(rq.post(rq.bot_path(bot_id, "delete")), IdResult)


class AsyncIntegrations:
    """``client.integration``: integrations with other services."""

    def __init__(self, client: AsyncDelegate) -> None:
        self.recall = AsyncRecallIntegrations(client)


class AsyncRecallIntegrations:
    """``client.integration.recall``: Recall.ai integrations, and sending delegates to meetings."""

    def __init__(self, client: AsyncDelegate) -> None:
        self._client = client

    async def list(
        self, *, cursor: str | None = None, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Page[RecallIntegration]:
        """One page of Recall integrations."""
        call = rq.listing("integration/recall/list", cursor, order, take)
        return await self._client._model(call, Page[RecallIntegration])

    def iterate(
        self, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> AsyncIterator[RecallIntegration]:
        """Every Recall integration, following cursors page by page."""
        return _walk(lambda cursor: self.list(cursor=cursor, order=order, take=take), take)

    async def list_all(self, *, order: Order = "desc") -> builtins.list[RecallIntegration]:
        """Every Recall integration, in one list."""
        return [item async for item in self.iterate(order=order)]

    async def create(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        alias: str | None = None,
        bot_id: str | None = None,
        api_key: str | None = None,
        webhook_secret: str | None = None,
        region: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> IdResult:
        """Create a Recall integration; ``api_key`` and ``webhook_secret`` are write-only."""
        body = rq.fields(
            name=name,
            description=description,
            alias=alias,
            bot_id=bot_id,
            api_key=api_key,
            webhook_secret=webhook_secret,
            region=region,
            meta=meta,
        )
        return await self._client._model(rq.post("integration/recall/create", body), IdResult)

    async def fetch(self, integration_id: str) -> RecallIntegration:
        """One Recall integration, by id or ``@alias`` (secrets are never returned)."""
        call = rq.get(rq.integration_path(integration_id, "fetch"))
        return await self._client._model(call, RecallIntegration)

    async def update(
        self,
        integration_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        alias: str | None = None,
        bot_id: str | None = None,
        api_key: str | None = None,
        webhook_secret: str | None = None,
        region: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> IdResult:
        """Change the given fields; the others stay as they are."""
        body = rq.fields(
            name=name,
            description=description,
            alias=alias,
            bot_id=bot_id,
            api_key=api_key,
            webhook_secret=webhook_secret,
            region=region,
            meta=meta,
        )
        call = rq.post(rq.integration_path(integration_id, "update"), body)
        return await self._client._model(call, IdResult)

    async def delete(self, integration_id: str) -> IdResult:
        """Delete a Recall integration."""
        call = rq.post(rq.integration_path(integration_id, "delete"))
        return await self._client._model(call, IdResult)

    async def setup(self, integration_id: str) -> SetupResult:
        """Register the server's status webhook URL with the integration's Recall workspace
        (the simulator takes it; on Recall itself a ``Conflict`` names the URL to add in
        the dashboard)."""
        call = rq.post(rq.integration_path(integration_id, "setup"))
        return await self._client._model(call, SetupResult)

    async def initiate(
        self,
        integration_id: str,
        *,
        meeting_url: str,
        text: str,
        bot_name: str | None = None,
        join_at: datetime | str | None = None,
        idempotency_key: str | None = None,
        reply_mode: ReplyMode | None = None,
        voice: str | None = None,
    ) -> InitiateResult:
        """Send a delegate into a meeting with an instruction (``text``).

        Pass an ``idempotency_key`` to retry safely: the same key never sends a second bot.
        """
        body = rq.fields(
            meeting_url=meeting_url,
            text=text,
            bot_name=bot_name,
            join_at=rq.iso(join_at),
            reply_mode=reply_mode,
            voice=voice,
        )
        path = rq.integration_path(integration_id, "initiate")
        call = rq.post(path, body, idempotency_key=idempotency_key)
        return await self._client._model(call, InitiateResult)

    def sessions(self, integration_id: str) -> AsyncSessions:
        """The meeting sessions of one integration."""
        return AsyncSessions(self._client, integration_id)


class AsyncSessions:
    """The meeting sessions of one Recall integration, and the controls of a live delegate."""

    def __init__(self, client: AsyncDelegate, integration_id: str) -> None:
        self._client = client
        self.integration_id = integration_id

    def _path(self, session_id: str, verb: str) -> str:
        return rq.session_path(self.integration_id, session_id, verb)

    async def _action(self, session_id: str, verb: str, **body: str) -> ActionResult:
        call = rq.post(self._path(session_id, verb), body)
        return await self._client._model(call, ActionResult)

    async def list(
        self, *, cursor: str | None = None, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Page[MeetingSession]:
        """One page of sessions (without participants and replies)."""
        path = rq.integration_path(self.integration_id, "session/list")
        return await self._client._model(
            rq.listing(path, cursor, order, take), Page[MeetingSession]
        )

    def iterate(
        self, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> AsyncIterator[MeetingSession]:
        """Every session, following cursors page by page."""
        return _walk(lambda cursor: self.list(cursor=cursor, order=order, take=take), take)

    async def list_all(self, *, order: Order = "desc") -> builtins.list[MeetingSession]:
        """Every session, in one list."""
        return [item async for item in self.iterate(order=order)]

    async def fetch(self, session_id: str) -> MeetingSession:
        """One session with its participants and the delegate's replies."""
        return await self._client._model(rq.get(self._path(session_id, "fetch")), MeetingSession)

    async def wait(
        self,
        session_id: str,
        *,
        until: Callable[[MeetingSession], bool] = rq.joined_or_finished,
        # Same signature as the sync client's wait; the deadline is checked between polls.
        timeout: float = 300.0,  # noqa: ASYNC109
        interval: float = 1.0,
        on_update: Callable[[MeetingSession], None] | None = None,
    ) -> MeetingSession:
        """Poll the session until ``until`` holds (by default: the delegate is in the call, or
        the session ended or failed). Raises ``TimedOut`` after ``timeout`` seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            session = await self.fetch(session_id)
            if on_update is not None:
                on_update(session)
            if until(session):
                return session
            if asyncio.get_running_loop().time() >= deadline:
                raise TimedOut(f"session {session_id} still {session.status}", "TIMEOUT")
            await asyncio.sleep(interval)

    @overload
    async def transcript(self, session_id: str, format: Literal["json"] = "json") -> Transcript: ...

    @overload
    async def transcript(
        self, session_id: str, format: Literal["text", "markdown", "vtt", "srt"]
    ) -> str: ...

    @overload
    async def transcript(self, session_id: str, format: TranscriptFormat) -> Transcript | str: ...

    async def transcript(
        self, session_id: str, format: TranscriptFormat = "json"
    ) -> Transcript | str:
        """The transcript: a ``Transcript`` for ``json``, else the rendered text."""
        call = rq.get(self._path(session_id, "transcript"), format=format)
        if format == "json":
            return await self._client._model(call, Transcript)
        return await self._client._text(call)

    async def notes(self, session_id: str) -> Notes:
        """Meeting notes (summary, decisions, action items) once the meeting ended."""
        return await self._client._model(rq.get(self._path(session_id, "notes")), Notes)

    async def wait_for_notes(
        self,
        session_id: str,
        *,
        # Same signature as the sync client's; the deadline is checked between polls.
        timeout: float = 300.0,  # noqa: ASYNC109
        interval: float = 1.0,
    ) -> Notes:
        """Poll the notes until they are written (the meeting ended and they are ready).
        Raises ``TimedOut`` after ``timeout`` seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            notes = await self.notes(session_id)
            if notes.status == "ready":
                return notes
            if asyncio.get_running_loop().time() >= deadline:
                raise TimedOut(f"notes of session {session_id} still {notes.status}", "TIMEOUT")
            await asyncio.sleep(interval)

    async def send_message(
        self, session_id: str, message: str, to: str = "everyone"
    ) -> ActionResult:
        """Post a chat message in the meeting as the delegate."""
        return await self._action(session_id, "message/send", message=message, to=to)

    async def start_recording(self, session_id: str) -> ActionResult:
        return await self._action(session_id, "recording/start")

    async def stop_recording(self, session_id: str) -> ActionResult:
        return await self._action(session_id, "recording/stop")

    async def pause_recording(self, session_id: str) -> ActionResult:
        return await self._action(session_id, "recording/pause")

    async def resume_recording(self, session_id: str) -> ActionResult:
        return await self._action(session_id, "recording/resume")

    async def start_screenshare(self, session_id: str, url: str) -> ActionResult:
        """Show a web page (public https URL) as the delegate's screenshare."""
        return await self._action(session_id, "screenshare/start", url=url)

    async def stop_screenshare(self, session_id: str) -> ActionResult:
        return await self._action(session_id, "screenshare/stop")

    async def leave(self, session_id: str) -> ActionResult:
        """Make the delegate leave the meeting (notes follow)."""
        return await self._action(session_id, "leave")
