"""``delegate serve``: the API (and, embedded, the worker) in one process."""

from __future__ import annotations

import asyncio
import fcntl
from pathlib import Path
from typing import IO, Annotated

import typer
import uvicorn

from delegate.adapters.db.migrate import upgrade
from delegate.api.app import create_app
from delegate.bootstrap import build
from delegate.config import Settings, load_settings


def lock_data_dir(settings: Settings) -> IO[str]:
    """One process per SQLite file: a second ``serve`` on the same data dir fails fast."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Held open for the life of the process: the lock lives as long as the handle.
    handle = Path(settings.data_dir / "serve.lock").open("w")  # noqa: SIM115
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise typer.BadParameter(
            f"another delegate process is serving {settings.data_dir}", param_hint="data dir"
        ) from None
    return handle


async def run_server(settings: Settings) -> None:
    container = build(settings)
    app = create_app(container)
    config = uvicorn.Config(
        app, host=settings.api.host, port=settings.api.port, log_level="warning", lifespan="on"
    )
    try:
        await uvicorn.Server(config).serve()
    finally:
        await container.aclose()


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Run the API server (SQLite and the in-process worker by default)."""
    overrides = load_settings()
    if host:
        overrides.api.host = host
    if port:
        overrides.api.port = port
    settings = overrides
    _lock = lock_data_dir(settings) if settings.is_sqlite else None
    if settings.is_sqlite:
        upgrade(settings.database_url)
    base = f"http://{settings.api.host}:{settings.api.port}"
    typer.echo(f"delegate listening on {base}  (API {base}/v1, docs {base}/docs)")
    typer.echo(f"database: {settings.database_url}")
    typer.echo("get an API token with:  delegate token create --account <name>")
    asyncio.run(run_server(settings))
