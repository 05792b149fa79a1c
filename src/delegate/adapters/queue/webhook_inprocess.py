"""In-process webhook delivery (embedded mode): one task per endpoint with work, so a slow or
dead endpoint holds up only itself. A task sleeps until its next retry is due or it is kicked;
a periodic sweep picks up what a crash or a lost kick left behind."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Deliver = Callable[[str], Awaitable[float | None]]
"""Deliver what is due to an endpoint; seconds until its next retry, or None."""
Sweep = Callable[[], Awaitable[list[str]]]


class InProcessWebhookDispatcher:
    def __init__(
        self,
        deliver: Deliver,
        sweep: Sweep,
        sweep_interval_s: float = 10.0,
        retry_delay_s: float = 1.0,
    ) -> None:
        self._deliver = deliver
        self._sweep = sweep
        self._sweep_interval = sweep_interval_s
        self._retry_delay = retry_delay_s
        self._running: dict[str, asyncio.Task[None]] = {}
        self._wakes: dict[str, asyncio.Event] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = False

    async def kick(self, endpoint_id: str) -> None:
        if self._stopping:
            return
        if endpoint_id in self._running:
            self._wakes[endpoint_id].set()
            return
        self._wakes[endpoint_id] = asyncio.Event()
        self._running[endpoint_id] = asyncio.create_task(
            self._loop(endpoint_id), name=f"webhooks-{endpoint_id}"
        )

    async def _loop(self, endpoint_id: str) -> None:
        wake = self._wakes[endpoint_id]
        try:
            while not self._stopping:
                wake.clear()
                try:
                    wait = await self._deliver(endpoint_id)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("delivering webhooks of endpoint %s failed", endpoint_id)
                    wait = self._retry_delay
                if wake.is_set():
                    continue
                if wait is None:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=wait)
        finally:
            self._running.pop(endpoint_id, None)
            self._wakes.pop(endpoint_id, None)

    async def start(self) -> None:
        self._stopping = False
        await self.sweep_once()
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="webhooks-sweep")

    async def sweep_once(self) -> None:
        for endpoint_id in await self._sweep():
            await self.kick(endpoint_id)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._sweep_interval)
            try:
                await self.sweep_once()
            except Exception:
                log.exception("webhook sweep failed")

    async def stop(self) -> None:
        """Stop at once: an attempt cut short stays pending and is made again next start."""
        self._stopping = True
        tasks = [t for t in [self._sweeper, *self._running.values()] if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._sweeper = None
