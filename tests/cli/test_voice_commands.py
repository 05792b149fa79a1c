"""Reply mode and voice from the CLI."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.client.inprocess import CliDriver
from tests.support import Api


@pytest.fixture
async def cli(app: Any, api: Api) -> AsyncIterator[CliDriver]:
    driver = CliDriver(app, api.token)
    yield driver
    driver.close()


async def test_the_cli_sets_and_shows_how_a_bot_answers(cli: CliDriver) -> None:
    created = await cli("bot", "create", "--name", "Ada", "--reply-mode", "both", "--json")
    bot_id = json.loads(created.stdout)["id"]
    updated = await cli("bot", "update", bot_id, "--voice", "espeak-ng:en-gb")
    refused = await cli("bot", "update", bot_id, "--voice", "espeak-ng:nowhere")
    shown = json.loads((await cli("bot", "show", bot_id, "--json")).stdout)

    assert created.exit_code == 0 and updated.exit_code == 0, updated.output
    assert refused.exit_code == 1 and "nowhere" in refused.stderr
    assert shown["replyMode"] == "both" and shown["voice"] == "espeak-ng:en-gb"
