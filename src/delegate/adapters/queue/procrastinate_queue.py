"""Distributed processing on PostgreSQL with procrastinate.

API processes store events and defer one job per session ("process session S"); ``delegate
worker`` processes, on any number of machines, run the jobs. Every job of a session carries the
lock ``session:<id>``, so procrastinate runs a session's jobs one at a time, in order, across all
workers; the queueing lock of the same name keeps at most one *waiting* job per session, so a
burst of events costs one job (the drain reads everything past the session's cursor). The job
body is the drain the in-process dispatcher runs.

Periodic tasks (deferred by every worker, run once per tick thanks to procrastinate's periodic
bookkeeping): the sweep that re-kicks sessions with unprocessed events or pending notes, status
polling, the recovery of jobs left ``doing`` by a killed worker, and pruning old failed jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from procrastinate import App, PsycopgConnector, jobs
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.job_context import JobContext
from procrastinate.jobs import Status
from procrastinate.worker import Worker

from delegate.adapters.db.engine import normalise_url

log = logging.getLogger(__name__)

PROCESS_SESSION = "delegate.process_session"
QUEUE = jobs.DEFAULT_QUEUE
"""Where ``configure_task`` puts a job when no queue is named."""
SWEEP = "delegate.sweep"
POLL_STATUS = "delegate.poll_status"
RETRY_STALLED = "delegate.retry_stalled_jobs"
PRUNE_JOBS = "delegate.prune_jobs"
KEEP_FINISHED_JOBS_H = 24 * 7
"""Failed jobs are kept this long for inspection (successful ones are deleted at once)."""
RETRY_DELAY_S = 1
"""Pause before a failed session is drained again. Short on purpose: a job scheduled in the
future holds its session's lock until it runs (procrastinate#1599)."""

Drain = Callable[[str], Awaitable[None]]
Sweep = Callable[[], Awaitable[list[str]]]
Poll = Callable[[], Awaitable[object]]


def conninfo(url: str) -> str:
    """The libpq URL for a SQLAlchemy one (``postgresql+psycopg://`` → ``postgresql://``)."""
    return normalise_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def session_lock(session_id: str) -> str:
    return f"session:{session_id}"


def create_app(url: str, max_connections: int) -> App:
    """A procrastinate app on the database at ``url``; connects on ``open_async``."""
    connector = PsycopgConnector(conninfo=conninfo(url), min_size=1, max_size=max_connections)
    return App(connector=connector)


def cron_every(seconds: float) -> str:
    """A cron line firing about every ``seconds`` (a 6th field counts seconds)."""
    if seconds < 60:
        return f"* * * * * */{min(59, max(1, round(seconds)))}"
    return f"*/{min(59, max(1, round(seconds / 60)))} * * * *"


_ENQUEUE_SESSIONS = """
INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock, args)
SELECT %(queue)s, %(task)s, lock, lock, jsonb_build_object('session_id', s)
  FROM unnest(%(sessions)s::text[], %(locks)s::text[]) AS kicked (s, lock)
    ON CONFLICT (queueing_lock) WHERE status = 'todo' DO NOTHING
"""
"""What ``defer`` does for one session (``procrastinate_defer_jobs_v1`` inserts the same row),
for a whole batch in one statement; a session whose job is already waiting is skipped instead
of failing the batch. procrastinate's insert trigger notifies the workers as for any job."""


