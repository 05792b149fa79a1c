"""A live ``delegate serve`` and ``delegate sim`` on free loopback ports, seeded with an
account, bots, integrations pointing at the simulator and meeting sessions, so that a contract
run (schemathesis) reaches real records and not only 404s."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
from bench.processes import Server, clean_env, free_port, start

SIM_KEY = "sim-key"
LIVE_MEETING = "5550001111"
MEETING_URL = f"https://zoom.us/j/{LIVE_MEETING}"
LONG_MEETING = """
title = "A long meeting for the contract run"
[join]
joining_s = 0.5
waiting_room_s = 0
setup_s = 0.5

[[participants]]
id = 100
name = "Kim Tran"
is_host = true
email = "kim@example.com"

[[events]]
at = 1.0
who = "Kim Tran"
say = "Welcome everyone, let's wait for the others."

[[events]]
after = 3600
end = true
"""
"""Played in the seeded meetings: they stay live for the whole run, so their controls can
answer 200 (and not only 409 for a meeting that is over)."""


@dataclass(frozen=True)
class Seeded:
    """What the contract run may use: a token and ids of records that exist."""

    base_url: str
    token: str
    meeting_url: str
    """A meeting whose bots stay in the call for the whole run."""
    bot_id: str
    integration_id: str
    session_id: str
    receiving: tuple[str, str, str]
    """Integration id, session id and realtime token of the receiver's session."""
    leave_session_id: str
    """A second live session, for ``leave`` (which ends it) to act on."""
    spare_bot_ids: list[str]
    spare_integration_ids: list[str]
    """Records nothing else uses, for the delete operations."""
    webhook_id: str
    delivery_id: str
    spare_webhook_ids: list[str]


def _env(data_dir: Path, api_port: int, sim_port: int, db_url: str | None) -> dict[str, str]:
    env = clean_env(
        DELEGATE_DATA_DIR=str(data_dir),
        DELEGATE_API__PORT=str(api_port),
        DELEGATE_API__PUBLIC_URL=f"http://127.0.0.1:{api_port}",
        DELEGATE_RECALL__BASE_URL=f"http://127.0.0.1:{sim_port}",
        DELEGATE_LLM__BRAIN="offline",
        # Schemathesis sends thousands of requests, many with a wrong token (ignored_auth),
        # from one address: with the limits on, the rest of the run would be answered 429.
        # The limits have their own tests (tests/api/test_rate_limits*.py), and their 429s are
        # checked against this document there (test_rate_limits_contract.py).
        DELEGATE_LIMITS__AUTH_FAILURES_PER_MINUTE="0",
        DELEGATE_LIMITS__INITIATES_PER_MINUTE="0",
    )
    if db_url:
        env["DELEGATE_DB__URL"] = db_url
    return env


