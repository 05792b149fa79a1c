"""When Recall created the bot but its answer could not be used, initiate finds the bot by
our metadata and keeps the session: no bot is left in a meeting without a session."""

from __future__ import annotations

from tests.meetings.world import World


async def test_an_unreadable_create_answer_still_yields_the_session(world: World) -> None:
    world.sim.faults.garbled_creates(1)
    started = await world.initiate_raw()
    assert started.status_code == 200, started.text
    body = started.json()
    await world.finish(body["bot"]["id"])
    session = await world.session(body["sessionId"])

    assert list(world.sim.bots) == [body["bot"]["id"]], "one bot, and it is the session's"
    assert session["recallBotId"] == body["bot"]["id"]
    assert session["status"] == "ended"


async def test_a_create_that_never_happened_leaves_nothing_behind(world: World) -> None:
    world.sim.faults.server_error(times=None, on="create")
    refused = await world.initiate_raw()
    listed = await world.api.get(f"integration/recall/{world.integration_id}/session/list")

    assert refused.status_code == 502
    assert not world.sim.bots
    assert listed.json()["items"] == []
