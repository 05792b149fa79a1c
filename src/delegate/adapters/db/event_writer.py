"""Group commit for received events: one writer task batches inserts into short transactions
and answers each request only after its event is committed (durable before the 2xx)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from delegate.domain.sessions import NewEvent
from delegate.services.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)


class BatchingEventWriter:
    def __init__(self, uow: UnitOfWorkFactory, max_batch: int = 256) -> None:
        self._uow = uow
        self._max_batch = max_batch
        self._queue: asyncio.Queue[tuple[NewEvent, asyncio.Future[bool]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="event-writer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        while not self._queue.empty():
            _, fut = self._queue.get_nowait()
            if not fut.done():
                fut.set_exception(RuntimeError("event writer stopped"))

    async def append(self, event: NewEvent) -> bool:
        if self._task is None:
            async with self._uow() as tx:
                return (await tx.events.append([event]))[0]
        fut: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        await self._queue.put((event, fut))
        return await fut

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                async with self._uow() as tx:
                    results = await tx.events.append([ev for ev, _ in batch])
            except Exception:
                # One row the database refuses must not fail the others: each alone.
                log.warning("storing %d events failed; storing them one by one", len(batch))
                for item in batch:
                    await self._store_alone(*item)
                continue
            for (_, fut), new in zip(batch, results, strict=True):
                if not fut.done():
                    fut.set_result(new)

    async def _store_alone(self, event: NewEvent, fut: asyncio.Future[bool]) -> None:
        try:
            async with self._uow() as tx:
                new = (await tx.events.append([event]))[0]
        except Exception as exc:  # the waiting request gets the failure, none is lost silently
            log.exception("storing an event of session %s failed", event.session_id)
            if not fut.done():
                fut.set_exception(exc)
            return
        if not fut.done():
            fut.set_result(new)
