"""The events repository: what Recall sent for each session, in order."""

from __future__ import annotations

from sqlalchemy import (
    ARRAY,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from delegate.adapters.db.connection import Connection, Direct
from delegate.adapters.db.tables import (
    session_events,
)
from delegate.domain.sessions import (
    EventKind,
    NewEvent,
    StoredEvent,
)

# The statements a drain runs for every batch, built once and run directly on the driver
# (``connection.Direct``): on SQLite SQLAlchemy's execution layer costs ten times the statement.
_EVENTS_AFTER = Direct(
    select(
        session_events.c.id,
        session_events.c.session_id,
        session_events.c.kind,
        session_events.c.event,
        session_events.c.payload,
    )
    .where(
        session_events.c.session_id == bindparam("sid"), session_events.c.id > bindparam("after")
    )
    .order_by(session_events.c.id)
    .limit(bindparam("take"))
)
_EVENT_COLUMNS = ("session_id", "delivery_id", "kind", "event", "payload", "received_at")
_APPEND_EVENT_SQLITE = Direct(
    sqlite_insert(session_events)
    .values({c: bindparam(c) for c in _EVENT_COLUMNS})
    .on_conflict_do_nothing(index_elements=["session_id", "delivery_id"])
)
"""One row per statement: on SQLite a statement is a function call, and its row count says
whether the delivery was new."""
_APPEND_EVENTS_PG = Direct(
    text(
        "INSERT INTO session_events (session_id, delivery_id, kind, event, payload, received_at) "
        "SELECT * FROM unnest(:session_id, :delivery_id, :kind, :event, :payload, :received_at) "
        "ON CONFLICT (session_id, delivery_id) DO NOTHING "
        "RETURNING session_id, delivery_id"
    ).bindparams(*(bindparam(c, type_=ARRAY(session_events.c[c].type)) for c in _EVENT_COLUMNS)),
    binary=True,
)
"""A whole batch in one statement of fixed text, so psycopg parses and prepares it once: one
array per column, sent in binary (as text, every payload would be escaped into an array
literal). RETURNING names the rows that were new; psycopg reports no row count for it."""


class SqlEventRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def append(self, events: list[NewEvent]) -> list[bool]:
        """Insert events; a delivery already stored is skipped. Returns which ones were new."""
        if not events:
            return []
        rows = [
            {
                "session_id": ev.session_id,
                "delivery_id": ev.delivery_id,
                "kind": ev.kind.value,
                "event": ev.event,
                # PostgreSQL text cannot hold NUL: a raw one (never valid JSON) is kept visible.
                "payload": ev.payload.decode("utf-8", "replace").replace("\x00", "\ufffd"),
                "received_at": ev.received_at,
            }
            for ev in events
        ]
        if self._conn.dialect.name != "postgresql":
            return [await self._conn.run(_APPEND_EVENT_SQLITE, row) == 1 for row in rows]
        columns = {c: [row[c] for row in rows] for c in _EVENT_COLUMNS}
        inserted = set(await self._conn.rows(_APPEND_EVENTS_PG, columns))
        new = []
        for ev in events:
            key = (ev.session_id, ev.delivery_id)
            new.append(key in inserted)
            inserted.discard(key)  # the same delivery twice in one batch: only the first is new
        return new

    async def status_history(self, session_id: str) -> list[tuple[int, str, int]]:
        t = session_events
        stmt = (
            select(t.c.id, t.c.event, t.c.received_at)
            .where(
                t.c.session_id == session_id,
                t.c.kind.in_([EventKind.STATUS.value, EventKind.POLL.value]),
            )
            .order_by(t.c.id)
        )
        return [(r.id, r.event, r.received_at) for r in await self._conn.execute(stmt)]

    async def after(self, session_id: str, cursor: int, limit: int) -> list[StoredEvent]:
        rows = await self._conn.rows(
            _EVENTS_AFTER, {"sid": session_id, "after": cursor, "take": limit}
        )
        return [StoredEvent(i, sid, kind, name, body.encode()) for i, sid, kind, name, body in rows]

    async def last_id(self, session_id: str) -> int:
        e = session_events
        stmt = select(func.max(e.c.id)).where(e.c.session_id == session_id)
        return int((await self._conn.execute(stmt)).scalar() or 0)
