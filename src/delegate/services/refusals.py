"""Telling the operator about refused deliveries without flooding the log.

Recall retries a refused realtime delivery every second for a minute, for every event of the
meeting: a wrong ``webhookSecret`` means thousands of refusals. Each (session, reason) is logged
on its first refusal and then on every ``EVERY``-th, with the count so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog

log = structlog.stdlib.get_logger("delegate.receiver")

EVERY = 50
MAX_KEYS = 10_000


class Refusal:
    """Why a delivery was refused (the words the log and the session show)."""

    BAD_SIGNATURE = "bad signature"
    WRONG_TOKEN = "wrong token"  # noqa: S105 - a reason shown to operators, not a credential
    UNKNOWN_SESSION = "unknown session"


@dataclass
class RefusalLog:
    counts: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def refused(self, route: str, key: str, reason: str, detail: str = "") -> None:
        """Count a refusal of a ``route`` delivery for ``key`` (a session or integration id)
        and log it when it is the first or an ``EVERY``-th one."""
        if len(self.counts) >= MAX_KEYS:
            self.counts.clear()
        n = self.counts.get((route, key, reason), 0) + 1
        self.counts[(route, key, reason)] = n
        if n == 1 or n % EVERY == 0:
            log.warning(
                "delivery refused",
                route=route,
                target=key,
                reason=reason,
                detail=detail or None,
                refused_so_far=n,
                next_log_at=(n // EVERY + 1) * EVERY,
            )
