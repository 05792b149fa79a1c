"""``delegate initiate`` and ``delegate session ...`` against the app and the Recall simulator,
in one event loop: the CLI runs in a worker thread while the meeting plays."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from delegate.sim import ChatSent, LeaveRequested, OutputMedia, RecordingCommand
from tests.client.inprocess import CliDriver
from tests.meetings.lost import lost_world, play_lost
from tests.meetings.scripts import long_meeting
from tests.meetings.world import World, make_world

MEETING = "https://zoom.us/j/1234567890"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    w = await make_world(tmp_path, speed=20)
    w.sim.assign_script("1234567890", long_meeting())
    yield w
    await w.aclose()


@pytest.fixture
async def cli(world: World) -> AsyncIterator[CliDriver]:
    driver = CliDriver(world.app, world.api.token)
    yield driver
    driver.close()


async def wait_for(world: World, session_id: str, status: str) -> None:
    async with asyncio.timeout(10):
        while (await world.session(session_id))["status"] != status:
            await asyncio.sleep(0.02)


async def test_initiate_waits_until_the_delegate_is_in_the_call(
    cli: CliDriver, world: World
) -> None:
    started = await cli(
        "initiate", world.integration_id, "--meeting-url", MEETING, "--text", "Take notes.",
        "--bot-name", "Ada", "--wait",
    )  # fmt: skip

    assert started.exit_code == 0, started.output
    assert "Status" in started.stdout and (
        "in_call" in started.stdout or "recording" in started.stdout
    )
    assert MEETING in started.stdout
    session_id = started.stdout.split()[1]
    session = await world.session(session_id)
    assert session["status"] in {"in_call", "recording"}
    await world.api.post(f"integration/recall/{world.integration_id}/session/{session_id}/leave")
    await world.finish(session["recallBotId"])


async def test_initiate_json_and_a_meeting_that_cannot_be_joined(
    cli: CliDriver, world: World
) -> None:
    started = await cli(
        "initiate", world.integration_id, "--meeting-url", MEETING, "--text", "Take notes.",
        "--idempotency-key", "once", "--json",
    )  # fmt: skip
    again = await cli(
        "initiate", world.integration_id, "--meeting-url", MEETING, "--text", "Take notes.",
        "--idempotency-key", "once", "--json",
    )  # fmt: skip
    result = json.loads(started.stdout)
    assert result["id"] == world.integration_id and result["bot"]["id"]
    assert json.loads(again.stdout)["sessionId"] == result["sessionId"]

    failed = await cli(
        "initiate", world.integration_id, "--meeting-url", "https://zoom.us/j/404404404",
        "--text", "Take notes.", "--wait", "--json",
    )  # fmt: skip
    assert failed.exit_code == 1
    assert failed.stdout == ""
    assert "before the delegate joined" in failed.stderr
    assert "meeting_not_found" in failed.stderr

    await cli("session", "leave", world.integration_id, result["sessionId"])
    await world.finish(result["bot"]["id"])


async def test_session_commands_steer_a_live_delegate(cli: CliDriver, world: World) -> None:
    started = await world.initiate()
    iid, sid, bot = world.integration_id, started["sessionId"], started["bot"]["id"]
    await wait_for(world, sid, "recording")

    listed = await cli("session", "list", iid)
    assert sid in listed.stdout and "recording" in listed.stdout
    assert json.loads((await cli("session", "list", iid, "--json")).stdout)["items"][0]["id"] == sid

    said = await cli("session", "say", iid, sid, "Hello from the CLI")
    assert said.exit_code == 0 and said.stdout.strip() == "Sent to everyone."
    said_json = await cli("session", "say", iid, sid, "Second", "--to", "everyone", "--json")
    assert json.loads(said_json.stdout)["message"] == "Second"
    for action in ("pause", "resume", "stop", "start"):
        recorded = await cli("session", "record", iid, sid, action)
        assert recorded.exit_code == 0, recorded.output
        assert recorded.stdout.strip() == f"Recording: {action} requested."
    assert (await cli("session", "record", iid, sid, "rewind")).exit_code == 2
    shared = await cli("session", "screenshare", iid, sid, "start", "https://example.com/deck")
    assert shared.exit_code == 0, shared.output
    assert (await cli("session", "screenshare", iid, sid, "stop", "--json")).exit_code == 0
    assert (await cli("session", "screenshare", iid, sid, "start")).exit_code == 2
    assert (await cli("session", "screenshare", iid, sid, "stop", "https://x.io")).exit_code == 2

    async with asyncio.timeout(10):
        while "Status item" not in (await cli("session", "transcript", iid, sid)).stdout:
            await asyncio.sleep(0.05)
    shown = await cli("session", "show", iid, sid)
    assert "Participants" in shown.stdout and "Kim Tran" in shown.stdout
    assert "Replies" in shown.stdout and "Hello from the CLI" in shown.stdout
    early_notes = await cli("session", "notes", iid, sid)
    assert early_notes.exit_code == 0 and "not ended" in early_notes.stderr

    left = await cli("session", "leave", iid, sid)
    assert left.exit_code == 0 and "leaving" in left.stdout
    await world.finish(bot)

    log = world.sim.log(bot)
    assert [e.text for e in log if isinstance(e, ChatSent)] == ["Hello from the CLI", "Second"]
    assert [e.command for e in log if isinstance(e, RecordingCommand)] == [
        "pause",
        "resume",
        "stop",
        "start",
    ]
    assert [e.action for e in log if isinstance(e, OutputMedia)] == ["start", "stop"]
    assert any(isinstance(e, LeaveRequested) for e in log)

    late = await cli("session", "say", iid, sid, "too late")
    assert late.exit_code == 1 and "(CONFLICT)" in late.stderr and late.stdout == ""


async def test_transcript_and_notes_after_the_meeting(cli: CliDriver, world: World) -> None:
    started = await world.initiate()
    iid, sid = world.integration_id, started["sessionId"]
    await wait_for(world, sid, "recording")
    async with asyncio.timeout(10):
        while "Status item" not in (await cli("session", "transcript", iid, sid)).stdout:
            await asyncio.sleep(0.05)
    await cli("session", "leave", iid, sid)
    await world.finish(started["bot"]["id"])

    text = await cli("session", "transcript", iid, sid)
    assert "Status item number" in text.stdout
    markdown = await cli("session", "transcript", iid, sid, "--format", "markdown")
    assert "Status item number" in markdown.stdout
    assert (await cli("session", "transcript", iid, sid, "-f", "vtt")).stdout.startswith("WEBVTT")
    assert "-->" in (await cli("session", "transcript", iid, sid, "--format", "srt")).stdout
    items = json.loads((await cli("session", "transcript", iid, sid, "--json")).stdout)["items"]
    assert items and {"speaker", "text", "startS"} <= set(items[0])
    same = json.loads((await cli("session", "transcript", iid, sid, "--format", "json")).stdout)
    assert same["items"] == items
    both = await cli("session", "transcript", iid, sid, "--json", "--format", "vtt")
    assert both.exit_code == 2

    notes = await cli("session", "notes", iid, sid)
    assert notes.exit_code == 0
    assert "Summary" in notes.stdout and "Action items" in notes.stdout
    notes_json = json.loads((await cli("session", "notes", iid, sid, "--json")).stdout)
    assert notes_json["status"] == "ready" and notes_json["summary"]
    show = json.loads((await cli("session", "show", iid, sid, "--json")).stdout)
    assert show["status"] == "ended" and show["notesReady"] is True


async def test_session_errors(cli: CliDriver, world: World) -> None:
    unknown = await cli("session", "show", world.integration_id, "c" + "x" * 23)
    assert unknown.exit_code == 1 and "(NOT_FOUND)" in unknown.stderr

    started = await world.initiate()
    sid = started["sessionId"]
    await wait_for(world, sid, "recording")
    world.sim.faults.server_error(times=None, on="command")
    try:
        upstream = await cli("session", "say", world.integration_id, sid, "hi")
    finally:
        world.sim.faults.reset()
    assert upstream.exit_code == 1 and "(BAD_GATEWAY)" in upstream.stderr
    local = await cli(
        "session", "screenshare", world.integration_id, sid, "start", "http://localhost/x"
    )
    assert local.exit_code == 1 and '"url"' in local.stderr
    await cli("session", "leave", world.integration_id, sid)
    await world.finish(started["bot"]["id"])


async def test_session_delete_sends_the_delegate_away(cli: CliDriver, world: World) -> None:
    started = await world.initiate()
    sid, bot = started["sessionId"], started["bot"]["id"]
    await wait_for(world, sid, "recording")

    deleted = await cli("session", "delete", world.integration_id, sid, "--yes")
    again = await cli("session", "delete", world.integration_id, sid, "--yes")
    await world.sim.wait_until_done(bot, timeout=30)

    assert deleted.exit_code == 0, deleted.output
    assert f"Deleted session {sid}" in deleted.stdout
    assert again.exit_code == 1 and "(NOT_FOUND)" in again.stderr
    assert any(isinstance(e, LeaveRequested) for e in world.sim.log(bot))
    assert (await cli("session", "show", world.integration_id, sid)).exit_code == 1


async def test_session_show_tells_why_a_meeting_has_no_transcript(tmp_path: Path) -> None:
    world = await lost_world(tmp_path)
    cli = CliDriver(world.app, world.api.token)
    try:
        iid = world.integration_id
        sid = (await play_lost(world))["sessionId"]

        shown = await cli("session", "show", iid, sid)
        as_json = json.loads((await cli("session", "show", iid, sid, "--json")).stdout)
    finally:
        cli.close()
        await world.aclose()

    assert shown.exit_code == 0, shown.output
    assert f"{as_json['deliveriesRefused']} (bad signature)" in shown.stdout
    assert "check the integration's webhookSecret" in " ".join(shown.stdout.split())
    assert as_json["refusedReason"] == "bad signature"
