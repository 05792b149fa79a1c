"""Running an ASGI app on a port for ``serve`` and ``sim``. The socket is bound before
anything says "listening", so a port in use is one clear line and exit code 3, not a
banner followed by uvicorn's traceback."""

from __future__ import annotations

import errno
import socket
from collections.abc import Awaitable, Callable
from typing import Any, Literal, NoReturn

import typer

EXIT_UNAVAILABLE = 3
"""The process could not start: its port or its data directory is taken (docs/cli.md)."""


def unavailable(message: str) -> NoReturn:
    """End with ``Error: <message>`` on stderr and exit code 3."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(EXIT_UNAVAILABLE)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or exit 3 saying why it cannot be had."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        unavailable(f"cannot listen on {host}:{port}: unknown host ({exc.strerror})")
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            unavailable(
                f"cannot listen on {host}:{port}: the port is in use (another delegate serve "
                "or sim?); choose another with --port"
            )
        unavailable(f"cannot listen on {host}:{port}: {exc.strerror}")
    return sock


async def serve_app(
    app: Any,
    host: str,
    port: int,
    lifespan: Literal["on", "off"] = "on",
    on_started: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Serve ``app`` until interrupted; ``on_started`` runs once the port is ours."""
    import uvicorn

    sock = bind(host, port)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan=lifespan,
        server_header=False,  # no "server: uvicorn": what runs here is nobody's business
    )
    if on_started is not None:
        await on_started()
    await uvicorn.Server(config).serve(sockets=[sock])
