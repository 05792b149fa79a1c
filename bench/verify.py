"""Reading the database under test from the outside: what was stored, what is processed.

SQLite is opened read-only with the stdlib driver (delegate's engine starts every transaction
with ``BEGIN IMMEDIATE``, which would take the write lock away from the server being measured);
PostgreSQL through psycopg. Both are blocking and meant for ``asyncio.to_thread``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench.load import Ledger
from delegate.adapters.recall.inbound import WAKING_EVENTS

# Partials and speech on/off change nothing and wake nobody: they are stepped over by the
# session's next drain, so they do not count as work waiting.
_WAKING_EVENT_NAMES = ", ".join(f"'{name}'" for name in sorted(WAKING_EVENTS))  # our constants
BACKLOG_SQL = (
    "SELECT count(*) FROM session_events e JOIN meeting_sessions s ON s.id = e.session_id "  # noqa: S608
    f"WHERE e.id > s.cursor AND (e.kind <> 'realtime' OR e.event IN ({_WAKING_EVENT_NAMES}))"
)
PROCESSED_SQL = (
    "SELECT count(*) FROM session_events e JOIN meeting_sessions s ON s.id = e.session_id "
    "WHERE e.id <= s.cursor"
)
DELIVERIES_SQL = "SELECT session_id, delivery_id FROM session_events WHERE kind = 'realtime'"


class Database:
    """Read-only queries against the benchmark's database (SQLite file or PostgreSQL URL)."""

    def __init__(self, sqlalchemy_url: str) -> None:
        self.url = make_url(sqlalchemy_url)
        self._pg: Any = None
        self._pg_lock = threading.Lock()

    def rows(self, sql: str, read_only: bool = True) -> list[tuple[Any, ...]]:
        """``read_only=False`` after the server died: a read-only connection cannot recover
        the write-ahead log a killed writer left behind."""
        if self.url.get_backend_name() == "sqlite":
            path = Path(self.url.database or "")
            mode = "ro" if read_only else "rw"
            conn = sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=30)
            try:
                return list(conn.execute(sql))
            finally:
                conn.close()
        return self._postgres_rows(sql)

    def _postgres_rows(self, sql: str) -> list[tuple[Any, ...]]:
        # One connection, kept: the harness polls every 100 ms, and a new connection each time
        # forks a PostgreSQL backend on the cores being measured.
        import psycopg

        with self._pg_lock:
            if self._pg is None or self._pg.closed:
                libpq = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
                self._pg = psycopg.connect(libpq, autocommit=True)
            return list(self._pg.execute(sql.encode()))

    def close(self) -> None:
        with self._pg_lock:
            if self._pg is not None:
                self._pg.close()
                self._pg = None

    def scalar(self, sql: str) -> int:
        return int(self.rows(sql)[0][0])

    def backlog(self) -> int:
        """Stored events that can change something, not processed yet."""
        return self.scalar(BACKLOG_SQL)

    def processed(self) -> int:
        return self.scalar(PROCESSED_SQL)


@dataclass(frozen=True)
class StorageCheck:
    sent_events: int
    """Distinct deliveries sent (each counted once however often it was sent)."""
    acknowledged: int
    stored_rows: int
    lost: int
    """Acknowledged with a 2xx but not in the database."""
    duplicated_rows: int
    """Rows beyond the first for one delivery id (the unique constraint should make this 0)."""
    said_stored_twice: int
    """Deliveries the server answered ``stored: true`` more than once."""
    intentional_duplicates: int
    intentional_duplicates_said_stored: int
    never_acknowledged: int
    stored_without_ack: int
    """Stored although the sender never saw the 2xx (an ack lost to a timeout; not an error)."""
    cancelled_in_flight: int
    """Deliveries still in flight when the load's hard stop cancelled them."""

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated_rows or self.said_stored_twice)


def check_storage(db: Database, sessions: Iterable[str], ledgers: Iterable[Ledger]) -> StorageCheck:
    """Compare what each meeting was told with the rows in ``session_events``."""
    stored: dict[str, list[str]] = defaultdict(list)
    for session_id, delivery_id in db.rows(DELIVERIES_SQL, read_only=False):
        stored[session_id].append(delivery_id)
    sent = acked = rows = lost = dup_rows = twice = dups = dups_stored = never = unacked = 0
    cancelled = 0
    for session_id, ledger in zip(sessions, ledgers, strict=True):
        ids = stored.get(session_id, [])
        unique = set(ids)
        all_sent = ledger.acked | ledger.failed | ledger.cancelled
        cancelled += len(ledger.cancelled - ledger.acked)
        sent += len(all_sent)
        acked += len(ledger.acked)
        rows += len(ids)
        dup_rows += len(ids) - len(unique)
        lost += len(ledger.acked - unique)
        twice += sum(1 for n in ledger.said_stored.values() if n > 1)
        dups += ledger.duplicates_sent
        dups_stored += ledger.duplicates_said_stored
        never += len(ledger.failed - ledger.acked)
        unacked += len(unique - ledger.acked)
    return StorageCheck(
        sent, acked, rows, lost, dup_rows, twice, dups, dups_stored, never, unacked, cancelled
    )
