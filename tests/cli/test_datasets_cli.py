"""``delegate dataset`` against the real app: create, upload, index, search, records."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.client.inprocess import CliDriver
from tests.knowledge.docs import PRICING_MD
from tests.support import Api


@pytest.fixture
async def cli(app: Any, api: Api) -> AsyncIterator[CliDriver]:
    driver = CliDriver(app, api.token)
    yield driver
    driver.close()


async def test_dataset_commands(cli: CliDriver, tmp_path: Path) -> None:
    created = await cli("dataset", "create", "--name", "Handbook", "--alias", "handbook")
    assert created.exit_code == 0, created.output
    dataset_id = created.stdout.split()[-1]
    doc = tmp_path / "pricing.md"
    doc.write_text(PRICING_MD)

    uploaded = await cli("dataset", "upload", "@handbook", str(doc))
    added = await cli(
        "dataset",
        "record-add",
        dataset_id,
        "Support is open on weekdays.",
        "--source",
        "support.txt",
        "--json",
    )
    deadline = time.monotonic() + 60
    while not json.loads((await cli("dataset", "show", "@handbook", "--json")).stdout)["index"][
        "done"
    ]:
        assert time.monotonic() < deadline, "not indexed in time"
        await asyncio.sleep(0.2)
    shown = (await cli("dataset", "show", "@handbook")).stdout
    found = await cli("dataset", "search", "@handbook", "price of the Pro plan", "--take", "1")
    records = await cli("dataset", "records", dataset_id)
    bot = await cli("bot", "create", "--name", "Ada", "--dataset-id", "@handbook", "--json")
    bot_shown = await cli("bot", "show", json.loads(bot.stdout)["id"], "--json")

    assert uploaded.exit_code == 0 and "Uploaded pricing.md:" in uploaded.stdout
    record_id = json.loads(added.stdout)["id"]
    assert "Handbook" in shown and dataset_id in shown
    assert found.exit_code == 0 and "pricing.md" in found.stdout and "49 euros" in found.stdout
    assert "support.txt" in records.stdout and record_id in records.stdout
    assert json.loads(bot_shown.stdout)["datasetId"] == dataset_id
    deleted = await cli("dataset", "record-delete", dataset_id, record_id)
    assert deleted.stdout.strip() == f"Deleted record {record_id}"
    unsupported = tmp_path / "slides.pptx"
    unsupported.write_bytes(b"PK")
    refused = await cli("dataset", "upload", dataset_id, str(unsupported))
    assert refused.exit_code == 1 and "unsupported file type" in refused.stderr
    gone = await cli("dataset", "delete", dataset_id, "--yes")
    assert gone.exit_code == 0
    assert "No datasets found." in (await cli("dataset", "list")).stderr
