"""Deleting a session tells its live bot to leave first, removes everything of it, and its
realtime endpoint then answers like a session that never existed."""

from __future__ import annotations

from pathlib import Path

import orjson
from sqlalchemy import text

from delegate.adapters.recall.signatures import sign_headers
from delegate.services.accounts import create_token
from delegate.sim import LeaveRequested
from tests.meetings.scripts import long_meeting
from tests.meetings.test_controls import wait_for_status
from tests.meetings.world import World, make_world
from tests.support import Api

UNKNOWN = (401, '{"message":"Invalid realtime endpoint token","code":"NOT_AUTHENTICATED"}')


OWNED = ("session_events", "participants", "turns", "replies", "webhook_events")


async def _rows_of(world: World, session_id: str) -> dict[str, int]:
    async with world.container.engine.connect() as conn:
        return {
            table: (
                await conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE session_id = :sid"),  # noqa: S608
                    {"sid": session_id},
                )
            ).scalar_one()
            for table in OWNED
        }


def _realtime_path(world: World, session_id: str, bot_id: str) -> str:
    token = world.sim.bot(bot_id).endpoints[0].url.split("token=")[1]
    return (
        f"/v1/integration/recall/{world.integration_id}/session/{session_id}/realtime?token={token}"
    )


async def test_deleting_a_live_session_sends_its_bot_away_and_forgets_it(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=20)
    try:
        world.sim.assign_script("1234567890", long_meeting())
        other = await world.initiate()
        started = await world.initiate()
        sid, bot = started["sessionId"], started["bot"]["id"]
        await wait_for_status(world, sid, "recording")
        path = _realtime_path(world, sid, bot)
        body = orjson.dumps({"event": "participant_events.speech_on", "data": {}})
        before = await world.api.http.post(
            path, content=body, headers=sign_headers(world.secret, body)
        )

        base = f"integration/recall/{world.integration_id}/session"
        deleted = await world.api.post(f"{base}/{sid}/delete")
        await world.sim.wait_until_done(bot, timeout=30)
        log = world.sim.log(bot)
        fetched = await world.api.get(f"{base}/{sid}/fetch")
        listed = [s["id"] for s in (await world.api.get(f"{base}/list")).json()["items"]]
        later = await world.api.http.post(
            path, content=body, headers=sign_headers(world.secret, body)
        )
        again = await world.api.post(f"{base}/{sid}/delete")
        neighbour = await world.api.get(f"{base}/{other['sessionId']}/fetch")
        left = await _rows_of(world, sid)
        others = await _rows_of(world, other["sessionId"])
    finally:
        await world.aclose()

    assert before.status_code == 200, before.text
    assert (deleted.status_code, deleted.json()) == (200, {"id": sid}), deleted.text
    assert any(isinstance(e, LeaveRequested) for e in log), "the bot left the call first"
    assert fetched.status_code == 404 and fetched.json()["code"] == "NOT_FOUND"
    assert sid not in listed and other["sessionId"] in listed
    assert (later.status_code, later.text) == UNKNOWN
    assert again.status_code == 404
    assert neighbour.status_code == 200, "other sessions are untouched"
    assert left == {t: 0 for t in OWNED}, "nothing of the session is left behind"
    assert others["session_events"] > 0 and others["participants"] > 0


async def test_a_session_is_kept_when_recall_is_unavailable(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=20)
    try:
        world.sim.assign_script("1234567890", long_meeting())
        started = await world.initiate()
        sid = started["sessionId"]
        await wait_for_status(world, sid, "recording")
        base = f"integration/recall/{world.integration_id}/session/{sid}"

        world.sim.faults.server_error(times=None, on="command")
        refused = await world.api.post(f"{base}/delete")
        still_there = await world.api.get(f"{base}/fetch")
        world.sim.faults.reset()
        await world.api.post(f"{base}/leave_call")
        await world.finish(started["bot"]["id"])
    finally:
        await world.aclose()

    assert refused.status_code == 502 and refused.json()["code"] == "BAD_GATEWAY", refused.text
    assert still_there.status_code == 200, "nothing is deleted while its bot cannot be told"


async def test_an_ended_session_is_deleted_without_asking_recall(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=100)
    try:
        started = await world.initiate()
        await world.finish(started["bot"]["id"])
        world.sim.faults.server_error(times=None)
        base = f"integration/recall/{world.integration_id}/session/{started['sessionId']}"
        deleted = await world.api.post(f"{base}/delete")
        gone = await world.api.get(f"{base}/fetch")
    finally:
        await world.aclose()

    assert deleted.status_code == 200, deleted.text
    assert gone.status_code == 404


async def test_another_accounts_session_is_not_found(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=100)
    try:
        started = await world.initiate()
        mallory = Api(
            world.api.http,
            await create_token(world.container.uow, world.container.clock, "mallory"),
        )
        base = f"integration/recall/{world.integration_id}/session/{started['sessionId']}"
        refused = await mallory.post(f"{base}/delete")
        kept = await world.api.get(f"{base}/fetch")
        await world.finish(started["bot"]["id"])
    finally:
        await world.aclose()

    assert refused.status_code == 404 and refused.json()["code"] == "NOT_FOUND", refused.text
    assert kept.status_code == 200
