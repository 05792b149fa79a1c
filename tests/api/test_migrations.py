from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from delegate.adapters.db.migrate import current, sync_url, upgrade
from tests.support import pg_databases


def test_migrations_upgrade_an_empty_database_and_are_idempotent(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'db.sqlite'}"

    upgrade(url)
    upgrade(url)

    assert current(url) is not None
    engine = create_engine(sync_url(url))
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"accounts", "api_tokens", "bots", "recall_integrations"} <= tables


def test_migrations_build_the_schema_the_code_declares(tmp_path: Path) -> None:
    """Every table, column and index in ``tables.py`` exists after ``upgrade``, on the database
    of this pass (a missing migration would leave a query without its index). SQLite ignores
    declared string lengths, so types are compared on PostgreSQL only."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from delegate.adapters.db.tables import metadata

    if pg_databases is not None:
        url = pg_databases.create(migrated=False)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": conn.dialect.name != "sqlite",
                    # procrastinate's tables (PostgreSQL) are its own; ours are in metadata.
                    "include_name": lambda name, kind, _parents: (
                        kind != "table" or name in metadata.tables
                    ),
                },
            )
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()

    assert diff == []
