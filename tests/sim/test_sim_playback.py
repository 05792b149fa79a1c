"""Scripted meetings reach the realtime endpoint exactly as scripted, in order, signed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from simkit import (
    ALL_EVENTS,
    RT_URL,
    TINY_SCRIPT,
    CreateBot,
    MakeSim,
    Receiver,
    bot_body,
    client_for,
)

from delegate.adapters.recall.signatures import verify
from delegate.sim import DeliveryAttempt, Simulator, expand, load_script, parse_script


def _absolute(stamp: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(stamp["absolute"].replace("Z", "+00:00"))


def _summary(payload: dict[str, Any]) -> tuple[str, str, str | None]:
    """(event, speaker, text) of a realtime delivery."""
    inner = payload["data"]["data"]
    text = None
    if "words" in inner:
        text = " ".join(word["text"] for word in inner["words"])
    elif inner["data"] is not None:
        text = inner["data"]["text"]
    return payload["event"], inner["participant"]["name"], text


async def test_tiny_script_is_delivered_exactly(
    make_sim: MakeSim, receiver: Receiver, secret: str
) -> None:
    sim = make_sim(default_script=parse_script(TINY_SCRIPT, "tiny"))
    async with client_for(sim) as api:
        created = (await api.post("/api/v1/bot/", json=bot_body())).json()
        await sim.wait_until_done(created["id"], timeout=10)
        bot = (await api.get(f"/api/v1/bot/{created['id']}/")).json()

    payloads = [r.json for r in receiver.realtime]
    assert [_summary(p) for p in payloads] == [
        ("participant_events.join", "Kim", None),
        ("participant_events.speech_on", "Kim", None),
        ("transcript.partial_data", "Kim", "Hello Ada how are"),
        ("transcript.data", "Kim", "Hello Ada how are you"),
        ("participant_events.speech_off", "Kim", None),
        ("participant_events.join", "Lou", None),
        ("participant_events.chat_message", "Lou", "hi Ada"),
        ("participant_events.leave", "Lou", None),
    ]
    final = payloads[3]["data"]
    words = final["data"]["words"]
    assert [(w["start_timestamp"]["relative"], w["end_timestamp"]["relative"]) for w in words] == [
        (1.0, 1.36),
        (1.4, 1.76),
        (1.8, 2.16),
        (2.2, 2.56),
        (2.6, 2.96),
    ]
    gap = _absolute(words[4]["start_timestamp"]) - _absolute(words[0]["start_timestamp"])
    assert gap.total_seconds() == pytest.approx(1.6)
    assert final["data"]["participant"] == {
        "id": 7,
        "name": "Kim",
        "is_host": True,
        "platform": "desktop",
        "extra_data": {},
        "email": None,
    }
    recording = bot["recordings"][0]
    assert final["transcript"] == {
        "id": recording["media_shortcuts"]["transcript"]["id"],
        "metadata": {},
    }
    assert final["recording"] == {"id": recording["id"], "metadata": {}}
    assert final["bot"] == {"id": bot["id"], "metadata": {"session": "s1"}}
    assert set(final["realtime_endpoint"]) == {"id", "metadata"}
    chat = payloads[6]["data"]
    assert chat["data"]["data"] == {"text": "hi Ada", "to": "only_bot"}
    assert chat["data"]["timestamp"]["relative"] == 5.0
    assert (
        chat["participant_events"]["id"]
        == (recording["media_shortcuts"]["participant_events"]["id"])
    )
    assert "transcript" not in chat
    codes = [c["code"] for c in bot["status_changes"]]
    assert codes == [
        "joining_call",
        "in_call_not_recording",
        "in_call_recording",
        "call_ended",
        "done",
    ]


@pytest.mark.parametrize("name", ["standup", "planning", "customer-call"])
async def test_shipped_script_plays_in_order(
    make_sim: MakeSim, receiver: Receiver, secret: str, name: str
) -> None:
    sim = make_sim(default_script=name)
    async with client_for(sim) as api:
        created = (await api.post("/api/v1/bot/", json=bot_body())).json()
        await sim.wait_until_done(created["id"], timeout=10)

    script = load_script(name)
    expected = []
    for moment in expand(script, "Ada"):
        if moment.event == "meeting.end":
            break
        assert moment.participant is not None
        text = moment.text
        if moment.words:
            text = " ".join(word.text for word in moment.words)
        expected.append((moment.event, moment.participant.name, text))
    delivered = [_summary(r.json) for r in receiver.realtime]
    assert delivered == expected
    assert sum(1 for event, _, _ in delivered if event == "transcript.data") == sum(
        1 for e in script.events if e.kind == "say"
    )
    # the relative clock never runs backwards for final transcripts
    starts = [
        r.json["data"]["data"]["words"][0]["start_timestamp"]["relative"]
        for r in receiver.realtime
        if r.event == "transcript.data"
    ]
    assert starts == sorted(starts)
    for received in receiver.received:
        assert verify(secret, received.headers, received.body)
    assert {r.query for r in receiver.realtime} == {"token=s3cr3t"}


async def test_status_webhooks_are_signed_in_v1_11_shape(
    sim: Simulator, receiver: Receiver, secret: str, create_bot: CreateBot
) -> None:
    bot = await create_bot()
    await sim.wait_until_done(bot["id"], timeout=10)
    hooks = receiver.status_hooks
    assert [h.event for h in hooks] == [
        "bot.joining_call",
        "bot.in_waiting_room",
        "bot.in_call_not_recording",
        "bot.in_call_recording",
        "bot.call_ended",
        "bot.done",
    ]
    ended = hooks[4].json
    assert ended["data"]["bot"] == {"id": bot["id"], "metadata": {"session": "s1"}}
    assert ended["data"]["data"]["code"] == "call_ended"
    assert ended["data"]["data"]["sub_code"] == "call_ended_by_host"
    assert ended["data"]["data"]["updated_at"].endswith("Z")
    for hook in hooks:
        assert verify(secret, hook.headers, hook.body).startswith("msg_")


async def test_without_a_secret_nothing_is_signed(make_sim: MakeSim, receiver: Receiver) -> None:
    sim = make_sim(workspace_secret=None, default_script=parse_script(TINY_SCRIPT))
    async with client_for(sim) as api:
        bot = (await api.post("/api/v1/bot/", json=bot_body())).json()
        await sim.wait_until_done(bot["id"], timeout=10)
    assert receiver.received
    assert not any("webhook-signature" in r.headers for r in receiver.received)


async def test_only_subscribed_events_are_delivered(make_sim: MakeSim, receiver: Receiver) -> None:
    sim = make_sim(default_script=parse_script(TINY_SCRIPT))
    config = bot_body()["recording_config"]
    config["realtime_endpoints"] = [
        {"type": "webhook", "url": RT_URL, "events": ["participant_events.chat_message"]},
        {"type": "websocket", "url": "wss://receiver/ws", "events": ALL_EVENTS},
    ]
    async with client_for(sim) as api:
        bot = (await api.post("/api/v1/bot/", json=bot_body(recording_config=config))).json()
        await sim.wait_until_done(bot["id"], timeout=10)
    assert [r.event for r in receiver.realtime] == ["participant_events.chat_message"]


async def test_without_transcript_provider_no_transcript_events(
    make_sim: MakeSim, receiver: Receiver
) -> None:
    sim = make_sim(default_script=parse_script(TINY_SCRIPT))
    config = {"realtime_endpoints": [{"type": "webhook", "url": RT_URL, "events": ALL_EVENTS}]}
    async with client_for(sim) as api:
        bot = (await api.post("/api/v1/bot/", json=bot_body(recording_config=config))).json()
        await sim.wait_until_done(bot["id"], timeout=10)
    events = {r.event for r in receiver.realtime}
    assert "transcript.data" not in events
    assert "participant_events.join" in events


async def test_script_is_chosen_by_meeting_id(make_sim: MakeSim) -> None:
    sim = make_sim(scripts={"111222333": "planning"})
    sim.assign_script("abc-defg-hij", parse_script(TINY_SCRIPT, "tiny"))
    async with client_for(sim) as api:
        zoom = await api.post(
            "/api/v1/bot/", json=bot_body(meeting_url="https://zoom.us/j/111222333")
        )
        meet = await api.post("/api/v1/bot/", json=bot_body())
        other = await api.post("/api/v1/bot/", json=bot_body(meeting_url="https://zoom.us/j/999"))
    assert sim.bot(zoom.json()["id"]).script.name == "planning"
    assert sim.bot(meet.json()["id"]).script.name == "tiny"
    assert sim.bot(other.json()["id"]).script.name == "standup"


async def test_retries_until_the_receiver_accepts(make_sim: MakeSim, receiver: Receiver) -> None:
    sim = make_sim(default_script=parse_script(TINY_SCRIPT))
    receiver.fail_next("/rt", 2, 500)
    receiver.fail_next("/rt", 1, None)
    receiver.fail_next("/rt", 1, 429)
    receiver.fail_next("/status", 2, 503)
    async with client_for(sim) as api:
        bot = (await api.post("/api/v1/bot/", json=bot_body())).json()
        state = await sim.wait_until_done(bot["id"], timeout=10)
    first = [d for d in state.deliveries if d.target == "realtime"][:5]
    assert [(d.attempt, d.status_code) for d in first] == [
        (1, 500),
        (2, 500),
        (3, None),
        (4, 429),
        (5, 200),
    ]
    assert first[2].error is not None
    assert len({d.message_id for d in first}) == 1
    bodies = [r.body for r in receiver.realtime[:5]]
    assert len(set(bodies)) == 1
    assert [r.event for r in receiver.realtime[4:]][:2] == [
        "participant_events.join",
        "participant_events.speech_on",
    ]
    assert len(receiver.realtime) == 8 + 4
    status = [d for d in state.deliveries if d.target == "status"]
    assert [d.status_code for d in status[:3]] == [503, 503, 200]
    assert all(
        r.headers["webhook-id"] == receiver.status_hooks[0].headers["webhook-id"]
        for r in receiver.status_hooks[:3]
    )


async def test_endpoint_fails_after_sixty_retries(make_sim: MakeSim, receiver: Receiver) -> None:
    sim = make_sim(default_script=parse_script(TINY_SCRIPT))
    receiver.fail_next("/rt", 61, 500)
    async with client_for(sim) as api:
        bot = (await api.post("/api/v1/bot/", json=bot_body())).json()
        state = await sim.wait_until_done(bot["id"], timeout=10)
    assert len(receiver.realtime) == 61
    assert state.endpoints[0].status == "failed"
    attempts = [e for e in sim.log(bot["id"]) if isinstance(e, DeliveryAttempt)]
    assert max(a.attempt for a in attempts if a.target == "realtime") == 61
    assert state.status == "done"
