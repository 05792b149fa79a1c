"""The ceiling for ingest: an ASGI app that reads the body, parses the JSON and answers 200.

It is served by uvicorn exactly as ``delegate serve`` serves the real app (same loop, same HTTP
parser, same log level), so the ratio between the two is the cost of what delegate does per
event: routing, token and signature checks, the durable insert, the dispatcher kick.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
import uvicorn

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_OK = b'{"stored":true}'
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(_OK)).encode())]


async def bare_app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    status = 200
    if scope["method"] == "POST":
        try:
            orjson.loads(b"".join(chunks))
        except orjson.JSONDecodeError:
            status = 400
    await send({"type": "http.response.start", "status": status, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _OK})


def serve(port: int, host: str = "127.0.0.1", uvloop: bool = False) -> None:
    """Serve the bare app the way ``delegate.cli.serve.run_server`` serves delegate: inside
    ``asyncio.run``, so on the standard asyncio loop. ``uvloop`` measures what that choice costs."""
    config = uvicorn.Config(bare_app, host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    if not uvloop:
        asyncio.run(server.serve())
        return
    import uvloop as loop

    with asyncio.Runner(loop_factory=loop.new_event_loop) as runner:
        runner.run(server.serve())
