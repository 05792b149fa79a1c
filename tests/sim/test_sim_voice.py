"""The simulated bot speaks like Recall's: output_audio needs automatic_audio_output, takes
only MP3, not on Webex, and the bot's speech comes back in the transcript."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import httpx2
from simkit import MakeSim, Receiver, bot_body, client_for, spaced_script, until

from delegate.adapters.recall.client import SILENT_MP3
from delegate.adapters.tts.mp3 import encode_mp3
from delegate.sim import Simulator, parse_script
from delegate.sim.log import OutputAudioStopped

LONG = spaced_script(1.0, 400.0)
SILENCE = base64.b64encode(SILENT_MP3).decode()
AUDIO_OUTPUT = {"in_call_recording": {"data": {"kind": "mp3", "b64_data": SILENCE}}}


async def _in_call(sim: Simulator, api: httpx2.AsyncClient, **overrides: object) -> str:
    bot_id = str((await api.post("/api/v1/bot/", json=bot_body(**overrides))).json()["id"])
    await until(lambda: sim.bot(bot_id).status == "in_call_recording")
    return bot_id


async def _spoken(text: str, seconds: float) -> str:
    pcm = b"\x00\x20\x00\xe0" * int(seconds * 11025)  # a square wave at 11 kHz
    return base64.b64encode(await encode_mp3(pcm, 22050, text)).decode()


def _said_by(receiver: Receiver, name: str) -> dict[str, Any] | None:
    for r in receiver.realtime:
        if r.event == "transcript.data" and r.json["data"]["data"]["participant"]["name"] == name:
            return r.json["data"]["data"]  # type: ignore[no-any-return]
    return None


async def test_webex_refuses_audio_output(make_sim: MakeSim) -> None:
    sim = make_sim(speed=100, default_script=parse_script(LONG))
    async with client_for(sim) as api:
        r = await api.post(
            "/api/v1/bot/",
            json=bot_body(
                meeting_url="https://acme.webex.com/meet/jdoe", automatic_audio_output=AUDIO_OUTPUT
            ),
        )
    assert r.status_code == 400
    assert "Webex" in str(r.json()["automatic_audio_output"])


async def test_the_bots_speech_is_transcribed_back_with_its_timing(
    make_sim: MakeSim, receiver: Receiver
) -> None:
    sim = make_sim(speed=20, default_script=parse_script(LONG))
    async with client_for(sim) as api:
        bot_id = await _in_call(sim, api, automatic_audio_output=AUDIO_OUTPUT)
        clip = await _spoken("The venue is booked for Friday.", 2.0)
        played = await api.post(
            f"/api/v1/bot/{bot_id}/output_audio/", json={"kind": "mp3", "b64_data": clip}
        )
        assert played.status_code == 200
        await until(lambda: _said_by(receiver, "Ada") is not None)
        await api.post(f"/api/v1/bot/{bot_id}/leave_call/")
        bot = await sim.wait_until_done(bot_id, timeout=10)

    [audio] = bot.audio_outputs
    assert audio.text == "The venue is booked for Friday."
    assert 1.9 < audio.duration_s < 2.2
    said = _said_by(receiver, "Ada")
    assert said is not None
    assert " ".join(w["text"] for w in said["words"]) == "The venue is booked for Friday."
    span = (
        said["words"][-1]["end_timestamp"]["relative"]
        - said["words"][0]["start_timestamp"]["relative"]
    )
    assert 1.5 < span < 2.2


async def test_stopping_the_audio_cuts_the_speech(make_sim: MakeSim, receiver: Receiver) -> None:
    sim = make_sim(speed=1, default_script=parse_script(LONG))
    async with client_for(sim) as api:
        bot_id = await _in_call(sim, api, automatic_audio_output=AUDIO_OUTPUT)
        clip = await _spoken("one two three four five six seven eight nine ten", 30.0)
        await api.post(
            f"/api/v1/bot/{bot_id}/output_audio/", json={"kind": "mp3", "b64_data": clip}
        )
        await asyncio.sleep(0.2)  # the clip is 30 s long: it is still playing
        stopped = await api.delete(f"/api/v1/bot/{bot_id}/output_audio/")
        await api.post(f"/api/v1/bot/{bot_id}/leave_call/")
        bot = await sim.wait_until_done(bot_id, timeout=10)

    assert stopped.status_code == 204
    [stop] = bot.entries_of(OutputAudioStopped)
    assert stop.cut
    offs = [r for r in receiver.realtime if r.event == "participant_events.speech_off"]
    assert [r.json["data"]["data"]["participant"]["name"] for r in offs][-1:] == ["Ada"]
    said = [r for r in receiver.realtime if r.event == "transcript.data"]
    assert not any("ten" in str(r.json) for r in said)
