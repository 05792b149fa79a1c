"""Steering a live delegate through the API: every control reaches the (simulated) meeting."""

from __future__ import annotations

import asyncio
from pathlib import Path

from delegate.sim import ChatSent, LeaveRequested, OutputMedia, RecordingCommand
from tests.meetings.scripts import long_meeting
from tests.meetings.world import World, make_world


async def wait_for_status(world: World, session_id: str, status: str, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while (await world.session(session_id))["status"] != status:
            await asyncio.sleep(0.02)


async def test_message_recording_screenshare_and_leave_reach_the_meeting(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=20)
    try:
        world.sim.assign_script("1234567890", long_meeting())
        started = await world.initiate()
        sid, bot = started["sessionId"], started["bot"]["id"]
        base = f"integration/recall/{world.integration_id}/session/{sid}"
        await wait_for_status(world, sid, "recording")

        sent = await world.api.post(f"{base}/message/send", {"message": "Hello from the API"})
        assert sent.status_code == 200, sent.text
        assert (await world.api.post(f"{base}/recording/pause")).status_code == 200
        assert (await world.session(sid))["recordingPaused"] is True
        assert (await world.api.post(f"{base}/recording/resume")).status_code == 200
        share = await world.api.post(
            f"{base}/screenshare/start", {"url": "https://example.com/deck"}
        )
        assert share.status_code == 200, share.text
        assert (await world.api.post(f"{base}/screenshare/stop")).status_code == 200
        assert (await world.api.post(f"{base}/leave")).status_code == 200
        await world.finish(bot)

        log = world.sim.log(bot)
        after_leave = await world.api.post(f"{base}/message/send", {"message": "too late"})
        session = await world.session(sid)
    finally:
        await world.aclose()

    assert [e.text for e in log if isinstance(e, ChatSent)] == ["Hello from the API"]
    assert [e.command for e in log if isinstance(e, RecordingCommand)] == ["pause", "resume"]
    media = [(e.action, e.url) for e in log if isinstance(e, OutputMedia)]
    assert media[0] == ("start", "https://example.com/deck")
    assert media[-1][0] == "stop"
    assert any(isinstance(e, LeaveRequested) for e in log)
    assert session["status"] == "ended"
    assert session["statusReason"] == "bot_received_leave_call"
    api_reply = next(r for r in session["replies"] if r["payload"].get("source") == "api")
    assert api_reply["status"] == "sent"
    assert api_reply["sentAt"] is not None
    assert after_leave.status_code == 409
    assert after_leave.json()["code"] == "CONFLICT"


async def test_control_validation_and_unknown_sessions(world: World) -> None:
    started = await world.initiate()
    base = f"integration/recall/{world.integration_id}/session/{started['sessionId']}"

    empty = await world.api.post(f"{base}/message/send", {"message": ""})
    assert empty.status_code == 400 and '"message"' in empty.json()["message"]
    local = await world.api.post(f"{base}/screenshare/start", {"url": "http://localhost/x"})
    assert local.status_code == 400 and '"url"' in local.json()["message"]
    missing = await world.api.post(
        f"integration/recall/{world.integration_id}/session/cxxxxxxxxxxxxxxxxxxxxxxx/leave"
    )
    assert missing.status_code == 404
    await world.finish(started["bot"]["id"])


async def test_recall_failure_on_an_action_is_a_bad_gateway(world: World) -> None:
    started = await world.initiate()
    sid = started["sessionId"]
    await wait_for_status(world, sid, "recording")
    world.sim.faults.server_error(times=None, status=503, on="command")

    r = await world.api.post(
        f"integration/recall/{world.integration_id}/session/{sid}/message/send", {"message": "hi"}
    )

    world.sim.faults.reset()
    assert r.status_code == 502
    assert r.json()["code"] == "BAD_GATEWAY"
    await world.finish(started["bot"]["id"])
