"""A real server process killed with SIGKILL mid-meeting and restarted: no acknowledged event
is lost and no reply is sent twice."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
import uvicorn
from sqlalchemy import create_engine, text

from delegate.adapters.db.migrate import sync_url
from delegate.adapters.recall.signatures import new_secret
from delegate.sim import ChatSent, DeliveryAttempt, LeaveRequested, Simulator, parse_script
from tests.cli.test_serve import free_port
from tests.support import make_settings, settings_env

QUESTIONS = 6


def questions_script() -> str:
    lines = [
        'title = "Questions"',
        "[join]\njoining_s = 0.5\nwaiting_room_s = 0\nsetup_s = 0.5",
        '[[participants]]\nid = 100\nname = "Kim Tran"\nis_host = true',
        '[[participants]]\nid = 200\nname = "Lee Park"',
    ]
    for i in range(QUESTIONS):
        say = f"Point {i}: the rollout step {i} is done."
        ask = f"{{bot}}, what did Lee say about step {i}?"
        lines.append(f'[[events]]\nafter = 4.0\nwho = "Lee Park"\nsay = "{say}"')
        lines.append(f'[[events]]\nafter = 4.0\nwho = "Kim Tran"\nchat = "{ask}"')
    lines.append("[[events]]\nafter = 6.0\nend = true")
    return "\n\n".join(lines)


@contextlib.asynccontextmanager
async def serve_simulator(sim: Simulator, port: int) -> AsyncIterator[None]:
    server = uvicorn.Server(uvicorn.Config(sim.app, host="127.0.0.1", port=port, log_level="error"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        await task


def start_server(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "delegate", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def token_for(env: dict[str, str]) -> str:
    """A token of account ``ops``, made by ``delegate token create`` with ``env``."""
    return subprocess.run(
        [sys.executable, "-m", "delegate", "token", "create", "--account", "ops"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]


async def wait_healthy(base: str, timeout: float = 90) -> None:
    async with httpx2.AsyncClient() as client, asyncio.timeout(timeout):
        while True:
            try:
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_sigkill_mid_meeting_loses_no_event_and_sends_no_duplicate(tmp_path: Path) -> None:
    sim_port, api_port = free_port(), free_port()
    base = f"http://127.0.0.1:{api_port}"
    settings = make_settings(tmp_path)
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
    try:
        async with (
            serve_simulator(sim, sim_port),
            httpx2.AsyncClient(
                base_url=f"{base}/v1", headers={"Authorization": f"Bearer {token}"}
            ) as api,
        ):
            await wait_healthy(base)
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
            recall_bot = started["bot"]["id"]

            async with asyncio.timeout(30):
                while len([e for e in sim.log(recall_bot) if isinstance(e, ChatSent)]) < 2:
                    await asyncio.sleep(0.02)
            server.send_signal(signal.SIGKILL)
            server.wait()
            await asyncio.sleep(0.5)
            server = start_server(env)
            await sim.wait_until_done(recall_bot, timeout=60)
            await asyncio.sleep(1.0)
            session = (
                await api.get(
                    f"/integration/recall/{integration_id}/session/{started['sessionId']}/fetch"
                )
            ).json()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        await sim.aclose()
        await outbound.aclose()

    log = sim.log(recall_bot)
    acked = {
        e.message_id
        for e in log
        if isinstance(e, DeliveryAttempt) and e.target == "realtime" and e.status_code == 200
    }
    refused = [e for e in log if isinstance(e, DeliveryAttempt) and e.status_code is None]
    engine = create_engine(sync_url(settings.database_url))
    with engine.connect() as conn:
        stored = {r[0] for r in conn.execute(text("select delivery_id from session_events"))}
    engine.dispose()
    chats = [e.text for e in log if isinstance(e, ChatSent)]

    assert refused, "the kill should have made some deliveries fail and be retried"
    assert acked <= stored, f"{len(acked - stored)} acknowledged events were lost"
    duplicates = {text: n for text, n in Counter(chats).items() if n > 1}
    assert not duplicates
    assert len(chats) >= QUESTIONS - 1
    assert session["status"] == "ended"


INITIATES = 4


async def listed_sessions(api: httpx2.AsyncClient, integration_id: str) -> list[dict[str, object]]:
    r = await api.get(f"/integration/recall/{integration_id}/session/list")
    return list(r.json()["items"]) if r.status_code == 200 else []


def accounted_for(sim: Simulator, sessions: list[dict[str, object]]) -> bool:
    """Every bot at the simulator is a session's we can see, or was told to leave; every
    session knows its bot or says it never had one."""
    bots_of = {s["recallBotId"] for s in sessions}
    for bot in sim.bots.values():
        left = any(isinstance(e, LeaveRequested) for e in bot.entries)
        if bot.id not in bots_of and not left:
            return False
    return all(s["recallBotId"] is not None or s["status"] == "failed" for s in sessions)


@pytest.mark.slow
async def test_sigkill_during_initiate_leaves_no_bot_unaccounted_for(tmp_path: Path) -> None:
    sim_port, api_port = free_port(), free_port()
    base = f"http://127.0.0.1:{api_port}"
    settings = make_settings(tmp_path)
    env = settings_env(
        settings,
        DELEGATE_API__PORT=str(api_port),
        DELEGATE_API__PUBLIC_URL=base,
        DELEGATE_RECALL__BASE_URL=f"http://127.0.0.1:{sim_port}",
        DELEGATE_RECALL__POLL_INTERVAL_S="1",
        DELEGATE_RECALL__UNKNOWN_GRACE_S="1",
    )
    token = token_for(env)
    server = start_server(env)
    outbound = httpx2.AsyncClient()
    sim = Simulator(outbound=outbound, speed=4)
    # two creates are held before Recall does anything, the others once their bot exists
    sim.faults.slow_responses(2, times=2, on="create").hold_create_answers(2)
    try:
        async with (
            serve_simulator(sim, sim_port),
            httpx2.AsyncClient(
                base_url=f"{base}/v1", headers={"Authorization": f"Bearer {token}"}
            ) as api,
        ):
            await wait_healthy(base)
            bot_id = (await api.post("/bot/create", json={"name": "Ada"})).json()["id"]
            integration_id = (
                await api.post(
                    "/integration/recall/create", json={"botId": bot_id, "apiKey": "sim-key"}
                )
            ).json()["id"]
            body = {"meetingUrl": "https://zoom.us/j/1234567890", "text": "Help out."}
            url = f"/integration/recall/{integration_id}/initiate"
            in_flight = [
                asyncio.create_task(api.post(url, json=body, timeout=30)) for _ in range(INITIATES)
            ]
            async with asyncio.timeout(30):
                while sim.idempotency.pending < INITIATES:  # every create is held at Recall
                    await asyncio.sleep(0.02)
            server.send_signal(signal.SIGKILL)
            server.wait()
            await asyncio.gather(*in_flight, return_exceptions=True)
            async with asyncio.timeout(30):  # the held creates finish at the simulator
                while sim.idempotency.pending:
                    await asyncio.sleep(0.05)
            sim.faults.reset()
            server = start_server(env)
            await wait_healthy(base)
            async with asyncio.timeout(60):
                while not accounted_for(
                    sim, sessions := await listed_sessions(api, integration_id)
                ):
                    await asyncio.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        await sim.aclose()
        await outbound.aclose()

    per_session = Counter(bot.metadata.get("sessionId") for bot in sim.bots.values())
    assert max(per_session.values()) == 1, "no session has two bots"
    assert len(sessions) == INITIATES
    adopted = {s["recallBotId"] for s in sessions if s["recallBotId"] is not None}
    assert adopted == set(sim.bots), "every bot Recall created is its session's"
    assert len(adopted) == INITIATES - 2
    never = [s for s in sessions if s["recallBotId"] is None]
    assert [s["statusReason"] for s in never] == ["recall_bot_never_created"] * 2
