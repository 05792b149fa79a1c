"""Unit of work: one database transaction, committed when the block ends without error."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from delegate.adapters.db.repositories import (
    SqlAccountRepository,
    SqlBotRepository,
    SqlIntegrationRepository,
)
from delegate.services.ports import (
    AccountRepository,
    BotRepository,
    Cipher,
    IntegrationRepository,
)


class SqlUnitOfWork:
    accounts: AccountRepository
    bots: BotRepository
    integrations: IntegrationRepository

    def __init__(self, engine: AsyncEngine, cipher: Cipher) -> None:
        self._engine = engine
        self._cipher = cipher
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        self._conn = await self._engine.connect()
        await self._conn.begin()
        self.accounts = SqlAccountRepository(self._conn)
        self.bots = SqlBotRepository(self._conn)
        self.integrations = SqlIntegrationRepository(self._conn, self._cipher)
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


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine, cipher: Cipher) -> None:
        self.engine = engine
        self.cipher = cipher

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.cipher)
