"""Engine construction: the only module that knows SQL dialects apart.

SQLite: WAL, foreign keys, busy timeout, and ``BEGIN IMMEDIATE`` for every transaction
(pysqlite's lazy BEGIN makes read-then-write transactions silently lose updates).
PostgreSQL: psycopg 3 with a pool, without pre-ping: a ping costs a round trip per transaction,
while a connection broken by a server restart fails one transaction and is then discarded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from delegate.adapters.private_files import private_file


def dumps_json(value: Any) -> str:
    """JSON columns (running summaries, notes, meta) serialized with orjson, several times
    faster than the standard library; what orjson refuses (integers beyond 64 bits) falls
    back to it."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def normalise_url(url: str) -> str:
    """Accept plain ``sqlite:///`` and ``postgresql://`` URLs and pick our async drivers."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def create_engine(url: str, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        private_database(url)
        engine = create_async_engine(
            url,
            echo=echo,
            connect_args={"timeout": 30},
            pool_size=pool_size,
            max_overflow=0,
            json_serializer=dumps_json,
        )
        _install_sqlite_recipe(engine.sync_engine)
        return engine
    return create_async_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, json_serializer=dumps_json
    )


def create_loop_engine(url: str, echo: bool = False) -> Engine:
    """The SQLite engine the units of work use on the event loop's thread (see
    ``connection.py``): one connection, since units of work on SQLite are serialized. It
    leaves WAL checkpoints to a ``checkpoint.Checkpointer``."""
    url = normalise_url(url).replace("sqlite+aiosqlite://", "sqlite://")
    private_database(url)
    engine = create_sync_engine(
        url,
        echo=echo,
        connect_args={"timeout": 30, "check_same_thread": False},
        poolclass=StaticPool,
        json_serializer=dumps_json,
    )
    _install_sqlite_recipe(engine, autocheckpoint=False)
    return engine


def sqlite_path(url: str) -> str | None:
    """The database file of a SQLite URL (None for an in-memory database)."""
    path = normalise_url(url).split(":///", 1)[1] if ":///" in url else ""
    return path if path and path != ":memory:" else None


def private_database(url: str) -> None:
    """Create a SQLite database file (and its directory) private to its owner."""
    path = sqlite_path(url)
    if path:
        private_file(Path(path))


def _install_sqlite_recipe(engine: Engine, autocheckpoint: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if not autocheckpoint:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # On the driver itself: through ``exec_driver_sql`` this one statement cost as much as
        # the rest of a small transaction (SQLAlchemy's execution context and result set).
        conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE")
