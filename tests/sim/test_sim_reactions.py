"""The simulated meeting reacts to the bot: chat echo, leaving, pausing, output media."""

from __future__ import annotations

import base64

import httpx2
from simkit import RT_URL, MakeSim, Receiver, bot_body, client_for, spaced_script, until

from delegate.adapters.recall.client import SILENT_MP3
from delegate.sim import (
    ChatSent,
    LeaveRequested,
    MeetingEvent,
    OutputAudio,
    OutputMedia,
    Simulator,
    parse_script,
)

LONG = spaced_script(1.0, 400.0)
"""Kim speaks at 1 s and 400 s: plenty of simulated time in between for commands."""


async def _in_call(sim: Simulator, api: httpx2.AsyncClient, **overrides: object) -> str:
    bot_id = str((await api.post("/api/v1/bot/", json=bot_body(**overrides))).json()["id"])
    await until(lambda: sim.bot(bot_id).status == "in_call_recording")
    return bot_id


async def test_chat_is_logged_and_echoed_from_the_bot(
    make_sim: MakeSim, receiver: Receiver
) -> None:
    sim = make_sim(speed=100, default_script=parse_script(LONG))
    async with client_for(sim) as api:
        bot_id = await _in_call(sim, api)
        sent = await api.post(
            f"/api/v1/bot/{bot_id}/send_chat_message/", json={"message": "Hello from Ada"}
        )
        assert sent.status_code == 200
        assert sent.json()["id"] == bot_id
        await until(lambda: any(r.event.endswith("chat_message") for r in receiver.realtime))
        await api.post(f"/api/v1/bot/{bot_id}/leave_call/")
        bot = await sim.wait_until_done(bot_id, timeout=5)
    assert bot.chat_sent == [ChatSent(at=bot.chat_sent[0].at, text="Hello from Ada")]
    echo = next(r.json for r in receiver.realtime if r.event.endswith("chat_message"))
    assert echo["data"]["data"]["participant"]["name"] == "Ada"
    assert echo["data"]["data"]["participant"]["id"] == bot.participant_id
    assert echo["data"]["data"]["data"] == {"text": "Hello from Ada", "to": "everyone"}
    echoed = [e for e in bot.meeting_events if e.kind == "chat"]
    assert echoed[0].participant == "Ada"
    assert echoed[0].delivered


async def test_chat_rules_of_the_platform(make_sim: MakeSim) -> None:
    sim = make_sim(speed=100, default_script=parse_script(LONG))
    async with client_for(sim) as api:
        bot_id = await _in_call(sim, api)
        path = f"/api/v1/bot/{bot_id}/send_chat_message/"
        too_long = await api.post(path, json={"message": "x" * 501})
        assert too_long.status_code == 400
        assert "500" in too_long.json()["message"][0]
        to_host = await api.post(path, json={"message": "hi", "to": "host"})
        assert to_host.status_code == 400
        assert "to" in to_host.json()
        missing = await api.post(path, json={})
        assert missing.json() == {"message": ["This field is required."]}
        assert sim.bot(bot_id).chat_sent == []


async def test_leave_call_ends_the_bots_presence(make_sim: MakeSim, receiver: Receiver) -> None:
    sim = make_sim(speed=100, default_script=parse_script(LONG))
    async with client_for(sim) as api:
        bot_id = await _in_call(sim, api)
        response = await api.post(f"/api/v1/bot/{bot_id}/leave_call")
        assert response.status_code == 200
        bot = await sim.wait_until_done(bot_id, timeout=5)
    assert bot.statuses[-2:] == ["call_ended", "done"]
    assert bot.status_changes[-2]["sub_code"] == "bot_received_leave_call"
    assert any(isinstance(e, LeaveRequested) for e in sim.log(bot_id))
    said = [e.text for e in bot.meeting_events if e.kind == "say"]
    assert "line 1" not in said
    assert receiver.status_hooks[-2].json["data"]["data"]["sub_code"] == "bot_received_leave_call"


async def test_leave_from_the_waiting_room(make_sim: MakeSim) -> None:
    sim = make_sim(
        speed=1,
        default_script=parse_script(LONG.replace("waiting_room_s = 0.0", "waiting_room_s = 60.0")),
    )
    async with client_for(sim) as api:
        bot_id = str((await api.post("/api/v1/bot/", json=bot_body())).json()["id"])
        await until(lambda: sim.bot(bot_id).status == "in_waiting_room")
        sim.speed = 5000
        await api.post(f"/api/v1/bot/{bot_id}/leave_call/")
        bot = await sim.wait_until_done(bot_id, timeout=5)
    assert bot.statuses == ["joining_call", "in_waiting_room", "call_ended", "done"]
    assert bot.sub_code is None
    assert bot.status_changes[-2]["sub_code"] == "bot_received_leave_call"


async def test_pause_stops_delivery_until_resume(make_sim: MakeSim, receiver: Receiver) -> None:
    sim = make_sim(speed=40, default_script=parse_script(spaced_script(1.0, 8.0, 15.0)))

    def finals() -> list[str]:
        return [
            " ".join(w["text"] for w in r.json["data"]["data"]["words"])
            for r in receiver.realtime
            if r.event == "transcript.data"
        ]

    async with client_for(sim) as api:
        bot_id = await _in_call(sim, api)
        bot = sim.bot(bot_id)
        await until(lambda: finals() == ["line 0"])
        assert (await api.post(f"/api/v1/bot/{bot_id}/pause_recording/")).status_code == 200
        assert bot.status == "in_call_not_recording"
        await until(lambda: any(e.text == "line 1" for e in bot.meeting_events))
        assert (await api.post(f"/api/v1/bot/{bot_id}/resume_recording/")).status_code == 200
        assert bot.status == "in_call_recording"
        await sim.wait_until_done(bot_id, timeout=5)
    assert finals() == ["line 0", "line 2"]
    said = {e.text: e.delivered for e in bot.meeting_events if e.kind == "say"}
    assert said == {"line 0": True, "line 1": False, "line 2": True}
    assert bot.recording_commands == ["pause", "resume"]
    assert bot.statuses[3:6] == ["in_call_not_recording", "in_call_recording", "call_ended"]
    assert len(bot.recordings) == 1


