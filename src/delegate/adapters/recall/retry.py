"""Bounded retries of Recall calls that failed for a passing reason.

Only ``RecallUnavailable`` is retried (429, 409, 5xx, 507, timeouts, connection errors): any
other 4xx means the request itself is wrong and is raised at once. Waits grow exponentially
with jitter; Recall's ``Retry-After`` replaces the computed wait; no single wait exceeds
``max_wait_s``. When the attempts run out, the last ``RecallUnavailable`` is raised, and so it
is at once when the next wait would not fit in what is left of the call's ``budget_s``: a
request of ours waiting on Recall must answer its own caller in time (an initiate answers 503
with Recall's ``Retry-After`` rather than hold the caller for a minute and a half).
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import structlog

from delegate.config import RecallSettings
from delegate.services.ports import RecallUnavailable

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

log = structlog.stdlib.get_logger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    max_wait_s: float = 30.0
    budget_s: float = math.inf
    """Total time one call may take, attempts and waits together."""
    base_wait_s: float = 0.5
    """Wait before the second attempt when Recall gives no ``Retry-After``; doubles each time."""
    sleep: Sleep = asyncio.sleep
    """Injected so tests record the waits instead of sleeping."""
    jitter: Callable[[], float] = random.random

    @classmethod
    def from_settings(cls, settings: RecallSettings, sleep: Sleep = asyncio.sleep) -> RetryPolicy:
        return cls(
            max_attempts=max(1, settings.max_attempts),
            max_wait_s=max(0.0, settings.max_retry_wait_s),
            budget_s=max(0.0, settings.request_budget_s),
            sleep=sleep,
        )

    def wait_after(self, attempt: int, error: RecallUnavailable) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if error.retry_after_s is not None and math.isfinite(error.retry_after_s):
            # Up to 10% on top, so that many meetings throttled together do not all come
            # back in the same instant.
            wait = error.retry_after_s * (1 + 0.1 * self.jitter())
        else:
            backoff = self.base_wait_s * 2 ** (attempt - 1)
            wait = backoff / 2 + self.jitter() * backoff / 2
        return max(0.0, min(wait, self.max_wait_s))

    async def run(self, attempt: Callable[[], Awaitable[T]], what: str) -> T:
        """Await ``attempt()`` until it succeeds, fails for good, or attempts run out."""
        number = 1
        spent = 0.0
        while True:
            started = time.monotonic()
            try:
                return await attempt()
            except RecallUnavailable as exc:
                spent += time.monotonic() - started
                if number >= self.max_attempts:
                    log.warning("recall.gave_up", call=what, status=exc.status, attempts=number)
                    raise
                wait = self.wait_after(number, exc)
                if spent + wait > self.budget_s:
                    log.warning(
                        "recall.gave_up",
                        call=what,
                        status=exc.status,
                        attempts=number,
                        wait_s=wait,
                        left_s=round(self.budget_s - spent, 3),
                    )
                    raise
                log.info("recall.retry", call=what, status=exc.status, attempt=number, wait_s=wait)
                await self.sleep(wait)
                spent += wait
                number += 1
