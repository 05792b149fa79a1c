"""Repositories for meeting sessions, their events, participants, turns and replies."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    ARRAY,
    Executable,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import RowMapping

from delegate.adapters.db.connection import Connection, Direct
from delegate.adapters.db.repositories import paginate
from delegate.adapters.db.tables import (
    meeting_sessions,
    participants,
    replies,
    session_events,
    turns,
)
from delegate.domain.events import SessionStatus
from delegate.domain.meeting import Participant, Turn, TurnSource
from delegate.domain.records import ListQuery, Page
from delegate.domain.sessions import (
    EventKind,
    MeetingSession,
    NewEvent,
    Reply,
    ReplyStatus,
    SessionProgress,
    StoredEvent,
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
    )
    .where(_t.c.id == bindparam("sid"))
    .with_for_update()
)
_SUMMARY = select(_t.c.summary).where(_t.c.id == bindparam("sid"))
_FINISH_PENDING = (
    update(turns)
    .where(
        turns.c.session_id == bindparam("sid"),
        turns.c.seq == bindparam("tseq"),
        turns.c.reply_state == "pending",
    )
    .values(reply_state="done")
)
_FOLLOW_UP = Direct(
    select(
        or_(
            exists().where(
                turns.c.session_id == bindparam("sid"), turns.c.reply_state == "pending"
            ),
            exists().where(replies.c.session_id == bindparam("sid"), replies.c.status == "pending"),
            exists().where(_t.c.id == bindparam("sid"), _t.c.notes_status == "pending"),
        )
    )
)
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


_PARTICIPANT_VALUES = ("name", "is_host", "is_bot", "present", "email")
_UPDATE_PARTICIPANT = Direct(
    update(participants)
    .where(
        participants.c.session_id == bindparam("sid"),
        participants.c.participant_id == bindparam("pid"),
    )
    .values({c: bindparam(c) for c in _PARTICIPANT_VALUES})
)
_INSERT_PARTICIPANT = Direct(
    insert(participants).values({c.name: bindparam(c.name) for c in participants.c})
)
_TURN_VALUES = ("speaker_id", "speaker", "text", "source", "start_s", "end_s", "to_bot", "by_bot")
_INSERT_TURN = Direct(
    insert(turns).values(
        {c: bindparam(c) for c in ("session_id", "seq", *_TURN_VALUES, "reply_state")}
    )
)
_UPDATE_TURN = Direct(
    update(turns)
    .where(turns.c.session_id == bindparam("sid"), turns.c.seq == bindparam("tseq"))
    .values({c: bindparam(c) for c in _TURN_VALUES})
)


_RETIRE_CLAIMS = (
    update(replies)
    .where(replies.c.session_id == bindparam("sid"), replies.c.status == ReplyStatus.SENDING.value)
    .values(status=ReplyStatus.UNKNOWN.value)
)
_SECRET_DIGEST = select(meeting_sessions.c.secret_digest).where(
    meeting_sessions.c.id == bindparam("sid"),
    meeting_sessions.c.integration_id == bindparam("iid"),
)


def _session(row: RowMapping) -> MeetingSession:
    values = {k: row[k] for k in _SESSION_FIELDS}
    values["status"] = SessionStatus(values["status"])
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
        sid, status, bot_name, ever_in_call, cursor, next_turn_seq, status_at = found[0]
        return SessionProgress(
            sid,
            SessionStatus(status),
            bot_name,
            bool(ever_in_call),
            cursor,
            next_turn_seq,
            status_at,
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

    async def update(self, session_id: str, **values: Any) -> None:
        if isinstance(values.get("status"), SessionStatus):
            values["status"] = values["status"].value
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

    async def needing_notes(self, limit: int) -> list[str]:
        t = meeting_sessions
        stmt = select(t.c.id).where(t.c.notes_status == "pending").limit(limit)
        return [r.id for r in await self._conn.execute(stmt)]


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


def _participant(row: Any) -> Participant:
    return Participant(
        id=row.participant_id,
        name=row.name,
        is_host=row.is_host,
        is_bot=row.is_bot,
        present=row.present,
        email=row.email,
    )


class SqlParticipantRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def upsert(self, session_id: str, p: Participant, seen_s: float | None = None) -> None:
        key = {"sid": session_id, "pid": p.id}
        values = {
            "name": p.name,
            "is_host": p.is_host,
            "is_bot": p.is_bot,
            "present": p.present,
            "email": p.email,
        }
        if await self._conn.run(_UPDATE_PARTICIPANT, {**key, **values}) == 0:
            await self._conn.run(
                _INSERT_PARTICIPANT,
                {
                    "session_id": session_id,
                    "participant_id": p.id,
                    "first_seen_s": seen_s,
                    **values,
                },
            )

    async def in_session(self, session_id: str) -> list[Participant]:
        t = participants
        stmt = (
            select(t)
            .where(t.c.session_id == session_id)
            .order_by(t.c.first_seen_s, t.c.participant_id)
        )
        return [_participant(r) for r in await self._conn.execute(stmt)]


def _turn(row: Any) -> Turn:
    return Turn(
        seq=row.seq,
        speaker_id=row.speaker_id,
        speaker=row.speaker,
        text=row.text,
        source=TurnSource(row.source),
        start_s=row.start_s,
        end_s=row.end_s,
        to_bot=row.to_bot,
        by_bot=row.by_bot,
    )


class SqlTurnRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def last(self, session_id: str) -> Turn | None:
        t = turns
        stmt = select(t).where(t.c.session_id == session_id).order_by(t.c.seq.desc()).limit(1)
        row = (await self._conn.execute(stmt)).first()
        return _turn(row) if row else None

    async def save(
        self, session_id: str, turn: Turn, is_new: bool, reply_state: str | None
    ) -> None:
        t = turns
        values: dict[str, Any] = {
            "speaker_id": turn.speaker_id,
            "speaker": turn.speaker,
            "text": turn.text,
            "source": turn.source.value,
            "start_s": turn.start_s,
            "end_s": turn.end_s,
            "to_bot": turn.to_bot,
            "by_bot": turn.by_bot,
        }
        if is_new:
            values["reply_state"] = reply_state
            await self._conn.run(
                _INSERT_TURN, {"session_id": session_id, "seq": turn.seq, **values}
            )
        elif reply_state is None:
            await self._conn.run(_UPDATE_TURN, {"sid": session_id, "tseq": turn.seq, **values})
        else:
            if reply_state is not None:
                # A turn triggers at most once: a decided or pending state is never replaced.
                values["reply_state"] = func.coalesce(t.c.reply_state, reply_state)
            await self._conn.execute(
                update(t).where(t.c.session_id == session_id, t.c.seq == turn.seq).values(**values)
            )

    async def rename_speaker(self, session_id: str, speaker_id: int, name: str) -> None:
        t = turns
        await self._conn.execute(
            update(t)
            .where(t.c.session_id == session_id, t.c.speaker_id == speaker_id)
            .values(speaker=name)
        )

    async def recent(self, session_id: str, before_seq: int, limit: int) -> list[Turn]:
        t = turns
        stmt = (
            select(t)
            .where(t.c.session_id == session_id, t.c.seq < before_seq)
            .order_by(t.c.seq.desc())
            .limit(limit)
        )
        return list(reversed([_turn(r) for r in await self._conn.execute(stmt)]))

    async def get(self, session_id: str, seq: int) -> Turn | None:
        t = turns
        row = (
            await self._conn.execute(select(t).where(t.c.session_id == session_id, t.c.seq == seq))
        ).first()
        return _turn(row) if row else None

    async def all(self, session_id: str) -> list[Turn]:
        t = turns
        stmt = select(t).where(t.c.session_id == session_id).order_by(t.c.start_s, t.c.seq)
        return [_turn(r) for r in await self._conn.execute(stmt)]

    async def awaiting_reply(self, session_id: str) -> list[int]:
        t = turns
        stmt = (
            select(t.c.seq)
            .where(t.c.session_id == session_id, t.c.reply_state == "pending")
            .order_by(t.c.seq)
        )
        return [r.seq for r in await self._conn.execute(stmt)]

    async def finish_pending(self, session_id: str, seq: int) -> bool:
        result = await self._conn.execute(_FINISH_PENDING, {"sid": session_id, "tseq": seq})
        return result.rowcount == 1

    async def search(
        self, session_id: str, speaker: str | None, terms: list[str], limit: int
    ) -> list[Turn]:
        t = turns
        stmt = select(t).where(t.c.session_id == session_id, t.c.by_bot.is_(False))
        if speaker:
            stmt = stmt.where(func.lower(t.c.speaker).contains(speaker.lower()))
        if terms:
            stmt = stmt.where(or_(*[func.lower(t.c.text).contains(term.lower()) for term in terms]))
        stmt = stmt.order_by(t.c.seq.desc()).limit(limit)
        return list(reversed([_turn(r) for r in await self._conn.execute(stmt)]))


def _reply(row: Any) -> Reply:
    return Reply(
        id=row.id,
        session_id=row.session_id,
        turn_seq=row.turn_seq,
        position=row.position,
        kind=row.kind,
        payload=row.payload,
        status=ReplyStatus(row.status),
        attempts=row.attempts,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


class SqlReplyRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, reply: Reply) -> None:
        await self._conn.execute(
            insert(replies).values(
                id=reply.id,
                session_id=reply.session_id,
                turn_seq=reply.turn_seq,
                position=reply.position,
                kind=reply.kind,
                payload=reply.payload,
                status=reply.status.value,
                attempts=reply.attempts,
                created_at=reply.created_at,
                sent_at=reply.sent_at,
            )
        )

    async def with_status(self, session_id: str, status: ReplyStatus) -> list[Reply]:
        r = replies
        stmt = (
            select(r)
            .where(r.c.session_id == session_id, r.c.status == status.value)
            .order_by(r.c.turn_seq, r.c.position)
        )
        return [_reply(row) for row in await self._conn.execute(stmt)]

    async def for_session(self, session_id: str) -> list[Reply]:
        r = replies
        stmt = select(r).where(r.c.session_id == session_id).order_by(r.c.created_at, r.c.position)
        return [_reply(row) for row in await self._conn.execute(stmt)]

    async def mark(self, reply_id: str, status: ReplyStatus, **values: Any) -> None:
        await self._conn.execute(
            update(replies).where(replies.c.id == reply_id).values(status=status.value, **values)
        )

    async def retire_claims(self, session_id: str) -> int:
        """Every reply of the session left ``sending`` becomes ``unknown``."""
        result = await self._conn.execute(_RETIRE_CLAIMS, {"sid": session_id})
        return result.rowcount

    async def claim(self, reply_id: str) -> bool:
        """Move a pending reply to ``sending``; False when someone else claimed it first."""
        result = await self._conn.execute(
            update(replies)
            .where(replies.c.id == reply_id, replies.c.status == ReplyStatus.PENDING.value)
            .values(status=ReplyStatus.SENDING.value, attempts=replies.c.attempts + 1)
        )
        return result.rowcount == 1

    async def recent_texts(self, session_id: str, limit: int) -> list[str]:
        r = replies
        stmt = (
            select(r.c.payload)
            .where(r.c.session_id == session_id, r.c.kind == "chat")
            .order_by(r.c.created_at.desc())
            .limit(limit)
        )
        return [str(row.payload.get("text", "")) for row in await self._conn.execute(stmt)]
