"""``delegate serve``: the API (and, embedded, the worker) in one process."""

from __future__ import annotations

import asyncio
import fcntl
from pathlib import Path
from typing import IO, Annotated, Any

import typer
import uvicorn
from sqlalchemy.engine import make_url

from delegate.adapters.db.migrate import current, head, upgrade
from delegate.api.app import create_app
from delegate.bootstrap import build, dispatcher_mode
from delegate.config import Settings, load_settings
from delegate.runtime import settle_heap

INPROCESS_LOCK_KEY = 0x64656C65676174
"""PostgreSQL advisory lock held by the one serve process that drains sessions itself."""


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


def lock_inprocess_database(settings: Settings) -> Any:
    """With the in-process dispatcher on PostgreSQL this process drains sessions itself, so it
    must be the only one: a second such ``serve`` on the database fails fast. (With the
    procrastinate dispatcher any number of API processes share the database.)"""
    import psycopg

    from delegate.adapters.queue.procrastinate_queue import conninfo

    # Held open for the life of the process: the advisory lock lives as long as the session.
    conn = psycopg.connect(conninfo(settings.database_url), autocommit=True)
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (INPROCESS_LOCK_KEY,)).fetchone()
    if not row or not row[0]:
        conn.close()
        raise typer.BadParameter(
            "another delegate process serves this database with worker.dispatcher=inprocess",
            param_hint="DELEGATE_WORKER__DISPATCHER",
        )
    return conn


def check_schema(settings: Settings) -> None:
    """Shared databases are migrated by the operator (``delegate db upgrade``), once, not by
    each of several serve processes starting at the same time."""
    at, needed = current(settings.database_url), head()
    if at != needed:
        raise typer.BadParameter(
            f"the database is at revision {at}, this version needs {needed}: "
            "run `delegate db upgrade` first",
            param_hint="database",
        )


def display_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


async def run_server(settings: Settings) -> None:
    container = build(settings)
    app = create_app(container)
    config = uvicorn.Config(
        app, host=settings.api.host, port=settings.api.port, log_level="warning", lifespan="on"
    )
    settle_heap()
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
    mode = dispatcher_mode(settings)
    _lock: object
    if settings.is_sqlite:
        _lock = lock_data_dir(settings)
        upgrade(settings.database_url)
    else:
        check_schema(settings)
        _lock = lock_inprocess_database(settings) if mode == "inprocess" else None
    base = f"http://{settings.api.host}:{settings.api.port}"
    typer.echo(f"delegate listening on {base}  (API {base}/v1, docs {base}/docs)")
    typer.echo(f"database: {display_url(settings.database_url)}")
    if mode == "procrastinate":
        typer.echo("sessions are processed by `delegate worker` processes (none run here)")
    typer.echo("get an API token with:  delegate token create --account <name>")
    asyncio.run(run_server(settings))
