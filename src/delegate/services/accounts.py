"""Accounts and API tokens. Tokens are shown once; only their SHA-256 digest is stored."""

from __future__ import annotations

import secrets

from delegate.domain.errors import NotAuthenticated, NotFound
from delegate.domain.ids import secret_digest
from delegate.domain.records import Account, ApiToken
from delegate.services.ports import Clock, UnitOfWorkFactory

TOKEN_PREFIX = "sk-"  # noqa: S105 - a prefix, not a secret


async def create_token(uow: UnitOfWorkFactory, clock: Clock, account_name: str) -> str:
    """Create the account if needed and a new API token for it; returns the token (only once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with uow() as tx:
        account = await tx.accounts.get_or_create(account_name, clock.now_ms())
        await tx.accounts.add_token(account.id, secret_digest(token), token[:7], clock.now_ms())
    return token


async def authenticate(uow: UnitOfWorkFactory, token: str | None) -> Account:
    """The account a bearer token belongs to; NotAuthenticated when missing or unknown."""
    if not token:
        raise NotAuthenticated("Authorization header with a Bearer token is required")
    async with uow() as tx:
        account = await tx.accounts.account_for_token(secret_digest(token))
    if account is None:
        raise NotAuthenticated("Unknown or revoked API token")
    return account


async def list_tokens(uow: UnitOfWorkFactory, account_name: str | None = None) -> list[ApiToken]:
    """The tokens that still authenticate (of one account, or of all), oldest first."""
    async with uow() as tx:
        return await tx.accounts.tokens(account_name)


async def revoke_token(uow: UnitOfWorkFactory, clock: Clock, token_id: str) -> None:
    """Revoke a token at once: it answers "Unknown or revoked API token" from now on."""
    async with uow() as tx:
        if not await tx.accounts.revoke_token(token_id, clock.now_ms()):
            raise NotFound(f"No API token {token_id} (or it is already revoked)")
