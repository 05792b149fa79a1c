"""Schema migrations (Alembic), run programmatically: ``delegate db upgrade`` and at serve start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from delegate.adapters.db.engine import normalise_url, private_database

_HERE = Path(__file__).parent


def sync_url(url: str) -> str:
    """Alembic runs synchronously: pysqlite for SQLite, psycopg (sync mode) for PostgreSQL."""
    return normalise_url(url).replace("sqlite+aiosqlite://", "sqlite://")


def _config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE / "migrations"))
    cfg.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``.

    Blocking: call it in a thread from async code.
    """
    if url.startswith("sqlite"):
        private_database(url)
    command.upgrade(_config(url), revision)


def current(url: str) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head() -> str | None:
    """The newest revision this code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config("sqlite://")).get_current_head()
