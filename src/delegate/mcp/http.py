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

from delegate.bootstrap import Container
from delegate.mcp.connection import IN_PROCESS_BASE_URL, BearerConnector, bearer_token
from delegate.mcp.server import build_server
from delegate.services.accounts import authenticate

PATH = "/mcp"
METHODS = ["GET", "POST", "DELETE"]


class BearerGuard:
    """Answers a request without a valid account token with 401 ``{message, code}`` (through
    the API's one error mapping), and passes the others to the MCP transport."""

    def __init__(self, container: Container, app: StreamableHTTPASGIApp) -> None:
        self.container = container
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await authenticate(self.container.uow, bearer_token(Request(scope)))
        await self.app(scope, receive, send)


class McpMount:
    """The ``/mcp`` route of one app and what it runs while the app runs."""

    def __init__(self, api_app: Any, container: Container) -> None:
        self.http = httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=api_app), base_url=IN_PROCESS_BASE_URL
        )
        self.server = build_server(BearerConnector(self.http))
        self.server.streamable_http_app(
            streamable_http_path=PATH,
            # Off: the SDK's check allows only loopback Host headers, which would refuse every
            # agent reaching this server by its public name. A token is required instead, and
            # a browser tricked into calling (the attack the check is for) has none.
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        endpoint = BearerGuard(container, StreamableHTTPASGIApp(self.server.session_manager))
        self.route = Route(PATH, endpoint=endpoint, methods=METHODS)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run the MCP sessions for as long as the app runs."""
        async with self.http, self.server.session_manager.run():
            yield