class ProcrastinateDispatcher:
    """The Dispatcher port on procrastinate: ``kick`` queues a coalesced, session-locked job.

    Kicks are gathered and written together, one statement for every session kicked while the
    previous statement ran: under load an API process pays one round trip per batch, not one
    per event. A session's event is committed before its kick, so the job (new, or the one
    already waiting) always finds it."""

    def __init__(self, app: App, sweep: Sweep) -> None:
        self.app = app
        self._sweep = sweep
        self._pending: set[str] = set()
        self._flusher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.app.open_async()

    async def stop(self) -> None:
        await self.flush()
        await self.app.close_async()

    async def kick(self, session_id: str) -> None:
        """Make sure a job will drain the session. Never raises: the event is already stored,
        and a kick lost to a database hiccup is made up by the periodic sweep."""
        self._pending.add(session_id)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._write_kicks(), name="queue-kicks")

    async def flush(self) -> None:
        """Wait until every kick so far is written (or has failed and been logged)."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.wait([self._flusher])

    async def _write_kicks(self) -> None:
        while self._pending:
            sessions, self._pending = sorted(self._pending), set()
            try:
                await self.app.connector.execute_query_async(
                    _ENQUEUE_SESSIONS,
                    queue=QUEUE,
                    task=PROCESS_SESSION,
                    sessions=sessions,
                    locks=[session_lock(sid) for sid in sessions],
                )
            except Exception:
                log.warning(
                    "could not queue %d sessions; the sweep will", len(sessions), exc_info=True
                )

    async def defer(self, session_id: str, delay_s: int = 0) -> None:
        """Defer ``process_session``; a job already waiting for the session absorbs this one."""
        lock = session_lock(session_id)
        deferrer = self.app.configure_task(
            PROCESS_SESSION,
            lock=lock,
            queueing_lock=lock,
            schedule_in={"seconds": delay_s} if delay_s else None,
        )
        with contextlib.suppress(AlreadyEnqueued):
            await deferrer.defer_async(session_id=session_id)

    async def sweep_once(self) -> None:
        for session_id in await self._sweep():
            await self.kick(session_id)

    async def idle(self) -> None:
        """Nothing to wait for here: the jobs run in the workers."""


class SessionWorker(Worker):
    """procrastinate's worker, which also looks for work whenever one of its jobs has ended,
    and never misses a wake-up that came while it was already looking.

    A job deferred while another job of its session runs (same lock) cannot be fetched then;
    procrastinate's worker fetches only on a new-job notification or on its polling interval,
    so that job (typically the answer to a question asked while the previous event was being
    processed) would wait up to a whole interval once the lock frees. And procrastinate clears
    its wake-up flag after each fetch, so a notification or a job's end arriving while a fetch
    is in flight (that fetch's snapshot may not see the job yet) is forgotten too. Both cost
    ~480 ms on one question in twenty in the reaction benchmark. These hooks use private
    methods of procrastinate's ``Worker``; the version is pinned and
    ``tests/pg/test_pg_dispatcher.py`` covers them."""

    _wakes = 0

    def _wake(self) -> None:
        self._wakes += 1
        self._new_job_event.set()

    async def _process_job(self, context: JobContext) -> None:
        try:
            await super()._process_job(context)
        finally:
            # The job's end is recorded by now, so its lock is free.
            self._wake()

    async def _handle_notification(self, *, channel: str, notification: Any) -> None:
        await super()._handle_notification(channel=channel, notification=notification)
        if notification.get("type") == "job_inserted":
            self._wake()

    async def _fetch_and_process_jobs(self) -> None:
        while True:
            seen = self._wakes
            await super()._fetch_and_process_jobs()  # type: ignore[no-untyped-call]  # unannotated upstream
            if self._wakes == seen or self._stop_event.is_set():
                return


async def run_session_worker(app: App, **options: Any) -> None:
    """Run a ``SessionWorker`` until it is stopped (``App.run_worker_async`` runs the plain
    worker; the options are the same)."""
    await SessionWorker(app=app, **options).run()  # type: ignore[no-untyped-call]  # procrastinate leaves it unannotated


def register_tasks(
    dispatcher: ProcrastinateDispatcher,
    drain: Drain,
    poll: Poll,
    *,
    sweep_every_s: float,
    poll_every_s: float,
    stalled_after_s: float,
    stalled_check_every_s: float,
) -> None:
    """Register the worker's tasks on the dispatcher's app (only workers need them)."""
    app = dispatcher.app

    @app.task(name=PROCESS_SESSION)
    async def process_session(session_id: str) -> None:
        try:
            await drain(session_id)
        except Exception:
            # Not procrastinate's retry: putting this job back in the queue would collide with
            # a job of the same session already waiting there. A fresh, coalesced job after a
            # short pause does the same; this one ends as failed, for the record.
            await dispatcher.defer(session_id, delay_s=RETRY_DELAY_S)
            raise

    @app.periodic(cron=cron_every(sweep_every_s))
    @app.task(name=SWEEP, queueing_lock=SWEEP)
    async def sweep(timestamp: int) -> None:
        await dispatcher.sweep_once()

    @app.periodic(cron=cron_every(poll_every_s))
    @app.task(name=POLL_STATUS, queueing_lock=POLL_STATUS)
    async def poll_status(timestamp: int) -> None:
        await poll()

    @app.periodic(cron=cron_every(stalled_check_every_s))
    @app.task(name=RETRY_STALLED, queueing_lock=RETRY_STALLED)
    async def retry_stalled_jobs(timestamp: int) -> None:
        # procrastinate's documented recovery: jobs of workers whose heartbeat stopped.
        manager = app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s):
            try:
                await manager.retry_job(job)
                log.warning("job %s (%s) of a dead worker runs again", job.id, job.task_name)
            except UniqueViolation:
                # A newer job with the same queueing lock is already waiting and drains
                # everything this one would have; retire the stalled one so the lock frees.
                await manager.finish_job(job, status=Status.FAILED, delete_job=False)
                log.warning("job %s of a dead worker superseded by a waiting job", job.id)

    @app.periodic(cron="17 * * * *")
    @app.task(name=PRUNE_JOBS, queueing_lock=PRUNE_JOBS)
    async def prune_jobs(timestamp: int) -> None:
        await app.job_manager.delete_old_jobs(
            nb_hours=KEEP_FINISHED_JOBS_H, include_failed=True, include_aborted=True
        )
