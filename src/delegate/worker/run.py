"""Run a procrastinate worker that processes meeting sessions (PostgreSQL deployments).

Any number of workers, on any machines, share the work: each session is drained by one worker
at a time (its lock), and a worker that dies mid-job has the job run again by another after
``worker.stalled_after_s`` without a heartbeat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from delegate.adapters.queue.procrastinate_queue import (
    QUEUE,
    ProcrastinateDispatcher,
    SessionWorker,
    register_tasks,
    run_session_worker,
)
from delegate.adapters.queue.procrastinate_webhooks import (
    WEBHOOK_QUEUE,
    ProcrastinateWebhookDispatcher,
    register_webhook_tasks,
)
from delegate.bootstrap import build, reconciler_for
from delegate.config import Settings
from delegate.services.polling import poll_active_sessions, polls_per_round
from delegate.services.processing import process_session_events
from delegate.services.webhook_delivery import deliver_due


async def _poll_and_reconcile(
    poll: Callable[[], Awaitable[object]], reconcile: Callable[[], Awaitable[None]]
) -> None:
    try:
        await poll()
    finally:
        await reconcile()


class WorkerUnavailable(Exception):
    """The configuration runs no worker processes (SQLite, or the in-process dispatcher)."""


async def run_worker(settings: Settings) -> None:
    """Process sessions until SIGINT or SIGTERM (running jobs are finished first)."""
    container = build(settings)
    dispatcher = container.dispatcher
    if not isinstance(dispatcher, ProcrastinateDispatcher):
        await container.aclose()
        raise WorkerUnavailable(
            "delegate worker needs PostgreSQL (DELEGATE_DB__URL) and the procrastinate "
            "dispatcher; with SQLite or worker.dispatcher=inprocess, delegate serve processes"
        )
    worker = settings.worker
    if worker.stalled_after_s < 2 * worker.heartbeat_s:
        await container.aclose()
        raise WorkerUnavailable(
            "worker.stalled_after_s must be at least twice worker.heartbeat_s, or live workers "
            "would be taken for dead"
        )
    poll_interval = settings.recall.poll_interval_s
    poll_every = min(poll_interval, 5.0)
    per_round = polls_per_round(settings.recall.poll_max_per_minute, poll_every)
    register_tasks(
        dispatcher,
        drain=partial(process_session_events, container.ports),
        poll=partial(
            _poll_and_reconcile,
            partial(poll_active_sessions, container.ports, poll_interval, per_round),
            reconciler_for(container.ports, settings),
        ),
        sweep_every_s=worker.sweep_interval_s,
        poll_every_s=poll_every,
        stalled_after_s=worker.stalled_after_s,
        stalled_check_every_s=worker.heartbeat_s,
    )
    webhooks = container.webhooks
    if isinstance(webhooks, ProcrastinateWebhookDispatcher):
        register_webhook_tasks(
            webhooks,
            partial(deliver_due, container.webhook_ports),
            sweep_every_s=worker.sweep_interval_s,
        )
    options: dict[str, Any] = {
        "delete_jobs": "successful",
        # Jobs are announced when deferred and, by SessionWorker, when a job ends; polling
        # is the fallback for a missed notification (procrastinate's default is 5 s).
        "fetch_job_polling_interval": 0.5,
        "update_heartbeat_interval": worker.heartbeat_s,
        "stalled_worker_timeout": worker.stalled_after_s,
    }
    await dispatcher.start()
    container.preload_knowledge()
    try:
        # Webhook deliveries have a worker of their own: a hanging endpoint holds up a
        # webhook job, never a session's place. It stops when the sessions' worker does
        # (only that one handles the signals: a second handler would replace the first).
        webhook_worker = SessionWorker(
            app=dispatcher.app,
            queues=[WEBHOOK_QUEUE],
            concurrency=container.settings.webhooks.concurrency,
            install_signal_handlers=False,
            **options,
        )
        webhook_run = asyncio.create_task(webhook_worker.run())  # type: ignore[no-untyped-call]  # procrastinate leaves it unannotated
        try:
            await run_session_worker(
                dispatcher.app, queues=[QUEUE], concurrency=worker.concurrency, **options
            )
        finally:
            webhook_worker.stop()  # type: ignore[no-untyped-call]  # unannotated upstream
            await webhook_run
    finally:
        await dispatcher.stop()
        await container.stop_preload()
        await container.aclose()
