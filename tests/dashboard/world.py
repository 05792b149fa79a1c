"""A dashboard world on real HTTP: the delegate server and the Recall simulator on free
loopback ports (as ``delegate demo`` runs them), two accounts, and a bot with an integration
for the first one. The meeting script keeps the call open long enough to be steered."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx2

from delegate.adapters.db.migrate import upgrade
from delegate.adapters.recall.signatures import new_secret
from delegate.api.app import create_app
from delegate.bootstrap import Container, build
from delegate.config import ApiSettings, RecallSettings
from delegate.demo.runner import free_port, serving
from delegate.services.accounts import create_token
from delegate.sim import Simulator
from delegate.sim.scripts import parse_script
from tests.support import make_settings

MEETING_URL = "https://zoom.us/j/5550001234"
BOT_NAME = "Ada"
SCRIPT = r'''
title = "Dashboard check"
platform = "zoom"

[join]
joining_s = 0.5
waiting_room_s = 0.5
setup_s = 0.5

[[participants]]
id = 100
name = "Priya Shah"
is_host = true

[[participants]]
id = 200
name = "Marco Rossi"

[[events]]
at = 1.0
who = "Priya Shah"
say = "Good morning everyone, thanks for joining the planning call about the launch date."

[[events]]
after = 1.0
who = "Marco Rossi"
say = "Morning. I have the numbers from the beta ready to share with the group."

[[events]]
after = 1.0
who = "Priya Shah"
say = "Ada, who is here?"

[[events]]
after = 2.0
who = "Marco Rossi"
say = """While we wait for the others I will keep talking about the beta for quite a long \
while so that everybody can follow along with every single detail of the numbers we gathered \
from all of the testers over the last few weeks of the program and beyond it."""

[[events]]
after = 600.0
who = "Priya Shah"
say = "That is all for today."
'''


@dataclass
class DashboardWorld:
    base_url: str
    sim: Simulator
    container: Container
    token: str
    other_token: str
    integration_id: str
    other_integration_id: str

    def api(self, token: str | None = None) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(
            base_url=self.base_url + "/v1",
            headers={"Authorization": f"Bearer {token or self.token}"},
            timeout=30,
        )


async def _integration(api: httpx2.AsyncClient, secret: str) -> str:
    bot = await api.post("/bot/create", json={"name": BOT_NAME, "backstory": "Be brief."})
    assert bot.status_code == 200, bot.text
    created = await api.post(
        "/integration/recall/create",
        json={
            "name": "Simulated Recall",
            "botId": bot.json()["id"],
            "apiKey": "sim-key",
            "webhookSecret": secret,
        },
    )
    assert created.status_code == 200, created.text
    integration_id: str = created.json()["id"]
    setup = await api.post(f"/integration/recall/{integration_id}/setup", json={})
    assert setup.status_code == 200, setup.text
    return integration_id


@contextlib.asynccontextmanager
async def dashboard_world(tmp_path: Path) -> AsyncIterator[DashboardWorld]:
    api_port, sim_port = free_port(), free_port()
    base_url = f"http://127.0.0.1:{api_port}"
    settings = make_settings(
        tmp_path,
        api=ApiSettings(port=api_port, public_url=base_url),
        recall=RecallSettings(base_url=f"http://127.0.0.1:{sim_port}", poll_interval_s=5),
    )
    await asyncio.to_thread(upgrade, settings.database_url)
    secret = new_secret()
    outbound = httpx2.AsyncClient(timeout=10)
    sim = Simulator(
        workspace_secret=secret,
        outbound=outbound,
        default_script=parse_script(SCRIPT, name="dashboard"),
    )
    container = build(settings)
    try:
        async with serving(sim.app, sim_port), serving(create_app(container), api_port):
            token = await create_token(container.uow, container.clock, "alice")
            other = await create_token(container.uow, container.clock, "mallory")
            world = DashboardWorld(base_url, sim, container, token, other, "", "")
            async with world.api() as api:
                world.integration_id = await _integration(api, secret)
            async with world.api(other) as api:
                world.other_integration_id = await _integration(api, secret)
            yield world
    finally:
        await sim.aclose()
        await outbound.aclose()
        await container.aclose()
