"""Only the people a bot allows (the host by default) may command its delegate; anyone may
still ask it questions. Refused commands are answered politely and recorded, never sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from delegate.adapters.llm.offline import OfflineBrain
from delegate.domain.meeting import Action, BrainContext, SendChat, StartScreenshare
from delegate.sim import ChatSent, OutputMedia, RecordingCommand, Script, parse_script
from tests.meetings.world import World, make_world

PUBLIC_PAGE = "https://example.com/deck"
INTERNAL_PAGE = "https://169.254.169.254/latest/meta-data/"
GUEST_COMMANDS = """
title = "Guests and the host"
[join]
joining_s = 0.5
waiting_room_s = 0
setup_s = 0.5

[[participants]]
id = 100
name = "Kim Tran"
is_host = true
email = "kim@example.com"

[[participants]]
id = 200
name = "Lee Park"
email = "lee@example.com"

[[events]]
at = 1.0
who = "Lee Park"
chat = "{{bot}}, please share {page}"

[[events]]
after = 6.0
who = "Lee Park"
chat = "{{bot}}, pause the recording"

[[events]]
after = 6.0
who = "Lee Park"
chat = "{{bot}}, who is here?"

[[events]]
after = 6.0
who = "Kim Tran"
chat = "{{bot}}, pause the recording"

[[events]]
after = 6.0
end = true
"""


def _script(page: str) -> Script:
    return parse_script(GUEST_COMMANDS.format(page=page))


async def _play(world: World, page: str = PUBLIC_PAGE) -> tuple[list[Any], dict[str, Any]]:
    world.sim.assign_script("1234567890", _script(page))
    started = await world.initiate()
    await world.finish(started["bot"]["id"])
    return world.sim.log(started["bot"]["id"]), await world.session(started["sessionId"])


def _chats(log: list[Any]) -> list[str]:
    return [e.text for e in log if isinstance(e, ChatSent)]


async def test_a_guest_cannot_command_the_delegate_but_the_host_can(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=12)
    try:
        log, session = await _play(world)
        notes = (
            await world.api.get(
                f"integration/recall/{world.integration_id}/session/{session['id']}/notes"
            )
        ).json()
    finally:
        await world.aclose()

    assert not [e for e in log if isinstance(e, OutputMedia)], "nothing was shared"
    assert [e.command for e in log if isinstance(e, RecordingCommand)] == ["pause"]
    chats = _chats(log)
    refusals = [c for c in chats if "only the host can ask me" in c]
    assert len(refusals) == 2, chats
    assert all(c.startswith("Sorry Lee Park") for c in refusals)
    assert any("Kim Tran" in c and "Lee Park" in c for c in chats), "guests still get answers"
    refused = [r for r in session["replies"] if r["status"] == "refused"]
    assert sorted(r["kind"] for r in refused) == ["pause_recording", "start_screenshare"]
    assert {r["payload"]["requestedBy"] for r in refused} == {"Lee Park"}
    assert next(r for r in refused if r["kind"] == "start_screenshare")["payload"]["url"] == (
        PUBLIC_PAGE
    )
    # The host's pause went through: it lasted to the end of the call (which ends it).
    [span] = notes["unrecordedSpans"]
    assert span["by"] == "Kim Tran"


async def test_a_bot_can_allow_named_people_or_everyone(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=12)
    try:
        named = await world.api.post(
            f"bot/{world.bot_id}/update", {"commanders": ["host", " LEE@example.com "]}
        )
        assert named.status_code == 200, named.text
        fetched = (await world.api.get(f"bot/{world.bot_id}/fetch")).json()
        log, session = await _play(world)
    finally:
        await world.aclose()

    assert fetched["commanders"] == ["host", "LEE@example.com"]
    # Lee's pause is obeyed; the paused bot then hears nothing more (Kim's pause included).
    assert [e.command for e in log if isinstance(e, RecordingCommand)] == ["pause"]
    assert any(c.startswith("Recording paused until") for c in _chats(log)), _chats(log)
    assert [(e.action, e.url) for e in log if isinstance(e, OutputMedia)] == [
        ("start", PUBLIC_PAGE)
    ]
    assert not [r for r in session["replies"] if r["status"] == "refused"]


class SharesAnything(OfflineBrain):
    """Shares whatever address it is given, as a careless model might: the page rule must
    hold for brains that check nothing themselves."""

    async def respond(self, ctx: BrainContext) -> list[Action]:
        words = [w for w in ctx.trigger.text.split() if w.startswith("https://")]
        return [StartScreenshare(words[0]), SendChat("Sharing it now.")] if words else []


async def test_the_page_rule_holds_for_any_brain(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=12, brain=SharesAnything())
    try:
        await world.api.post(f"bot/{world.bot_id}/update", {"commanders": ["everyone"]})
        log, session = await _play(world, INTERNAL_PAGE)
    finally:
        await world.aclose()

    assert not [e for e in log if isinstance(e, OutputMedia)]
    chats = _chats(log)
    assert "Sharing it now." not in chats
    assert any(c.startswith("Sorry Lee Park, I can't share that page") for c in chats), chats
    refused = [r for r in session["replies"] if r["status"] == "refused"]
    assert [r["payload"]["url"] for r in refused] == [INTERNAL_PAGE]


async def test_commanders_are_checked_when_saved(tmp_path: Path) -> None:
    world = await make_world(tmp_path)
    try:
        created = await world.api.post("bot/create", {"name": "Bo"})
        bot_id = created.json()["id"]
        default = (await world.api.get(f"bot/{bot_id}/fetch")).json()["commanders"]
        empty = await world.api.post(f"bot/{bot_id}/update", {"commanders": []})
        blank = await world.api.post(f"bot/{bot_id}/update", {"commanders": ["host", "  "]})
        everyone = await world.api.post(f"bot/{bot_id}/update", {"commanders": ["Everyone"]})
        after = (await world.api.get(f"bot/{bot_id}/fetch")).json()["commanders"]
        reset = await world.api.post(f"bot/{bot_id}/update", {"commanders": None})
        reset_to = (await world.api.get(f"bot/{bot_id}/fetch")).json()["commanders"]
    finally:
        await world.aclose()

    assert default == ["host"]
    assert empty.status_code == 400 and '"commanders"' in empty.json()["message"]
    assert blank.status_code == 400 and '"commanders.1"' in blank.json()["message"]
    assert everyone.status_code == 200 and after == ["everyone"]
    assert reset.status_code == 200 and reset_to == ["host"]
