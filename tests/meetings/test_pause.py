"""A pause asked for in the meeting ends by itself: while Recall's recording is paused nothing
reaches the delegate (chat included), so nobody in the meeting could say "resume"."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from delegate.sim import MeetingEvent, RecordingCommand, parse_script
from tests.meetings.world import World, make_world

PAUSED_MEETING = """
title = "A pause and what follows"
[join]
joining_s = 0.5
waiting_room_s = 0
setup_s = 0.5

[[participants]]
id = 100
name = "Kim Tran"
is_host = true

[[participants]]
id = 200
name = "Lee Park"

[[events]]
at = 1.0
who = "Kim Tran"
chat = "{bot}, PAUSE_REQUEST"

# Simulated seconds are wall-clock tenths here: these gaps leave a loaded machine seconds,
# not a fraction of one, to have paused before the first and resumed before the second.
[[events]]
after = 40.0
who = "Lee Park"
say = "The salary bands for next year are confidential for now."

[[events]]
after = 40.0
who = "Kim Tran"
say = "Welcome back everyone, the launch moves to Monday."

[[events]]
after = 4.0
end = true
"""


class Ahead:
    """The delegate's clock, moved on by the test (the pause's timer is minutes long)."""

    def __init__(self) -> None:
        self.offset_ms = 0

    def now_ms(self) -> int:
        import time

        return int(time.time() * 1000) + self.offset_ms


async def _until(check: Callable[[], Awaitable[bool]], timeout: float = 15) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.05)


async def _start(world: World, request: str) -> tuple[str, str, Ahead]:
    world.sim.assign_script(
        "1234567890", parse_script(PAUSED_MEETING.replace("PAUSE_REQUEST", request))
    )
    clock = Ahead()
    world.container.ports.clock = clock
    started = await world.initiate()
    return started["sessionId"], started["bot"]["id"], clock


def _commands(world: World, bot: str) -> list[str]:
    return [e.command for e in world.sim.log(bot) if isinstance(e, RecordingCommand)]


async def _session_when(
    world: World, sid: str, check: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The session once ``check`` holds for it."""
    seen: dict[str, Any] = {}

    async def holds() -> bool:
        seen.update(await world.session(sid))
        return check(seen)

    await _until(holds)
    return seen


async def _paused(world: World, sid: str) -> dict[str, Any]:
    return await _session_when(world, sid, lambda s: bool(s["recordingPaused"]))


def _said(world: World, bot: str, text: str) -> Callable[[], Awaitable[bool]]:
    async def said() -> bool:
        return text in world.chats(bot)

    return said


async def _transcript(world: World, sid: str) -> list[str]:
    r = await world.api.get(f"integration/recall/{world.integration_id}/session/{sid}/transcript")
    return [t["text"] for t in r.json()["items"]]


async def _notes(world: World, sid: str) -> dict[str, Any]:
    r = await world.api.get(f"integration/recall/{world.integration_id}/session/{sid}/notes")
    return r.json()  # type: ignore[no-any-return]


async def test_a_timed_pause_resumes_by_itself_and_the_notes_say_what_is_missing(
    tmp_path: Path,
) -> None:
    world = await make_world(tmp_path, speed=10)
    try:
        sid, bot, clock = await _start(world, "pause the recording for 5 minutes")
        session = await _paused(world, sid)
        assert _commands(world, bot) == ["pause"]
        assert session["resumeAt"] is not None
        chats = world.chats(bot)
        assert any("Recording paused until" in c and "(5 minutes)" in c for c in chats), chats

        async def confided() -> bool:
            said = [e for e in world.sim.log(bot) if isinstance(e, MeetingEvent) and e.text]
            return any("salary" in str(e.text) and not e.delivered for e in said)

        await _until(confided)  # said in the meeting while paused: Recall sent nothing
        await world.settle()  # not due yet: still paused
        assert (await world.session(sid))["recordingPaused"] is True
        clock.offset_ms = 6 * 60_000
        # The dispatcher's own periodic sweep may be the one that resumes: wait for it.
        await world.container.dispatcher.sweep_once()
        resumed = await _session_when(world, sid, lambda s: not s["recordingPaused"])
        await _until(_said(world, bot, "Recording resumed."))
        assert resumed["resumeAt"] is None
        assert _commands(world, bot) == ["pause", "resume"]

        await world.finish(bot)
        texts = await _transcript(world, sid)
        notes = await _notes(world, sid)
    finally:
        await world.aclose()

    assert any("launch moves to Monday" in t for t in texts), texts
    assert not any("salary" in t for t in texts), "nothing said while paused was captured"
    assert notes["status"] == "ready"
    [span] = notes["unrecordedSpans"]
    assert span["by"] == "Kim Tran"
    assert 5 * 60_000 <= span["to"] - span["from"] <= 7 * 60_000
    assert "The recording was paused from" in notes["summary"]
    assert "at Kim Tran's request; nothing said then is in these notes." in notes["summary"]


