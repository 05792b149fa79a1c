"""Choosing how the delegate answers: reply mode and voice on bots and initiate, checked when
saved (400 naming the voice), and Webex falling back to chat."""

from __future__ import annotations

from pathlib import Path

from tests.meetings.world import World, make_world
from tests.support import Api


async def test_bot_reply_mode_and_voice_are_saved_and_normalised(api: Api) -> None:
    created = await api.post("bot/create", {"name": "Ada", "replyMode": "both", "voice": "piper"})
    assert created.status_code == 200, created.text
    bot = (await api.get(f"bot/{created.json()['id']}/fetch")).json()

    assert bot["replyMode"] == "both" and bot["voice"] == "piper:en_US-joe-medium"


async def test_a_bot_without_voice_settings_answers_in_chat(api: Api) -> None:
    created = await api.post("bot/create", {"name": "Ada"})
    bot = (await api.get(f"bot/{created.json()['id']}/fetch")).json()

    assert bot["replyMode"] == "chat" and bot["voice"] is None


async def test_an_unknown_voice_is_refused_naming_it(api: Api) -> None:
    unknown_engine = await api.post("bot/create", {"name": "Ada", "voice": "festival:kal"})
    unknown_name = await api.post("bot/create", {"replyMode": "voice", "voice": "piper:en_GB-x"})
    listed = (await api.get("bot/list")).json()["items"]

    assert unknown_engine.status_code == 400
    assert unknown_engine.json()["code"] == "BAD_REQUEST"
    assert "festival:kal" in unknown_engine.json()["message"]
    assert unknown_name.status_code == 400 and "en_GB-x" in unknown_name.json()["message"]
    assert listed == []


async def test_an_engine_this_server_cannot_run_is_refused_at_update(api: Api) -> None:
    bot_id = (await api.post("bot/create", {"name": "Ada"})).json()["id"]
    r = await api.post(f"bot/{bot_id}/update", {"replyMode": "voice", "voice": "openai:alloy"})
    bot = (await api.get(f"bot/{bot_id}/fetch")).json()

    assert r.status_code == 400
    assert (
        "openai:alloy" in r.json()["message"] and "DELEGATE_VOICE__BASE_URL" in r.json()["message"]
    )
    assert bot["replyMode"] == "chat"


async def test_a_bad_reply_mode_is_refused(api: Api) -> None:
    r = await api.post("bot/create", {"name": "Ada", "replyMode": "shout"})

    assert r.status_code == 400 and "replyMode" in r.json()["message"]


async def _initiate_webex(world: World) -> dict[str, object]:
    r = await world.api.post(
        f"integration/recall/{world.integration_id}/initiate",
        {"meetingUrl": "https://acme.webex.com/meet/jdoe", "text": "Notes.", "replyMode": "voice"},
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_webex_falls_back_to_chat_and_the_session_says_so(tmp_path: Path) -> None:
    world = await make_world(tmp_path)
    try:
        started = await _initiate_webex(world)
        session = await world.session(str(started["sessionId"]))
        bot = world.sim.bot(str(started["bot"]["id"]))  # type: ignore[index]
    finally:
        await world.aclose()

    assert session["replyMode"] == "chat"
    assert "webex" in session["replyNotice"].lower() and "chat" in session["replyNotice"]
    assert bot.request.settings.get("automatic_audio_output") is None


async def test_initiate_in_voice_asks_recall_for_audio_output(tmp_path: Path) -> None:
    world = await make_world(tmp_path)
    try:
        started = await world.initiate(replyMode="voice", voice="espeak-ng")
        session = await world.session(started["sessionId"])
        bot = world.sim.bot(started["bot"]["id"])
        refused = await world.initiate_raw(replyMode="voice", voice="espeak-ng:xx-nowhere")
    finally:
        await world.aclose()

    assert session["replyMode"] == "voice" and session["voice"] == "espeak-ng:en-us"
    assert session["replyNotice"] is None
    assert (
        bot.request.settings["automatic_audio_output"]["in_call_recording"]["data"]["kind"] == "mp3"
    )
    assert refused.status_code == 400 and "xx-nowhere" in refused.json()["message"]
