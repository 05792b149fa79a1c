"""Sessions whose bot Recall may or may not have created are resolved in the background, and
bots at Recall that carry our metadata for no session we have are told to leave."""

from __future__ import annotations

import asyncio
from typing import Any

from delegate.services.reconcile import (
    NEVER_CREATED,
    dismiss_orphaned_bots,
    reconcile_unknown_sessions,
)
from delegate.sim import LeaveRequested
from tests.meetings.world import World


async def _unknown_session(world: World, integration_id: str | None = None) -> str:
    """An initiate whose create answer was unusable and after which Recall could not be
    asked: the session is kept with an unknown outcome."""
    world.sim.faults.server_error(times=None, on="read")
    r = await world.api.post(
        f"integration/recall/{integration_id or world.integration_id}/initiate",
        {"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes and help."},
    )
    world.sim.faults.reset()
    assert r.status_code == 502, r.text
    listed = await world.api.get(
        f"integration/recall/{integration_id or world.integration_id}/session/list"
    )
    unknown = [s for s in listed.json()["items"] if s["recallBotId"] is None]
    assert unknown, listed.text
    return str(unknown[-1]["id"])


def _told_to_leave(world: World, bot_id: str) -> bool:
    return bot_id not in world.sim.bots or any(
        isinstance(e, LeaveRequested) for e in world.sim.log(bot_id)
    )


async def test_an_unknown_session_whose_bot_exists_is_adopted_and_its_meeting_flows(
    world: World,
) -> None:
    world.sim.faults.garbled_creates(1)
    session_id = await _unknown_session(world)
    (recall_bot_id,) = list(world.sim.bots)

    done = await reconcile_unknown_sessions(world.container.ports, older_than_s=0)
    await world.finish(recall_bot_id)

    assert done.adopted == 1
    session = await world.session(session_id)
    assert session["recallBotId"] == recall_bot_id
    assert session["status"] == "ended"
    transcript = await world.api.get(
        f"integration/recall/{world.integration_id}/session/{session_id}/transcript"
    )
    assert transcript.json()["items"], "the adopted meeting's transcript is the session's"
    assert list(world.sim.bots) == [recall_bot_id], "no second bot was sent"


async def test_an_unknown_session_with_no_bot_at_recall_is_marked_failed(world: World) -> None:
    world.sim.faults.server_error(times=None, on="create")
    session_id = await _unknown_session(world)
    assert not world.sim.bots

    done = await reconcile_unknown_sessions(world.container.ports, older_than_s=0)

    assert done.failed == 1
    session = await world.session(session_id)
    assert session["status"] == "failed"
    assert session["statusReason"] == NEVER_CREATED


async def test_a_fresh_unknown_session_is_left_to_its_initiate(world: World) -> None:
    world.sim.faults.server_error(times=None, on="create")
    session_id = await _unknown_session(world)

    done = await reconcile_unknown_sessions(world.container.ports, older_than_s=3600)

    assert done.failed == 0
    assert (await world.session(session_id))["status"] == "created"


async def test_an_unknown_session_waits_while_recall_cannot_be_asked(world: World) -> None:
    world.sim.faults.server_error(times=None, on="create")
    session_id = await _unknown_session(world)
    world.sim.faults.server_error(times=None, on="read")

    done = await reconcile_unknown_sessions(world.container.ports, older_than_s=0)

    assert done.left_unknown == 1
    assert (await world.session(session_id))["statusReason"] == "recall_outcome_unknown"
    world.sim.faults.reset()
    assert (await reconcile_unknown_sessions(world.container.ports, older_than_s=0)).failed == 1


async def test_a_bot_whose_session_is_gone_is_told_to_leave(world: World) -> None:
    world.sim.speed = 1  # the meeting is still on when the sweep runs
    kept = await world.initiate()
    gone = await world.initiate()
    async with world.container.uow() as tx:
        await tx.sessions.delete(gone["sessionId"])

    dismissed = await dismiss_orphaned_bots(world.container.ports)

    assert dismissed == 1
    assert _told_to_leave(world, gone["bot"]["id"])
    assert not _told_to_leave(world, kept["bot"]["id"])


async def _second_integration(world: World, api_key: str) -> str:
    world.sim.api_keys = world.sim.api_keys | {api_key}
    body: dict[str, Any] = {"name": "other", "botId": world.bot_id, "apiKey": api_key}
    r = await world.api.post("integration/recall/create", body)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


async def test_one_failing_integration_does_not_stop_another(world: World) -> None:
    world.sim.speed = 1
    broken = await _second_integration(world, "revoked-key")
    world.sim.faults.server_error(times=None, on="create")
    stuck = await _unknown_session(world, broken)
    await asyncio.sleep(0.01)  # the broken integration's session is the older one
    world.sim.faults.server_error(times=None, on="create")
    resolved = await _unknown_session(world, world.integration_id)
    orphan = await world.initiate()
    async with world.container.uow() as tx:
        await tx.sessions.delete(orphan["sessionId"])
    world.sim.api_keys = frozenset({"sim-key"})  # the other integration's key stops working

    done = await reconcile_unknown_sessions(world.container.ports, older_than_s=0)
    dismissed = await dismiss_orphaned_bots(world.container.ports)

    assert (done.failed, done.left_unknown) == (1, 1)
    assert (await world.session(resolved))["statusReason"] == NEVER_CREATED
    other = await world.api.get(f"integration/recall/{broken}/session/{stuck}/fetch")
    assert other.json()["statusReason"] == "recall_outcome_unknown"
    assert dismissed == 1
    assert _told_to_leave(world, orphan["bot"]["id"])