async def test_a_plain_pause_gets_the_default_limit(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=10)
    try:
        sid, bot, _ = await _start(world, "go off the record")
        session = await _paused(world, sid)
        chats = world.chats(bot)
    finally:
        await world.aclose()
    replies = [r for r in session["replies"] if r["kind"] == "pause_recording"]
    paused_at = replies[0]["payload"]["pausedAt"]
    assert session["resumeAt"] == paused_at + 15 * 60_000
    assert any("(15 minutes)" in c for c in chats), chats


async def test_a_guest_still_cannot_pause(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=10)
    try:
        script = PAUSED_MEETING.replace('who = "Kim Tran"\nchat', 'who = "Lee Park"\nchat', 1)
        world.sim.assign_script(
            "1234567890", parse_script(script.replace("PAUSE_REQUEST", "pause for ten minutes"))
        )
        started = await world.initiate()
        await world.finish(started["bot"]["id"])
        session = await world.session(started["sessionId"])
        commands = _commands(world, started["bot"]["id"])
    finally:
        await world.aclose()
    assert commands == []
    assert session["recordingPaused"] is False and session["resumeAt"] is None
    assert [r["status"] for r in session["replies"] if r["kind"] == "pause_recording"] == [
        "refused"
    ]


async def test_resuming_from_the_api_clears_the_timer(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=10)
    try:
        sid, bot, clock = await _start(world, "pause for half an hour")
        session = await _paused(world, sid)
        replies = [r for r in session["replies"] if r["kind"] == "pause_recording"]
        assert session["resumeAt"] == replies[0]["payload"]["pausedAt"] + 30 * 60_000
        base = f"integration/recall/{world.integration_id}/session/{sid}"
        assert (await world.api.post(f"{base}/recording/resume")).status_code == 200
        after = await world.session(sid)
        clock.offset_ms = 31 * 60_000
        await world.settle()
        commands = _commands(world, bot)
        await world.finish(bot)
        notes = await _notes(world, sid)
    finally:
        await world.aclose()
    assert after["recordingPaused"] is False and after["resumeAt"] is None
    assert commands == ["pause", "resume"], "the timer did not resume it a second time"
    assert len(notes["unrecordedSpans"]) == 1


async def test_a_pause_the_host_ends_from_the_meeting_leaves_no_timer(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=10)
    try:
        sid, bot, clock = await _start(world, "pause the recording for 5 minutes")
        await _paused(world, sid)
        # The host resumes with the meeting's own controls: Recall reports in_call_recording.
        world.sim.recording_command(bot, "resume", {})
        resumed = await _session_when(world, sid, lambda s: not s["recordingPaused"])
        clock.offset_ms = 6 * 60_000
        await world.settle()
        commands = _commands(world, bot)
        chats = world.chats(bot)
        await world.finish(bot)
        notes = await _notes(world, sid)
    finally:
        await world.aclose()
    assert resumed["resumeAt"] is None
    assert commands == ["pause", "resume"], "the timer resumed a bot already recording"
    assert "Recording resumed." not in chats
    [span] = notes["unrecordedSpans"]
    assert span["to"] - span["from"] < 60_000, "the span ends when the host resumed"


async def test_a_meeting_that_ends_paused_never_resumes_and_the_notes_say_so(
    tmp_path: Path,
) -> None:
    world = await make_world(tmp_path, speed=10)
    try:
        sid, bot, clock = await _start(world, "pause for half an hour")
        await _paused(world, sid)
        await world.finish(bot)
        ended = await world.session(sid)
        clock.offset_ms = 31 * 60_000
        await world.settle()
        commands = _commands(world, bot)
        notes = await _notes(world, sid)
    finally:
        await world.aclose()
    assert ended["status"] == "ended"
    assert ended["recordingPaused"] is False and ended["resumeAt"] is None
    assert commands == ["pause"]
    [span] = notes["unrecordedSpans"]
    assert span["by"] == "Kim Tran" and span["to"] == ended["endedAt"]
    assert "to the end of the meeting at Kim Tran's request" in notes["summary"]
