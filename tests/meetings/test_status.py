"""Session status: failures keep Recall's reason, polling catches a call end without webhooks,
and scheduled bots wait."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.meetings.world import World, make_world


async def _ends(world: World, url: str) -> dict[str, object]:
    started = await world.initiate(meetingUrl=url)
    await world.finish(started["bot"]["id"])
    return await world.session(started["sessionId"])


async def test_failed_joins_keep_recalls_reason(world: World) -> None:
    not_found = await _ends(world, "https://zoom.us/j/404404404")
    refused = await _ends(world, "https://zoom.us/j/403403403")

    assert not_found["status"] == "failed"
    assert not_found["statusReason"] == "meeting_not_found"
    assert refused["status"] == "failed"
    assert refused["statusReason"] == "bot_kicked_from_waiting_room"
    notes = await world.api.get(
        f"integration/recall/{world.integration_id}/session/{refused['id']}/notes"
    )
    assert notes.json()["status"] == "ready"


async def test_polling_notices_the_end_of_a_call_without_status_webhooks(tmp_path: Path) -> None:
    world = await make_world(tmp_path, status_webhooks=False, poll_interval_s=0.2)
    try:
        started = await world.initiate()
        await world.sim.wait_until_done(started["bot"]["id"], timeout=30)
        async with asyncio.timeout(15):
            while (session := await world.session(started["sessionId"]))["status"] != "ended":
                await asyncio.sleep(0.1)
        notes = await world.api.get(
            f"integration/recall/{world.integration_id}/session/{started['sessionId']}/notes"
        )
    finally:
        await world.aclose()

    assert session["statusCode"] in ("call_ended", "done")
    assert notes.json()["status"] in ("ready", "pending")


async def test_a_scheduled_bot_waits_for_its_time(world: World) -> None:
    join_at = (datetime.now(UTC) + timedelta(hours=2)).isoformat()

    started = await world.initiate(joinAt=join_at)
    session = await world.session(started["sessionId"])

    assert session["status"] == "scheduled"
    assert session["joinAt"] is not None
    assert started["bot"]["join_at"] is not None
    assert world.sim.bot(started["bot"]["id"]).status_changes == []


async def test_polling_spreads_its_fetches_within_recalls_rate_limit(world: World) -> None:
    """Recall limits bot retrievals per workspace: a round fetches at most its share, and the
    sessions waiting longest go first, so every session gets its turn."""
    from delegate.services.polling import poll_active_sessions, polls_per_round

    join_at = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    ids = [(await world.initiate(joinAt=join_at))["sessionId"] for _ in range(3)]

    async def polled() -> set[str]:
        async with world.container.uow() as tx:
            sessions = [await tx.sessions.get_by_id(sid) for sid in ids]
        return {s.id for s in sessions if s is not None and s.last_polled_at is not None}

    first = await poll_active_sessions(world.container.ports, interval_s=0, per_integration=2)
    after_first = await polled()
    await asyncio.sleep(0.01)
    await poll_active_sessions(world.container.ports, interval_s=0, per_integration=2)

    assert first == 2
    assert len(after_first) == 2
    assert await polled() == set(ids)
    assert polls_per_round(120, 5.0) == 10
    assert polls_per_round(1, 5.0) == 1


async def test_one_accounts_unusable_key_does_not_stop_polling_for_the_others(
    tmp_path: Path,
) -> None:
    """A polling round goes on past a session whose poll fails for any reason (here: an
    integration key that can no longer be decrypted): the other account's call end is still
    recorded by the same round."""
    from sqlalchemy import create_engine, text

    from delegate.adapters.db.migrate import sync_url
    from delegate.services.polling import poll_active_sessions

    world = await make_world(tmp_path, status_webhooks=False)
    try:
        other = await world.api.post(
            "integration/recall/create",
            {"name": "other", "botId": world.bot_id, "apiKey": "sim-key"},
        )
        broken_id = other.json()["id"]
        broken = await world.api.post(
            f"integration/recall/{broken_id}/initiate",
            {"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes."},
        )
        assert broken.status_code == 200, broken.text
        started = await world.initiate()
        engine = create_engine(sync_url(world.container.settings.database_url))
        try:
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE recall_integrations SET api_key_enc = 'junk' WHERE id = :i"),
                    {"i": broken_id},
                )
        finally:
            engine.dispose()
        await world.sim.wait_until_done(started["bot"]["id"], timeout=30)

        polled = await poll_active_sessions(world.container.ports, interval_s=0)
        await world.settle()
        session = await world.session(started["sessionId"])
    finally:
        await world.aclose()

    assert polled == 2
    assert session["status"] == "ended"
    assert session["statusCode"] in ("call_ended", "done")
