"""Ports the services depend on: storage (unit of work + repositories), clock, secret box."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Protocol

from delegate.domain.records import (
    Account,
    Bot,
    Integration,
    IntegrationSecrets,
    ListQuery,
    Page,
)


class Clock(Protocol):
    def now_ms(self) -> int: ...


class Cipher(Protocol):
    def encrypt(self, plaintext: str, context: str) -> str: ...

    def decrypt(self, token: str, context: str) -> str: ...


class AccountRepository(Protocol):
    async def get_or_create(self, name: str, now_ms: int) -> Account: ...

    async def add_token(self, account_id: str, digest: str, hint: str, now_ms: int) -> str: ...

    async def account_for_token(self, digest: str) -> Account | None: ...


class BotRepository(Protocol):
    async def add(self, bot: Bot) -> None: ...

    async def get(self, account_id: str, ref: str) -> Bot | None:
        """By id or ``@alias``, only within the account."""
        ...

    async def update(self, bot: Bot) -> None: ...

    async def delete(self, account_id: str, bot_id: str) -> None: ...

    async def list(self, account_id: str, query: ListQuery) -> Page[Bot]: ...

    async def alias_taken(self, account_id: str, alias: str, except_id: str | None) -> bool: ...


class IntegrationRepository(Protocol):
    async def add(self, integration: Integration, secrets: IntegrationSecrets) -> None: ...

    async def get(self, account_id: str, ref: str) -> Integration | None: ...

    async def get_by_id(self, integration_id: str) -> Integration | None:
        """Any account's integration (for Recall's callbacks, which carry no account)."""
        ...

    async def secrets(self, integration_id: str) -> IntegrationSecrets: ...

    async def update(self, integration: Integration, secrets: dict[str, str | None]) -> None:
        """Save fields; ``secrets`` holds only the secrets to change (None clears one)."""
        ...

    async def delete(self, account_id: str, integration_id: str) -> None: ...

    async def list(self, account_id: str, query: ListQuery) -> Page[Integration]: ...

    async def alias_taken(self, account_id: str, alias: str, except_id: str | None) -> bool: ...

    async def reencrypt_all(self) -> int:
        """Re-encrypt every stored secret with the active key; returns how many changed."""
        ...


class UnitOfWork(Protocol):
    accounts: AccountRepository
    bots: BotRepository
    integrations: IntegrationRepository

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Commit when the block ended normally, roll back otherwise."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


JsonDict = dict[str, Any]
