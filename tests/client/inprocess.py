"""Reaching an in-process app from sync code: a transport that serves each request from an ASGI
app running on the test's event loop, and a driver that runs CLI commands against it.

The sync SDK (and the CLI on it) runs in a worker thread while the app, and the Recall simulator
next to it, keep running on the loop, so meetings go on while a command waits."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
from typer.testing import CliRunner, Result

from delegate.cli import app as cli_app
from delegate.cli.remote import CliContext


class LoopBridge(httpx2.BaseTransport):
    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._inner = httpx2.ASGITransport(app=app)
        self._loop = loop

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()

        async def send() -> httpx2.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx2.Response(response.status_code, headers=response.headers, content=content)

        return asyncio.run_coroutine_threadsafe(send(), self._loop).result(timeout=60)


def bridged_client(app: Any) -> httpx2.Client:
    """An ``httpx2.Client`` for ``app``; create it on the loop's thread, use it from another."""
    return httpx2.Client(
        transport=LoopBridge(app, asyncio.get_running_loop()), base_url="http://delegate.test"
    )


class CliDriver:
    """Runs ``delegate ...`` commands against one in-process app, as one account."""

    def __init__(self, app: Any, token: str) -> None:
        self.http = bridged_client(app)
        self.token = token
        self.runner = CliRunner()

    async def __call__(
        self,
        *args: str,
        input: str | None = None,
        token: str | None = None,
        env: dict[str, str] | None = None,
    ) -> Result:
        context = CliContext(http_client=self.http, poll_interval=0.02)
        env = {
            "DELEGATE_TOKEN": self.token if token is None else token,
            "NO_COLOR": "1",
            "COLUMNS": "160",
            **(env or {}),
        }
        return await asyncio.to_thread(
            self.runner.invoke, cli_app, list(args), input=input, env=env, obj=context
        )

    def close(self) -> None:
        self.http.close()
