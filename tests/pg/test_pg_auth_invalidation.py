"""Credentials die everywhere at once: process B changes an integration's ``webhookSecret``,
then deletes it; process A, whose receiver had them cached, refuses the old secret and then the
old token at the next delivery, while another account's session at A goes on being
acknowledged and stored in the same burst."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx2
import orjson
import pytest

from delegate.adapters.recall.signatures import new_secret, sign_headers
from delegate.bootstrap import build
from delegate.config import ApiSettings, Settings
from delegate.services.accounts import create_token
from delegate.sim import Simulator
from tests.cli.test_serve import free_port
from tests.meetings.test_crash_restart import serve_simulator
from tests.pg.cluster import Cluster, cluster_settings

pytestmark = [pytest.mark.pg, pytest.mark.slow, pytest.mark.timeout(300)]

UNKNOWN = (401, {"message": "Invalid realtime endpoint token", "code": "NOT_AUTHENTICATED"})


def speech(n: int) -> bytes:
    return orjson.dumps({"event": "participant_events.speech_on", "data": {"n": n}})


async def tokens(settings: Settings, *accounts: str) -> list[str]:
    container = build(settings)
    try:
        return [await create_token(container.uow, container.clock, a) for a in accounts]
    finally:
        await container.aclose()


async def realtime_session(api: httpx2.AsyncClient, sim: Simulator, secret: str) -> tuple[str, str]:
    """A new integration with a delegate in a meeting: (integration id, realtime path)."""
    bot_id = (await api.post("/bot/create", json={"name": "Ada"})).json()["id"]
    integration_id = (
        await api.post(
            "/integration/recall/create",
            json={"botId": bot_id, "apiKey": "sim-key", "webhookSecret": secret},
        )
    ).json()["id"]
    started = await api.post(
        f"/integration/recall/{integration_id}/initiate",
        json={"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes."},
    )
    assert started.status_code == 200, started.text
    token = sim.bot(started.json()["bot"]["id"]).endpoints[0].url.split("token=")[1]
    path = (
        f"/v1/integration/recall/{integration_id}/session/{started.json()['sessionId']}"
        f"/realtime?token={token}"
    )
    return integration_id, path


async def test_a_delete_in_one_process_is_refused_at_once_in_another(tmp_path: Path) -> None:
    settings_a = cluster_settings(tmp_path)
    port_b = free_port()
    settings_b = settings_a.model_copy(
        update={"api": ApiSettings(port=port_b, public_url=f"http://127.0.0.1:{port_b}")}
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    a, b = Cluster(settings_a, logs), Cluster(settings_b, logs)
    alice, bob = await tokens(settings_a, "alice", "bob")
    secret = new_secret()
    outbound = httpx2.AsyncClient()
    sim = Simulator(workspace_secret=secret, outbound=outbound, speed=1)
    receiver = httpx2.AsyncClient(base_url=a.base)

    def api(cluster: Cluster, token: str) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(
            base_url=f"{cluster.base}/v1", headers={"Authorization": f"Bearer {token}"}
        )

    async def deliver(path: str, n: int) -> httpx2.Response:
        return await receiver.post(path, content=speech(n), headers=sign_headers(secret, speech(n)))

    try:
        async with serve_simulator(sim, a.sim_port):
            a.start("serve-a", "serve")
            b.start("serve-b", "serve")
            await a.wait_healthy()
            await b.wait_healthy()
            async with api(a, alice) as alice_a, api(a, bob) as bob_a, api(b, alice) as alice_b:
                doomed, doomed_path = await realtime_session(alice_a, sim, secret)
                _, kept_path = await realtime_session(bob_a, sim, secret)
                warm = [await deliver(doomed_path, 0), await deliver(kept_path, 0)]

                # A new secret set at B: A refuses the old one at once (its cache is told).
                fresh = new_secret()
                changed = await alice_b.post(
                    f"/integration/recall/{doomed}/update", json={"webhookSecret": fresh}
                )
                old_secret = await deliver(doomed_path, 100)
                new_secret_ok = await receiver.post(
                    doomed_path, content=speech(101), headers=sign_headers(fresh, speech(101))
                )

                deleted = await alice_b.post(f"/integration/recall/{doomed}/delete")
                burst = await asyncio.gather(
                    *(deliver(path, n) for n in range(1, 21) for path in (doomed_path, kept_path))
                )
    finally:
        a.stop()
        b.stop()
        await receiver.aclose()
        await sim.aclose()
        await outbound.aclose()

    assert [(r.status_code, r.json()) for r in warm] == [(200, {"stored": True})] * 2
    assert changed.status_code == 200, changed.text
    assert old_secret.status_code == 401, old_secret.text
    assert old_secret.json()["message"].startswith("Invalid signature")
    assert (new_secret_ok.status_code, new_secret_ok.json()) == (200, {"stored": True})
    assert deleted.status_code == 200, deleted.text
    refused, kept = burst[0::2], burst[1::2]
    assert [(r.status_code, r.json()) for r in refused] == [UNKNOWN] * len(refused)
    assert [(r.status_code, r.json()) for r in kept] == [(200, {"stored": True})] * len(kept)
