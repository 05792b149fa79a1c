"""Change notifications for a live meeting's resources.

Two ways to ask, one watcher. An agent on the 2026-07-28 protocol opens a
``subscriptions/listen`` stream naming resource URIs; one on an earlier version (most desktop
agents today) sends ``resources/subscribe`` for a URI. Either way a watcher polls the session
through the API with the subscriber's token and says when the transcript gained or grew a
turn, or the notes changed state, until the meeting ended and its notes are written (or the
stream closes, or the agent unsubscribes). A URI of a session the subscriber cannot see is
refused (404 as everywhere), so nobody learns of another account's meeting."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
from anyio.abc import TaskGroup
from mcp.server import ServerRequestContext
from mcp.server.context import CallNext, HandlerResult
from mcp.server.session import ServerSession
from mcp.server.subscriptions import ResourceUpdated, SubscriptionBus
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    EmptyResult,
    SubscribeRequestParams,
    UnsubscribeRequestParams,
)

from delegate.mcp.connection import Connector, SessionDirectory
from delegate.mcp.resources import notes_uri, resource_error, transcript_uri
from delegate_client import AsyncDelegate, DelegateError, MeetingSession

log = logging.getLogger(__name__)

LISTEN = "subscriptions/listen"
POLL_INTERVAL_S = 1.0
"""How often a watched session is read while its meeting is live."""
SESSION_URI = re.compile(r"^delegate://session/([^/]+)/(transcript|notes)$")
GONE = (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream)
"""What sending to an agent that went away raises."""

OnChange = Callable[[str], Awaitable[None]]


def session_of(uri: str) -> str | None:
    """The session id of one of our resource URIs."""
    found = SESSION_URI.match(uri)
    return found.group(1) if found else None


def watched_sessions(params: Mapping[str, Any] | None) -> list[str]:
    """The session ids whose resources a listen request names, in order, once each."""
    notifications = (params or {}).get("notifications") or {}
    uris: Sequence[Any] = notifications.get("resourceSubscriptions") or []
    ids: list[str] = []
    for uri in uris:
        session_id = session_of(str(uri))
        if session_id is not None and session_id not in ids:
            ids.append(session_id)
    return ids


class LiveResources:
    """Watches sessions for listen streams (as server middleware) and for
    ``resources/subscribe`` (as its handlers)."""

    def __init__(
        self,
        connector: Connector,
        directory: SessionDirectory,
        bus: SubscriptionBus,
        poll_interval: float = POLL_INTERVAL_S,
    ) -> None:
        self.connector = connector
        self.directory = directory
        self.bus = bus
        self.poll_interval = poll_interval
        self._tasks: TaskGroup | None = None
        self._subscriptions: dict[tuple[int, str], anyio.CancelScope] = {}

    @asynccontextmanager
    async def running(self, _: Any) -> AsyncIterator[dict[str, Any]]:
        """The server's lifespan: the subscriptions' watchers run inside it."""
        async with anyio.create_task_group() as tasks:
            self._tasks = tasks
            try:
                yield {}
            finally:
                self._tasks = None
                tasks.cancel_scope.cancel()

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method != LISTEN:
            return await call_next(ctx)
        session_ids = watched_sessions(ctx.params)
        if not session_ids:
            return await call_next(ctx)
        api = self.connector.client(ctx.request)
        integrations = {sid: await self._visible(api, sid) for sid in session_ids}

        async def publish(uri: str) -> None:
            await self.bus.publish(ResourceUpdated(uri=uri))

        async with anyio.create_task_group() as watchers:
            for session_id, integration_id in integrations.items():
                watchers.start_soon(self._watch, api, integration_id, session_id, publish)
            try:
                result = await call_next(ctx)
            finally:
                watchers.cancel_scope.cancel()
        return result

    async def subscribe(
        self, ctx: ServerRequestContext[Any, Any], params: SubscribeRequestParams
    ) -> EmptyResult:
        """``resources/subscribe``: updates of one URI on this connection."""
        uri = str(params.uri)
        session_id = session_of(uri)
        if session_id is None:
            raise MCPError(INVALID_PARAMS, f"no such resource: {uri}")
        api = self.connector.client(ctx.request)
        integration_id = await self._visible(api, session_id)
        if self._tasks is None:
            raise MCPError(INTERNAL_ERROR, "subscriptions are served only while the server runs")
        key = (id(ctx.session), uri)
        if key not in self._subscriptions:
            scope = anyio.CancelScope()
            self._subscriptions[key] = scope
            self._tasks.start_soon(
                self._serve_subscription, key, scope, ctx.session, api, integration_id
            )
        return EmptyResult()

    async def unsubscribe(
        self, ctx: ServerRequestContext[Any, Any], params: UnsubscribeRequestParams
    ) -> EmptyResult:
        """``resources/unsubscribe``: no more updates of that URI on this connection."""
        scope = self._subscriptions.pop((id(ctx.session), str(params.uri)), None)
        if scope is not None:
            scope.cancel()
        return EmptyResult()

    async def _serve_subscription(
        self,
        key: tuple[int, str],
        scope: anyio.CancelScope,
        session: ServerSession,
        api: AsyncDelegate,
        integration_id: str,
    ) -> None:
        uri = key[1]
        session_id = session_of(uri) or ""

        async def notify(changed: str) -> None:
            if changed == uri:
                await session.send_resource_updated(uri)

        with scope:
            try:
                await self._watch(api, integration_id, session_id, notify)
            except GONE:
                pass  # the agent disconnected: nobody is left to tell
            finally:
                self._subscriptions.pop(key, None)

    async def _visible(self, api: AsyncDelegate, session_id: str) -> str:
        """The integration of a session the caller may see; a resource error otherwise."""
        try:
            integration_id = await self.directory.integration_of(api, session_id)
            # The directory may know the session from another caller: the API decides
            # whether this one may see it.
            await api.integration.recall.sessions(integration_id).fetch(session_id)
        except DelegateError as exc:
            raise resource_error(exc) from exc
        return integration_id

    async def _watch(
        self, api: AsyncDelegate, integration_id: str, session_id: str, on_change: OnChange
    ) -> None:
        sessions = api.integration.recall.sessions(integration_id)
        seen: dict[str, object] = {}
        while True:
            try:
                session = await sessions.fetch(session_id)
                transcript = await sessions.transcript(session_id)
            except DelegateError as exc:
                # A hiccup of the API (restart, overload) must not end the agent's stream.
                log.warning("watching session %s failed: %s", session_id, exc.code)
            else:
                marks = {
                    transcript_uri(session_id): _transcript_mark(transcript.items),
                    notes_uri(session_id): (session.status, session.notes_ready),
                }
                for uri, mark in marks.items():
                    if uri in seen and seen[uri] != mark:
                        await on_change(uri)
                    seen[uri] = mark
                if _settled(session):
                    return
            await anyio.sleep(self.poll_interval)


def _transcript_mark(items: Sequence[Any]) -> object:
    """Changes when a turn is added or the last one grows."""
    if not items:
        return (0, None, 0)
    last = items[-1]
    return (len(items), last.seq, len(last.text))


def _settled(session: MeetingSession) -> bool:
    """Nothing about the session will change any more."""
    return session.finished and (session.notes_ready or session.status == "failed")
