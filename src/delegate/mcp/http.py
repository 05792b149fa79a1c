"""The MCP server over streamable HTTP, on ``delegate serve`` at ``/mcp``.

Requests need an account token (``Authorization: Bearer``), checked before the MCP transport
sees them; each tool then calls the API in-process, through an ASGI transport into the same
app, with that token.

The MCP SDK is imported, and the server built, in the background once the app has started:
importing it takes seconds on a busy machine, and the API must not wait for that to answer.
An MCP request that arrives meanwhile waits for the server to be ready."""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any

import httpx2
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from delegate.api.errors import error_response
from delegate.bootstrap import Container
from delegate.mcp.connection import IN_PROCESS_BASE_URL, BearerConnector, bearer_token
from delegate.services.accounts import authenticate

if TYPE_CHECKING:
    from mcp.server.streamable_http_manager import StreamableHTTPASGIApp

log = logging.getLogger(__name__)

PATH = "/mcp"
METHODS = ["GET", "POST", "DELETE"]
READY_WAIT_S = 60.0
"""How long an MCP request that arrives while the server is still being built waits for it."""


class McpMount:
    """The ``/mcp`` route of one app. The MCP server itself is built when the app starts
    (``running``), so apps that never start (in-process test clients) never pay for it."""

    def __init__(self, api_app: Any, container: Container) -> None:
        self.api_app = api_app
        self.container = container
        self._transport: StreamableHTTPASGIApp | None = None
        self._ready: asyncio.Event | None = None
        self.route = Route(PATH, endpoint=self, methods=METHODS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Through the API's one error mapping: a missing or unknown token is 401 {message, code}.
        await authenticate(self.container.uow, bearer_token(Request(scope)))
        transport = await self._wait_for_transport()
        if transport is None:
            response = error_response(503, "the MCP server runs only while the app runs")
            await response(scope, receive, send)
            return
        await transport(scope, receive, send)

    async def _wait_for_transport(self) -> StreamableHTTPASGIApp | None:
        if self._transport is None and self._ready is not None:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), READY_WAIT_S)
        return self._transport

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Build the MCP server in the background and run its sessions for as long as the
        app runs."""
        self._ready = asyncio.Event()
        serving = asyncio.create_task(self._serve(self._ready))
        try:
            yield
        finally:
            serving.cancel()
            with suppress(asyncio.CancelledError):
                await serving
            self._ready = None

    async def _serve(self, ready: asyncio.Event) -> None:
        try:
            # In a thread: the imports take seconds, and the event loop keeps serving the API.
            await asyncio.to_thread(importlib.import_module, "delegate.mcp.server")
            await self._run_server(ready)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the MCP server could not start; /mcp answers 503")
        finally:
            self._transport = None
            ready.set()  # waiting requests get their answer (503 when it never started)

    async def _run_server(self, ready: asyncio.Event) -> None:
        from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
        from mcp.server.transport_security import TransportSecuritySettings

        from delegate.mcp.server import build_server

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
            ready.set()
            await asyncio.Event().wait()  # until the app stops and cancels this task
