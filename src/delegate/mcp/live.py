"""Change notifications for a live meeting's resources.

An agent opens a ``subscriptions/listen`` stream naming resource URIs (the 2026-07-28
protocol's way to subscribe). For as long as that stream is open, a watcher polls each named
session through the API with the listener's token and publishes ``ResourceUpdated`` when the
transcript gained or grew a turn, or the notes changed state; it stops once the meeting ended
and its notes are written. A URI of a session the listener cannot see refuses the whole
stream (404 as everywhere), so nobody learns of another account's meeting."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import anyio
from mcp.server import ServerRequestContext
from mcp.server.context import CallNext, HandlerResult
from mcp.server.subscriptions import ResourceUpdated, SubscriptionBus

from delegate.client import AsyncDelegate, DelegateError, MeetingSession
from delegate.mcp.connection import Connector, SessionDirectory
from delegate.mcp.resources import notes_uri, resource_error, transcript_uri

log = logging.getLogger(__name__)

LISTEN = "subscriptions/listen"
POLL_INTERVAL_S = 1.0
"""How often a watched session is read while its meeting is live."""
SESSION_URI = re.compile(r"^delegate://session/([^/]+)/(transcript|notes)$")


def watched_sessions(params: Mapping[str, Any] | None) -> list[str]:
    """The session ids whose resources a listen request names, in order, once each."""
    notifications = (params or {}).get("notifications") or {}
    uris: Sequence[Any] = notifications.get("resourceSubscriptions") or []
    ids: list[str] = []
    for uri in uris:
        found = SESSION_URI.match(str(uri))
        if found and found.group(1) not in ids:
            ids.append(found.group(1))
    return ids


class LiveResources:
    """Server middleware: watches the sessions of every open listen stream."""

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

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method != LISTEN:
            return await call_next(ctx)
        session_ids = watched_sessions(ctx.params)
        if not session_ids:
            return await call_next(ctx)
        api = self.connector.client(ctx.request)
        integrations: dict[str, str] = {}
        for session_id in session_ids:
            try:
                integration_id = await self.directory.integration_of(api, session_id)
                # The directory may know the session from another caller: the API decides
                # whether this one may see it.
                await api.integration.recall.sessions(integration_id).fetch(session_id)
            except DelegateError as exc:
                raise resource_error(exc) from exc
            integrations[session_id] = integration_id
        async with anyio.create_task_group() as watchers:
            for session_id, integration_id in integrations.items():
                watchers.start_soon(self._watch, api, integration_id, session_id)
            try:
                result = await call_next(ctx)
            finally:
                watchers.cancel_scope.cancel()
        return result

    async def _watch(self, api: AsyncDelegate, integration_id: str, session_id: str) -> None:
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
                        await self.bus.publish(ResourceUpdated(uri=uri))
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
