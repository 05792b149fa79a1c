"""The participants repository."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    bindparam,
    insert,
    select,
    update,
)

from delegate.adapters.db.connection import Connection, Direct
from delegate.adapters.db.tables import (
    participants,
)
from delegate.domain.meeting import Participant

# The statements a drain runs for every batch, built once and run directly on the driver
# (``connection.Direct``): on SQLite SQLAlchemy's execution layer costs ten times the statement.
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
