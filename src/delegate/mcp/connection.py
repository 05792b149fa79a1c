"""Which API client an MCP request acts through: the one token of a stdio server, or the
bearer token of the HTTP request that carried the MCP message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx2

from delegate_client import AsyncDelegate, NotAuthenticated, NotFound

BEARER = "bearer "
REMEMBERED_SESSIONS = 10_000
IN_PROCESS_BASE_URL = "http://delegate.in-process"
"""Base URL of the in-process API; never resolved, the ASGI transport answers it."""


class Connector(Protocol):
    """Gives the API client for the MCP request whose transport request is ``request``
    (a Starlette request over HTTP, None over stdio)."""

    def client(self, request: Any) -> AsyncDelegate: ...


def bearer_token(request: Any) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if the request has one."""
    headers = getattr(request, "headers", None)
    value = headers.get("authorization", "") if headers is not None else ""
    if not value.lower().startswith(BEARER):
        return None
    return value[len(BEARER) :].strip() or None


@dataclass
class FixedConnector:
    """stdio: one process, one agent, one token given at start-up."""

    api: AsyncDelegate

    def client(self, request: Any) -> AsyncDelegate:
        return self.api


@dataclass
class BearerConnector:
    """HTTP: each MCP message acts with the token of the request that carried it, so two
    agents with two accounts' tokens on one server never see each other's records."""

    http: httpx2.AsyncClient
    base_url: str = IN_PROCESS_BASE_URL

    def client(self, request: Any) -> AsyncDelegate:
        token = bearer_token(request)
        if token is None:
            raise NotAuthenticated("send Authorization: Bearer <token>", "NOT_AUTHENTICATED", 401)
        return AsyncDelegate(api_key=token, base_url=self.base_url, http_client=self.http)


@dataclass
class SessionDirectory:
    """Finds the integration of a session, so agents name a session by its id alone.

    The API nests sessions under integrations; an unknown id is looked for in each of the
    caller's integrations. The remembered answer only saves that search: every later call
    still goes through the API with the caller's token, which answers 404 for a session of
    another account."""

    _integration_of: dict[str, str] = field(default_factory=dict)

    def remember(self, session_id: str, integration_id: str) -> None:
        """Note where a session the caller was just shown lives (the oldest note goes when
        there are too many: a long-running server sees sessions without end)."""
        if len(self._integration_of) >= REMEMBERED_SESSIONS:
            del self._integration_of[next(iter(self._integration_of))]
        self._integration_of[session_id] = integration_id

    async def integration_of(self, api: AsyncDelegate, session_id: str) -> str:
        """The id of the integration that holds ``session_id``; NotFound if none of the
        caller's integrations does."""
        known = self._integration_of.get(session_id)
        if known is not None:
            return known
        async for integration in api.integration.recall.iterate():
            try:
                await api.integration.recall.sessions(integration.id).fetch(session_id)
            except NotFound:
                continue
            self.remember(session_id, integration.id)
            return integration.id
        # The API's own words for a session it does not show this caller.
        raise NotFound("Meeting session not found", "NOT_FOUND", 404)
