"""Test support: settings for one test (SQLite or PostgreSQL), and a small API client bound to
one account's token.

With ``DELEGATE_TEST_PG_URL`` set (``scripts/pg start`` prints one), every test gets a fresh
PostgreSQL database instead of a SQLite file: a template database is migrated once per run and
copied for each test, then dropped when the test ends (``tests/conftest.py``).
"""

from __future__ import annotations

import itertools
import os
import socket
import time
from pathlib import Path
from typing import Any

import httpx2
from pydantic import SecretStr
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from delegate.adapters.db.migrate import sync_url, upgrade
from delegate.config import DbSettings, KnowledgeSettings, Settings, WorkerSettings

PG_URL = os.environ.get("DELEGATE_TEST_PG_URL") or None
"""Admin URL of a PostgreSQL server for the tests (its maintenance database, e.g. postgres)."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PgDatabases:
    """Fresh databases on one PostgreSQL server, copied from a template migrated once."""

    PREFIX = "delegate_test_"

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self._ids = itertools.count(1)
        self._template: str | None = None
        self.created: list[str] = []

    def url(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def _admin(self, *statements: str) -> list[tuple[Any, ...]]:
        """Run statements on the maintenance database; the rows of the last one."""
        import psycopg

        from delegate.adapters.queue.procrastinate_queue import conninfo

        rows: list[tuple[Any, ...]] = []
        with psycopg.connect(conninfo(self.admin_url), autocommit=True) as conn:
            for sql in statements:
                cursor = conn.execute(sql.encode())
                rows = cursor.fetchall() if cursor.description else []
        return rows

    def _template_name(self) -> str:
        if self._template is None:
            self._drop_leftovers()
            name = f"{self.PREFIX}{os.getpid()}_template"
            self._admin(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
            )
            upgrade(self.url(name))
            self._template = name
        return self._template

    def _drop_leftovers(self) -> None:
        """Databases of earlier runs that died before cleaning up."""
        rows = self._admin(
            "SELECT datname FROM pg_database WHERE datname LIKE 'delegate\\_test\\_%'"
        )
        for (name,) in rows:
            pid = name.removeprefix(self.PREFIX).split("_")[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def create(self, migrated: bool = True) -> str:
        """A new database (migrated, or empty) and its URL; dropped by ``drop_created``."""
        name = f"{self.PREFIX}{os.getpid()}_{next(self._ids)}"
        if migrated:
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._template_name()}"')
        else:
            self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.url(name)

    def drop_created(self) -> None:
        while self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{self.created.pop()}" WITH (FORCE)')

    def close(self) -> None:
        self.drop_created()
        if self._template is not None:
            self._admin(f'DROP DATABASE IF EXISTS "{self._template}" WITH (FORCE)')
            self._template = None


pg_databases = PgDatabases(PG_URL) if PG_URL else None


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for one test: its own data directory and database (SQLite file by default, a
    fresh PostgreSQL database with ``DELEGATE_TEST_PG_URL``). On PostgreSQL sessions are still
    processed in-process unless the test picks a dispatcher."""
    if pg_databases is not None:
        db = overrides.get("db") or DbSettings()
        if db.url is None:
            overrides["db"] = db.model_copy(update={"url": pg_databases.create()})
        worker = overrides.get("worker") or WorkerSettings()
        if worker.dispatcher == "auto":
            overrides["worker"] = worker.model_copy(update={"dispatcher": "inprocess"})
    # Every test's container would load the embedding model in the background, on a machine
    # running several suites at once; the tests of preloading turn it back on.
    overrides.setdefault("kb", KnowledgeSettings(preload=False))
    return Settings(data_dir=tmp_path / "data", **overrides)


def delegate_env(settings: Settings) -> dict[str, str]:
    """The ``DELEGATE_*`` variables that give a ``delegate`` command the same settings: the
    data directory and every grouped setting that differs from its default."""
    env = {"DELEGATE_DATA_DIR": str(settings.data_dir)}
    for group in ("db", "recall", "llm", "api", "worker", "secrets", "webhooks"):
        model = getattr(settings, group)
        for name, value in model.model_dump(exclude_defaults=True).items():
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if isinstance(value, bool):
                value = "true" if value else "false"
            env[f"DELEGATE_{group.upper()}__{name.upper()}"] = str(value)
    return env


def settings_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment for a ``delegate`` subprocess using ``settings`` (plus ``extra``)."""
    return {**os.environ, **delegate_env(settings), **extra}


def stored_bytes(settings: Settings) -> bytes:
    """Everything the database holds, as raw as we can read it: the SQLite files' bytes, or
    on PostgreSQL every row of every table in its text form (what a dump would contain)."""
    if settings.is_sqlite:
        return b"".join(p.read_bytes() for p in settings.data_dir.glob("delegate.db*"))
    engine = create_engine(sync_url(settings.database_url))
    rows: list[str] = []
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ).scalars()
            for table in list(tables):
                # Table names come from the catalogue, not from input.
                query = text(f'SELECT t::text FROM "{table}" t')  # noqa: S608
                rows.extend(conn.execute(query).scalars())
    finally:
        engine.dispose()
    return "\n".join(rows).encode()


class Api:
    """A client for one account: ``await api.post("bot/create", {...})``."""

    def __init__(self, http: httpx2.AsyncClient, token: str, prefix: str = "/v1") -> None:
        self.http = http
        self.token = token
        self.prefix = prefix

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def get(self, path: str, **params: object) -> httpx2.Response:
        return await self.http.get(
            f"{self.prefix}/{path}", params=params or None, headers=self.headers
        )

    async def post(self, path: str, body: object = None) -> httpx2.Response:
        return await self.http.post(
            f"{self.prefix}/{path}", json={} if body is None else body, headers=self.headers
        )


def free_port() -> int:
    """A loopback port nobody listens on now (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 60) -> None:
    """Wait until something answers HTTP at ``url``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx2.get(url, timeout=2)
            return
        except httpx2.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered at {url}")
