"""The live feed across processes on PostgreSQL: what one process's drain publishes reaches
a page watching from another (LISTEN/NOTIFY), and partial lines cross only once someone
watches. Two hubs on separate connections stand for two processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from delegate.adapters.live.hub import Positioned
from delegate.adapters.live.pg_notify import PgLiveHub
from delegate.adapters.queue.procrastinate_queue import conninfo
from delegate.domain.live import LiveKind, partial_event, turn_event
from delegate.domain.meeting import Turn, TurnSource
from tests.support import make_settings

pytestmark = pytest.mark.pg
SESSION = "c" * 24
WAIT_S = 30.0


@pytest.fixture
async def hubs(tmp_path: Path) -> AsyncIterator[tuple[PgLiveHub, PgLiveHub]]:
    url = conninfo(make_settings(tmp_path).database_url)
    worker, api = PgLiveHub(url), PgLiveHub(url)
    await worker.start()
    await api.start()
    yield worker, api
    await api.stop()
    await worker.stop()


async def _next_event(feed: AsyncIterator[Positioned | None]) -> Positioned:
    async with asyncio.timeout(WAIT_S):
        while True:
            item = await anext(feed)
            if item is not None:
                return item


def _turn(text: str) -> Turn:
    return Turn(1, 100, "Priya Shah", text, TurnSource.SPEECH, 0.0, 1.0)


async def test_a_turn_published_in_one_process_reaches_a_watcher_in_another(
    hubs: tuple[PgLiveHub, PgLiveHub],
) -> None:
    worker, api = hubs
    feed = api.watch(SESSION, api.position())
    waiting = asyncio.create_task(_next_event(feed))
    await asyncio.sleep(0)  # the watcher is registered before anything is published
    await worker.publish(SESSION, turn_event(_turn("Good morning")))
    got = await waiting
    assert got.event.kind is LiveKind.TURN and got.event.data["text"] == "Good morning"
    long_text = "word " * 5000  # beyond PostgreSQL's notification limit: shortened, not lost
    await worker.publish(SESSION, turn_event(_turn(long_text)))
    shortened = await _next_event(feed)
    assert shortened.event.data["text"].startswith("word word")
    await feed.aclose()


async def test_partial_lines_cross_only_for_watched_sessions(
    hubs: tuple[PgLiveHub, PgLiveHub],
) -> None:
    worker, api = hubs
    assert not worker.watched(SESSION)
    feed = api.watch(SESSION, api.position())
    waiting = asyncio.create_task(_next_event(feed))
    deadline = time.monotonic() + WAIT_S
    while not worker.watched(SESSION):  # the watcher's announcement arrives
        assert time.monotonic() < deadline, "the watch was never announced"
        await asyncio.sleep(0.05)
    await worker.publish(SESSION, partial_event(100, "Priya Shah", "Good mor"))
    got = await waiting
    assert got.event.kind is LiveKind.PARTIAL and got.event.data["text"] == "Good mor"
    await feed.aclose()
