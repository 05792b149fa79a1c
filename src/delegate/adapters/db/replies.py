"""The replies repository: the delegate's outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    bindparam,
    insert,
    select,
    update,
)

from delegate.adapters.db.connection import Connection
from delegate.adapters.db.tables import (
    replies,
)
from delegate.domain.sessions import (
    Reply,
    ReplyStatus,
)

_RETIRE_CLAIMS = (
    update(replies)
    .where(replies.c.session_id == bindparam("sid"), replies.c.status == ReplyStatus.SENDING.value)
    .values(status=ReplyStatus.UNKNOWN.value)
)


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
