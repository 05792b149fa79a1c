"""A real HTTP server on loopback that receives our webhooks the way a user's system would:
it verifies each request with the ``standardwebhooks`` library and records what arrived.
Tests script its answers (fail N times, hang) to see what the sender does."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.types import Receive, Scope, Send


@dataclass(frozen=True)
class Arrival:
    webhook_id: str
    verified: bool
    event: dict[str, Any]
    answered: int
    raw: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def verifies_with(self, secret: str) -> bool:
        try:
            Webhook(secret).verify(self.raw, self.headers)
        except WebhookVerificationError:
            return False
        return True


Behaviour = Callable[["Receiver", dict[str, Any]], int | None]
"""What to answer a verified event with (a status); None hangs until the sender gives up."""


def accept(_: Receiver, __: dict[str, Any]) -> int | None:
    return 204


@dataclass
class Receiver:
    secret: str = ""
    behaviour: Behaviour = accept
    arrivals: list[Arrival] = field(default_factory=list)
    url: str = ""
    extra_headers: dict[str, str] = field(default_factory=dict)
    hung: int = 0
    """Requests left without an answer (the sender gave up or went away)."""

    @property
    def accepted(self) -> list[Arrival]:
        return [a for a in self.arrivals if 200 <= a.answered < 300]

    def types(self) -> list[str]:
        return [a.event["type"] for a in self.accepted]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        event, verified = json.loads(body or b"{}"), False
        if self.secret:
            with contextlib.suppress(WebhookVerificationError):
                event, verified = Webhook(self.secret).verify(body, headers), True
        # Without a secret yet, everything is taken and can be verified afterwards.
        status = self.behaviour(self, event) if verified or not self.secret else 401
        if status is None:
            self.hung += 1
            await asyncio.sleep(3600)
            return
        webhook_id = headers.get("webhook-id", "")
        self.arrivals.append(Arrival(webhook_id, verified, event, status, body, headers))
        extra = [(k.encode(), v.encode()) for k, v in self.extra_headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": b""})

    async def wait_for(self, predicate: Callable[[Receiver], bool], timeout: float = 30) -> None:
        async with asyncio.timeout(timeout):
            while not predicate(self):
                await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def running_receiver(receiver: Receiver) -> AsyncIterator[Receiver]:
    """Serve ``receiver`` on a free loopback port until the block ends."""
    config = uvicorn.Config(receiver, host="127.0.0.1", port=0, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    receiver.url = f"http://127.0.0.1:{port}/hooks"
    try:
        yield receiver
    finally:
        server.should_exit = True
        server.force_exit = True
        await task
