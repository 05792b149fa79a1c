"""FastAPI app factory. No module-level app: ``create_app(container)`` builds one."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, FastAPI
from starlette.types import Receive, Scope, Send

from delegate import __version__
from delegate.api import docs_pages, errors, openapi
from delegate.api.body_limit import BodyLimit
from delegate.api.deps import require_json
from delegate.api.recall_callbacks import RealtimeReceiver
from delegate.api.routes import bots, datasets, integrations, receivers, sessions, webhooks
from delegate.api.security_headers import secured
from delegate.bootstrap import Container
from delegate.dashboard.install import install as install_dashboard

if TYPE_CHECKING:
    from delegate.mcp.http import McpMount


def api_router() -> APIRouter:
    router = APIRouter()
    router.include_router(json_router())
    router.include_router(datasets.files)
    return router


def json_router() -> APIRouter:
    router = APIRouter(dependencies=[Depends(require_json)])
    router.include_router(bots.router)
    router.include_router(datasets.router)
    router.include_router(integrations.router)
    router.include_router(sessions.router)
    router.include_router(receivers.router)
    router.include_router(webhooks.router)
    return router


class DelegateApp(FastAPI):
    """The API, with Recall's realtime deliveries answered before FastAPI's routing and
    middleware see them (``recall_callbacks.py`` says why). Every HTTP response, those
    included, carries the security headers (``security_headers.py``)."""

    realtime: RealtimeReceiver | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            send = secured(scope, send)
        if self.realtime is not None and await self.realtime(scope, receive, send):
            return
        await super().__call__(scope, receive, send)


def mount_mcp(app: FastAPI, container: Container) -> McpMount | None:
    """Serve the MCP server at ``/mcp`` when the ``mcp`` extra is installed."""
    if importlib.util.find_spec("mcp") is None:
        return None
    from delegate.mcp.http import McpMount

    mount = McpMount(app, container)
    app.router.routes.append(mount.route)
    return mount


def create_app(container: Container, manage_lifecycle: bool = True) -> DelegateApp:
    """Build the app. With ``manage_lifecycle`` the app starts and stops the container's
    background work (dispatcher, pollers) in its lifespan."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if manage_lifecycle:
            await container.start()
        try:
            async with mcp_running():
                yield
        finally:
            if manage_lifecycle:
                await container.stop()

    app = DelegateApp(
        title="delegate",
        version=__version__,
        description="AI delegates for video meetings, through Recall.ai. "
        "ChatBotKit-compatible API: every route is served under /v1 and /api/v1.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.container = container
    max_bytes = container.settings.api.max_body_bytes
    app.add_middleware(BodyLimit, max_bytes=max_bytes)
    app.realtime = RealtimeReceiver(container.receiver, max_bytes)
    errors.install(app)
    router = api_router()
    app.include_router(router, prefix="/v1")
    app.include_router(router, prefix="/api/v1", include_in_schema=False)
    docs_pages.install(app)
    install_dashboard(app)
    mcp = mount_mcp(app, container)

    def mcp_running() -> AbstractAsyncContextManager[None]:
        return mcp.running() if mcp is not None else nullcontext()

    app.openapi = openapi.truthful(app.openapi)  # type: ignore[method-assign]

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
