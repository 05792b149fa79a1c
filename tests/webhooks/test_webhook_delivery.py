"""Webhooks of a simulated meeting reach a real receiver on loopback, verified with the
``standardwebhooks`` library: every event once, in order, signed; retries, refusals, the
delivery log, redelivery, rotation and disabling as a receiver would see them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from delegate.config import WebhookSettings
from delegate.domain.webhooks import EVENT_TYPES
from tests.meetings.world import World, make_world
from tests.webhooks.receiver import Receiver, running_receiver

DEV = WebhookSettings(allow_private_addresses=True, retry_base_s=0.05, retry_max_s=0.2)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver(Receiver()) as r:
        yield r


async def open_world(tmp_path: Path, **webhooks: Any) -> World:
    return await make_world(tmp_path, webhooks=DEV.model_copy(update=webhooks))


async def subscribe(world: World, receiver: Receiver, **fields: Any) -> str:
    r = await world.api.post("webhook/create", {"url": receiver.url, **fields})
    assert r.status_code == 200, r.text
    receiver.secret = r.json()["secret"]
    return str(r.json()["id"])


async def deliveries(world: World, webhook_id: str) -> list[dict[str, Any]]:
    r = await world.api.get(f"webhook/{webhook_id}/delivery/list", order="asc")
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


async def outbox_order(world: World) -> list[str]:
    """The event ids of the (only) endpoint's deliveries, in the order they were written."""
    async with world.container.engine.connect() as conn:
        rows = await conn.execute(text("SELECT event_id FROM webhook_deliveries ORDER BY seq"))
        return [row[0] for row in rows]


async def test_every_event_of_a_meeting_arrives_once_in_order_and_signed(
    tmp_path: Path, receiver: Receiver
) -> None:
    world = await open_world(tmp_path)
    try:
        await subscribe(world, receiver)
        started = await world.initiate("Take notes and answer questions.")
        await world.finish(started["bot"]["id"], timeout=60)
        await receiver.wait_for(lambda r: "session.notes_ready" in r.types())
        await world.settle()
        written = await outbox_order(world)
        await receiver.wait_for(lambda r: len(r.accepted) == len(written))
    finally:
        await world.aclose()

    arrived = receiver.accepted
    types = receiver.types()
    ids = [a.webhook_id for a in arrived]

    assert all(a.verified for a in receiver.arrivals)
    assert len(ids) == len(set(ids)), "an event arrived twice"
    assert set(types) == set(EVENT_TYPES) - {"session.failed"}
    assert ids == written, "events arrived in another order than they were written"
    assert types[0] == "session.created"
    assert types.index("session.notes_ready") > types.index("session.turn")
    for a in arrived:
        assert a.event["id"] == a.webhook_id
        assert a.event["data"]["sessionId"] == started["sessionId"]
        assert a.event["data"]["integrationId"] == world.integration_id
        assert a.event["data"]["botId"] == world.bot_id
    seqs = [a.event["data"]["turn"]["seq"] for a in arrived if a.event["type"] == "session.turn"]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    statuses = [
        a.event["data"]["status"] for a in arrived if a.event["type"] == "session.status_changed"
    ]
    assert statuses[-1] == "ended"
    replies = [a.event["data"]["reply"] for a in arrived if a.event["type"] == "session.reply_sent"]
    assert replies and all(r["kind"] and "sentAt" in r for r in replies)
    notes = next(a.event for a in arrived if a.event["type"] == "session.notes_ready")
    assert notes["data"]["notes"]["summary"]


async def test_a_meeting_that_cannot_be_joined_sends_session_failed_with_the_reason(
    tmp_path: Path, receiver: Receiver
) -> None:
    world = await open_world(tmp_path)
    try:
        await subscribe(world, receiver, events=["session.failed", "session.status_changed"])
        r = await world.initiate_raw(meetingUrl="https://zoom.us/j/404404404")
        assert r.status_code == 200, r.text
        await world.finish(r.json()["bot"]["id"])
        await receiver.wait_for(lambda rc: "session.failed" in rc.types())
    finally:
        await world.aclose()

    failed = next(a.event for a in receiver.accepted if a.event["type"] == "session.failed")
    assert failed["data"]["reason"] == "meeting_not_found"
    assert set(receiver.types()) == {"session.failed", "session.status_changed"}


async def test_a_receiver_failing_three_times_then_succeeding_gets_the_event_once_more(
    tmp_path: Path, receiver: Receiver
) -> None:
    answers = iter([503, 500, 502])
    receiver.behaviour = lambda _, __: next(answers, 204)
    world = await open_world(tmp_path)
    try:
        webhook_id = await subscribe(world, receiver)
        r = await world.api.post(f"webhook/{webhook_id}/test")
        assert r.status_code == 200, r.text
        await receiver.wait_for(lambda rc: len(rc.accepted) == 1)
        await world.container.webhooks.sweep_once()
        log = await deliveries(world, webhook_id)
    finally:
        await world.aclose()

    assert [a.answered for a in receiver.arrivals] == [503, 500, 502, 204]
    assert len({a.webhook_id for a in receiver.arrivals}) == 1
    assert len(log) == 1
    assert log[0]["status"] == "succeeded"
    assert log[0]["attempts"] == 4
    assert log[0]["lastStatusCode"] == 204
    assert log[0]["id"] == r.json()["deliveryId"]
    assert log[0]["latencyMs"] is not None


