"""``delegate bot``, ``delegate integration`` and ``delegate initiate`` against the real app."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from typer.testing import CliRunner

from delegate.cli import app as cli_app
from tests.client.inprocess import CliDriver
from tests.support import Api


@pytest.fixture
async def cli(app: Any, api: Api) -> AsyncIterator[CliDriver]:
    driver = CliDriver(app, api.token)
    yield driver
    driver.close()


async def test_bot_commands(cli: CliDriver) -> None:
    created = await cli(
        "bot", "create", "--name", "Ada", "--backstory", "You take notes.", "--alias", "ada"
    )
    assert created.exit_code == 0, created.output
    assert created.stdout.startswith("Created bot c")
    bot_id = created.stdout.split()[-1]
    as_json = await cli("bot", "create", "--name", "Grace", "--meta", '{"team": "ops"}', "--json")
    grace = json.loads(as_json.stdout)["id"]

    listed = await cli("bot", "list")
    assert listed.exit_code == 0
    assert "Ada" in listed.stdout and "Grace" in listed.stdout and bot_id in listed.stdout
    items = json.loads((await cli("bot", "list", "--json", "--order", "asc")).stdout)["items"]
    assert [b["name"] for b in items] == ["Ada", "Grace"]
    assert items[1]["meta"] == {"team": "ops"} and "createdAt" in items[0]

    shown = await cli("bot", "show", "@ada")
    assert "You take notes." in shown.stdout and bot_id in shown.stdout
    updated = await cli("bot", "update", bot_id, "--model", "gpt-4o-mini", "--json")
    assert json.loads(updated.stdout) == {"id": bot_id}
    assert json.loads((await cli("bot", "show", bot_id, "--json")).stdout)["model"] == "gpt-4o-mini"

    kept = await cli("bot", "delete", grace, input="n\n")
    assert kept.exit_code == 1 and "Delete bot" in kept.stderr
    assert "Grace" in (await cli("bot", "list")).stdout
    deleted = await cli("bot", "delete", grace, "--yes")
    assert deleted.exit_code == 0 and deleted.stdout.strip() == f"Deleted bot {grace}"
    assert "Grace" not in (await cli("bot", "list")).stdout


async def test_pages_say_how_to_continue(cli: CliDriver) -> None:
    for name in ("one", "two", "three"):
        await cli("bot", "create", "--name", name)

    first = await cli("bot", "list", "--take", "2", "--order", "asc")
    cursor = first.stderr.split("--cursor")[-1].strip()
    rest = await cli("bot", "list", "--take", "2", "--order", "asc", "--cursor", cursor)

    assert "one" in first.stdout and "two" in first.stdout and "three" not in first.stdout
    assert "three" in rest.stdout
    empty = await cli("integration", "list")
    assert empty.exit_code == 0 and empty.stdout == "" and "No integrations" in empty.stderr


async def test_integration_commands_never_print_secrets(cli: CliDriver) -> None:
    bot_id = json.loads((await cli("bot", "create", "--name", "Ada", "--json")).stdout)["id"]

    created = await cli(
        "integration", "create", "--name", "Sales", "--bot-id", bot_id, "--api-key", "-",
        "--region", "eu-central-1", "--alias", "sales", "--json",
        input="recall-key-from-stdin\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    integration_id = json.loads(created.stdout)["id"]

    shown = await cli("integration", "show", "@sales")
    assert "Sales" in shown.stdout and "eu-central-1" in shown.stdout
    assert "API key" in shown.stdout and "set" in shown.stdout
    fetched = json.loads((await cli("integration", "show", integration_id, "--json")).stdout)
    assert fetched["apiKeySet"] is True and fetched["webhookSecretSet"] is False
    updated = await cli(
        "integration",
        "update",
        integration_id,
        "--webhook-secret",
        "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
        "--name",
        "B2B",
    )
    assert updated.stdout.strip() == f"Updated integration {integration_id}"
    listed = await cli("integration", "list")
    assert "B2B" in listed.stdout and integration_id in listed.stdout
    for result in (created, shown, updated, listed):
        assert "recall-key-from-stdin" not in result.output and "whsec_" not in result.output

    assert (await cli("integration", "delete", "@sales", "-y")).exit_code == 0
    assert json.loads((await cli("integration", "list", "--json")).stdout)["items"] == []


async def test_api_errors_are_one_line_on_stderr_with_exit_code_1(cli: CliDriver) -> None:
    missing = await cli("bot", "show", "c" + "x" * 23, "--json")
    assert missing.exit_code == 1
    assert missing.stdout == ""
    assert missing.stderr.strip() == "Error: Bot not found (NOT_FOUND)"

    stranger = await cli("bot", "list", token="sk-nope")
    assert stranger.exit_code == 1 and "(NOT_AUTHENTICATED)" in stranger.stderr

    await cli("bot", "create", "--alias", "taken")
    taken = await cli("bot", "create", "--alias", "taken")
    assert taken.exit_code == 1 and "(CONFLICT)" in taken.stderr and "taken" in taken.stderr

    region = await cli("integration", "create", "--region", "mars-1")
    assert region.exit_code == 1 and '"region" must be one of' in region.stderr

    bot_id = json.loads((await cli("bot", "create", "--name", "Ada", "--json")).stdout)["id"]
    keyless = (await cli("integration", "create", "--bot-id", bot_id, "--json")).stdout
    started = await cli(
        "initiate", json.loads(keyless)["id"], "--meeting-url", "https://zoom.us/j/1",
        "--text", "Take notes.",
    )  # fmt: skip
    assert (
        started.exit_code == 1 and "apiKey" in started.stderr and "(BAD_REQUEST)" in started.stderr
    )


async def test_usage_errors_exit_with_2(cli: CliDriver) -> None:
    no_token = await cli("bot", "list", token="")
    assert no_token.exit_code == 2 and "DELEGATE_TOKEN" in no_token.output

    assert (await cli("bot", "create", "--meta", "[1, 2]")).exit_code == 2
    assert (await cli("bot", "list", "--take", "500")).exit_code == 2
    assert (await cli("bot", "list", "--order", "sideways")).exit_code == 2
    naive = await cli(
        "initiate", "i", "--meeting-url", "https://zoom.us/j/1", "--text", "t",
        "--join-at", "2030-01-01T10:00:00",
    )  # fmt: skip
    assert naive.exit_code == 2 and "timezone" in naive.output
    assert (await cli("initiate", "i", "--text", "t")).exit_code == 2


async def test_colour_only_when_wanted(cli: CliDriver) -> None:
    forced = await cli("bot", "show", "nope", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    plain = await cli("bot", "show", "nope", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})

    assert "\x1b[" in forced.stderr
    assert "\x1b[" not in plain.stderr
    assert plain.stderr.strip() == "Error: Bot not found (NOT_FOUND)"


def test_an_unreachable_server_is_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    result = CliRunner().invoke(
        cli_app,
        ["bot", "list", "--base-url", f"http://127.0.0.1:{port}", "--token", "sk-x"],
    )

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot reach http://127.0.0.1:{port}")
    assert "CONNECTION_FAILED" in result.stderr


async def test_the_cli_sets_and_shows_how_a_bot_answers(cli: CliDriver) -> None:
    created = await cli("bot", "create", "--name", "Ada", "--reply-mode", "both", "--json")
    bot_id = json.loads(created.stdout)["id"]
    updated = await cli("bot", "update", bot_id, "--voice", "espeak-ng:en-gb")
    refused = await cli("bot", "update", bot_id, "--voice", "espeak-ng:nowhere")
    shown = json.loads((await cli("bot", "show", bot_id, "--json")).stdout)

    assert created.exit_code == 0 and updated.exit_code == 0, updated.output
    assert refused.exit_code == 1 and "nowhere" in refused.stderr
    assert shown["replyMode"] == "both" and shown["voice"] == "espeak-ng:en-gb"


async def test_the_cli_sets_who_may_command_a_bot(cli: CliDriver) -> None:
    created = await cli("bot", "create", "--name", "Ada", "--json")
    bot_id = json.loads(created.stdout)["id"]
    default = json.loads((await cli("bot", "show", bot_id, "--json")).stdout)["commanders"]
    updated = await cli(
        "bot", "update", bot_id, "--commander", "host", "--commander", "lee@example.com"
    )
    shown = await cli("bot", "show", bot_id)

    assert default == ["host"]
    assert updated.exit_code == 0, updated.output
    assert "lee@example.com" in shown.stdout
