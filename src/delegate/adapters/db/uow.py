"""Unit of work: one database transaction, committed when the block ends without error.

On SQLite one process owns the file, so transactions are serialized by an asyncio lock rather
than by SQLite's busy handler, whose sleeps (up to 100 ms each) would stall every writer that
loses a race. Units of work must not be nested.
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from delegate.adapters.db.repositories import (
    SqlAccountRepository,
    SqlBotRepository,
    SqlIntegrationRepository,
)
from delegate.adapters.db.sessions import (
    SqlEventRepository,
    SqlParticipantRepository,
    SqlReplyRepository,
    SqlSessionRepository,
    SqlTurnRepository,
)
from delegate.services.ports import (
    AccountRepository,
    BotRepository,
    Cipher,
    EventRepository,
    IntegrationRepository,
    ParticipantRepository,
    ReplyRepository,
    SessionRepository,
    TurnRepository,
)


class SqlUnitOfWork:
    accounts: AccountRepository
    bots: BotRepository
    integrations: IntegrationRepository
    sessions: SessionRepository
    events: EventRepository
    participants: ParticipantRepository
    turns: TurnRepository
    replies: ReplyRepository

    def __init__(
        self, engine: AsyncEngine, cipher: Cipher, lock: asyncio.Lock | None = None
    ) -> None:
        self._engine = engine
        self._cipher = cipher
        self._lock = lock
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._lock is not None:
            await self._lock.acquire()
        try:
            self._conn = await self._engine.connect()
            await self._conn.begin()
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self.accounts = SqlAccountRepository(self._conn)
        self.bots = SqlBotRepository(self._conn)
        self.integrations = SqlIntegrationRepository(self._conn, self._cipher)
        self.sessions = SqlSessionRepository(self._conn)
        self.events = SqlEventRepository(self._conn)
        self.participants = SqlParticipantRepository(self._conn)
        self.turns = SqlTurnRepository(self._conn)
        self.replies = SqlReplyRepository(self._conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None
        try:
            if exc_type is None:
                await self._conn.commit()
            else:
                await self._conn.rollback()
        finally:
            await self._conn.close()
            self._conn = None
            if self._lock is not None:
                self._lock.release()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine, cipher: Cipher) -> None:
        self.engine = engine
        self.cipher = cipher
        self._lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.cipher, self._lock)
