"""Text PostgreSQL would refuse (NUL characters) does not stop a meeting's processing."""

from __future__ import annotations

from pathlib import Path

import pytest

from delegate.sim import parse_script
from tests.meetings.world import make_world

pytestmark = pytest.mark.pg

SCRIPT = parse_script(
    """
title = "Odd characters"
[join]
joining_s = 0.5
waiting_room_s = 0
setup_s = 0.5

[[participants]]
id = 100
name = "Kim\\u0000Tran"
is_host = true

[[events]]
at = 1.0
who = "Kim\\u0000Tran"
chat = "hello\\u0000world"

[[events]]
who = "Kim\\u0000Tran"
say = "{bot}, who is here?"

[[events]]
after = 3.0
end = true
"""
)


async def test_nul_characters_in_names_and_chat_are_stored_and_processed(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=20)
    try:
        world.sim.assign_script("1234567890", SCRIPT)
        started = await world.initiate()
        await world.finish(started["bot"]["id"])
        session = await world.session(started["sessionId"])
        transcript = await world.api.get(
            f"integration/recall/{world.integration_id}/session/{started['sessionId']}/transcript"
        )
        chats = world.chats(started["bot"]["id"])
    finally:
        await world.aclose()

    texts = [t["text"] for t in transcript.json()["items"]]
    assert "hello\ufffdworld" in texts
    assert len(chats) == 1 and "Kim\ufffdTran" in chats[0]
    assert session["status"] == "ended" and session["notesReady"]
