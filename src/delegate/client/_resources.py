"""The synchronous resources: ``client.bot``, ``client.integration.recall`` and its sessions."""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Iterator
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
    from delegate.client._client import Delegate


def _walk(list_page: Callable[[str | None], Page[T]], take: int) -> Iterator[T]:
    cursor: str | None = None
    while True:
        page = list_page(cursor)
        yield from page.items
        if (cursor := rq.next_cursor(page, take)) is None:
            return


class Bots:
    """``client.bot``: bots (a backstory and a model) that do the thinking."""

    def __init__(self, client: Delegate) -> None:
        self._client = client

    def list(
        self, *, cursor: str | None = None, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Page[Bot]:
        """One page of bots."""
        return self._client._model(rq.listing("bot/list", cursor, order, take), Page[Bot])

    def iterate(self, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE) -> Iterator[Bot]:
        """Every bot, following cursors page by page."""
        return _walk(lambda cursor: self.list(cursor=cursor, order=order, take=take), take)

    def list_all(self, *, order: Order = "desc") -> builtins.list[Bot]:
        """Every bot, in one list."""
        return list(self.iterate(order=order))

    def create(
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
        return self._client._model(rq.post("bot/create", body), IdResult)

    def fetch(self, bot_id: str) -> Bot:
        """One bot, by id or ``@alias``."""
        return self._client._model(rq.get(rq.bot_path(bot_id, "fetch")), Bot)

    def update(
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
        return self._client._model(rq.post(rq.bot_path(bot_id, "update"), body), IdResult)

    def delete(self, bot_id: str) -> IdResult:
        """Delete a bot."""
        return self._client._model(rq.post(rq.bot_path(bot_id, "delete")), IdResult)


class Integrations:
    """``client.integration``: integrations with other services."""

    def __init__(self, client: Delegate) -> None:
        self.recall = RecallIntegrations(client)


class RecallIntegrations:
    """``client.integration.recall``: Recall.ai integrations, and sending delegates to meetings."""

    def __init__(self, client: Delegate) -> None:
        self._client = client

    def list(
        self, *, cursor: str | None = None, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Page[RecallIntegration]:
        """One page of Recall integrations."""
        call = rq.listing("integration/recall/list", cursor, order, take)
        return self._client._model(call, Page[RecallIntegration])

    def iterate(
        self, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Iterator[RecallIntegration]:
        """Every Recall integration, following cursors page by page."""
        return _walk(lambda cursor: self.list(cursor=cursor, order=order, take=take), take)

    def list_all(self, *, order: Order = "desc") -> builtins.list[RecallIntegration]:
        """Every Recall integration, in one list."""
        return list(self.iterate(order=order))

    def create(
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
        return self._client._model(rq.post("integration/recall/create", body), IdResult)

    def fetch(self, integration_id: str) -> RecallIntegration:
        """One Recall integration, by id or ``@alias`` (secrets are never returned)."""
        call = rq.get(rq.integration_path(integration_id, "fetch"))
        return self._client._model(call, RecallIntegration)

    def update(
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
        return self._client._model(call, IdResult)

    def delete(self, integration_id: str) -> IdResult:
        """Delete a Recall integration."""
        call = rq.post(rq.integration_path(integration_id, "delete"))
        return self._client._model(call, IdResult)

    def setup(self, integration_id: str) -> SetupResult:
        """Register the server's status webhook URL with the integration's Recall workspace
        (the simulator takes it; on Recall itself a ``Conflict`` names the URL to add in
        the dashboard)."""
        call = rq.post(rq.integration_path(integration_id, "setup"))
        return self._client._model(call, SetupResult)

    def initiate(
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
        return self._client._model(call, InitiateResult)

    def sessions(self, integration_id: str) -> Sessions:
        """The meeting sessions of one integration."""
        return Sessions(self._client, integration_id)


class Sessions:
    """The meeting sessions of one Recall integration, and the controls of a live delegate."""

    def __init__(self, client: Delegate, integration_id: str) -> None:
        self._client = client
        self.integration_id = integration_id

    def _path(self, session_id: str, verb: str) -> str:
        return rq.session_path(self.integration_id, session_id, verb)

    def _action(self, session_id: str, verb: str, **body: str) -> ActionResult:
        call = rq.post(self._path(session_id, verb), body)
        return self._client._model(call, ActionResult)

    def list(
        self, *, cursor: str | None = None, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Page[MeetingSession]:
        """One page of sessions (without participants and replies)."""
        path = rq.integration_path(self.integration_id, "session/list")
        return self._client._model(rq.listing(path, cursor, order, take), Page[MeetingSession])

    def iterate(
        self, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Iterator[MeetingSession]:
        """Every session, following cursors page by page."""
        return _walk(lambda cursor: self.list(cursor=cursor, order=order, take=take), take)

    def list_all(self, *, order: Order = "desc") -> builtins.list[MeetingSession]:
        """Every session, in one list."""
        return list(self.iterate(order=order))

    def fetch(self, session_id: str) -> MeetingSession:
        """One session with its participants and the delegate's replies."""
        return self._client._model(rq.get(self._path(session_id, "fetch")), MeetingSession)

    def wait(
        self,
        session_id: str,
        *,
        until: Callable[[MeetingSession], bool] = rq.joined_or_finished,
        timeout: float = 300.0,
        interval: float = 1.0,
        on_update: Callable[[MeetingSession], None] | None = None,
    ) -> MeetingSession:
        """Poll the session until ``until`` holds (by default: the delegate is in the call, or
        the session ended or failed). Raises ``TimedOut`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            session = self.fetch(session_id)
            if on_update is not None:
                on_update(session)
            if until(session):
                return session
            if time.monotonic() >= deadline:
                raise TimedOut(f"session {session_id} still {session.status}", "TIMEOUT")
            time.sleep(interval)

    @overload
    def transcript(self, session_id: str, format: Literal["json"] = "json") -> Transcript: ...

    @overload
    def transcript(
        self, session_id: str, format: Literal["text", "markdown", "vtt", "srt"]
    ) -> str: ...

    @overload
    def transcript(self, session_id: str, format: TranscriptFormat) -> Transcript | str: ...

    def transcript(self, session_id: str, format: TranscriptFormat = "json") -> Transcript | str:
        """The transcript: a ``Transcript`` for ``json``, else the rendered text."""
        call = rq.get(self._path(session_id, "transcript"), format=format)
        if format == "json":
            return self._client._model(call, Transcript)
        return self._client._text(call)

    def notes(self, session_id: str) -> Notes:
        """Meeting notes (summary, decisions, action items) once the meeting ended."""
        return self._client._model(rq.get(self._path(session_id, "notes")), Notes)

    def wait_for_notes(
        self, session_id: str, *, timeout: float = 300.0, interval: float = 1.0
    ) -> Notes:
        """Poll the notes until they are written (the meeting ended and they are ready).
        Raises ``TimedOut`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            notes = self.notes(session_id)
            if notes.status == "ready":
                return notes
            if time.monotonic() >= deadline:
                raise TimedOut(f"notes of session {session_id} still {notes.status}", "TIMEOUT")
            time.sleep(interval)

    def send_message(self, session_id: str, message: str, to: str = "everyone") -> ActionResult:
        """Post a chat message in the meeting as the delegate."""
        return self._action(session_id, "message/send", message=message, to=to)

    def start_recording(self, session_id: str) -> ActionResult:
        return self._action(session_id, "recording/start")

    def stop_recording(self, session_id: str) -> ActionResult:
        return self._action(session_id, "recording/stop")

    def pause_recording(self, session_id: str) -> ActionResult:
        return self._action(session_id, "recording/pause")

    def resume_recording(self, session_id: str) -> ActionResult:
        return self._action(session_id, "recording/resume")

    def start_screenshare(self, session_id: str, url: str) -> ActionResult:
        """Show a web page (public https URL) as the delegate's screenshare."""
        return self._action(session_id, "screenshare/start", url=url)

    def stop_screenshare(self, session_id: str) -> ActionResult:
        return self._action(session_id, "screenshare/stop")

    def leave(self, session_id: str) -> ActionResult:
        """Make the delegate leave the meeting (notes follow)."""
        return self._action(session_id, "leave")
