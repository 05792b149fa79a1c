"""The one connection interface the repositories use, and its SQLite implementation.

PostgreSQL goes through SQLAlchemy's ``AsyncConnection`` (psycopg, network I/O on the loop).
SQLite runs on the event loop's own thread through the standard ``sqlite3`` driver: a statement
on a local WAL file takes tens of microseconds, while each aiosqlite call is a round trip to a
helper thread (about ten times that, and more when the loop is busy). The loop is blocked only
for the statement itself; units of work are serialized by the factory's lock anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection as SyncConnection
from sqlalchemy import CursorResult, Dialect, Executable

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]]


class Connection(Protocol):
    @property
    def dialect(self) -> Dialect: ...

    async def execute(
        self, statement: Executable, parameters: Params | None = None, /
    ) -> CursorResult[Any]: ...


class LoopConnection:
    """An async face on a synchronous SQLAlchemy connection, for SQLite."""

    def __init__(self, conn: SyncConnection) -> None:
        self._conn = conn

    @property
    def dialect(self) -> Dialect:
        return self._conn.dialect

    async def execute(
        self, statement: Executable, parameters: Params | None = None, /
    ) -> CursorResult[Any]:
        return self._conn.execute(statement, parameters)
