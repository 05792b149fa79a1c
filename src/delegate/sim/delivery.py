"""Outbound deliveries: realtime events to a bot's endpoints and status webhooks to the workspace.

Each (bot, URL) pair gets a ``Lane``: a queue with one worker, so deliveries to an endpoint
go out one at a time and in order, as Recall's do (a slow receiver delays everything behind
it). A failed attempt (non-2xx or network error) is retried at a fixed interval of one
simulated second; a realtime endpoint is marked ``failed`` after 60 retries and gets nothing
more, a status webhook is dropped after 5. Retries reuse the message id and body and are
re-signed with a fresh timestamp, like Svix. The delivery faults (duplicate, delay, reorder)
are applied here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx2
import orjson

from delegate.adapters.recall.signatures import new_message_id, sign_headers
from delegate.sim.bots import BotState
from delegate.sim.clock import SimClock
from delegate.sim.faults import Faults
from delegate.sim.log import DeliveryAbandoned, DeliveryAttempt

logger = logging.getLogger(__name__)

REALTIME_MAX_RETRIES = 60
STATUS_MAX_RETRIES = 5
RETRY_INTERVAL_S = 1.0
"""Simulated seconds between attempts (Recall: a fixed 1 s for realtime webhooks)."""
REQUEST_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Delivery:
    event: str
    body: bytes
    message_id: str
    made_at: float = field(default_factory=time.monotonic)
    """When the event happened (real, monotonic seconds): ``lag_realtime`` counts from here."""


def make_delivery(event: str, payload: object) -> Delivery:
    return Delivery(event, orjson.dumps(payload), new_message_id())


class Courier:
    """Posts deliveries for one simulator through its outbound client."""

    def __init__(
        self,
        client: Callable[[], httpx2.AsyncClient],
        secret: str | None,
        clock: SimClock,
        faults: Faults,
    ) -> None:
        self._client = client
        self.secret = secret
        self.clock = clock
        self.faults = faults

    async def post(
        self, url: str, delivery: Delivery, realtime: bool = False
    ) -> tuple[int | None, str | None]:
        """One attempt: the status code, or None and the kind of network error."""
        content_type = self.faults.content_type if realtime else "application/json"
        headers = {"content-type": content_type, "user-agent": "delegate-sim"}
        if self.secret and (self.faults.sign_realtime or not realtime):
            headers.update(sign_headers(self.secret, delivery.body, msg_id=delivery.message_id))
        try:
            response = await self._client().post(
                url, content=delivery.body, headers=headers, timeout=REQUEST_TIMEOUT_S
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Whatever stops the request from completing counts as a network error: retry.
            return None, type(exc).__name__
        return response.status_code, None


class Lane:
    """Ordered deliveries from one bot to one URL."""

    def __init__(
        self,
        courier: Courier,
        bot: BotState,
        url: str,
        target: str,
        max_retries: int,
        on_give_up: Callable[[], None] | None = None,
        alive: Callable[[], bool] = lambda: True,
    ) -> None:
        self._courier = courier
        self._bot = bot
        self._url = url
        self._target = target
        self._max_retries = max_retries
        self._on_give_up = on_give_up
        self._alive = alive
        self._queue: asyncio.Queue[Delivery | None] = asyncio.Queue()
        self._closed = False
        self._task = asyncio.get_running_loop().create_task(self._run())

    def put(self, delivery: Delivery) -> None:
        if not self._closed:
            self._queue.put_nowait(delivery)

    async def drain(self) -> None:
        """Deliver everything queued (retrying as needed), then stop."""
        if not self._closed:
            self._closed = True
            self._queue.put_nowait(None)
        await asyncio.shield(self._task)

    def cancel(self) -> Awaitable[object]:
        self._closed = True
        self._task.cancel()
        return asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        held: Delivery | None = None
        while True:
            item = await self._queue.get()
            if item is None:
                break
            if self._courier.faults.reorder and held is None:
                held = item
                continue
            await self._send(item)
            if held is not None:
                await self._send(held)
                held = None
        if held is not None:
            await self._send(held)

    async def _send(self, delivery: Delivery) -> None:
        copies = 2 if self._courier.faults.duplicate else 1
        for _ in range(copies):
            if not self._alive():
                return
            if not await self._attempts(delivery):
                return

    async def _attempts(self, delivery: Delivery) -> bool:
        faults, clock = self._courier.faults, self._courier.clock
        if faults.delivery_delay_s:
            await asyncio.sleep(faults.delivery_delay_s)
        realtime = self._target == "realtime"
        if realtime and faults.realtime_lag_s:
            due = delivery.made_at + clock.real(faults.realtime_lag_s)
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        attempts = self._max_retries + 1
        for attempt in range(1, attempts + 1):
            status, error = await self._courier.post(self._url, delivery, realtime)
            entry = DeliveryAttempt(
                target=self._target,
                url=self._url.split("?", 1)[0],
                event=delivery.event,
                message_id=delivery.message_id,
                attempt=attempt,
                status_code=status,
                error=error,
            )
            self._bot.record(entry)
            if entry.ok:
                return True
            if attempt < attempts:
                await clock.sleep(RETRY_INTERVAL_S)
        self._bot.record(
            DeliveryAbandoned(
                target=self._target,
                event=delivery.event,
                message_id=delivery.message_id,
                attempts=attempts,
            )
        )
        logger.warning(
            "sim delivery abandoned bot=%s target=%s event=%s attempts=%d",
            self._bot.id,
            self._target,
            delivery.event,
            attempts,
        )
        if self._on_give_up is not None:
            self._on_give_up()
        return False
