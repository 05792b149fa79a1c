"""The SDK covers datasets: sync against the app, async against the in-process world."""

from __future__ import annotations

import time

import pytest

from delegate_client import AsyncDelegate, Delegate, NotFound
from tests.client.conftest import Server
from tests.knowledge.docs import PRICING_MD


def _wait_indexed(client: Delegate, dataset_id: str) -> None:
    deadline = time.monotonic() + 120
    while not (index := client.dataset.fetch(dataset_id).index) or not index.done:
        assert time.monotonic() < deadline, "dataset not indexed in time"
        time.sleep(0.1)


def test_sync_sdk_datasets_records_upload_and_search(client: Delegate, server: Server) -> None:
    dataset_id = client.dataset.create(name="Handbook", alias="handbook").id
    uploaded = client.dataset.upload("@handbook", "pricing.md", PRICING_MD.encode())
    record_id = client.dataset.create_record(
        dataset_id, "Support answers on weekdays.", source="support.txt"
    ).id
    client.dataset.update_record(dataset_id, record_id, meta={"team": "support"})
    _wait_indexed(client, dataset_id)

    assert len(uploaded.records) >= 2
    assert client.dataset.fetch_record(dataset_id, record_id).meta == {"team": "support"}
    sources = {r.source for r in client.dataset.iterate_records(dataset_id)}
    assert sources == {"pricing.md", "support.txt"}
    found = client.dataset.search(dataset_id, "What does the Pro plan cost?", take=1)
    assert found.records[0].source == "pricing.md" and found.records[0].score > 0
    bot = client.bot.create(name="Ada", dataset_id="@handbook")
    assert client.bot.fetch(bot.id).dataset_id == dataset_id
    with server.client(server.other_token) as other, pytest.raises(NotFound):
        other.dataset.fetch(dataset_id)
    client.dataset.delete_record(dataset_id, record_id)
    client.dataset.delete(dataset_id)
    assert [d.id for d in client.dataset.list().items] == []


async def test_async_sdk_datasets(aclient: AsyncDelegate) -> None:
    dataset_id = (await aclient.dataset.create(name="Notes")).id
    await aclient.dataset.create_record(dataset_id, "The launch is on Friday.", source="plan")
    await aclient.dataset.update(dataset_id, description="Launch plans")

    fetched = await aclient.dataset.fetch(dataset_id)
    page = await aclient.dataset.records(dataset_id)
    found = await aclient.dataset.search(dataset_id, "launch")

    assert fetched.description == "Launch plans" and fetched.index is not None
    assert [r.source for r in page.items] == ["plan"]
    assert [r.source for r in found.records] == ["plan"]
    assert (await aclient.dataset.delete(dataset_id)).id == dataset_id
