"""A real server SIGKILLed while its webhook events are committed but not yet delivered: after
a restart every event arrives, and any duplicate carries the same ``webhook-id``."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import create_engine, text

from delegate.adapters.db.migrate import sync_url
from delegate.adapters.recall.signatures import new_secret
from delegate.config import WebhookSettings
from delegate.sim import Simulator, parse_script
from tests.cli.test_serve import free_port
from tests.meetings.test_crash_restart import (
    questions_script,
    serve_simulator,
    start_server,
    token_for,
    wait_healthy,
)
from tests.support import make_settings, settings_env
from tests.webhooks.receiver import Receiver, accept, running_receiver

WEBHOOKS = WebhookSettings(
    allow_private_addresses=True, timeout_s=60, retry_base_s=0.1, retry_max_s=0.5
)


def stored_events(url: str) -> dict[str, bytes]:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("select id, body from webhook_events")).all()
    finally:
        engine.dispose()
    return {row[0]: row[1].encode() for row in rows}


@pytest.mark.slow
async def test_sigkill_between_commit_and_delivery_loses_no_webhook_event(tmp_path: Path) -> None:
    sim_port, api_port = free_port(), free_port()
    base = f"http://127.0.0.1:{api_port}"
    settings = make_settings(tmp_path, webhooks=WEBHOOKS)
    env = settings_env(
        settings,
        DELEGATE_API__PORT=str(api_port),
        DELEGATE_API__PUBLIC_URL=base,
        DELEGATE_RECALL__BASE_URL=f"http://127.0.0.1:{sim_port}",
    )
    token = token_for(env)
    secret = new_secret()
    server = start_server(env)
    outbound = httpx2.AsyncClient()
    sim = Simulator(
        workspace_secret=secret,
        outbound=outbound,
        speed=4,
        default_script=parse_script(questions_script()),
    )
    receiver = Receiver(behaviour=lambda _, __: None)  # holds every delivery until the kill
    try:
        async with (
            running_receiver(receiver),
            serve_simulator(sim, sim_port),
            httpx2.AsyncClient(
                base_url=f"{base}/v1", headers={"Authorization": f"Bearer {token}"}
            ) as api,
        ):
            await wait_healthy(base)
            hook = (await api.post("/webhook/create", json={"url": receiver.url})).json()
            receiver.secret = hook["secret"]
            bot_id = (await api.post("/bot/create", json={"name": "Ada"})).json()["id"]
            integration_id = (
                await api.post(
                    "/integration/recall/create",
                    json={"botId": bot_id, "apiKey": "sim-key", "webhookSecret": secret},
                )
            ).json()["id"]
            sim.webhook_url = f"{base}/v1/integration/recall/{integration_id}/webhook"
            started = (
                await api.post(
                    f"/integration/recall/{integration_id}/initiate",
                    json={"meetingUrl": "https://zoom.us/j/1234567890", "text": "Help out."},
                )
            ).json()
            async with asyncio.timeout(30):
                while receiver.hung == 0 or len(stored_events(settings.database_url)) < 5:
                    await asyncio.sleep(0.05)
            server.send_signal(signal.SIGKILL)
            server.wait()
            before_restart = set(stored_events(settings.database_url))
            receiver.behaviour = accept
            server = start_server(env)
            await sim.wait_until_done(started["bot"]["id"], timeout=60)
            await receiver.wait_for(lambda r: "session.notes_ready" in r.types(), timeout=60)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        await sim.aclose()
        await outbound.aclose()

    stored = stored_events(settings.database_url)
    arrived: dict[str, list[bytes]] = {}
    for a in receiver.accepted:
        arrived.setdefault(a.webhook_id, []).append(repr(a.event).encode())

    assert receiver.hung >= 1 and len(before_restart) >= 5
    assert all(a.verified for a in receiver.arrivals)
    assert set(stored) <= set(arrived), f"{len(set(stored) - set(arrived))} events were lost"
    assert all(len(set(bodies)) == 1 for bodies in arrived.values())
    assert before_restart <= set(arrived)
