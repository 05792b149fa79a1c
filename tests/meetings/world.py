"""A whole world in one event loop: the delegate app and the Recall simulator, each reaching the
other through an in-process transport, on a real SQLite file."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
from fastapi import FastAPI

from delegate.adapters.db.migrate import upgrade
from delegate.adapters.recall.signatures import new_secret
from delegate.api.app import create_app
from delegate.bootstrap import Container, build
from delegate.config import (
    ApiSettings,
    LimitSettings,
    RecallSettings,
    VoiceSettings,
    WebhookSettings,
)
from delegate.services.accounts import create_token
from delegate.services.ports import Brain
from delegate.sim import ChatSent, Simulator
from tests.support import Api, make_settings

PUBLIC = "http://delegate.test"


class _AppProxy:
    """Each side's transport needs the other's app before that app exists."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert self.app is not None
        await self.app(scope, receive, send)


@dataclass
class World:
    sim: Simulator
    container: Container
    app: FastAPI
    api: Api
    integration_id: str
    bot_id: str
    secret: str
    clients: list[httpx2.AsyncClient]

    async def initiate(self, text: str = "Take notes and help.", **body: Any) -> dict[str, Any]:
        r = await self.api.post(
            f"integration/recall/{self.integration_id}/initiate",
            {"meetingUrl": "https://zoom.us/j/1234567890", "text": text, **body},
        )
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def initiate_raw(self, **body: Any) -> httpx2.Response:
        return await self.api.post(
            f"integration/recall/{self.integration_id}/initiate",
            {"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes.", **body},
        )

    async def finish(self, recall_bot_id: str, timeout: float = 30) -> None:
        """Wait until the simulated meeting is over and every event has been processed."""
        await self.sim.wait_until_done(recall_bot_id, timeout=timeout)
        await self.settle()

    async def settle(self) -> None:
        for _ in range(3):
            await asyncio.sleep(0.05)
            await self.container.dispatcher.sweep_once()
            await self.container.dispatcher.idle()

    def chats(self, recall_bot_id: str) -> list[str]:
        return [e.text for e in self.sim.log(recall_bot_id) if isinstance(e, ChatSent)]

    async def session(self, session_id: str) -> dict[str, Any]:
        r = await self.api.get(
            f"integration/recall/{self.integration_id}/session/{session_id}/fetch"
        )
        return r.json()  # type: ignore[no-any-return]

    async def aclose(self) -> None:
        await self.sim.aclose()
        await self.container.stop()
        for client in self.clients:
            await client.aclose()
        await self.container.aclose()


async def make_world(
    tmp_path: Path,
    *,
    speed: float = 100,
    script: str = "customer-call",
    signed: bool = True,
    status_webhooks: bool = True,
    brain: Brain | None = None,
    bot_name: str = "Ada",
    poll_interval_s: float = 3600,
    webhooks: WebhookSettings | None = None,
    voice: VoiceSettings | None = None,
    max_retry_wait_s: float = 0.05,
    limits: LimitSettings | None = None,
) -> World:
    settings = make_settings(
        tmp_path,
        recall=RecallSettings(
            base_url="http://sim",
            max_retry_wait_s=max_retry_wait_s,
            poll_interval_s=poll_interval_s,
        ),
        api=ApiSettings(public_url=PUBLIC),
        webhooks=webhooks or WebhookSettings(),
        voice=voice or VoiceSettings(),
        limits=limits or LimitSettings(),
    )
    await asyncio.to_thread(upgrade, settings.database_url)
    proxy, sim_proxy = _AppProxy(), _AppProxy()
    outbound = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=proxy))
    secret = new_secret()
    recall_http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=sim_proxy))
    container = build(settings, recall_http=recall_http, brain=brain)
    app = create_app(container, manage_lifecycle=False)
    proxy.app = app
    await container.start()
    http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=PUBLIC)
    api = Api(http, await create_token(container.uow, container.clock, "alice"))
    bot_id = (
        await api.post(
            "bot/create", {"name": bot_name, "backstory": "You are a helpful note taker."}
        )
    ).json()["id"]
    integration = {"name": "sim", "botId": bot_id, "apiKey": "sim-key"}
    if signed:
        integration["webhookSecret"] = secret
    integration_id = (await api.post("integration/recall/create", integration)).json()["id"]
    sim = Simulator(
        workspace_secret=secret if signed else None,
        webhook_url=f"{PUBLIC}/v1/integration/recall/{integration_id}/webhook"
        if status_webhooks
        else None,
        outbound=outbound,
        speed=speed,
        default_script=script,
    )
    sim_proxy.app = sim.app
    return World(
        sim, container, app, api, integration_id, bot_id, secret, [outbound, recall_http, http]
    )
