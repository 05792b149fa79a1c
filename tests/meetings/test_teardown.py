"""Deleting an integration with a delegate in a meeting tells that bot to leave first: no bot
keeps recording where nobody can see or stop it."""

from __future__ import annotations

from pathlib import Path

from delegate.sim import LeaveRequested
from tests.meetings.scripts import long_meeting
from tests.meetings.test_controls import wait_for_status
from tests.meetings.world import make_world


async def test_deleting_an_integration_sends_its_live_bot_away(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=20)
    try:
        world.sim.assign_script("1234567890", long_meeting())
        started = await world.initiate()
        await wait_for_status(world, started["sessionId"], "recording")

        world.sim.faults.server_error(times=None, on="command")
        refused = await world.api.post(f"integration/recall/{world.integration_id}/delete")
        still_there = await world.api.get(f"integration/recall/{world.integration_id}/fetch")
        world.sim.faults.reset()
        deleted = await world.api.post(f"integration/recall/{world.integration_id}/delete")
        gone = await world.api.get(f"integration/recall/{world.integration_id}/fetch")
        await world.sim.wait_until_done(started["bot"]["id"], timeout=30)
        log = world.sim.log(started["bot"]["id"])
    finally:
        await world.aclose()

    assert refused.status_code == 502 and refused.json()["code"] == "BAD_GATEWAY", refused.text
    assert still_there.status_code == 200, "nothing is deleted while its bot cannot be told"
    assert deleted.status_code == 200, deleted.text
    assert gone.status_code == 404
    assert any(isinstance(e, LeaveRequested) for e in log)


async def test_an_integration_whose_meetings_ended_is_deleted_without_asking_recall(
    tmp_path: Path,
) -> None:
    world = await make_world(tmp_path, speed=100)
    try:
        started = await world.initiate()
        await world.finish(started["bot"]["id"])
        world.sim.faults.server_error(times=None)
        deleted = await world.api.post(f"integration/recall/{world.integration_id}/delete")
    finally:
        await world.aclose()

    assert deleted.status_code == 200, deleted.text