async def test_a_4xx_is_not_retried_and_the_log_says_why(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.behaviour = lambda _, __: 410
    world = await open_world(tmp_path)
    try:
        webhook_id = await subscribe(world, receiver)
        await world.api.post(f"webhook/{webhook_id}/test")
        async with asyncio.timeout(10):
            while not (log := await deliveries(world, webhook_id)) or log[0]["status"] == "pending":
                await asyncio.sleep(0.02)
    finally:
        await world.aclose()

    assert len(receiver.arrivals) == 1
    assert log[0]["status"] == "failed"
    assert log[0]["attempts"] == 1
    assert log[0]["lastError"] == "HTTP 410"


async def test_retry_after_of_a_429_is_honoured(tmp_path: Path, receiver: Receiver) -> None:
    answers = iter([429])
    receiver.behaviour = lambda _, __: next(answers, 204)
    receiver.extra_headers = {"retry-after": "1"}
    world = await open_world(tmp_path, retry_max_s=5)
    try:
        webhook_id = await subscribe(world, receiver)
        await world.api.post(f"webhook/{webhook_id}/test")
        async with asyncio.timeout(10):
            while not (log := await deliveries(world, webhook_id)) or log[0]["attempts"] < 1:
                await asyncio.sleep(0.02)
        waiting = log[0]
        await receiver.wait_for(lambda rc: len(rc.accepted) == 1)
    finally:
        await world.aclose()

    assert waiting["status"] == "pending" and waiting["lastStatusCode"] == 429
    assert waiting["nextAttemptAt"] - waiting["createdAt"] >= 1000


async def test_redelivery_sends_the_same_event_again_with_the_same_webhook_id(
    tmp_path: Path, receiver: Receiver
) -> None:
    world = await open_world(tmp_path)
    try:
        webhook_id = await subscribe(world, receiver)
        first = (await world.api.post(f"webhook/{webhook_id}/test")).json()["deliveryId"]
        await receiver.wait_for(lambda rc: len(rc.accepted) == 1)
        r = await world.api.post(f"webhook/{webhook_id}/delivery/{first}/redeliver")
        assert r.status_code == 200, r.text
        await receiver.wait_for(lambda rc: len(rc.accepted) == 2)
        unknown = await world.api.post(
            f"webhook/{webhook_id}/delivery/c000000000000000000000000/redeliver"
        )
    finally:
        await world.aclose()

    a, b = receiver.accepted
    assert a.webhook_id == b.webhook_id and a.event == b.event
    assert r.json()["deliveryId"] != first
    assert unknown.status_code == 404


async def test_a_rotated_secret_signs_the_next_deliveries_and_no_read_shows_a_secret(
    tmp_path: Path, receiver: Receiver
) -> None:
    world = await open_world(tmp_path)
    try:
        webhook_id = await subscribe(world, receiver)
        old = receiver.secret
        rotated = await world.api.post(f"webhook/{webhook_id}/secret/rotate")
        receiver.secret = rotated.json()["secret"]
        await world.api.post(f"webhook/{webhook_id}/test")
        await receiver.wait_for(lambda rc: len(rc.arrivals) == 1)
        fetched = (await world.api.get(f"webhook/{webhook_id}/fetch")).text
        listed = (await world.api.get("webhook/list")).text
    finally:
        await world.aclose()

    assert receiver.secret.startswith("whsec_") and receiver.secret != old
    assert receiver.arrivals[0].verified
    for shown in (fetched, listed):
        assert old not in shown and receiver.secret not in shown


async def test_an_endpoint_failing_for_too_long_is_disabled_with_the_reason(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.behaviour = lambda _, __: 500
    world = await open_world(tmp_path, disable_after_s=0.3, max_attempts=50)
    try:
        webhook_id = await subscribe(world, receiver)
        await world.api.post(f"webhook/{webhook_id}/test")
        async with asyncio.timeout(15):
            while (endpoint := (await world.api.get(f"webhook/{webhook_id}/fetch")).json())[
                "enabled"
            ]:
                await asyncio.sleep(0.05)
        tried = len(receiver.arrivals)
        receiver.behaviour = lambda _, __: 204
        r = await world.api.post(f"webhook/{webhook_id}/update", {"enabled": True})
        await receiver.wait_for(lambda rc: len(rc.accepted) == 1)
        resumed = (await world.api.get(f"webhook/{webhook_id}/fetch")).json()
    finally:
        await world.aclose()

    assert endpoint["failingSince"] is not None
    assert "HTTP 500" in endpoint["disabledReason"]
    assert tried >= 2
    assert r.status_code == 200
    assert resumed["enabled"] and resumed["disabledReason"] is None


async def test_a_hanging_receiver_does_not_hold_up_the_meeting(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.behaviour = lambda _, __: None
    world = await open_world(tmp_path, timeout_s=0.5)
    try:
        webhook_id = await subscribe(world, receiver)
        started = await world.initiate("Take notes and answer questions.")
        await world.finish(started["bot"]["id"], timeout=60)
        session = await world.session(started["sessionId"])
        chats = world.chats(started["bot"]["id"])
        log = await deliveries(world, webhook_id)
    finally:
        await world.aclose()

    assert session["status"] == "ended"
    assert chats, "the delegate answered nobody"
    assert log and all(d["status"] == "pending" for d in log)
    assert any(d["lastError"] and "no answer" in d["lastError"] for d in log)
