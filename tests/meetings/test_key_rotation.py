"""``delegate keys add`` and ``keys reencrypt`` on a serving deployment, in the middle of a
meeting: no request fails, the meeting loses nothing, and the old key can then be dropped;
``keys reencrypt`` killed midway and run again breaks nothing either.
(Several processes on PostgreSQL: ``tests/pg/test_pg_key_rotation.py``.)"""

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
from sqlalchemy import create_engine, text

from delegate.adapters.db.migrate import sync_url
from delegate.adapters.recall.signatures import new_secret
from delegate.sim import ChatSent, DeliveryAbandoned, DeliveryAttempt, Simulator, parse_script
from tests.cli.test_serve import free_port
from tests.meetings.test_crash_restart import (
    QUESTIONS,
    questions_script,
    serve_simulator,
    start_server,
    token_for,
    wait_healthy,
)
from tests.support import make_settings, settings_env

MEETING = {"meetingUrl": "https://zoom.us/j/1234567890", "text": "Help out."}


def run_delegate(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "delegate", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextlib.asynccontextmanager
async def servers(envs: list[dict[str, str]]) -> AsyncIterator[None]:
    procs = [start_server(env) for env in envs]
    try:
        for env in envs:
            # Start-up on a busy machine with PostgreSQL has taken 25 s.
            await wait_healthy(env["DELEGATE_API__PUBLIC_URL"], timeout=120)
        yield
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=20)


@pytest.mark.slow
@pytest.mark.timeout(300)  # a server start-up on PostgreSQL has taken 25 s on a busy machine
async def test_rotating_keys_under_a_live_meeting_breaks_nothing(tmp_path: Path) -> None:
    sim_port = free_port()
    settings = make_settings(tmp_path)
    ports = [free_port()]
    envs = [
        settings_env(
            settings,
            DELEGATE_API__PORT=str(port),
            DELEGATE_API__PUBLIC_URL=f"http://127.0.0.1:{port}",
            DELEGATE_RECALL__BASE_URL=f"http://127.0.0.1:{sim_port}",
        )
        for port in ports
    ]
    token = token_for(envs[0])
    secret = new_secret()
    outbound = httpx2.AsyncClient()
    sim = Simulator(
        workspace_secret=secret,
        outbound=outbound,
        speed=4,
        default_script=parse_script(questions_script()),
    )
    apis = [
        httpx2.AsyncClient(
            base_url=f"{env['DELEGATE_API__PUBLIC_URL']}/v1",
            headers={"Authorization": f"Bearer {token}"},
        )
        for env in envs
    ]
    try:
        async with serve_simulator(sim, sim_port), servers(envs):
            api = apis[0]
            bot_id = (await api.post("/bot/create", json={"name": "Ada"})).json()["id"]
            integration_id = (
                await api.post(
                    "/integration/recall/create",
                    json={"botId": bot_id, "apiKey": "sim-key", "webhookSecret": secret},
                )
            ).json()["id"]
            initiate = f"/integration/recall/{integration_id}/initiate"
            started = (await api.post(initiate, json=MEETING)).json()
            recall_bot = started["bot"]["id"]
            async with asyncio.timeout(30):
                while len([e for e in sim.log(recall_bot) if isinstance(e, ChatSent)]) < 2:
                    await asyncio.sleep(0.02)

            await asyncio.to_thread(run_delegate, envs[0], "keys", "add")
            await asyncio.to_thread(run_delegate, envs[0], "keys", "reencrypt")
            after_rotation = [await a.post(initiate, json=MEETING) for a in apis]
            # The rotation's last step: the old key goes; only the new one is left.
            new_key = settings.key_file.read_text().splitlines()[0]
            settings.key_file.write_text(new_key + "\n")
            after_drop = [await a.post(initiate, json=MEETING) for a in apis]
            updated = await apis[-1].post(
                f"/integration/recall/{integration_id}/update", json={"apiKey": "sim-key"}
            )
            after_update = await api.post(initiate, json=MEETING)
            await sim.wait_until_done(recall_bot, timeout=60)
    finally:
        for client in apis:
            await client.aclose()
        await sim.aclose()
        await outbound.aclose()

    answers = [r.status_code for r in [*after_rotation, *after_drop, updated, after_update]]
    assert answers == [200] * len(answers), [r.text for r in after_rotation + after_drop]
    log = sim.log(recall_bot)
    realtime = [e for e in log if isinstance(e, DeliveryAttempt) and e.target == "realtime"]
    assert realtime and all(e.ok for e in realtime), "every delivery is accepted first time"
    assert not [e for e in log if isinstance(e, DeliveryAbandoned)]
    assert len([e for e in log if isinstance(e, ChatSent)]) == QUESTIONS


KILLED_RUNS = 4
OTHER_INTEGRATIONS = 400
"""Enough rows for several of reencrypt's transactions, so a kill can land between them."""


def rows_per_key(database_url: str) -> Counter[str]:
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as conn:
            tokens = conn.execute(text("select api_key_enc from recall_integrations")).scalars()
            return Counter(token.split(".")[1] for token in tokens if token)
    finally:
        engine.dispose()


