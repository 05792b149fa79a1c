"""How many units of work (transactions) one drain opens: the session is read once per drain and
passed down, so an answered chat message, a drain of partials alone and the notes drain each
cost a fixed, small number of them (the numbers ``docs/architecture.md`` states).

The deliveries are Recall's, made by the simulator's own payload builders and posted, signed,
to the real receivers; the session's drains are then run one at a time with the dispatcher
stopped, so that each count is of exactly one drain."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from delegate.adapters.recall.signatures import sign_headers
from delegate.services.context import MeetingPorts
from delegate.services.ports import UnitOfWork, UnitOfWorkFactory
from delegate.services.processing import process_session_events
from delegate.sim import parse_script
from delegate.sim.payloads import (
    participant_event_data,
    realtime_envelope,
    status_webhook,
    transcript_data,
)
from delegate.sim.scripts import ScriptParticipant
from delegate.sim.timeline import Word
from tests.meetings.world import World, make_world

KIM = ScriptParticipant(id=100, name="Kim Tran", is_host=True)

QUIET = parse_script(
    """
title = "Quiet"
[join]
joining_s = 0.2
waiting_room_s = 0
setup_s = 0.2

[[participants]]
id = 100
name = "Kim Tran"
is_host = true

[[events]]
at = 0.5
who = "Kim Tran"
say = "Hello everyone."

[[events]]
after = 100000.0
end = true
"""
)
"""A meeting that, once Kim has said hello, stays quiet while the test sends the events."""

ANSWERED_CHAT = 6
"""Apply the batch; read the follow-up; read the recent turns for the brain; store the decided
actions; claim the reply; mark it sent (10 before the drain read its session once)."""
PARTIALS_ONLY = 1
"""Apply the batch, which finds nothing to follow up (1 before as well)."""
NOTES = 3
"""Apply the call's end; read the follow-up with the meeting's turns; store the notes (5
before)."""


class CountingUnitsOfWork:
    """The project's unit-of-work factory, counting the units it opens."""

    def __init__(self, inner: UnitOfWorkFactory) -> None:
        self._inner = inner
        self.opened = 0

    def __call__(self) -> UnitOfWork:
        self.opened += 1
        return self._inner()


async def _until(check: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


class Meeting:
    """One session of the world, with the dispatcher stopped and its drains run by hand."""

    def __init__(self, world: World, started: dict[str, Any]) -> None:
        self.world = world
        self.session_id = str(started["sessionId"])
        self.bot = world.sim.bot(started["bot"]["id"])
        self.counter = CountingUnitsOfWork(world.container.uow)
        self.ports: MeetingPorts = replace(world.container.ports, uow=self.counter)

    async def post_realtime(self, event: str, inner: dict[str, Any]) -> None:
        endpoint, recording = self.bot.endpoints[0], self.bot.current_recording
        assert recording is not None
        body = orjson.dumps(realtime_envelope(event, inner, endpoint, self.bot, recording))
        path = endpoint.url.removeprefix("http://delegate.test")
        r = await self.world.api.http.post(
            path, content=body, headers=sign_headers(self.world.secret, body)
        )
        assert r.status_code == 200, r.text

    async def post_status(self, code: str) -> None:
        body = orjson.dumps(status_webhook(self.bot, self.bot.change_status(code)))
        r = await self.world.api.http.post(
            f"/v1/integration/recall/{self.world.integration_id}/webhook",
            content=body,
            headers=sign_headers(self.world.secret, body),
        )
        assert r.status_code == 200, r.text

    async def drain(self) -> int:
        """Run one drain of the session; the units of work it opened."""
        before = self.counter.opened
        await process_session_events(self.ports, self.session_id)
        return self.counter.opened - before


async def _quiet_meeting(tmp_path: Path) -> tuple[World, Meeting]:
    world = await make_world(tmp_path, speed=20)
    world.sim.assign_script("1234567890", QUIET)
    started = await world.initiate(text="Answer questions.")

    async def greeted() -> bool:
        session = await world.session(started["sessionId"])
        async with world.container.uow() as tx:
            last = await tx.turns.last(started["sessionId"])
        return session["status"] == "recording" and last is not None

    await _until(greeted)
    await world.settle()
    await world.container.dispatcher.stop()
    return world, Meeting(world, started)


async def test_each_kind_of_drain_opens_a_fixed_small_number_of_units_of_work(
    tmp_path: Path,
) -> None:
    world, meeting = await _quiet_meeting(tmp_path)
    recording = meeting.bot.current_recording
    assert recording is not None
    start = recording.created_at
    try:
        chat = {"text": "Ada, who is here?", "to": "everyone"}
        await meeting.post_realtime(
            "participant_events.chat_message", participant_event_data(KIM, 5.0, start, chat)
        )
        answered = await meeting.drain()
        replies = world.chats(meeting.bot.id)

        words = (Word("and", 6.0, 6.2), Word("then", 6.2, 6.5))
        for _ in range(3):
            await meeting.post_realtime(
                "transcript.partial_data", transcript_data(KIM, words, 0.0, start)
            )
        partials = await meeting.drain()

        await meeting.post_status("call_ended")
        notes = await meeting.drain()
        session = await world.session(meeting.session_id)
    finally:
        await world.aclose()

    assert len(replies) == 1 and "Kim Tran" in replies[0], replies
    assert session["status"] == "ended"
    assert session["notesReady"] is True
    assert (answered, partials, notes) == (ANSWERED_CHAT, PARTIALS_ONLY, NOTES)
