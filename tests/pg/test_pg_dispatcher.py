"""The procrastinate dispatcher: kicks coalesce into one waiting job per session, and a
session's jobs run one at a time however many workers there are."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from delegate.adapters.queue.procrastinate_queue import (
    PROCESS_SESSION,
    ProcrastinateDispatcher,
    register_tasks,
    run_session_worker,
)
from delegate.bootstrap import build
from delegate.config import Settings, WorkerSettings
from tests.support import make_settings

pytestmark = pytest.mark.pg


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, worker=WorkerSettings(dispatcher="procrastinate"))


@contextlib.asynccontextmanager
async def dispatcher_for(settings: Settings) -> AsyncIterator[ProcrastinateDispatcher]:
    container = build(settings)
    assert isinstance(container.dispatcher, ProcrastinateDispatcher)
    await container.dispatcher.start()
    try:
        yield container.dispatcher
    finally:
        await container.dispatcher.stop()
        await container.aclose()


async def jobs(settings: Settings) -> list[tuple[str, str, str, str]]:
    from sqlalchemy.ext.asyncio import create_async_engine

    from delegate.adapters.db.engine import normalise_url

    engine = create_async_engine(normalise_url(settings.database_url))
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT task_name, lock, queueing_lock, status::text FROM procrastinate_jobs"
                    " WHERE task_name = :task ORDER BY id"
                ),
                {"task": PROCESS_SESSION},
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def session_worker(dispatcher: ProcrastinateDispatcher) -> AsyncIterator[None]:
    """delegate's worker on the dispatcher's app, polling far less often than any test waits:
    a job these tests expect may not be found by polling."""
    worker = asyncio.create_task(
        run_session_worker(
            dispatcher.app,
            concurrency=4,
            install_signal_handlers=False,
            delete_jobs="successful",
            fetch_job_polling_interval=60,
        )
    )
    try:
        yield
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)


async def listening(settings: Settings) -> None:
    """Wait until a worker listens for job notifications (procrastinate does not say when)."""
    import psycopg

    from delegate.adapters.queue.procrastinate_queue import conninfo

    async with await psycopg.AsyncConnection.connect(
        conninfo(settings.database_url), autocommit=True
    ) as conn:
        while True:
            cursor = await conn.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query LIKE 'LISTEN%'"
            )
            row = await cursor.fetchone()
            if row and row[0]:
                return
            await asyncio.sleep(0.02)


async def test_kicks_coalesce_into_one_waiting_job_per_session(settings: Settings) -> None:
    async with dispatcher_for(settings) as dispatcher:
        await asyncio.gather(
            *(dispatcher.kick("session-a") for _ in range(20)),
            *(dispatcher.kick("session-b") for _ in range(5)),
        )
        await dispatcher.kick("session-a")

    assert await jobs(settings) == [
        (PROCESS_SESSION, "session:session-a", "session:session-a", "todo"),
        (PROCESS_SESSION, "session:session-b", "session:session-b", "todo"),
    ]


async def test_a_waiting_job_does_not_stop_other_sessions_kicked_with_it(
    settings: Settings,
) -> None:
    async with dispatcher_for(settings) as dispatcher:
        await dispatcher.kick("session-a")
        await dispatcher.flush()
        # Written together: one session already has its job waiting, 200 have none yet.
        for n in range(200):
            await dispatcher.kick(f"session-{n:03}")
        await dispatcher.kick("session-a")

    queued = await jobs(settings)
    assert len(queued) == 201
    assert {lock for _, lock, _, _ in queued} == {"session:session-a"} | {
        f"session:session-{n:03}" for n in range(200)
    }


async def test_a_session_runs_one_job_at_a_time_across_workers(settings: Settings) -> None:
    running: Counter[str] = Counter()
    overlaps: list[str] = []
    busy_sessions: list[int] = []
    drains: Counter[str] = Counter()

    async def drain(session_id: str) -> None:
        running[session_id] += 1
        if running[session_id] > 1:
            overlaps.append(session_id)
        busy_sessions.append(sum(1 for n in running.values() if n))
        await asyncio.sleep(0.05)
        drains[session_id] += 1
        running[session_id] -= 1

    async def poll() -> None:
        pass

    sessions = [f"session-{n}" for n in range(4)]
    async with dispatcher_for(settings) as dispatcher:
        register_tasks(
            dispatcher,
            drain,
            poll,
            sweep_every_s=30,
            poll_every_s=30,
            stalled_after_s=30,
            stalled_check_every_s=30,
        )
        workers = [
            asyncio.create_task(
                dispatcher.app.run_worker_async(
                    concurrency=4, install_signal_handlers=False, delete_jobs="successful"
                )
            )
            for _ in range(2)
        ]
        try:
            for _ in range(15):
                for session_id in sessions:
                    await dispatcher.kick(session_id)
                await asyncio.sleep(0.01)
            async with asyncio.timeout(20):
                while await jobs(settings):
                    await asyncio.sleep(0.05)
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    assert not overlaps, f"sessions drained concurrently: {overlaps}"
    assert set(drains) == set(sessions)
    assert max(busy_sessions) > 1, "different sessions should run in parallel"
    assert sum(drains.values()) < 15 * len(sessions), "kicks should have coalesced"


async def test_a_job_queued_while_its_session_runs_starts_when_that_job_ends(
    settings: Settings,
) -> None:
    drained = asyncio.Event()
    drains: list[str] = []

    async def drain(session_id: str) -> None:
        drains.append(session_id)
        if len(drains) == 1:
            # An event arrives while this job runs: its job waits for the session's lock.
            await dispatcher.kick(session_id)
            await dispatcher.flush()
            await asyncio.sleep(0.2)
        else:
            drained.set()

    async with dispatcher_for(settings) as dispatcher:
        # The session task alone: periodic tasks would run at start-up and wake the worker.
        dispatcher.app.task(name=PROCESS_SESSION)(drain)
        await dispatcher.kick("session-a")  # found by the worker's first look
        await dispatcher.flush()
        async with session_worker(dispatcher), asyncio.timeout(15):
            await drained.wait()

    assert drains == ["session-a", "session-a"]


async def test_a_job_queued_while_the_worker_is_fetching_is_not_left_for_the_poll(
    settings: Settings,
) -> None:
    drained = asyncio.Event()
    fetch_returned_empty = asyncio.Event()
    announced = asyncio.Event()

    async with dispatcher_for(settings) as dispatcher:
        # The session task alone: periodic tasks would run at start-up and wake the worker.
        @dispatcher.app.task(name=PROCESS_SESSION)
        async def process_session(session_id: str) -> None:
            drained.set()

        # The worker's first fetch finds nothing and is held back until the job has been queued
        # and announced: a wrapper on procrastinate's own method, not our code.
        manager = dispatcher.app.job_manager
        fetch = manager.fetch_job

        async def slow_empty_fetch(**kwargs: object) -> object:
            job = await fetch(**kwargs)  # type: ignore[arg-type]
            if job is None and not fetch_returned_empty.is_set():
                fetch_returned_empty.set()
                await announced.wait()
            return job

        manager.fetch_job = slow_empty_fetch  # type: ignore[method-assign]
        async with session_worker(dispatcher), asyncio.timeout(15):
            await fetch_returned_empty.wait()
            await listening(settings)
            await dispatcher.kick("session-a")
            await dispatcher.flush()
            await asyncio.sleep(0.3)  # the notification reaches the worker
            announced.set()
            await drained.wait()
