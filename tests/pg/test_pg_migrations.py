"""``delegate db upgrade`` on PostgreSQL: our tables and procrastinate's queue, idempotently;
``delegate serve`` refuses a database that was not upgraded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from delegate.adapters.db.migrate import head, sync_url
from delegate.cli import app
from delegate.config import DbSettings
from tests.support import delegate_env, make_settings, pg_databases

pytestmark = pytest.mark.pg

runner = CliRunner()


@pytest.fixture
def empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    assert pg_databases is not None
    url = pg_databases.create(migrated=False)
    for name, value in delegate_env(make_settings(tmp_path, db=DbSettings(url=url))).items():
        monkeypatch.setenv(name, value)
    return url


def test_db_upgrade_creates_our_tables_and_the_job_queue_once(empty_database: str) -> None:
    first = runner.invoke(app, ["db", "upgrade"])
    second = runner.invoke(app, ["db", "upgrade"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert f"revision {head()}" in second.stdout
    engine = create_engine(sync_url(empty_database))
    tables = set(inspect(engine).get_table_names())
    kind = {c["name"]: c["type"] for c in inspect(engine).get_columns("session_events")}["kind"]
    engine.dispose()
    assert {"meeting_sessions", "session_events", "replies"} <= tables
    assert {"procrastinate_jobs", "procrastinate_workers", "procrastinate_events"} <= tables
    assert getattr(kind, "length", None) == 32


def test_serve_refuses_a_database_that_was_not_upgraded(empty_database: str) -> None:
    result = runner.invoke(app, ["serve"])

    assert result.exit_code != 0
    assert "delegate db upgrade" in result.output