def _delegate(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "delegate", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


async def _answering(server: Server, timeout_s: float = 60) -> None:
    """Wait until ``server`` answers HTTP at all (the simulator has no health route)."""
    deadline = time.monotonic() + timeout_s
    async with httpx2.AsyncClient(timeout=2) as http:
        while time.monotonic() < deadline:
            if server.proc.poll() is not None:
                raise RuntimeError(f"{server.name} exited:\n{server.log_tail()}")
            try:
                await http.get(f"{server.base_url}/api/v1/bot/")
                return
            except httpx2.TransportError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{server.name} did not answer within {timeout_s:.0f} s")


async def _ok(response: Any) -> dict[str, Any]:
    answer = await response
    if answer.status_code != 200:
        raise RuntimeError(f"seeding failed: {answer.status_code} {answer.text}")
    return answer.json()  # type: ignore[no-any-return]


async def _realtime_token(sim: Server, recall_bot_id: str) -> str:
    """The session's realtime token, from the endpoint URL the simulator was given (as Recall
    knows it; the API never shows it)."""
    async with httpx2.AsyncClient(timeout=30) as http:
        bot = (
            await http.get(
                f"{sim.base_url}/api/v1/bot/{recall_bot_id}/",
                headers={"Authorization": f"Token {SIM_KEY}"},
            )
        ).json()
    url = bot["recording_config"]["realtime_endpoints"][0]["url"]
    return parse_qs(urlsplit(url).query)["token"][0]


async def _receiving_session(serve: Server, sim: Server, token: str) -> tuple[str, str, str]:
    """``(integration id, session id, realtime token)`` of a live session in an account of its
    own, for the realtime receiver: the run's account cannot list or delete it. (Deliveries
    to a session deleted moments before still fail with a 500, a known defect of the
    receiver's token cache left for its own change.)"""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx2.AsyncClient(
        base_url=f"{serve.base_url}/v1", headers=headers, timeout=60
    ) as api:
        bot = await _ok(api.post("/bot/create", json={"name": "Ada"}))
        body = {"name": "Receiver", "botId": bot["id"], "apiKey": SIM_KEY}
        integration = await _ok(api.post("/integration/recall/create", json=body))
        started = await _ok(
            api.post(
                f"/integration/recall/{integration['id']}/initiate",
                json={"meetingUrl": MEETING_URL, "text": "Notes."},
            )
        )
    secret = await _realtime_token(sim, started["bot"]["id"])
    return integration["id"], started["sessionId"], secret


async def _seed(serve: Server, sim: Server, token: str, receiver_token: str) -> Seeded:
    headers = {"Authorization": f"Bearer {token}"}
    base = f"{serve.base_url}/v1"
    receiving = await _receiving_session(serve, sim, receiver_token)
    async with httpx2.AsyncClient(base_url=base, headers=headers, timeout=60) as api:

        async def bot(name: str) -> str:
            return (await _ok(api.post("/bot/create", json={"name": name})))["id"]

        async def integration(name: str, bot_id: str) -> str:
            body = {"name": name, "botId": bot_id, "apiKey": SIM_KEY}
            return (await _ok(api.post("/integration/recall/create", json=body)))["id"]

        bot_id = await bot("Ada")
        integration_id = await integration("Simulator", bot_id)
        sessions = [
            await _ok(
                api.post(
                    f"/integration/recall/{integration_id}/initiate",
                    json={"meetingUrl": MEETING_URL, "text": "Notes."},
                )
            )
            for _ in range(2)
        ]
        spare_bots = [await bot(f"Spare {n}") for n in range(3)]
        spare_integrations = [await integration(f"Spare {n}", bot_id) for n in range(3)]

        async def webhook() -> str:
            body = {"url": "https://hooks.example.com/delegate"}
            return (await _ok(api.post("/webhook/create", json=body)))["id"]

        webhook_id = await webhook()
        delivery_id = (await _ok(api.post(f"/webhook/{webhook_id}/test", json={})))["deliveryId"]
        spare_webhooks = [await webhook() for _ in range(3)]
    return Seeded(
        base_url=serve.base_url,
        token=token,
        meeting_url=MEETING_URL,
        bot_id=bot_id,
        integration_id=integration_id,
        session_id=sessions[0]["sessionId"],
        receiving=receiving,
        leave_session_id=sessions[1]["sessionId"],
        spare_bot_ids=spare_bots,
        spare_integration_ids=spare_integrations,
        webhook_id=webhook_id,
        delivery_id=delivery_id,
        spare_webhook_ids=spare_webhooks,
    )


@asynccontextmanager
async def live_stack(work_dir: Path, db_url: str | None = None) -> AsyncIterator[Seeded]:
    """Start the simulator and the server (SQLite in ``work_dir``, or ``db_url``), seed them,
    and stop both at the end. Their logs are ``work_dir/sim.log`` and ``serve.log``."""
    api_port, sim_port = free_port(), free_port()
    env = _env(work_dir / "data", api_port, sim_port, db_url)
    script = work_dir / "long-meeting.toml"
    script.write_text(LONG_MEETING)
    if db_url:
        _delegate(env, "db", "upgrade")
    token = _delegate(env, "token", "create", "--account", "contract").splitlines()[0]
    receiver_token = _delegate(env, "token", "create", "--account", "recall").splitlines()[0]
    sim_args = ["--port", str(sim_port), "--api-key", SIM_KEY]
    sim_args += ["--script-for", f"{LIVE_MEETING}={script}"]
    servers: list[Server] = []
    try:
        sim = start(
            "sim", ["-m", "delegate", "sim", *sim_args], env, sim_port, work_dir / "sim.log", None
        )
        servers.append(sim)
        await _answering(sim)
        serve = start(
            "serve", ["-m", "delegate", "serve"], env, api_port, work_dir / "serve.log", None
        )
        servers.append(serve)
        await serve.wait_ready(timeout_s=60)
        yield await _seed(serve, sim, token, receiver_token)
    finally:
        for server in reversed(servers):
            server.stop()
