"""``integration/recall/{id}/verify`` checks an integration against the (simulated) Recall:
each check is reported, a failed one is an answer (200), not an error."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx2

from delegate.adapters.db.migrate import upgrade
from delegate.api.app import create_app
from delegate.bootstrap import build
from delegate.config import RecallSettings
from delegate.services.accounts import create_token
from delegate_client import AsyncDelegate
from tests.client.inprocess import CliDriver
from tests.meetings.world import World, make_world
from tests.support import Api, free_port, make_settings


def _checks(answer: httpx2.Response) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in answer.json()["checks"]}


async def test_a_good_integration_passes_every_check(world: World) -> None:
    answer = await world.api.post(f"integration/recall/{world.integration_id}/verify")

    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] is True and answer.json()["id"] == world.integration_id
    checks = _checks(answer)
    assert set(checks) == {"apiKey", "webhookSecret", "setup"}
    assert all(c["ok"] and c["level"] == "ok" for c in checks.values()), checks


async def test_a_key_recall_does_not_know_is_an_api_key_error_and_changes_nothing(
    world: World,
) -> None:
    path = f"integration/recall/{world.integration_id}"
    await world.api.post(f"{path}/update", {"apiKey": "not-the-sim-key"})
    before = (await world.api.get(f"{path}/fetch")).json()

    answer = await world.api.post(f"{path}/verify")

    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] is False
    key = _checks(answer)["apiKey"]
    assert key["level"] == "error" and not key["ok"]
    assert "refused the key" in key["message"] and "us-east-1" in key["message"]
    assert "region" in key["message"] and "unreachable" not in key["message"]
    assert (await world.api.get(f"{path}/fetch")).json() == before
    assert world.sim.bots == {}


async def test_an_unreachable_recall_is_not_called_a_bad_key(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    settings = make_settings(tmp_path, recall=RecallSettings(base_url=closed, max_retry_wait_s=0))
    await asyncio.to_thread(upgrade, settings.database_url)
    container = build(settings)
    await container.start()
    try:
        transport = httpx2.ASGITransport(app=create_app(container, manage_lifecycle=False))
        async with httpx2.AsyncClient(transport=transport, base_url="http://d.test") as http:
            api = Api(http, await create_token(container.uow, container.clock, "alice"))
            bot_id = (await api.post("bot/create", {"name": "Ada"})).json()["id"]
            created = await api.post(
                "integration/recall/create", {"botId": bot_id, "apiKey": "some-key"}
            )

            answer = await api.post(f"integration/recall/{created.json()['id']}/verify")
    finally:
        await container.stop()
        await container.aclose()

    assert answer.status_code == 200, answer.text
    key = _checks(answer)["apiKey"]
    assert key["level"] == "error" and "Recall unreachable" in key["message"]
    assert "refused" not in key["message"]
    assert _checks(answer)["setup"]["ok"] is True


async def test_a_missing_webhook_secret_is_a_warning(tmp_path: Path) -> None:
    world = await make_world(tmp_path, signed=False)
    try:
        answer = await world.api.post(f"integration/recall/{world.integration_id}/verify")
    finally:
        await world.aclose()

    assert answer.status_code == 200, answer.text
    secret = _checks(answer)["webhookSecret"]
    assert secret["level"] == "warning" and secret["ok"] is True
    assert "signatures" in secret["message"] and "not checked" in secret["message"]
    assert answer.json()["ok"] is True


async def test_an_integration_without_bot_or_key_fails_the_setup_check(world: World) -> None:
    created = await world.api.post("integration/recall/create", {"name": "bare"})

    answer = await world.api.post(f"integration/recall/{created.json()['id']}/verify")

    assert answer.status_code == 200 and answer.json()["ok"] is False
    checks = _checks(answer)
    assert checks["setup"]["level"] == "error" and "botId" in checks["setup"]["message"]
    assert checks["apiKey"]["level"] == "error" and "no API key" in checks["apiKey"]["message"]


async def test_another_accounts_integration_is_not_found(world: World) -> None:
    mallory = Api(
        world.api.http,
        await create_token(world.container.uow, world.container.clock, "mallory"),
    )

    foreign = await mallory.post(f"integration/recall/{world.integration_id}/verify")
    unknown = await world.api.post("integration/recall/cnothing/verify")

    assert foreign.status_code == unknown.status_code == 404
    assert set(foreign.json()) == {"message", "code"}


async def test_cli_verify_prints_the_checks_and_exits_1_when_one_fails(world: World) -> None:
    cli = CliDriver(world.app, world.api.token)
    try:
        good = await cli("integration", "verify", world.integration_id)
        await world.api.post(
            f"integration/recall/{world.integration_id}/update", {"apiKey": "wrong-key"}
        )
        bad = await cli("integration", "verify", world.integration_id)
    finally:
        cli.close()

    assert good.exit_code == 0, good.output
    assert "ok      apiKey:" in good.stdout and "all checks passed" in good.stdout
    assert bad.exit_code == 1, bad.output
    assert "error   apiKey: Recall refused the key" in bad.stdout


async def test_sdk_verify_returns_typed_checks(world: World) -> None:
    http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=world.app), base_url="http://delegate.test"
    )
    async with http, AsyncDelegate(api_key=world.api.token, http_client=http) as client:
        result = await client.integration.recall.verify(world.integration_id)

    assert result.ok is True and result.id == world.integration_id
    assert [c.name for c in result.checks] == ["apiKey", "webhookSecret", "setup"]
    assert all(c.level == "ok" for c in result.checks)
