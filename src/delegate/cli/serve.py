"""``delegate serve``: the API (and, embedded, the worker) in one process.

What ``serve`` needs (uvicorn, FastAPI, SQLAlchemy, Alembic) is imported when it runs, so the
rest of the command line starts fast."""

from __future__ import annotations

import fcntl
import os
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from delegate.cli.serving import unavailable

if TYPE_CHECKING:
    from delegate.config import Settings

INPROCESS_LOCK_KEY = 0x64656C65676174
"""PostgreSQL advisory lock held by the one serve process that drains sessions itself."""


def lock_data_dir(settings: Settings) -> IO[str]:
    """One process per SQLite file: a second ``serve`` on the same data dir fails fast,
    naming the process that has it."""
    from delegate.adapters.private_files import private_dir

    path = private_dir(settings.data_dir) / "serve.lock"
    # Held open for the life of the process: the lock lives as long as the handle.
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        owner = handle.read().strip()
        handle.close()
        unavailable(
            f"another delegate serve{f' (pid {owner})' if owner.isdigit() else ''} owns the "
            f"data directory {settings.data_dir}; stop it, or give this one its own "
            "DELEGATE_DATA_DIR"
        )
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
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
        unavailable(
            "another delegate serve drains sessions of this database with "
            "worker.dispatcher=inprocess; stop it, or use the procrastinate dispatcher "
            "(DELEGATE_WORKER__DISPATCHER)"
        )
    return conn


def check_schema(settings: Settings) -> None:
    """Shared databases are migrated by the operator (``delegate db upgrade``), once, not by
    each of several serve processes starting at the same time."""
    from delegate.adapters.db.migrate import current, head

    at, needed = current(settings.database_url), head()
    if at != needed:
        raise typer.BadParameter(
            f"the database is at revision {at}, this version needs {needed}: "
            "run `delegate db upgrade` first",
            param_hint="database",
        )


def given(ctx: typer.Context, option: str) -> bool:
    """Whether ``option`` was typed on the command line (not its default)."""
    source = ctx.get_parameter_source(option)
    return source is not None and source.name == "COMMANDLINE"


def where_data_lives(settings: Settings) -> str:
    """The data directory, or the database URL (password hidden) when it is elsewhere."""
    if settings.db.url is None:
        return f"data: {settings.data_dir}"
    from sqlalchemy.engine import make_url

    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    return f"database: {shown} (keys in {settings.key_file})"


async def run_server(settings: Settings, banner: list[str]) -> None:
    from delegate.adapters.llm.openai_brain import check_model
    from delegate.api.app import create_app
    from delegate.bootstrap import build, uses_llm
    from delegate.cli.serving import serve_app
    from delegate.runtime import settle_heap

    container = build(settings)
    app = create_app(container)
    settle_heap()

    async def started() -> None:
        for line in banner:
            typer.echo(line)
        if uses_llm(settings):
            await check_model(settings.llm)

    try:
        await serve_app(
            app,
            settings.api.host,
            settings.api.port,
            on_started=started,
            trusted_proxies=settings.api.trusted_proxy_list,
        )
    finally:
        await container.aclose()


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(metavar="HOST", help="Interface to listen on (else DELEGATE_API__HOST).")
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            min=1, max=65535, metavar="PORT", help="Port to listen on (else DELEGATE_API__PORT)."
        ),
    ] = 8000,
) -> None:
    """Run the API server (SQLite and the in-process worker by default)."""
    import asyncio

    from delegate.adapters.db.migrate import upgrade
    from delegate.bootstrap import dispatcher_mode
    from delegate.cli.serving import checked_settings

    settings = checked_settings()
    # The defaults shown in --help are the settings' defaults (a test checks they agree);
    # only values given on the command line override DELEGATE_API__HOST/PORT.
    if given(ctx, "host"):
        settings.api.host = host
    if given(ctx, "port"):
        settings.api.port = port
    mode = dispatcher_mode(settings)
    _lock: object
    if settings.is_sqlite:
        _lock = lock_data_dir(settings)
        upgrade(settings.database_url)
    else:
        check_schema(settings)
        _lock = lock_inprocess_database(settings) if mode == "inprocess" else None
    base = f"http://{settings.api.host}:{settings.api.port}"
    banner = [
        f"delegate listening on {base}  (dashboard {base}/, API {base}/v1, docs {base}/docs)",
        where_data_lives(settings),
    ]
    if mode == "procrastinate":
        banner.append("sessions are processed by `delegate worker` processes (none run here)")
    banner.append("get an API token with:  delegate token create --account <name>")
    asyncio.run(run_server(settings, banner))
