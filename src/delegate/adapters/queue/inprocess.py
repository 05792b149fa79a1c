"""In-process dispatcher (embedded mode): one drain task per session at a time, in order.

A kick while a session is draining marks it dirty, so the drain loops once more. A periodic
sweep re-kicks sessions with unprocessed events, which also covers start-up after a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Drain = Callable[[str], Awaitable[None]]
Sweep = Callable[[], Awaitable[list[str]]]


class InProcessDispatcher:
    def __init__(
        self,
        drain: Drain,
        sweep: Sweep,
        concurrency: int = 8,
        sweep_interval_s: float = 10.0,
        retry_delay_s: float = 1.0,
    ) -> None:
        self._drain = drain
        self._sweep = sweep
        self._sem = asyncio.Semaphore(concurrency)
        self._sweep_interval = sweep_interval_s
        self._retry_delay = retry_delay_s
        self._running: dict[str, asyncio.Task[None]] = {}
        self._dirty: set[str] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = False

    async def kick(self, session_id: str) -> None:
        if self._stopping:
            return
        if session_id in self._running:
            self._dirty.add(session_id)
            return
        self._running[session_id] = asyncio.create_task(
            self._loop(session_id), name=f"drain-{session_id}"
        )

    async def _loop(self, session_id: str) -> None:
        try:
            while True:
                self._dirty.discard(session_id)
                try:
                    async with self._sem:
                        await self._drain(session_id)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # This session backs off; the others go on. The sweep retries it later.
                    log.exception("processing session %s failed", session_id)
                    await asyncio.sleep(self._retry_delay)
                    self._dirty.add(session_id)
                if session_id not in self._dirty or self._stopping:
                    return
        finally:
            self._running.pop(session_id, None)

    async def start(self) -> None:
        self._stopping = False
        await self.sweep_once()
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="dispatcher-sweep")

    async def sweep_once(self) -> None:
        for session_id in await self._sweep():
            await self.kick(session_id)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._sweep_interval)
            try:
                await self.sweep_once()
            except Exception:
                log.exception("sweep failed")

    async def idle(self) -> None:
        """Wait until no session is being drained (tests and the demo use this)."""
        while self._running:
            await asyncio.gather(*list(self._running.values()), return_exceptions=True)

    async def stop(self, grace_s: float = 5.0) -> None:
        """Stop taking work, let running drains finish (up to ``grace_s``), cancel the rest.
        A cancelled drain loses nothing: its uncommitted batch is read again next start."""
        self._stopping = True
        if self._sweeper is not None:
            self._sweeper.cancel()
        running = list(self._running.values())
        if running:
            await asyncio.wait(running, timeout=grace_s)
        tasks = [t for t in [self._sweeper, *running] if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._sweeper = None
