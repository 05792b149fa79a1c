"""The webhook routes through the Python SDK (sync and async) and the CLI, against an in-process
server delivering to a real receiver on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest

from delegate_client import AsyncDelegate, Delegate, NotFound
from tests.client.inprocess import CliDriver, bridged_client
from tests.meetings.world import World, make_world
from tests.webhooks.receiver import Receiver, running_receiver
from tests.webhooks.test_webhook_delivery import DEV


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    w = await make_world(tmp_path, webhooks=DEV)
    yield w
    await w.aclose()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver(Receiver()) as r:
        yield r


async def test_the_async_sdk_manages_an_endpoint_and_reads_its_delivery_log(
    world: World, receiver: Receiver
) -> None:
    http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=world.app), base_url="http://delegate.test"
    )
    async with AsyncDelegate(api_key=world.api.token, http_client=http) as client:
        created = await client.webhook.create(url=receiver.url, events=["session.turn"])
        receiver.secret = created.secret
        await client.webhook.update(created.id, description="CRM sync")
        queued = await client.webhook.send_test(created.id)
        await receiver.wait_for(lambda r: len(r.accepted) == 1)
        async with asyncio.timeout(10):
            while (log := await client.webhook.deliveries(created.id)).items[
                0
            ].status != "succeeded":
                await asyncio.sleep(0.02)
        again = await client.webhook.redeliver(created.id, queued.delivery_id)
        await receiver.wait_for(lambda r: len(r.accepted) == 2)
        every = [d async for d in client.webhook.iterate_deliveries(created.id, take=1)]
        rotated = await client.webhook.rotate_secret(created.id)
        fetched = await client.webhook.fetch(created.id)
        listed = await client.webhook.list_all()
        await client.webhook.delete(created.id)
        with pytest.raises(NotFound):
            await client.webhook.fetch(created.id)
    await http.aclose()

    assert log.items[0].id == queued.delivery_id and log.items[0].last_status_code == 204
    assert {d.id for d in every} == {queued.delivery_id, again.delivery_id}
    assert rotated.secret != created.secret
    assert fetched.description == "CRM sync" and fetched.events == ["session.turn"]
    assert [w.id for w in listed] == [created.id]
    assert receiver.accepted[0].event["type"] == "webhook.test"


async def test_the_sync_sdk_creates_and_tests_an_endpoint(world: World, receiver: Receiver) -> None:
    http = bridged_client(world.app)

    def use() -> tuple[str, str, int]:
        with Delegate(api_key=world.api.token, http_client=http) as client:
            created = client.webhook.create(url=receiver.url, description="ops")
            receiver.secret = created.secret
            queued = client.webhook.send_test(created.id)
            page = client.webhook.list()
            return created.id, queued.delivery_id, len(page.items)

    webhook_id, delivery_id, listed = await asyncio.to_thread(use)
    await receiver.wait_for(lambda r: len(r.accepted) == 1)
    http.close()

    assert listed == 1
    assert receiver.accepted[0].verified
    assert receiver.accepted[0].event["data"]["webhookId"] == webhook_id
    assert delivery_id


async def test_the_cli_covers_create_test_deliveries_redeliver_and_rotation(
    world: World, receiver: Receiver
) -> None:
    cli = CliDriver(world.app, world.api.token)
    try:
        created = await cli(
            "webhook", "create", "--url", receiver.url, "--event", "session.notes_ready", "--json"
        )
        answer = json.loads(created.stdout)
        receiver.secret = answer["secret"]
        webhook_id = answer["id"]
        shown = await cli("webhook", "show", webhook_id)
        tested = await cli("webhook", "test", webhook_id, "--json")
        await receiver.wait_for(lambda r: len(r.accepted) == 1)
        async with asyncio.timeout(10):
            while "succeeded" not in (log := await cli("webhook", "deliveries", webhook_id)).stdout:
                await asyncio.sleep(0.05)
        delivery_id = json.loads(tested.stdout)["deliveryId"]
        redelivered = await cli("webhook", "redeliver", webhook_id, delivery_id)
        await receiver.wait_for(lambda r: len(r.accepted) == 2)
        paused = await cli("webhook", "update", webhook_id, "--disabled")
        rotated = await cli("webhook", "rotate-secret", webhook_id)
        listed = json.loads((await cli("webhook", "list", "--json")).stdout)["items"]
        refused = await cli("webhook", "create", "--url", "http://hooks.example.com/")
        deleted = await cli("webhook", "delete", webhook_id, "--yes")
    finally:
        cli.close()

    assert created.exit_code == 0, created.output
    assert "session.notes_ready" in shown.stdout and answer["secret"] not in shown.stdout
    assert "webhook.test" in log.stdout and "204" in log.stdout
    assert redelivered.exit_code == 0 and "Queued delivery" in redelivered.stdout
    assert paused.exit_code == 0
    assert "shown only this once" in rotated.stdout and "whsec_" in rotated.stdout
    assert [(w["id"], w["enabled"]) for w in listed] == [(webhook_id, False)]
    assert refused.exit_code == 1 and '"url"' in refused.output
    assert deleted.exit_code == 0
