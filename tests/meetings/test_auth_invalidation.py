"""The receiver's cached credentials die with what they belong to: right after an integration
is deleted, its sessions' old tokens are refused like any unknown session; right after its
``webhookSecret`` changes, deliveries signed with the old one are refused. One session's
failure never fails the deliveries of another in the same burst.
(Across processes on PostgreSQL: ``tests/pg/test_pg_auth_invalidation.py``.)"""

from __future__ import annotations

import asyncio

import orjson
from sqlalchemy import delete, func, select

from delegate.adapters.db.tables import meeting_sessions, session_events
from delegate.adapters.recall.signatures import new_secret, sign_headers
from tests.meetings.world import World

UNKNOWN = (401, {"message": "Invalid realtime endpoint token", "code": "NOT_AUTHENTICATED"})


def speech(n: int) -> bytes:
    return orjson.dumps({"event": "participant_events.speech_on", "data": {"n": n}})


async def realtime_path(world: World) -> tuple[str, str, str]:
    started = await world.initiate()
    bot_id = started["bot"]["id"]
    token = world.sim.bot(bot_id).endpoints[0].url.split("token=")[1]
    path = (
        f"/v1/integration/recall/{world.integration_id}/session/{started['sessionId']}"
        f"/realtime?token={token}"
    )
    await world.finish(bot_id)
    return path, bot_id, started["sessionId"]


async def stored_events(world: World, session_id: str) -> int:
    async with world.container.engine.connect() as conn:
        count = select(func.count()).where(session_events.c.session_id == session_id)
        return int((await conn.execute(count)).scalar_one())


async def test_a_deleted_integrations_token_is_refused_at_once(world: World) -> None:
    path, _, _ = await realtime_path(world)
    warm = await world.api.http.post(
        path, content=speech(1), headers=sign_headers(world.secret, speech(1))
    )
    deleted = await world.api.post(f"integration/recall/{world.integration_id}/delete")
    after = await world.api.http.post(
        path, content=speech(2), headers=sign_headers(world.secret, speech(2))
    )

    assert (warm.status_code, warm.json()) == (200, {"stored": True})
    assert deleted.status_code == 200, deleted.text
    assert (after.status_code, after.json()) == UNKNOWN


async def test_an_old_webhook_secret_is_refused_at_once(world: World) -> None:
    path, _, session_id = await realtime_path(world)
    warm = await world.api.http.post(
        path, content=speech(1), headers=sign_headers(world.secret, speech(1))
    )
    fresh = new_secret()
    updated = await world.api.post(
        f"integration/recall/{world.integration_id}/update", {"webhookSecret": fresh}
    )
    old = await world.api.http.post(
        path, content=speech(2), headers=sign_headers(world.secret, speech(2))
    )
    new = await world.api.http.post(path, content=speech(3), headers=sign_headers(fresh, speech(3)))

    assert (warm.status_code, updated.status_code) == (200, 200), updated.text
    assert old.status_code == 401, old.text
    assert old.json()["message"].startswith("Invalid signature")
    assert (new.status_code, new.json()) == (200, {"stored": True})
    assert await stored_events(world, session_id) >= 2


async def test_a_session_deleted_elsewhere_fails_none_of_its_neighbours(world: World) -> None:
    # Another process deleted the session; its word has not arrived, so this process's cache
    # still trusts the token: the write fails for that session alone.
    gone_path, _, gone_id = await realtime_path(world)
    live_path, _, live_id = await realtime_path(world)
    for path in (gone_path, live_path):
        warm = await world.api.http.post(
            path, content=speech(0), headers=sign_headers(world.secret, speech(0))
        )
        assert warm.status_code == 200, warm.text
    before = await stored_events(world, live_id)
    async with world.container.engine.begin() as conn:
        await conn.execute(delete(meeting_sessions).where(meeting_sessions.c.id == gone_id))

    bodies = [speech(n) for n in range(1, 21)]
    answers = await asyncio.gather(
        *(
            world.api.http.post(path, content=body, headers=sign_headers(world.secret, body))
            for body in bodies
            for path in (gone_path, live_path)
        )
    )

    gone, live = answers[0::2], answers[1::2]
    assert [(r.status_code, r.json()) for r in live] == [(200, {"stored": True})] * len(bodies)
    assert {(r.status_code, r.text) for r in gone} == {(401, orjson.dumps(UNKNOWN[1]).decode())}
    assert await stored_events(world, live_id) == before + len(bodies)
    assert await stored_events(world, gone_id) == 0
