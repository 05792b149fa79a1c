"""Per-client and per-account rate limits: failed authentication and initiate.

In memory, per process: with several API processes each has its own budget
(see docs/scaling.md). Recall's receivers are never limited.
"""

from __future__ import annotations

from dataclasses import dataclass

from delegate.domain.errors import NotAuthenticated, RateLimited
from delegate.domain.limits import RateLimit
from delegate.domain.records import Account
from delegate.services.accounts import authenticate
from delegate.services.ports import Clock, UnitOfWorkFactory

TOO_MANY_FAILURES = "Too many failed authentications from this client; retry later"
TOO_MANY_INITIATES = "Too many initiates for this account; retry later"


@dataclass
class Limits:
    clock: Clock
    auth_failures: RateLimit
    """Keyed by client address: each rejected token takes one token of the bucket."""
    initiates: RateLimit
    """Keyed by account id: each initiate takes one."""


async def authenticate_within_limits(
    uow: UnitOfWorkFactory, limits: Limits, client: str, token: str | None
) -> Account:
    """``authenticate``, refused up front (no lookup) for a client with too many failures.

    Only a presented token that is unknown or revoked counts as a failure; a missing header
    does not (it guesses nothing), and a success does not reset the count."""
    wait = limits.auth_failures.retry_after(client, limits.clock.now_ms())
    if wait is not None:
        raise RateLimited(TOO_MANY_FAILURES, wait)
    try:
        return await authenticate(uow, token)
    except NotAuthenticated:
        if token:
            limits.auth_failures.take(client, limits.clock.now_ms())
        raise


def take_initiate(limits: Limits, account_id: str) -> None:
    """Count one initiate of the account; RateLimited (nothing done) when over the budget."""
    wait = limits.initiates.take(account_id, limits.clock.now_ms())
    if wait is not None:
        raise RateLimited(TOO_MANY_INITIATES, wait)
