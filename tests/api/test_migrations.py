from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from delegate.adapters.db.migrate import current, sync_url, upgrade


def test_migrations_upgrade_an_empty_database_and_are_idempotent(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'db.sqlite'}"

    upgrade(url)
    upgrade(url)

    assert current(url) is not None
    engine = create_engine(sync_url(url))
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"accounts", "api_tokens", "bots", "recall_integrations"} <= tables
