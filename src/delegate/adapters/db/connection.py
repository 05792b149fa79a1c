"""The one connection interface the repositories use, its SQLite and PostgreSQL
implementations, and ``Direct`` statements for the hot paths.

PostgreSQL goes through SQLAlchemy's ``AsyncConnection`` (psycopg, network I/O on the loop).
SQLite runs on the event loop's own thread through the standard ``sqlite3`` driver: a statement
on a local WAL file takes tens of microseconds, while each aiosqlite call is a round trip to a
helper thread (about ten times that, and more when the loop is busy). The loop is blocked only
for the statement itself; units of work are serialized by the factory's lock anyway.

SQLAlchemy's execution layer (parameter processing, result set metadata, row objects) costs
about 50 µs per statement on top of a primary-key read that SQLite answers in 5 µs. The few
statements run for every received event or drained batch are ``Direct``: built with
SQLAlchemy, compiled once per dialect, and run on the driver's connection inside the same
transaction. Their parameters and rows are plain driver values (see ``Direct``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import ClauseElement, CursorResult, Dialect, Executable
from sqlalchemy import Connection as SyncConnection
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler

_PYFORMAT_TEXT = re.compile(r"%\((\w+)\)s")
"""psycopg's placeholder for a parameter in text format; ``%(name)b`` asks for binary."""

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]]
Row = tuple[Any, ...]


class Direct:
    """A statement compiled once per dialect and run on the driver's connection.

    Parameters go through the column types' bind processors, as with SQLAlchemy (JSON is
    serialized, NUL characters are replaced for PostgreSQL); rows come back as the driver's
    tuples, without result processing (SQLite gives booleans as 0/1). Bind parameters must be
    plain (no ``expanding`` IN lists), and a fixed value in the statement may not be None.

    ``binary``: psycopg sends the parameters in PostgreSQL's binary format. For arrays of text
    that skips quoting and escaping every element into an array literal."""

    def __init__(self, statement: ClauseElement, *, binary: bool = False) -> None:
        self.statement = statement
        self.binary = binary
        self._compiled: dict[str, _Compiled] = {}

    def bind(self, dialect: Dialect, parameters: Mapping[str, Any]) -> tuple[str, Any]:
        """The SQL for ``dialect`` and the driver's parameters for it."""
        c = self._compiled.get(dialect.name) or self._compile(dialect)
        values = {**c.fixed, **parameters}
        for name, process in c.processors.items():
            if name in values:
                values[name] = process(values[name])
        if c.order is None:
            return c.sql, values
        return c.sql, tuple(values[name] for name in c.order)

    def _compile(self, dialect: Dialect) -> _Compiled:
        c = cast(SQLCompiler, self.statement.compile(dialect=dialect))
        processors: dict[str, Callable[[Any], Any]] = {}
        for name, bind in c.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors[name] = process
        sql = c.string
        if self.binary and dialect.name == "postgresql":
            sql = _PYFORMAT_TEXT.sub(r"%(\1)b", sql)
        found = self._compiled[dialect.name] = _Compiled(
            sql,
            tuple(c.positiontup) if c.positional and c.positiontup else None,
            {k: v for k, v in c.params.items() if v is not None},
            processors,
        )
        return found


@dataclass(frozen=True)
class _Compiled:
    sql: str
    order: tuple[str, ...] | None
    """Parameter names in order, for drivers with positional parameters (SQLite)."""
    fixed: dict[str, Any]
    processors: dict[str, Callable[[Any], Any]]


class Connection(Protocol):
    @property
    def dialect(self) -> Dialect: ...

    async def execute(
        self, statement: Executable, parameters: Params | None = None, /
    ) -> CursorResult[Any]: ...

    async def rows(self, statement: Direct, parameters: Mapping[str, Any], /) -> list[Row]:
        """Run a ``Direct`` statement; its rows."""
        ...

    async def run(self, statement: Direct, parameters: Mapping[str, Any], /) -> int:
        """Run a ``Direct`` statement; the number of rows it changed."""
        ...


class LoopConnection:
    """An async face on a synchronous SQLAlchemy connection, for SQLite."""

    def __init__(self, conn: SyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect
        self._driver: Any = None

    @property
    def dialect(self) -> Dialect:
        return self._dialect

    async def execute(
        self, statement: Executable, parameters: Params | None = None, /
    ) -> CursorResult[Any]:
        return self._conn.execute(statement, parameters)

    def _cursor(self, statement: Direct, parameters: Mapping[str, Any]) -> Any:
        if self._driver is None:
            self._driver = self._conn.connection.dbapi_connection
        return self._driver.execute(*statement.bind(self._dialect, parameters))

    async def rows(self, statement: Direct, parameters: Mapping[str, Any], /) -> list[Row]:
        return self._cursor(statement, parameters).fetchall()  # type: ignore[no-any-return]

    async def run(self, statement: Direct, parameters: Mapping[str, Any], /) -> int:
        return self._cursor(statement, parameters).rowcount  # type: ignore[no-any-return]


class PgConnection:
    """SQLAlchemy's ``AsyncConnection`` for PostgreSQL, with ``Direct`` statements run on the
    psycopg connection underneath (same transaction; psycopg prepares repeated statements)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect
        self._driver: Any = None

    @property
    def dialect(self) -> Dialect:
        return self._dialect

    async def execute(
        self, statement: Executable, parameters: Params | None = None, /
    ) -> CursorResult[Any]:
        return await self._conn.execute(statement, parameters)

    async def _run(self, statement: Direct, parameters: Mapping[str, Any]) -> Any:
        if self._driver is None:
            self._driver = (await self._conn.get_raw_connection()).driver_connection
        return await self._driver.execute(*statement.bind(self._dialect, parameters))

    async def rows(self, statement: Direct, parameters: Mapping[str, Any], /) -> list[Row]:
        return await (await self._run(statement, parameters)).fetchall()  # type: ignore[no-any-return]

    async def run(self, statement: Direct, parameters: Mapping[str, Any], /) -> int:
        return (await self._run(statement, parameters)).rowcount  # type: ignore[no-any-return]