async def test_stop_and_start_recording_make_a_new_recording(
    make_sim: MakeSim, receiver: Receiver
) -> None:
    sim = make_sim(speed=100, default_script=parse_script(LONG))
    async with client_for(sim) as api:
        bot_id = await _in_call(sim, api)
        await api.post(f"/api/v1/bot/{bot_id}/stop_recording/")
        assert sim.bot(bot_id).status == "in_call_not_recording"
        started = await api.post(f"/api/v1/bot/{bot_id}/start_recording/", json={})
        assert started.status_code == 200
        assert sim.bot(bot_id).status == "in_call_recording"
        await api.post(f"/api/v1/bot/{bot_id}/leave_call/")
        bot = await sim.wait_until_done(bot_id, timeout=5)
        body = (await api.get(f"/api/v1/bot/{bot_id}/")).json()
    assert bot.recording_commands == ["stop", "start"]
    assert [r["status"]["code"] for r in body["recordings"]] == ["done", "done"]


async def test_bot_without_recording_config_records_after_start(
    make_sim: MakeSim, receiver: Receiver
) -> None:
    sim = make_sim(speed=100, default_script=parse_script(LONG))
    async with client_for(sim) as api:
        bot = (await api.post("/api/v1/bot/", json=bot_body(recording_config=None))).json()
        assert bot["recording_config"] is None
        await until(lambda: sim.bot(bot["id"]).status == "in_call_not_recording")
        config = {
            "transcript": {"provider": {"meeting_captions": {}}},
            "realtime_endpoints": [
                {"type": "webhook", "url": RT_URL, "events": ["participant_events.chat_message"]}
            ],
        }
        await until(lambda: any(e.kind == "join" for e in sim.bot(bot["id"]).meeting_events))
        assert receiver.realtime == []
        await api.post(f"/api/v1/bot/{bot['id']}/start_recording/", json=config)
        await api.post(f"/api/v1/bot/{bot['id']}/send_chat_message/", json={"message": "on"})
        await until(lambda: len(receiver.realtime) == 1)
        await api.post(f"/api/v1/bot/{bot['id']}/leave_call/")
        await sim.wait_until_done(bot["id"], timeout=5)
    assert receiver.realtime[0].json["data"]["data"]["data"]["text"] == "on"


async def test_output_media_and_audio_are_recorded(make_sim: MakeSim) -> None:
    sim = make_sim(speed=100, default_script=parse_script(LONG))
    page = {"kind": "webpage", "config": {"url": "https://example.com/notes"}}
    silence = base64.b64encode(SILENT_MP3).decode()
    audio = {"in_call_recording": {"data": {"kind": "mp3", "b64_data": silence}}}
    async with client_for(sim) as api:
        bot_id = await _in_call(sim, api, automatic_audio_output=audio)
        shown = await api.post(f"/api/v1/bot/{bot_id}/output_media/", json={"screenshare": page})
        assert shown.status_code == 200
        assert shown.json()["output_media"] == {"screenshare": page}
        assert "b64_data" not in str(shown.json()["automatic_audio_output"])
        stopped = await api.request(
            "DELETE", f"/api/v1/bot/{bot_id}/output_media/", json={"screenshare": True}
        )
        assert stopped.status_code == 204
        played = await api.post(
            f"/api/v1/bot/{bot_id}/output_audio/", json={"kind": "mp3", "b64_data": silence}
        )
        assert played.status_code == 200
        not_mp3 = base64.b64encode(b"ID3" + b"\0" * 61).decode()
        refused = await api.post(
            f"/api/v1/bot/{bot_id}/output_audio/", json={"kind": "mp3", "b64_data": not_mp3}
        )
        assert refused.status_code == 400 and "mp3" in refused.text
        bad = await api.post(f"/api/v1/bot/{bot_id}/output_media/", json={"camera": {"kind": "x"}})
        assert bad.status_code == 400
        await api.post(f"/api/v1/bot/{bot_id}/leave_call/")
        bot = await sim.wait_until_done(bot_id, timeout=5)
    assert [(m.kind, m.action, m.url) for m in bot.media_outputs] == [
        ("screenshare", "start", "https://example.com/notes"),
        ("screenshare", "stop", None),
    ]
    assert [(a.kind, a.size_bytes, a.duration_s) for a in bot.audio_outputs] == [
        ("mp3", len(SILENT_MP3), 0.576)
    ]
    kinds = [type(e) for e in sim.log(bot_id)]
    assert kinds.index(OutputMedia) < kinds.index(OutputAudio)
    assert all(isinstance(e, MeetingEvent) or e.at for e in sim.log(bot_id))


async def test_output_audio_needs_automatic_audio_output(make_sim: MakeSim) -> None:
    sim = make_sim(speed=100, default_script=parse_script(LONG))
    async with client_for(sim) as api:
        bot_id = await _in_call(sim, api)
        response = await api.post(
            f"/api/v1/bot/{bot_id}/output_audio/", json={"kind": "mp3", "b64_data": "AAAA"}
        )
    assert response.status_code == 400
    assert "automatic_audio_output" in response.json()["detail"]
