"""The async SDK against a whole in-process world (the app and the Recall simulator): every
resource, and a delegate steered through a meeting from initiate to notes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx2
import pytest

from delegate.sim import ChatSent, LeaveRequested, OutputMedia, RecordingCommand
from delegate_client import (
    AsyncDelegate,
    BadGateway,
    BadRequest,
    Conflict,
    Delegate,
    MeetingSession,
    NotFound,
    TimedOut,
    Transcript,
)
from tests.client.inprocess import bridged_client
from tests.meetings.lost import lost_world
from tests.meetings.scripts import long_meeting
from tests.meetings.world import World

MEETING = "https://zoom.us/j/1234567890"


def recording(session: MeetingSession) -> bool:
    return session.status == "recording" or session.finished


async def test_bots_and_integrations(aclient: AsyncDelegate, world: World) -> None:
    assert [b.id for b in (await aclient.bot.list()).items] == [world.bot_id]
    bot_id = (await aclient.bot.create(name="Grace", alias="grace")).id
    await aclient.bot.update("@grace", backstory="Brief answers.")
    assert (await aclient.bot.fetch(bot_id)).backstory == "Brief answers."
    assert [b.name async for b in aclient.bot.iterate(order="asc", take=1)] == ["Ada", "Grace"]
    assert len(await aclient.bot.list_all()) == 2
    assert (await aclient.bot.delete(bot_id)).id == bot_id

    integration = await aclient.integration.recall.fetch(world.integration_id)
    assert integration.bot_id == world.bot_id and integration.api_key_set
    other = await aclient.integration.recall.create(name="second", region="ap-northeast-1")
    await aclient.integration.recall.update(other.id, description="spare")
    assert (await aclient.integration.recall.fetch(other.id)).description == "spare"
    listed = [i.id async for i in aclient.integration.recall.iterate(take=1)]
    assert listed == [other.id, world.integration_id]
    assert len((await aclient.integration.recall.list(take=1)).items) == 1
    assert len(await aclient.integration.recall.list_all()) == 2
    await aclient.integration.recall.delete(other.id)
    with pytest.raises(NotFound):
        await aclient.integration.recall.fetch(other.id)


async def test_a_delegate_steered_from_initiate_to_notes(
    aclient: AsyncDelegate, world: World
) -> None:
    world.sim.assign_script("1234567890", long_meeting())
    recall = aclient.integration.recall
    started = await recall.initiate(
        world.integration_id, meeting_url=MEETING, text="Take notes.", idempotency_key="k-1"
    )
    again = await recall.initiate(
        world.integration_id, meeting_url=MEETING, text="Take notes.", idempotency_key="k-1"
    )
    assert again.session_id == started.session_id
    assert started.id == world.integration_id
    sid, bot = started.session_id, started.bot["id"]
    sessions = recall.sessions(world.integration_id)

    seen: list[str] = []
    live = await sessions.wait(
        sid, until=recording, interval=0.02, timeout=10, on_update=lambda s: seen.append(s.status)
    )
    assert live.status == "recording" and live.joined and not live.finished
    assert seen[-1] == "recording"
    assert [s.id for s in (await sessions.list()).items] == [sid]
    assert [s.id for s in await sessions.list_all()] == [sid]

    assert (await sessions.send_message(sid, "Hello from the SDK")).message == "Hello from the SDK"
    assert (await sessions.pause_recording(sid)).action == "recording/pause"
    assert (await sessions.fetch(sid)).recording_paused is True
    await sessions.resume_recording(sid)
    await sessions.stop_recording(sid)
    await sessions.start_recording(sid)
    share = await sessions.start_screenshare(sid, "https://example.com/deck")
    assert share.url == "https://example.com/deck"
    await sessions.stop_screenshare(sid)
    async with asyncio.timeout(10):
        while not any(not t.by_bot for t in (await sessions.transcript(sid)).items):
            await asyncio.sleep(0.05)
    assert (await sessions.notes(sid)).status == "not_ended"
    assert (await sessions.leave(sid)).action == "leave"
    await world.finish(bot)

    log = world.sim.log(bot)
    assert [e.text for e in log if isinstance(e, ChatSent)] == ["Hello from the SDK"]
    assert [e.command for e in log if isinstance(e, RecordingCommand)] == [
        "pause",
        "resume",
        "stop",
        "start",
    ]
    assert next(e.action for e in log if isinstance(e, OutputMedia)) == "start"
    assert any(isinstance(e, LeaveRequested) for e in log)

    ended = await sessions.fetch(sid)
    assert ended.finished and ended.status == "ended"
    assert ended.participants and {p.name for p in ended.participants} >= {"Kim Tran"}
    assert ended.replies and ended.replies[0].kind == "chat"

    transcript = await sessions.transcript(sid)
    assert isinstance(transcript, Transcript)
    assert any(t.by_bot and t.text == "Hello from the SDK" for t in transcript.items)
    first = next(t for t in transcript.items if not t.by_bot)
    assert "Status item number" in first.text and first.speaker in {"Kim Tran", "Lee Park"}
    text = await sessions.transcript_text(sid)
    assert first.text in text
    assert first.text in await sessions.transcript_text(sid, format="markdown")
    assert (await sessions.transcript_text(sid, "vtt")).startswith("WEBVTT")
    assert "-->" in await sessions.transcript_text(sid, "srt")

    notes = await sessions.notes(sid)
    assert notes.status == "ready" and notes.summary

    with pytest.raises(Conflict) as late:
        await sessions.send_message(sid, "too late")
    assert late.value.code == "CONFLICT"


async def test_recall_failures_and_bad_input(aclient: AsyncDelegate, world: World) -> None:
    world.sim.assign_script("1234567890", long_meeting())
    started = await aclient.integration.recall.initiate(
        world.integration_id, meeting_url=MEETING, text="Take notes."
    )
    sessions = aclient.integration.recall.sessions(world.integration_id)
    sid = started.session_id
    await sessions.wait(sid, until=recording, interval=0.02, timeout=10)

    with pytest.raises(BadRequest, match='"url"'):
        await sessions.start_screenshare(sid, "http://localhost/x")
    with pytest.raises(NotFound):
        await sessions.fetch("c" + "x" * 23)
    with pytest.raises(TimedOut):
        await sessions.wait(sid, until=lambda s: False, interval=0.01, timeout=0.05)

    world.sim.faults.server_error(times=None, on="command")
    try:
        with pytest.raises(BadGateway) as upstream:
            await sessions.send_message(sid, "hi")
    finally:
        world.sim.faults.reset()
    assert upstream.value.status == 502 and upstream.value.code == "BAD_GATEWAY"
    await sessions.leave(sid)
    await world.finish(started.bot["id"])


async def test_the_sync_client_drives_a_meeting_too(world: World) -> None:
    world.sim.assign_script("1234567890", long_meeting())
    http = bridged_client(world.app)

    def steer() -> tuple[MeetingSession, list[str], str]:
        with Delegate(api_key=world.api.token, http_client=http) as client:
            recall = client.integration.recall
            started = recall.initiate(world.integration_id, meeting_url=MEETING, text="Notes.")
            sessions = recall.sessions(world.integration_id)
            live = sessions.wait(started.session_id, until=recording, interval=0.02, timeout=10)
            sessions.send_message(live.id, "From a thread", to="everyone")
            ids = [s.id for s in sessions.iterate(take=1)] + [s.id for s in sessions.list_all()]
            with pytest.raises(TimedOut):
                sessions.wait(live.id, until=lambda s: False, interval=0.01, timeout=0.05)
            sessions.leave(live.id)
            return live, ids, started.bot["id"]

    try:
        live, ids, bot = await asyncio.to_thread(steer)
    finally:
        http.close()
    await world.finish(bot)

    assert live.status == "recording"
    assert ids == [live.id, live.id]
    assert world.chats(bot) == ["From a thread"]


async def test_a_session_lost_to_a_wrong_webhook_secret_says_why(tmp_path: Path) -> None:
    lost = await lost_world(tmp_path)
    http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=lost.app), base_url="http://delegate.test"
    )
    try:
        async with http, AsyncDelegate(api_key=lost.api.token, http_client=http) as client:
            recall = client.integration.recall
            started = await recall.initiate(lost.integration_id, meeting_url=MEETING, text="Hi.")
            sessions = recall.sessions(lost.integration_id)
            notes = await sessions.wait_for_notes(started.session_id, timeout=60, interval=0.1)
            session = await sessions.fetch(started.session_id)
    finally:
        await lost.aclose()

    assert session.deliveries_refused > 0 and session.refused_reason == "bad signature"
    assert notes.no_transcript_reason is not None
    assert notes.no_transcript_reason.startswith("No transcript: ")
    assert "(bad signature); check the integration's webhookSecret" in notes.no_transcript_reason
    assert session.no_transcript_reason == notes.no_transcript_reason


async def test_deleting_a_live_session_sends_its_delegate_away(
    aclient: AsyncDelegate, world: World
) -> None:
    world.sim.assign_script("1234567890", long_meeting())
    recall = aclient.integration.recall
    started = await recall.initiate(world.integration_id, meeting_url=MEETING, text="Notes.")
    sessions = recall.sessions(world.integration_id)
    await sessions.wait(started.session_id, until=recording, timeout=60, interval=0.05)

    assert (await sessions.delete(started.session_id)).id == started.session_id
    with pytest.raises(NotFound):
        await sessions.fetch(started.session_id)
    with pytest.raises(NotFound):
        await sessions.delete(started.session_id)
    await world.sim.wait_until_done(started.bot["id"], timeout=30)
    assert any(isinstance(e, LeaveRequested) for e in world.sim.log(started.bot["id"]))
