"""The delegate answers when addressed, by chat or by voice, and stays quiet otherwise."""

from __future__ import annotations

from pathlib import Path

from tests.meetings.scripts import ASKS
from tests.meetings.world import make_world


async def test_answers_chat_voice_and_private_chat_and_ignores_chatter(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=12)
    try:
        world.sim.assign_script("1234567890", ASKS)
        started = await world.initiate()
        await world.finish(started["bot"]["id"])

        session = await world.session(started["sessionId"])
        chats = world.chats(started["bot"]["id"])
        replies = session["replies"]
    finally:
        await world.aclose()

    assert len(chats) == 3, chats
    assert "Kim Tran" in chats[0] and "Lee Park" in chats[0]
    assert "book the venue" in chats[1].lower()
    assert chats[2].startswith("Lee")
    assert {r["status"] for r in replies} == {"sent"}
    transcript_by_bot = [p for p in session["participants"] if p["isBot"]]
    assert [p["name"] for p in transcript_by_bot] == ["Ada"]
