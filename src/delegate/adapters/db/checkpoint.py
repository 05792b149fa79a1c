"""SQLite WAL checkpoints on a thread of their own.

By default the connection whose commit fills the write-ahead log past 1,000 pages copies the
log back into the database file and syncs it, inside that commit: on the event loop's thread
(see ``connection.py``) a pause of tens of milliseconds every second or two under load. The
loop's connection turns that off, and this thread checkpoints instead (``PASSIVE``: it never
waits for, nor blocks, a writer or a reader). SQLite runs the copy without holding the GIL.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, path: str, interval_s: float = 1.0) -> None:
        self._path = path
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while not self._stop.wait(self._interval):
                try:
                    if conn is None:
                        conn = sqlite3.connect(self._path, timeout=5, isolation_level=None)
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as exc:  # a locked or missing file: try again next time
                    log.debug("checkpoint skipped: %s", exc)
        finally:
            if conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
