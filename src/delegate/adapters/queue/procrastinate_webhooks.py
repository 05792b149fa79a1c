"""Webhook delivery on PostgreSQL with procrastinate: one job per endpoint with work, on a
queue of its own that workers run beside the sessions' queue, so a slow endpoint never takes
a session's place. Each job carries the lock ``webhook:<endpoint id>``: one job per endpoint
at a time across all workers, and at most one waiting (the queueing lock). Retries due soon
are waited for inside the job; later ones are kicked by the periodic webhook sweep."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from procrastinate import App

from delegate.adapters.queue.procrastinate_queue import cron_every

log = logging.getLogger(__name__)

DELIVER_WEBHOOKS = "delegate.deliver_webhooks"
WEBHOOK_SWEEP = "delegate.webhook_sweep"
WEBHOOK_QUEUE = "webhooks"
HOLD_FOR_RETRY_S = 2.0
"""A job waits in place for a retry due within this; a later one is the sweep's to start."""

Deliver = Callable[[str], Awaitable[float | None]]
Sweep = Callable[[], Awaitable[list[str]]]

_ENQUEUE_ENDPOINT = """
INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock, args)
VALUES (%(queue)s, %(task)s, %(lock)s, %(lock)s,
        jsonb_build_object('endpoint_id', %(endpoint)s::text))
    ON CONFLICT (queueing_lock) WHERE status = 'todo' DO NOTHING
"""
"""What ``defer`` does, except that a job already waiting for the endpoint absorbs this one
instead of raising."""


def endpoint_lock(endpoint_id: str) -> str:
    return f"webhook:{endpoint_id}"


class ProcrastinateWebhookDispatcher:
    """Kicks queue a delivery job per endpoint. The app is opened and closed by the
    sessions' dispatcher, which shares it."""

    def __init__(self, app: App, sweep: Sweep) -> None:
        self.app = app
        self._sweep = sweep

    async def start(self) -> None:
        """Nothing to start here: the jobs run in the workers."""

    async def stop(self) -> None:
        """Nothing to stop here."""

    async def kick(self, endpoint_id: str) -> None:
        """Make sure a job will deliver the endpoint's events. Never raises: the events are
        stored, and the periodic sweep makes up a lost kick."""
        try:
            await self.app.connector.execute_query_async(
                _ENQUEUE_ENDPOINT,
                queue=WEBHOOK_QUEUE,
                task=DELIVER_WEBHOOKS,
                lock=endpoint_lock(endpoint_id),
                endpoint=endpoint_id,
            )
        except Exception:
            log.warning("could not queue webhook endpoint %s; the sweep will", endpoint_id)

    async def sweep_once(self) -> None:
        for endpoint_id in await self._sweep():
            await self.kick(endpoint_id)


def register_webhook_tasks(
    dispatcher: ProcrastinateWebhookDispatcher, deliver: Deliver, *, sweep_every_s: float
) -> None:
    """Register the delivery job and the webhook sweep on the app (only workers need them)."""
    app = dispatcher.app

    @app.task(name=DELIVER_WEBHOOKS, queue=WEBHOOK_QUEUE)
    async def deliver_webhooks(endpoint_id: str) -> None:
        wait = await deliver(endpoint_id)
        while wait is not None and wait <= HOLD_FOR_RETRY_S:
            await asyncio.sleep(wait)
            wait = await deliver(endpoint_id)

    @app.periodic(cron=cron_every(sweep_every_s))
    @app.task(name=WEBHOOK_SWEEP, queue=WEBHOOK_QUEUE, queueing_lock=WEBHOOK_SWEEP)
    async def webhook_sweep(timestamp: int) -> None:
        await dispatcher.sweep_once()
