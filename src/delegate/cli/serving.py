"""Starting a server process (``serve``, ``worker``, ``sim``): its settings, checked before
anything runs, and its ASGI app on a port. The socket is bound before anything says
"listening", so a port in use is one clear line and exit code 3, not a banner followed by
uvicorn's traceback; a bad setting is one line per variable and exit code 2."""

from __future__ import annotations

import errno
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import typer

if TYPE_CHECKING:
    from delegate.config import Settings

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
"""The process could not start: its port or its data directory is taken (docs/cli.md)."""


def unavailable(message: str) -> NoReturn:
    """End with ``Error: <message>`` on stderr and exit code 3."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(EXIT_UNAVAILABLE)


def checked_settings() -> Settings:
    """The settings from the environment, or exit 2 with ``Error: DELEGATE_...: <why>`` for
    each bad one (never a pydantic traceback)."""
    from delegate.config import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        for line in str(exc).splitlines():
            typer.echo(f"Error: {line}", err=True)
        raise typer.Exit(EXIT_USAGE) from None


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
    trusted_proxies: list[str] | None = None,
) -> None:
    """Serve ``app`` until interrupted; ``on_started`` runs once the port is ours.
    ``trusted_proxies``: the peers whose ``X-Forwarded-For`` names the client (empty: none;
    ``None``: uvicorn's own default, loopback)."""
    import uvicorn

    sock = bind(host, port)
    proxies: dict[str, Any] = {}
    if trusted_proxies is not None:
        # Passed explicitly, so uvicorn's FORWARDED_ALLOW_IPS cannot widen it behind our back.
        proxies = {
            "proxy_headers": bool(trusted_proxies),
            "forwarded_allow_ips": trusted_proxies or None,
        }
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan=lifespan,
        server_header=False,  # no "server: uvicorn": what runs here is nobody's business
        **proxies,
    )
    if on_started is not None:
        await on_started()
    await uvicorn.Server(config).serve(sockets=[sock])
