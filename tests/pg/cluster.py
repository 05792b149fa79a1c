"""A scaled-out deployment on one machine: ``delegate serve`` (API only) and ``delegate worker``
processes on a PostgreSQL database, plus the Recall simulator served from the test's event
loop (so the test can read its log and switch faults on)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from delegate.adapters.db.engine import normalise_url
from delegate.adapters.recall.signatures import new_secret
from delegate.bootstrap import build
from delegate.config import (
    ApiSettings,
    RecallSettings,
    Settings,
    WebhookSettings,
    WorkerSettings,
)
from delegate.services.accounts import create_token
from delegate.sim import Simulator
from delegate.sim.simulator import ScriptSource
from tests.cli.test_serve import free_port
from tests.support import make_settings, settings_env

HEARTBEAT_S = 1.0
STALLED_AFTER_S = 3.0


def cluster_settings(tmp_path: Path, **recall: Any) -> Settings:
    """Settings of the cluster's processes; ``recall`` overrides Recall settings."""
    api_port, sim_port = free_port(), free_port()
    return make_settings(
        tmp_path,
        api=ApiSettings(port=api_port, public_url=f"http://127.0.0.1:{api_port}"),
        recall=RecallSettings(
            **{
                "base_url": f"http://127.0.0.1:{sim_port}",
                "max_retry_wait_s": 0.05,
                "poll_interval_s": 5,
                **recall,
            }
        ),
        worker=WorkerSettings(
            dispatcher="procrastinate",
            concurrency=4,
            sweep_interval_s=2,
            heartbeat_s=HEARTBEAT_S,
            stalled_after_s=STALLED_AFTER_S,
        ),
        # Tests deliver webhooks to a receiver on loopback.
        webhooks=WebhookSettings(allow_private_addresses=True, retry_base_s=0.1, retry_max_s=1),
    )


@dataclass
class Cluster:
    settings: Settings
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.settings.public_url

    @property
    def sim_port(self) -> int:
        assert self.settings.recall.base_url
        return int(self.settings.recall.base_url.rsplit(":", 1)[1])

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """Run ``delegate ARGS`` as process NAME; its output goes to ``logs/NAME.log``."""
        with (self.logs / f"{name}.log").open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "delegate", *args],
                env=settings_env(self.settings, DELEGATE_LOG_LEVEL="INFO"),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.processes[name] = proc
        return proc

    def kill(self, name: str) -> None:
        proc = self.processes.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in self.processes.values():
            proc.send_signal(signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.processes.clear()

    async def sql(self, query: str, **params: Any) -> list[Any]:
        engine = create_async_engine(normalise_url(self.settings.database_url))
        try:
            async with engine.connect() as conn:
                return list(await conn.execute(text(query), params))
        finally:
            await engine.dispose()

    async def wait_for(self, query: str, expected: Any, timeout: float = 30, **params: Any) -> None:
        """Poll until the query's single value equals ``expected``."""
        async with asyncio.timeout(timeout):
            while (rows := await self.sql(query, **params)) and rows[0][0] != expected:
                await asyncio.sleep(0.1)

    async def wait_healthy(self, timeout: float = 90) -> None:
        async with httpx2.AsyncClient() as client, asyncio.timeout(timeout):
            while True:
                with contextlib.suppress(httpx2.TransportError):
                    if (await client.get(f"{self.base}/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)


@dataclass
class Meeting:
    cluster: Cluster
    sim: Simulator
    api: httpx2.AsyncClient
    integration_id: str

    async def initiate(self) -> tuple[str, str]:
        """Send the delegate into the meeting: (session id, Recall bot id)."""
        r = await self.api.post(
            f"/integration/recall/{self.integration_id}/initiate",
            json={"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes and help."},
        )
        assert r.status_code == 200, r.text
        return r.json()["sessionId"], r.json()["bot"]["id"]

    async def session(self, session_id: str, part: str = "fetch") -> Any:
        path = f"/integration/recall/{self.integration_id}/session/{session_id}/{part}"
        r = await self.api.get(path)
        assert r.status_code == 200, r.text
        return r.json()


async def _token(settings: Settings) -> str:
    container = build(settings)
    try:
        return await create_token(container.uow, container.clock, "ops")
    finally:
        await container.aclose()


@contextlib.asynccontextmanager
async def running_meeting(
    tmp_path: Path, workers: int, script: ScriptSource, speed: float, **recall: Any
) -> AsyncIterator[Meeting]:
    """The API process, ``workers`` worker processes and a simulator playing ``script``
    (``recall`` overrides Recall settings)."""
    settings = cluster_settings(tmp_path, **recall)
    logs = tmp_path / "logs"
    logs.mkdir()
    cluster = Cluster(settings, logs)
    token = await _token(settings)
    secret = new_secret()
    outbound = httpx2.AsyncClient()
    sim: Simulator | None = None
    try:
        cluster.start("serve", "serve")
        for n in range(workers):
            cluster.start(f"worker{n + 1}", "worker")
        await cluster.wait_healthy()
        async with httpx2.AsyncClient(
            base_url=f"{cluster.base}/v1", headers={"Authorization": f"Bearer {token}"}
        ) as api:
            bot_id = (await api.post("/bot/create", json={"name": "Ada"})).json()["id"]
            integration_id = (
                await api.post(
                    "/integration/recall/create",
                    json={"botId": bot_id, "apiKey": "sim-key", "webhookSecret": secret},
                )
            ).json()["id"]
            sim = Simulator(
                workspace_secret=secret,
                webhook_url=f"{cluster.base}/v1/integration/recall/{integration_id}/webhook",
                outbound=outbound,
                speed=speed,
                default_script=script,
            )
            # Each worker process runs two procrastinate workers: sessions, and webhooks.
            await cluster.wait_for(
                "SELECT count(*) FROM procrastinate_workers", 2 * workers, timeout=90
            )
            async with _serve(sim, cluster.sim_port):
                yield Meeting(cluster, sim, api, integration_id)
    finally:
        cluster.stop()
        if sim is not None:
            await sim.aclose()
        await outbound.aclose()


@contextlib.asynccontextmanager
async def _serve(sim: Simulator, port: int) -> AsyncIterator[None]:
    server = uvicorn.Server(uvicorn.Config(sim.app, host="127.0.0.1", port=port, log_level="error"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        await task
