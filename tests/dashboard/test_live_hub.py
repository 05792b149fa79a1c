"""The live feed's hub: a watcher gets what happened after the position it names, exactly
once and in order; a position it cannot be given again, or a watcher too far behind, gets a
reset (the page reloads from the database)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from delegate.adapters.live import hub as hub_module
from delegate.adapters.live.hub import LiveHub, Positioned
from delegate.domain.live import LiveKind, partial_event

SESSION = "a" * 24
OTHER = "b" * 24


async def _take(feed: AsyncIterator[Positioned | None], n: int) -> list[Positioned]:
    got: list[Positioned] = []
    async with asyncio.timeout(5):
        while len(got) < n:
            item = await anext(feed)
            if item is not None:
                got.append(item)
    return got


async def test_a_watcher_resumes_after_the_position_it_names() -> None:
    hub = LiveHub()
    start = hub.position()
    for word in ("one", "two", "three"):
        hub.deliver(SESSION, partial_event(1, "Priya", word))
        hub.deliver(OTHER, partial_event(2, "Marco", "elsewhere"))
    from_start = hub.watch(SESSION, start)
    first = await _take(from_start, 3)
    await from_start.aclose()
    assert [p.event.data["text"] for p in first] == ["one", "two", "three"]
    resumed = hub.watch(SESSION, first[0].position)
    assert [p.event.data["text"] for p in await _take(resumed, 2)] == ["two", "three"]
    hub.deliver(SESSION, partial_event(1, "Priya", "four"))
    assert (await _take(resumed, 1))[0].event.data["text"] == "four"
    assert hub.watched(SESSION) and not hub.watched(OTHER)
    await resumed.aclose()
    assert not hub.watched(SESSION)


async def test_positions_that_cannot_be_replayed_get_a_reset() -> None:
    hub = LiveHub(kept_per_session=2)
    start = hub.position()
    for word in ("one", "two", "three"):
        hub.deliver(SESSION, partial_event(1, "Priya", word))
    too_old = await _take(hub.watch(SESSION, start), 1)
    other_start = await _take(hub.watch(SESSION, "0ther-1"), 1)
    assert too_old[0].event.kind is LiveKind.RESET
    assert other_start[0].event.kind is LiveKind.RESET


async def test_a_watcher_too_far_behind_is_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    # A small queue stands for a stalled tab; the limit is a module constant read per watcher.
    monkeypatch.setattr(hub_module, "QUEUE_LIMIT", 3)
    hub = LiveHub()
    feed = hub.watch(SESSION, None)
    waiting = asyncio.create_task(anext(feed))
    await asyncio.sleep(0)
    for n in range(10):
        hub.deliver(SESSION, partial_event(1, "Priya", f"word {n}"))
    got = [await waiting]
    async with asyncio.timeout(5):
        got += [item async for item in feed]  # the stream ends with the reset
    assert [p.event.kind for p in got if p is not None][-1] is LiveKind.RESET
    assert len(got) < 10


async def test_unwatched_sessions_keep_only_recent_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub_module, "UNWATCHED_KEPT_S", 0.0)
    hub = LiveHub()
    start = hub.position()
    hub.deliver(SESSION, partial_event(1, "Priya", "old"))
    await asyncio.sleep(0.01)
    hub.deliver(SESSION, partial_event(1, "Priya", "new"))
    got = await _take(hub.watch(SESSION, start), 1)
    assert got[0].event.kind is LiveKind.RESET


async def test_a_quiet_stream_gets_keep_alives_and_still_its_events() -> None:
    # Proxies and browsers drop a connection that stays silent: a quiet watcher gets a
    # keep-alive (None) each idle period, and events still come through after them.
    hub = LiveHub()
    feed = hub.watch(SESSION, None, idle_s=0.05)
    async with asyncio.timeout(5):
        assert await anext(feed) is None
        assert await anext(feed) is None
    hub.deliver(SESSION, partial_event(1, "Priya", "after the quiet"))
    assert (await _take(feed, 1))[0].event.data["text"] == "after the quiet"
    await feed.aclose()
    assert not hub.watched(SESSION)
