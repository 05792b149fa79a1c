"""The turns repository: what was said and written, and which turns wait for a reply."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)

from delegate.adapters.db.connection import Connection, Direct
from delegate.adapters.db.tables import (
    turns,
)
from delegate.domain.meeting import Turn, TurnSource
from delegate.domain.sessions import ReplyState

# The statements a drain runs for every batch, built once and run directly on the driver
# (``connection.Direct``): on SQLite SQLAlchemy's execution layer costs ten times the statement.
_FINISH_PENDING = (
    update(turns)
    .where(
        turns.c.session_id == bindparam("sid"),
        turns.c.seq == bindparam("tseq"),
        turns.c.reply_state == ReplyState.PENDING.value,
    )
    .values(reply_state=ReplyState.DONE.value)
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
        self, session_id: str, turn: Turn, is_new: bool, reply_state: ReplyState | None
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
        state = None if reply_state is None else reply_state.value
        if is_new:
            values["reply_state"] = state
            await self._conn.run(
                _INSERT_TURN, {"session_id": session_id, "seq": turn.seq, **values}
            )
        elif reply_state is None:
            await self._conn.run(_UPDATE_TURN, {"sid": session_id, "tseq": turn.seq, **values})
        else:
            # A turn triggers at most once: a decided or pending state is never replaced.
            values["reply_state"] = func.coalesce(t.c.reply_state, state)
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

    async def awaiting_reply(self, session_id: str) -> list[Turn]:
        t = turns
        stmt = (
            select(t)
            .where(t.c.session_id == session_id, t.c.reply_state == ReplyState.PENDING.value)
            .order_by(t.c.seq)
        )
        return [_turn(r) for r in await self._conn.execute(stmt)]

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
