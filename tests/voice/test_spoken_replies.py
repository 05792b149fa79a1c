"""The delegate answers aloud: questions asked aloud get spoken answers through the simulator's
output_audio, a participant talking over it stops it, and its own speech gets no reply."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any, cast

import miniaudio
import pytest

from delegate.adapters.llm.offline import OfflineBrain
from delegate.config import VoiceSettings
from delegate.domain.meeting import Action, BrainContext, SendChat
from delegate.sim import ChatSent, OutputAudio
from delegate.sim.log import OutputAudioStopped
from tests.meetings.world import World, make_world
from tests.voice.scripts import ASKED_ALOUD, ASKED_ALOUD_LONG, TALKED_OVER

SILENCE_PEAK = 500
"""Peak amplitude (16-bit) below which a clip counts as silent."""


def decoded(clip: OutputAudio) -> miniaudio.DecodedSoundFile:
    return miniaudio.decode(clip.mp3, output_format=miniaudio.SampleFormat.SIGNED16)


async def set_voice(world: World, **fields: Any) -> None:
    r = await world.api.post(f"bot/{world.bot_id}/update", fields)
    assert r.status_code == 200, r.text


async def play_asked_aloud(world: World, **voice: Any) -> dict[str, Any]:
    """The bot answers as ``voice`` says in the meeting where Kim asks who is here; returns
    the initiate answer once the meeting is over."""
    await set_voice(world, **voice)
    world.sim.assign_script("1234567890", ASKED_ALOUD)
    started = await world.initiate()
    await world.finish(started["bot"]["id"])
    return started


async def test_a_question_asked_aloud_gets_a_spoken_answer(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=10)
    try:
        started = await play_asked_aloud(world, replyMode="voice", voice="piper")
        clips = world.sim.bot(started["bot"]["id"]).audio_outputs
        chats = world.chats(started["bot"]["id"])
        session = await world.session(started["sessionId"])
        transcript = (
            await world.api.get(
                f"integration/recall/{world.integration_id}/session/{started['sessionId']}/transcript"
            )
        ).json()
    finally:
        await world.aclose()

    assert clips and not chats, (clips, chats)
    spoken = " ".join(clip.text or "" for clip in clips)
    assert "Kim Tran" in spoken and "Lee Park" in spoken
    for clip in clips:
        sound = decoded(clip)
        words = len((clip.text or "").split())
        assert max(abs(s) for s in sound.samples) > SILENCE_PEAK
        assert 0.15 * words < sound.duration < 1.0 * words + 1.0, (clip.text, sound.duration)
    [reply] = session["replies"]
    assert reply["status"] == "sent"
    assert reply["payload"]["spoken"]["played"] == reply["payload"]["spoken"]["pieces"]
    own = [t for t in transcript["items"] if t["speaker"] == "Ada"]
    assert own and "Kim Tran" in " ".join(t["text"] for t in own)


LONG_ANSWER = (
    "Ada here. So far Lee will book the venue by Friday. Kim will send the agenda. "
    "The budget looks fine to everyone. Ada, is there anything else to add?"
)


class SaysThis(OfflineBrain):
    """Answers every question with one fixed text (naming the delegate and asking a
    question, so that its own speech would be answered if it were taken for a participant)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.asked: list[str] = []

    async def respond(self, ctx: BrainContext) -> list[Action]:
        self.asked.append(ctx.trigger.text)
        return [SendChat(self.text)]


async def test_a_participant_talking_over_the_delegate_stops_it(tmp_path: Path) -> None:
    brain = SaysThis(LONG_ANSWER)
    world = await make_world(tmp_path, speed=2, brain=brain)
    try:
        await set_voice(world, replyMode="voice", voice="espeak-ng:en-us")
        world.sim.assign_script("1234567890", TALKED_OVER)
        started = await world.initiate()
        bot = world.sim.bot(started["bot"]["id"])
        await wait_for(lambda: bot.entries_of(OutputAudioStopped), "the delegate stops")
        session_path = f"integration/recall/{world.integration_id}/session/{started['sessionId']}"
        await world.api.post(f"{session_path}/leave", {})
        await world.finish(started["bot"]["id"], timeout=60)
        session = await world.session(started["sessionId"])
    finally:
        await world.aclose()

    clips = bot.audio_outputs
    [stop] = bot.entries_of(OutputAudioStopped)
    assert stop.cut, "the stop came after the clip had ended"
    assert len(clips) == 1, [c.text for c in clips]
    first = session["replies"][0]["payload"]["spoken"]
    assert first["interruptedBy"] == "Lee Park"
    assert first["played"] == 1 < first["pieces"]
    assert brain.asked[0].endswith("what is the summary so far?")


async def test_the_delegates_own_speech_gets_no_reply(tmp_path: Path) -> None:
    brain = SaysThis(LONG_ANSWER)
    world = await make_world(tmp_path, speed=10, brain=brain)
    try:
        await set_voice(world, replyMode="voice", voice="espeak-ng")
        world.sim.assign_script("1234567890", ASKED_ALOUD_LONG)
        started = await world.initiate()
        bot = world.sim.bot(started["bot"]["id"])
        # The last sentence names the delegate and asks a question: wait until it has been
        # played and heard back in the transcript before the meeting ends.
        await wait_for(lambda: len(bot.audio_outputs) >= 5, "the whole answer is spoken", 90)
        session_path = f"integration/recall/{world.integration_id}/session/{started['sessionId']}"
        await wait_until_transcribed(world, session_path, "anything else to add")
        await world.settle()
        await world.api.post(f"{session_path}/leave", {})
        await world.finish(started["bot"]["id"], timeout=60)
        clips = bot.audio_outputs
        session = await world.session(started["sessionId"])
    finally:
        await world.aclose()

    assert len(clips) == 5, [c.text for c in clips]
    by_bot = [p for p in session["participants"] if p["isBot"]]
    assert [p["name"] for p in by_bot] == ["Ada"]
    assert len(brain.asked) == 1 and len(session["replies"]) == 1, brain.asked


async def wait_for(check: Any, what: str, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out waiting until {what}")
        await asyncio.sleep(0.05)


async def wait_until_transcribed(world: World, session_path: str, words: str) -> None:
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        items = (await world.api.get(f"{session_path}/transcript")).json()["items"]
        if any(words in t["text"] for t in items):
            return
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out waiting for {words!r} in the transcript")
        await world.settle()


async def test_an_answer_that_cannot_be_spoken_is_written_instead(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}/v1"
    speech_server_gone = VoiceSettings(base_url=nowhere, timeout_s=2)
    world = await make_world(tmp_path, speed=10, voice=speech_server_gone)
    try:
        started = await play_asked_aloud(world, replyMode="voice", voice="openai:alloy")
        clips = world.sim.bot(started["bot"]["id"]).audio_outputs
        chats = world.chats(started["bot"]["id"])
    finally:
        await world.aclose()

    assert not clips
    assert len(chats) == 1 and "Kim Tran" in chats[0]


async def test_both_writes_the_answer_then_says_it(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=10)
    try:
        started = await play_asked_aloud(world, replyMode="both", voice="espeak-ng")
        log = world.sim.log(started["bot"]["id"])
    finally:
        await world.aclose()

    written = [i for i, e in enumerate(log) if isinstance(e, ChatSent)]
    spoken = [i for i, e in enumerate(log) if isinstance(e, OutputAudio)]
    assert len(written) == 1 and spoken and written[0] < spoken[0]
    said = " ".join(e.text or "" for e in log if isinstance(e, OutputAudio))
    assert said == cast(ChatSent, log[written[0]]).text
