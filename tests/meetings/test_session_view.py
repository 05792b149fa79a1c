"""What a session shows of its meeting: participants with the email the platform shared, and
the transcript in each format with the content type the API document promises."""

from __future__ import annotations

from tests.meetings.scripts import ASKS
from tests.meetings.world import World


async def test_participants_carry_the_email_recall_sent(world: World) -> None:
    world.sim.assign_script("1234567890", ASKS)
    started = await world.initiate()
    await world.finish(started["bot"]["id"])

    session = await world.session(started["sessionId"])

    people = {p["name"]: p["email"] for p in session["participants"] if not p["isBot"]}
    assert people == {"Kim Tran": "kim@example.com", "Lee Park": None}


async def test_each_transcript_format_has_its_content_type(world: World) -> None:
    world.sim.assign_script("1234567890", ASKS)
    started = await world.initiate()
    await world.finish(started["bot"]["id"])
    path = f"integration/recall/{world.integration_id}/session/{started['sessionId']}/transcript"

    types = {
        fmt: (await world.api.get(path, format=fmt)).headers["content-type"]
        for fmt in ("json", "text", "markdown", "vtt", "srt")
    }
    srt = (await world.api.get(path, format="srt")).text

    assert types == {
        "json": "application/json",
        "text": "text/plain; charset=utf-8",
        "markdown": "text/markdown; charset=utf-8",
        "vtt": "text/vtt; charset=utf-8",
        "srt": "application/x-subrip; charset=utf-8",
    }
    assert srt.startswith("1\n00:00:")
