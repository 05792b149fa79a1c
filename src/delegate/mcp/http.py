"""The MCP server over streamable HTTP, on ``delegate serve`` at ``/mcp``.

Requests need an account token (``Authorization: Bearer``), checked before the MCP transport
sees them; each tool then calls the API in-process, through an ASGI transport into the same
app, with that token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from delegate.api.errors import error_response
from delegate.bootstrap import Container
from delegate.mcp.connection import IN_PROCESS_BASE_URL, BearerConnector, bearer_token
from delegate.mcp.server import build_server
from delegate.services.accounts import authenticate

PATH = "/mcp"
METHODS = ["GET", "POST", "DELETE"]


class McpMount:
    """The ``/mcp`` route of one app. The MCP server itself is built when the app starts
    (``running``), so apps that never start (in-process test clients) never pay for it."""

    def __init__(self, api_app: Any, container: Container) -> None:
        self.api_app = api_app
        self.container = container
        self._transport: StreamableHTTPASGIApp | None = None
        self.route = Route(PATH, endpoint=self, methods=METHODS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Through the API's one error mapping: a missing or unknown token is 401 {message, code}.
        await authenticate(self.container.uow, bearer_token(Request(scope)))
        if self._transport is None:
            response = error_response(503, "the MCP server runs only while the app runs")
            await response(scope, receive, send)
            return
        await self._transport(scope, receive, send)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Build the MCP server and run its sessions for as long as the app runs."""
        http = httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=self.api_app), base_url=IN_PROCESS_BASE_URL
        )
        server = build_server(BearerConnector(http))
        server.streamable_http_app(
            streamable_http_path=PATH,
            # Off: the SDK's check allows only loopback Host headers, which would refuse every
            # agent reaching this server by its public name. A token is required instead, and
            # a browser tricked into calling (the attack the check is for) has none.
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        async with http, server.session_manager.run():
            self._transport = StreamableHTTPASGIApp(server.session_manager)
            try:
                yield
            finally:
                self._transport = None
