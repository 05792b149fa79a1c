"""Simulated time: script seconds played ``speed`` times faster than wall-clock seconds.

Everything the simulator waits for (joining, the waiting room, script events, retry
intervals) is expressed in simulated seconds and divided by the speed before sleeping, so a
five-minute meeting plays in six seconds at ``speed=50`` and in milliseconds in tests.
Timestamps shown to clients stay UTC wall-clock times.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Recall's timestamp format: ISO 8601, UTC, microseconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SimClock:
    """Converts between simulated and real seconds for one simulator."""

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed

    def real(self, sim_seconds: float) -> float:
        return max(0.0, sim_seconds) / self.speed

    async def sleep(self, sim_seconds: float) -> None:
        """Sleep for ``sim_seconds`` of simulated time (always yields to the loop)."""
        await asyncio.sleep(self.real(sim_seconds))


class Stopwatch:
    """Simulated seconds elapsed since it was started."""

    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._started = time.monotonic()

    def elapsed(self) -> float:
        return (time.monotonic() - self._started) * self._clock.speed

    async def sleep_until(self, sim_at: float) -> None:
        await self._clock.sleep(sim_at - self.elapsed())
