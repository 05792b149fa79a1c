"""Recall as loose as it really is, replayed by the simulator (signed with the workspace secret,
through the real receivers): every authenticated delivery is answered 2xx, a bad field we do
not need never drops an event, status follows Recall's clock, late names and late transcript
still reach the session and its notes."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from delegate.sim import DeliveryAttempt
from delegate.sim.variants import PayloadVariant
from tests.meetings.lost import lost_world, play_lost
from tests.meetings.scripts import ASKS, host_alone, long_meeting
from tests.meetings.world import World, make_world

HUMAN_LINES = [
    "Let's review the budget for the offsite.",
    "Sounds good, the numbers look fine to me.",
    "Ada, who is here?",
    "I will book the venue by Friday.",
    "Ada, what are the action items?",
    "summary so far please",
    "Great, thanks everyone. Talk soon.",
]
"""What the people in ``ASKS`` say and write, in order (the delegate's replies come between)."""


@pytest.fixture
async def asks(tmp_path: Path) -> Any:
    world = await make_world(tmp_path, script=ASKS)  # type: ignore[arg-type]
    yield world
    await world.aclose()


async def _play(world: World) -> tuple[str, str]:
    started = await world.initiate()
    await world.finish(started["bot"]["id"])
    return started["sessionId"], started["bot"]["id"]


async def _transcript(world: World, session_id: str) -> list[dict[str, Any]]:
    r = await world.api.get(
        f"integration/recall/{world.integration_id}/session/{session_id}/transcript"
    )
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


async def _notes(world: World, session_id: str) -> dict[str, Any]:
    r = await world.api.get(f"integration/recall/{world.integration_id}/session/{session_id}/notes")
    return r.json()  # type: ignore[no-any-return]


def _human_lines(items: list[dict[str, Any]]) -> list[str]:
    return [item["text"] for item in items if not item["byBot"]]


def _attempts(world: World, bot_id: str, target: str) -> list[DeliveryAttempt]:
    return [
        e for e in world.sim.log(bot_id) if isinstance(e, DeliveryAttempt) and e.target == target
    ]


@pytest.mark.parametrize(
    "variant",
    ["word_absolute_empty", "word_text_null", "chat_to_null", "participant_id_null"],
)
async def test_a_bad_field_we_do_not_need_never_drops_the_event(
    asks: World, variant: PayloadVariant
) -> None:
    asks.sim.faults.vary_payloads(variant)

    session_id, _ = await _play(asks)

    assert _human_lines(await _transcript(asks, session_id)) == HUMAN_LINES


async def test_fragments_without_times_stay_where_they_were_said(asks: World) -> None:
    asks.sim.faults.vary_payloads("relative_null")

    session_id, _ = await _play(asks)

    items = await _transcript(asks, session_id)
    assert _human_lines(items) == HUMAN_LINES
    starts = [item["startS"] for item in items]
    assert starts == sorted(starts)


async def test_unsigned_realtime_deliveries_are_authenticated_by_the_session_token(
    asks: World,
) -> None:
    asks.sim.faults.unsigned_realtime()

    session_id, bot_id = await _play(asks)

    assert _human_lines(await _transcript(asks, session_id)) == HUMAN_LINES
    assert (await asks.session(session_id))["deliveriesRefused"] == 0
    assert {a.status_code for a in _attempts(asks, bot_id, "realtime")} == {200}
    # Status webhooks carry no per-session token: with a webhookSecret they still need it.
    hook = orjson.dumps({"event": "bot.fatal", "data": {"bot": {"id": bot_id, "metadata": {}}}})
    unsigned = await asks.api.http.post(
        f"/v1/integration/recall/{asks.integration_id}/webhook", content=hook
    )
    assert unsigned.status_code == 401


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_a_non_json_content_type_is_still_read(asks: World, content_type: str) -> None:
    asks.sim.faults.realtime_content_type(content_type)

    session_id, _ = await _play(asks)

    assert _human_lines(await _transcript(asks, session_id)) == HUMAN_LINES


async def test_an_unusable_delivery_is_answered_2xx_and_kept(asks: World) -> None:
    asks.sim.faults.vary_payloads("no_event")

    session_id, bot_id = await _play(asks)

    attempts = _attempts(asks, bot_id, "realtime")
    assert attempts and {a.status_code for a in attempts} == {200}
    assert {a.attempt for a in attempts} == {1}  # nothing retried
    assert {e.status for e in asks.sim.bot(bot_id).endpoints} == {"done"}  # not "failed"
    assert (await asks.session(session_id))["status"] == "ended"


async def test_a_delivery_over_the_size_cap_is_answered_2xx(asks: World) -> None:
    asks.sim.faults.oversize_media(2_000_000)  # the receiver's cap is 1 MiB

    session_id, bot_id = await _play(asks)

    media = [a for a in _attempts(asks, bot_id, "realtime") if a.event == "audio_mixed_raw.data"]
    assert media and {(a.status_code, a.attempt) for a in media} == {(200, 1)}
    assert {e.status for e in asks.sim.bot(bot_id).endpoints} == {"done"}
    assert _human_lines(await _transcript(asks, session_id)) == HUMAN_LINES


@pytest.mark.parametrize(
    "variant", ["status_updated_at_empty", "status_sub_code_number", "status_data_null"]
)
async def test_a_loose_status_webhook_still_moves_the_session(
    asks: World, variant: PayloadVariant
) -> None:
    asks.sim.faults.vary_payloads(variant)

    session_id, bot_id = await _play(asks)

    assert {a.status_code for a in _attempts(asks, bot_id, "status")} == {200}
    session = await asks.session(session_id)
    assert (session["status"], session["statusCode"]) == ("ended", "done")


async def test_legacy_output_logs_are_acknowledged_and_ignored(asks: World) -> None:
    asks.sim.faults.output_logs()

    session_id, bot_id = await _play(asks)

    logs = [a for a in _attempts(asks, bot_id, "status") if a.event == "bot.output_log"]
    assert logs and {a.status_code for a in logs} == {200}
    session = await asks.session(session_id)
    assert (session["status"], session["statusCode"]) == ("ended", "done")


async def _delivered(world: World, bot_id: str, event: str) -> None:
    async with asyncio.timeout(20):
        while not any(a.event == event and a.ok for a in _attempts(world, bot_id, "status")):
            await asyncio.sleep(0.02)
    await world.settle()


async def test_a_late_status_does_not_move_a_recording_session_back(tmp_path: Path) -> None:
    world = await make_world(tmp_path, script=long_meeting(), speed=20)  # type: ignore[arg-type]
    try:
        world.sim.faults.late_status("in_call_not_recording", after="in_call_recording")
        started = await world.initiate()
        bot_id = started["bot"]["id"]

        await _delivered(world, bot_id, "bot.in_call_not_recording")
        during = await world.session(started["sessionId"])
        await world.api.post(
            f"integration/recall/{world.integration_id}/session/{started['sessionId']}/leave", {}
        )
        await world.finish(bot_id)
    finally:
        await world.aclose()

    assert (during["status"], during["statusCode"]) == ("recording", "in_call_recording")


async def test_a_late_joining_call_after_fatal_keeps_the_failure(world: World) -> None:
    world.sim.faults.fatal_on_join("meeting_not_found").late_status("joining_call", after="fatal")

    session_id, bot_id = await _play(world)

    await _delivered(world, bot_id, "bot.joining_call")
    session = await world.session(session_id)
    assert (session["status"], session["statusCode"], session["statusReason"]) == (
        "failed",
        "fatal",
        "meeting_not_found",
    )


async def test_a_status_confirmed_after_done_keeps_recalls_reason(tmp_path: Path) -> None:
    # Unsigned status webhooks are confirmed by asking Recall; the first to arrive after the
    # leave is done's, so Recall's answer already ends with done: call_ended and its reason
    # come from the bot's status history.
    world = await make_world(tmp_path, script=long_meeting(), signed=False, speed=20)  # type: ignore[arg-type]
    try:
        world.sim.faults.late_status("call_ended", after="done")
        started = await world.initiate()
        sid, bot_id = started["sessionId"], started["bot"]["id"]
        await _delivered(world, bot_id, "bot.in_call_recording")
        await world.api.post(f"integration/recall/{world.integration_id}/session/{sid}/leave", {})
        await world.finish(bot_id)
        await _delivered(world, bot_id, "bot.call_ended")
        session = await world.session(sid)
    finally:
        await world.aclose()

    assert (session["status"], session["statusReason"]) == ("ended", "bot_received_leave_call")


async def test_late_names_and_emails_reach_participants_and_turns(asks: World) -> None:
    asks.sim.faults.late_names()

    session_id, _ = await _play(asks)

    items = await _transcript(asks, session_id)
    speakers = {item["speaker"] for item in items if not item["byBot"]}
    assert speakers == {"Kim Tran", "Lee Park"}
    r = await asks.api.get(f"integration/recall/{asks.integration_id}/session/{session_id}/fetch")
    people = {p["name"]: p["email"] for p in r.json()["participants"] if not p["isBot"]}
    assert people == {"Kim Tran": "kim@example.com", "Lee Park": None}


async def test_transcript_arriving_after_call_ended_reaches_the_notes(asks: World) -> None:
    # Realtime deliveries trail the status webhooks by 10 minutes (simulated): the whole
    # transcript arrives after call_ended, after the notes were first written.
    asks.sim.faults.lag_realtime(600)

    session_id, _ = await _play(asks)

    assert _human_lines(await _transcript(asks, session_id)) == HUMAN_LINES
    notes = await _notes(asks, session_id)
    assert notes["status"] == "ready"
    assert "venue" in orjson.dumps(notes["actionItems"]).decode()


def _refusal_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [
        r.msg
        for r in caplog.records
        if isinstance(r.msg, dict) and r.msg.get("event") == "delivery refused"
    ]


async def test_a_wrong_webhook_secret_is_counted_logged_and_explained(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    world = await lost_world(tmp_path)
    try:
        started = await play_lost(world)
        session = await world.session(started["sessionId"])
        notes = await _notes(world, started["sessionId"])
    finally:
        await world.aclose()

    assert session["status"] == "ended"  # learnt by polling: the status webhooks were refused
    assert session["deliveriesRefused"] > 61  # every attempt of every delivery
    assert session["refusedReason"] == "bad signature"
    reason = session["noTranscriptReason"]
    assert reason == notes["summary"] == notes["noTranscriptReason"]
    # Counted when the notes were written; refusals went on after (the status webhooks).
    assert re.fullmatch(
        r"No transcript: \d+ deliveries were refused \(bad signature\); check the "
        r"integration's webhookSecret \(Recall's workspace secret\)\.",
        reason,
    )
    lines = _refusal_lines(caplog)
    realtime = [line for line in lines if line["route"] == "realtime"]
    assert realtime and {line["reason"] for line in realtime} == {"bad signature"}
    # Rate-limited: the first, then every 50th.
    assert len(realtime) <= 1 + session["deliveriesRefused"] // 50


async def test_session_transitions_are_logged_with_recalls_reason(
    asks: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    session_id, _ = await _play(asks)

    changes = [
        (r.msg["status"], r.msg["reason"])
        for r in caplog.records
        if isinstance(r.msg, dict)
        and r.msg.get("event") == "session status changed"
        and r.msg.get("session_id") == session_id
    ]
    # Sessions start as "joining" (the bot is created joining): every change after that.
    assert [status for status, _ in changes] == ["in_call", "recording", "ended"]
    assert changes[-1] == ("ended", "call_ended_by_host")


async def test_a_meeting_where_nothing_was_said_says_so(tmp_path: Path) -> None:
    silent = host_alone("at = 2.0\nend = true")
    world = await make_world(tmp_path, script=silent)  # type: ignore[arg-type]
    try:
        session_id, _ = await _play(world)
        session = await world.session(session_id)
    finally:
        await world.aclose()

    assert (session["deliveriesRefused"], session["noTranscriptReason"]) == (
        0,
        "Nothing was said in the meeting.",
    )
