"""A session drained by more than one process: each keeps what it knows about the session in
memory between batches, and must notice when another process has moved the session on."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import replace
from pathlib import Path

from delegate.services.processing import process_session_events
from delegate.services.session_state import SessionStateCache
from tests.meetings.scripts import ASKS
from tests.meetings.world import World, make_world


async def _play(world: World, other_process: bool) -> tuple[list[str], list[str]]:
    world.sim.assign_script("1234567890", ASKS)
    started = await world.initiate()
    sid = started["sessionId"]
    # A second "process": the same database and services, its own memory.
    other = replace(world.container.ports, states=SessionStateCache(), recovered=set())

    async def drain_now_and_then() -> None:
        while True:
            await process_session_events(other, sid)
            await asyncio.sleep(0.01)

    helper = asyncio.create_task(drain_now_and_then()) if other_process else None
    try:
        await world.finish(started["bot"]["id"])
    finally:
        if helper is not None:
            helper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await helper
    transcript = await world.api.get(
        f"integration/recall/{world.integration_id}/session/{sid}/transcript"
    )
    items = transcript.json()["items"]
    assert [t["seq"] for t in items] == list(range(1, len(items) + 1))
    return [t["text"] for t in items if not t["byBot"]], world.chats(started["bot"]["id"])


async def test_two_processes_draining_one_session_give_the_same_transcript_and_replies(
    tmp_path: Path,
) -> None:
    alone = await make_world(tmp_path / "alone", speed=12)
    shared = await make_world(tmp_path / "shared", speed=12)
    try:
        texts_alone, chats_alone = await _play(alone, other_process=False)
        texts_shared, chats_shared = await _play(shared, other_process=True)
    finally:
        await alone.aclose()
        await shared.aclose()
    assert Counter(texts_shared) == Counter(texts_alone)
    assert len(chats_shared) == len(chats_alone) == 3
