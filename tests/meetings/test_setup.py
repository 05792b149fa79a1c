"""``integration/recall/{id}/setup`` registers the status webhook URL with the workspace."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from delegate.adapters.recall.client import RecallClient
from delegate.services.ports import NoWebhookApi
from tests.meetings.world import PUBLIC, World, make_world


async def test_setup_registers_the_status_webhook_with_the_simulated_workspace(
    tmp_path: Path,
) -> None:
    world = await make_world(tmp_path, status_webhooks=False)
    try:
        path = f"integration/recall/{world.integration_id}/setup"
        url = f"{PUBLIC}/v1/integration/recall/{world.integration_id}/webhook"

        first = await world.api.post(path, {})
        again = await world.api.post(path, {})

        assert first.status_code == again.status_code == 200, first.text
        assert first.json() == {"id": world.integration_id, "webhookUrl": url}
        assert world.sim.webhook_urls == [url]
        started = await world.api.post(
            f"integration/recall/{world.integration_id}/initiate",
            {"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes."},
        )
        bot = await world.sim.wait_until_done(started.json()["bot"]["id"], timeout=60)
        status_posts = [e for e in bot.entries if getattr(e, "target", None) == "status"]
        assert status_posts and all(e.url == url and e.ok for e in status_posts)
    finally:
        await world.aclose()


async def test_setup_against_the_real_recall_sends_nothing_and_says_use_the_dashboard() -> None:
    # Recall itself has no API for webhook endpoints (its dashboard adds them): a gateway on a
    # region's URL, what an integration gets without the simulator, must not pretend.
    sent: list[httpx2.Request] = []
    transport = httpx2.MockTransport(lambda request: sent.append(request) or httpx2.Response(500))
    async with httpx2.AsyncClient(transport=transport) as http:
        gateway = RecallClient(http, "key", "https://us-east-1.recall.ai")
        with pytest.raises(NoWebhookApi, match="dashboard"):
            await gateway.add_status_webhook(f"{PUBLIC}/hook")
    assert sent == []


async def test_setup_of_an_integration_without_a_key_is_a_clear_400(world: World) -> None:
    created = await world.api.post("integration/recall/create", {"name": "keyless"})

    answer = await world.api.post(f"integration/recall/{created.json()['id']}/setup", {})

    assert answer.status_code == 400
    assert "API key" in answer.json()["message"]
