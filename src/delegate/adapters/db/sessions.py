"""The meeting sessions repository."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import orjson
from sqlalchemy import (
    Executable,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import RowMapping

from delegate.adapters.db.connection import Connection, Direct
from delegate.adapters.db.repositories import paginate
from delegate.adapters.db.tables import (
    meeting_sessions,
    replies,
    session_events,
    turns,
)
from delegate.domain.events import SessionStatus
from delegate.domain.records import ListQuery, Page
from delegate.domain.sessions import (
    EventKind,
    MeetingSession,
    NotesStatus,
    ReplyState,
    SessionChanges,
    SessionProgress,
)

_SESSION_FIELDS = [
    c.name
    for c in meeting_sessions.c
    if c.name not in ("secret_digest", "idempotency_key", "idempotency_digest")
]


# The statements a drain runs for every batch, built once and run directly on the driver
# (``connection.Direct``): on SQLite SQLAlchemy's execution layer costs ten times the statement.
_t = meeting_sessions
_SESSION_BY_ID = select(_t).where(_t.c.id == bindparam("sid"))
_PROGRESS = Direct(
    select(
        _t.c.id,
        _t.c.status,
        _t.c.bot_name,
        _t.c.ever_in_call,
        _t.c.cursor,
        _t.c.next_turn_seq,
        _t.c.status_at,
        _t.c.recording_paused,
        _t.c.resume_at,
        _t.c.unrecorded_spans,
    )
    .where(_t.c.id == bindparam("sid"))
    .with_for_update()
)
_SUMMARY = select(_t.c.summary).where(_t.c.id == bindparam("sid"))
_FOLLOW_UP = Direct(
    select(
        or_(
            exists().where(
                turns.c.session_id == bindparam("sid"),
                turns.c.reply_state == ReplyState.PENDING.value,
            ),
            exists().where(replies.c.session_id == bindparam("sid"), replies.c.status == "pending"),
            exists().where(
                _t.c.id == bindparam("sid"), _t.c.notes_status == NotesStatus.PENDING.value
            ),
        )
    )
)
_UPDATES: dict[tuple[str, ...], Direct] = {}
"""One ``Direct`` update per set of columns written together (a handful in practice)."""


def _session_update(columns: tuple[str, ...]) -> Direct:
    found = _UPDATES.get(columns)
    if found is None:
        stmt = (
            update(_t)
            .where(_t.c.id == bindparam("_sid"))
            .values({c: bindparam(c, type_=_t.c[c].type) for c in columns})
        )
        found = _UPDATES[columns] = Direct(stmt)
    return found


_SECRET_DIGEST = select(meeting_sessions.c.secret_digest).where(
    meeting_sessions.c.id == bindparam("sid"),
    meeting_sessions.c.integration_id == bindparam("iid"),
)


def _json(value: Any) -> Any:
    """A JSON column read through ``Direct``: SQLite's driver gives its text, psycopg the value."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _session(row: RowMapping) -> MeetingSession:
    values = {k: row[k] for k in _SESSION_FIELDS}
    values["status"] = SessionStatus(values["status"])
    if values["notes_status"] is not None:
        values["notes_status"] = NotesStatus(values["notes_status"])
    return MeetingSession(**values)


class SqlSessionRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(
        self,
        session: MeetingSession,
        secret_digest: str,
        idempotency_key: str | None,
        idempotency_digest: str | None = None,
    ) -> None:
        values = {k: getattr(session, k) for k in _SESSION_FIELDS}
        values["status"] = session.status.value
        await self._conn.execute(
            insert(meeting_sessions).values(
                **values,
                secret_digest=secret_digest,
                idempotency_key=idempotency_key,
                idempotency_digest=idempotency_digest,
            )
        )

    async def _one(self, *where: Any) -> MeetingSession | None:
        return await self._first(select(meeting_sessions).where(*where))

    async def _first(
        self, stmt: Executable, params: dict[str, Any] | None = None
    ) -> MeetingSession | None:
        row = (await self._conn.execute(stmt, params)).mappings().first()
        return _session(row) if row else None

    async def get(
        self, account_id: str, integration_id: str, session_id: str
    ) -> MeetingSession | None:
        t = meeting_sessions
        return await self._one(
            t.c.id == session_id, t.c.account_id == account_id, t.c.integration_id == integration_id
        )

    async def get_by_id(self, session_id: str) -> MeetingSession | None:
        return await self._first(_SESSION_BY_ID, {"sid": session_id})

    async def lock(self, session_id: str) -> SessionProgress | None:
        found = await self._conn.rows(_PROGRESS, {"sid": session_id})
        if not found:
            return None
        (sid, status, bot_name, ever_in_call, cursor, next_turn_seq, status_at) = found[0][:7]
        paused, resume_at, spans = found[0][7:]
        return SessionProgress(
            sid,
            SessionStatus(status),
            bot_name,
            bool(ever_in_call),
            cursor,
            next_turn_seq,
            status_at,
            bool(paused),
            resume_at,
            _json(spans),
        )

    async def summary(self, session_id: str) -> dict[str, Any] | None:
        row = (await self._conn.execute(_SUMMARY, {"sid": session_id})).first()
        return row.summary if row else None

    async def find_by_idempotency_key(self, integration_id: str, key: str) -> MeetingSession | None:
        t = meeting_sessions
        return await self._one(t.c.integration_id == integration_id, t.c.idempotency_key == key)

    async def idempotency_digest(self, session_id: str) -> str | None:
        t = meeting_sessions
        stmt = select(t.c.idempotency_digest).where(t.c.id == session_id)
        return (await self._conn.execute(stmt)).scalar()

    async def find_by_recall_bot(
        self, integration_id: str, recall_bot_id: str
    ) -> MeetingSession | None:
        t = meeting_sessions
        return await self._one(
            t.c.integration_id == integration_id, t.c.recall_bot_id == recall_bot_id
        )

    async def count_refused(self, session_id: str, reason: str) -> None:
        await self._conn.execute(
            update(_t)
            .where(_t.c.id == session_id)
            .values(deliveries_refused=_t.c.deliveries_refused + 1, refused_reason=reason[:64])
        )

    async def secret_digest(self, session_id: str, integration_id: str) -> str | None:
        params = {"sid": session_id, "iid": integration_id}
        row = (await self._conn.execute(_SECRET_DIGEST, params)).first()
        return row.secret_digest if row else None

    async def list_page(
        self, account_id: str, integration_id: str, query: ListQuery
    ) -> Page[MeetingSession]:
        rows, cursor = await paginate(
            self._conn,
            meeting_sessions,
            account_id,
            query,
            meeting_sessions.c.integration_id == integration_id,
        )
        return Page([_session(r) for r in rows], cursor)

    async def list_for_account(
        self, account_id: str, query: ListQuery, status: SessionStatus | None
    ) -> Page[MeetingSession]:
        where = [] if status is None else [meeting_sessions.c.status == status.value]
        rows, cursor = await paginate(self._conn, meeting_sessions, account_id, query, *where)
        return Page([_session(r) for r in rows], cursor)

    async def update(self, session_id: str, changes: SessionChanges) -> None:
        values = changes.columns()
        if not values:
            return
        statement = _session_update(tuple(sorted(values)))
        await self._conn.run(statement, {"_sid": session_id, **values})

    async def delete(self, session_id: str) -> None:
        await self._conn.execute(
            delete(meeting_sessions).where(meeting_sessions.c.id == session_id)
        )

    async def clear_idempotency_key(self, session_id: str) -> None:
        await self._conn.execute(
            update(meeting_sessions)
            .where(meeting_sessions.c.id == session_id)
            .values(idempotency_key=None)
        )

    async def due_for_polling(self, polled_before_ms: int, limit: int) -> list[MeetingSession]:
        t = meeting_sessions
        active = [s.value for s in SessionStatus if s.active and s is not SessionStatus.CREATED]
        stmt = (
            select(t)
            .where(
                t.c.status.in_(active),
                t.c.recall_bot_id.is_not(None),
                or_(t.c.last_polled_at.is_(None), t.c.last_polled_at < polled_before_ms),
            )
            .order_by(t.c.last_polled_at.nulls_first(), t.c.created_at)
            .limit(limit)
        )
        return [_session(r) for r in (await self._conn.execute(stmt)).mappings()]

    async def without_bot(self, created_before_ms: int, limit: int) -> list[MeetingSession]:
        t = meeting_sessions
        stmt = (
            select(t)
            .where(
                t.c.status.in_([s.value for s in SessionStatus if s.active]),
                t.c.recall_bot_id.is_(None),
                t.c.created_at < created_before_ms,
            )
            .order_by(t.c.created_at)
            .limit(limit)
        )
        return [_session(r) for r in (await self._conn.execute(stmt)).mappings()]

    async def known_ids(self, session_ids: Collection[str]) -> set[str]:
        if not session_ids:
            return set()
        t = meeting_sessions
        stmt = select(t.c.id).where(t.c.id.in_(list(session_ids)))
        return {str(r[0]) for r in await self._conn.execute(stmt)}

    async def live_in_integration(self, integration_id: str) -> list[MeetingSession]:
        t = meeting_sessions
        active = [s.value for s in SessionStatus if s.active]
        stmt = select(t).where(
            t.c.integration_id == integration_id,
            t.c.status.in_(active),
            t.c.recall_bot_id.is_not(None),
        )
        return [_session(r) for r in (await self._conn.execute(stmt)).mappings()]

    async def with_unprocessed_events(
        self, limit: int, realtime_events: Collection[str]
    ) -> list[str]:
        """Sessions with events past their cursor, counting realtime events only of the names
        in ``realtime_events`` (status and polled events always count)."""
        t, e = meeting_sessions, session_events
        pending = and_(
            e.c.session_id == t.c.id,
            e.c.id > t.c.cursor,
            or_(e.c.kind != EventKind.REALTIME.value, e.c.event.in_(sorted(realtime_events))),
        )
        stmt = select(t.c.id).where(exists().where(pending)).limit(limit)
        return [r.id for r in await self._conn.execute(stmt)]

    async def has_follow_up(self, session_id: str) -> bool:
        """Whether the session has turns awaiting a reply, replies to send, or notes to write."""
        return bool((await self._conn.rows(_FOLLOW_UP, {"sid": session_id}))[0][0])

    async def due_to_resume(self, now_ms: int, limit: int) -> list[MeetingSession]:
        t = meeting_sessions
        active = [s.value for s in SessionStatus if s.active]
        stmt = (
            select(t)
            .where(t.c.resume_at.is_not(None), t.c.resume_at <= now_ms, t.c.status.in_(active))
            .order_by(t.c.resume_at)
            .limit(limit)
        )
        return [_session(r) for r in (await self._conn.execute(stmt)).mappings()]

    async def take_resume(self, session_id: str, resume_at: int) -> bool:
        t = meeting_sessions
        result = await self._conn.execute(
            update(t).where(t.c.id == session_id, t.c.resume_at == resume_at).values(resume_at=None)
        )
        return bool(result.rowcount)

    async def needing_notes(self, limit: int) -> list[str]:
        t = meeting_sessions
        stmt = select(t.c.id).where(t.c.notes_status == NotesStatus.PENDING.value).limit(limit)
        return [r.id for r in await self._conn.execute(stmt)]
