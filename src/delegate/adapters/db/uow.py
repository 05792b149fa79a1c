"""Unit of work: one database transaction, committed when the block ends without error.

On SQLite one process owns the file, so transactions are serialized by an asyncio lock rather
than by SQLite's busy handler, whose sleeps (up to 100 ms each) would stall every writer that
loses a race; and they run on the loop's thread through one synchronous connection (see
``connection.py``). Units of work must not be nested.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType

from sqlalchemy import Connection as SyncConnection
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from delegate.adapters.db.checkpoint import Checkpointer
from delegate.adapters.db.connection import Connection, LoopConnection, PgConnection
from delegate.adapters.db.datasets import SqlDatasetRepository
from delegate.adapters.db.engine import create_loop_engine, sqlite_path
from delegate.adapters.db.participants import SqlParticipantRepository
from delegate.adapters.db.replies import SqlReplyRepository
from delegate.adapters.db.repositories import (
    SqlAccountRepository,
    SqlBotRepository,
    SqlIntegrationRepository,
)
from delegate.adapters.db.session_events import SqlEventRepository
from delegate.adapters.db.sessions import SqlSessionRepository
from delegate.adapters.db.turns import SqlTurnRepository
from delegate.adapters.db.webhooks import SqlWebhookRepository
from delegate.services.ports import (
    AccountRepository,
    BotRepository,
    Cipher,
    DatasetRepository,
    EventRepository,
    IntegrationRepository,
    ParticipantRepository,
    ReplyRepository,
    SessionRepository,
    TurnRepository,
    WebhookRepository,
)

log = logging.getLogger(__name__)


class SqlUnitOfWork:
    accounts: AccountRepository
    bots: BotRepository
    integrations: IntegrationRepository
    sessions: SessionRepository
    events: EventRepository
    participants: ParticipantRepository
    turns: TurnRepository
    replies: ReplyRepository
    webhooks: WebhookRepository
    datasets: DatasetRepository

    def __init__(
        self,
        engine: AsyncEngine,
        cipher: Cipher,
        loop_engine: LoopEngine | None = None,
    ) -> None:
        self._engine = engine
        self._loop_engine = loop_engine
        self._cipher = cipher
        self._async_conn: AsyncConnection | None = None
        self._sync_conn: SyncConnection | None = None
        self._after_commit: list[Callable[[], Awaitable[None]]] = []

    def after_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        self._after_commit.append(callback)

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._loop_engine is not None:
            await self._loop_engine.lock.acquire()
        try:
            conn = await self._open()
        except BaseException:
            await self._close()
            raise
        self.accounts = SqlAccountRepository(conn)
        self.bots = SqlBotRepository(conn)
        self.integrations = SqlIntegrationRepository(conn, self._cipher)
        self.sessions = SqlSessionRepository(conn)
        self.events = SqlEventRepository(conn)
        self.participants = SqlParticipantRepository(conn)
        self.turns = SqlTurnRepository(conn)
        self.replies = SqlReplyRepository(conn)
        self.webhooks = SqlWebhookRepository(conn, self._cipher)
        self.datasets = SqlDatasetRepository(conn)
        self._after_commit = []
        return self

    async def _open(self) -> Connection:
        if self._loop_engine is not None:
            self._sync_conn = self._loop_engine.connection()
            self._sync_conn.begin()
            return LoopConnection(self._sync_conn)
        self._async_conn = await self._engine.connect()
        await self._async_conn.begin()
        return PgConnection(self._async_conn)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._sync_conn is not None:
                if exc_type is None:
                    self._sync_conn.commit()
                else:
                    self._sync_conn.rollback()
            elif self._async_conn is not None:
                if exc_type is None:
                    await self._async_conn.commit()
                else:
                    await self._async_conn.rollback()
        finally:
            await self._close()
        if exc_type is None:
            await self._run_after_commit()

    async def _run_after_commit(self) -> None:
        # Only signals run here (kicks): the data is committed, so a failed one is made up
        # by a sweep, and the caller's work must not fail because of it.
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            try:
                await callback()
            except Exception:
                log.warning("an after-commit signal failed", exc_info=True)

    async def _close(self) -> None:
        try:
            if self._sync_conn is not None and self._loop_engine is not None:
                self._loop_engine.release(self._sync_conn)
            if self._async_conn is not None:
                await self._async_conn.close()
        finally:
            self._sync_conn = None
            self._async_conn = None
            if self._loop_engine is not None:
                self._loop_engine.lock.release()


class LoopEngine:
    """The SQLite connection the units of work share, opened once (checking a connection out
    of a pool and resetting it on return cost more than a small transaction itself), and the
    lock that gives it to one unit of work at a time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = asyncio.Lock()
        self._conn: SyncConnection | None = None

    def connection(self) -> SyncConnection:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.engine.connect()
        return self._conn

    def release(self, conn: SyncConnection) -> None:
        if conn.in_transaction():  # a failed commit or rollback: start afresh next time
            conn.close()
            self._conn = None

    def dispose(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.engine.dispose()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine, cipher: Cipher) -> None:
        self.engine = engine
        self.cipher = cipher
        sqlite = engine.dialect.name == "sqlite"
        url = engine.url.render_as_string(hide_password=False)
        self._loop_engine = LoopEngine(create_loop_engine(url, engine.echo)) if sqlite else None
        path = sqlite_path(url) if sqlite else None
        self._checkpointer = Checkpointer(path) if path else None

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.cipher, self._loop_engine)

    def dispose(self) -> None:
        if self._loop_engine is not None:
            self._loop_engine.dispose()
        if self._checkpointer is not None:
            self._checkpointer.stop()