def kill_midway(env: dict[str, str], database_url: str, key_id: str) -> tuple[int, int]:
    """Run ``delegate keys reencrypt`` and SIGKILL it as soon as some rows are on the new key
    ``key_id``; returns (rows on that key, rows) as it left them."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "delegate", "keys", "reencrypt"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    engine = create_engine(sync_url(database_url))
    query = text("select count(*) from recall_integrations where api_key_enc like :prefix")
    try:
        with engine.connect() as conn:
            while proc.poll() is None:
                if conn.execute(query, {"prefix": f"v1.{key_id}.%"}).scalar_one():
                    break
                conn.rollback()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        engine.dispose()
    per_key = rows_per_key(database_url)
    return per_key[key_id], sum(per_key.values())


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_sigkill_during_reencrypt_breaks_nothing(tmp_path: Path) -> None:
    sim_port, port = free_port(), free_port()
    settings = make_settings(tmp_path)
    env = settings_env(
        settings,
        DELEGATE_API__PORT=str(port),
        DELEGATE_API__PUBLIC_URL=f"http://127.0.0.1:{port}",
        DELEGATE_RECALL__BASE_URL=f"http://127.0.0.1:{sim_port}",
    )
    token = token_for(env)
    secret = new_secret()
    outbound = httpx2.AsyncClient()
    sim = Simulator(
        workspace_secret=secret,
        outbound=outbound,
        speed=2,
        default_script=parse_script(questions_script()),
    )
    api = httpx2.AsyncClient(
        base_url=f"{env['DELEGATE_API__PUBLIC_URL']}/v1",
        headers={"Authorization": f"Bearer {token}"},
    )
    answers: list[httpx2.Response] = []
    mixes: list[tuple[int, int]] = []
    try:
        async with serve_simulator(sim, sim_port), servers([env]):
            bot_id = (await api.post("/bot/create", json={"name": "Ada"})).json()["id"]
            integration_id = (
                await api.post(
                    "/integration/recall/create",
                    json={"botId": bot_id, "apiKey": "sim-key", "webhookSecret": secret},
                )
            ).json()["id"]
            for start in range(0, OTHER_INTEGRATIONS, 25):
                answers += await asyncio.gather(
                    *(
                        api.post(
                            "/integration/recall/create",
                            json={"name": f"i{n}", "apiKey": f"key-{n}", "webhookSecret": secret},
                        )
                        for n in range(start, start + 25)
                    )
                )
            initiate = f"/integration/recall/{integration_id}/initiate"
            started = (await api.post(initiate, json=MEETING)).json()
            recall_bot = started["bot"]["id"]
            async with asyncio.timeout(30):
                while not [e for e in sim.log(recall_bot) if isinstance(e, ChatSent)]:
                    await asyncio.sleep(0.02)

            for _ in range(KILLED_RUNS):
                # A new key each time, so each run has every row to do again.
                await asyncio.to_thread(run_delegate, env, "keys", "add")
                key_id = settings.key_file.read_text().split(":")[0]
                left = await asyncio.to_thread(kill_midway, env, settings.database_url, key_id)
                mixes.append(left)
                answers.append(await api.post(initiate, json=MEETING))
            await asyncio.to_thread(run_delegate, env, "keys", "reencrypt")
            # Only the new key is left: every secret must decrypt with it.
            new_key = settings.key_file.read_text().splitlines()[0]
            settings.key_file.write_text(new_key + "\n")
            await asyncio.to_thread(run_delegate, env, "keys", "reencrypt")
            answers.append(await api.post(initiate, json=MEETING))
            answers += [
                await api.get(f"/integration/recall/{r.json()['id']}/fetch") for r in answers[:5]
            ]
            await sim.wait_until_done(recall_bot, timeout=120)
    finally:
        await api.aclose()
        await sim.aclose()
        await outbound.aclose()

    assert [r.status_code for r in answers] == [200] * len(answers), [
        r.text for r in answers if r.status_code != 200
    ]
    assert len(rows_per_key(settings.database_url)) == 1, "every row is on the new key"
    log = sim.log(recall_bot)
    attempts = [e for e in log if isinstance(e, DeliveryAttempt)]
    assert attempts and all(e.status_code is not None and e.status_code < 500 for e in attempts)
    acked = {e.message_id for e in attempts if e.target == "realtime" and e.status_code == 200}
    engine = create_engine(sync_url(settings.database_url))
    with engine.connect() as conn:
        stored = {r[0] for r in conn.execute(text("select delivery_id from session_events"))}
    engine.dispose()
    assert acked <= stored, f"{len(acked - stored)} acknowledged events were lost"
    assert not [e for e in log if isinstance(e, DeliveryAbandoned)]
    chats = [e.text for e in log if isinstance(e, ChatSent)]
    assert not {text: n for text, n in Counter(chats).items() if n > 1}, "no duplicate reply"
    assert len(chats) == QUESTIONS
    midway = [done for done, total in mixes if 0 < done < total]
    assert midway, f"no run was killed midway ((rows re-encrypted, rows) after each: {mixes})"
