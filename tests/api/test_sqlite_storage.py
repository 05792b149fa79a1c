"""The embedded SQLite database: the write-ahead log is folded back into the database file by
a background thread while the server runs, not only when it stops."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from delegate.adapters.db.engine import sqlite_path
from delegate.bootstrap import Container
from tests.support import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="SQLite only: the PostgreSQL pass")


async def test_the_write_ahead_log_is_checkpointed_while_the_server_runs(
    container: Container,
) -> None:
    path = sqlite_path(container.settings.database_url)
    assert path is not None
    size_before = os.path.getsize(path)
    for i in range(400):
        async with container.uow() as tx:
            await tx.accounts.get_or_create(f"account-{i}-" + "x" * 2000, container.clock.now_ms())

    deadline = time.monotonic() + 10
    while os.path.getsize(path) <= size_before + 400 * 2000 and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert os.path.getsize(path) > size_before + 400 * 2000
    assert Path(path + "-wal").exists()  # the server still has the database open
