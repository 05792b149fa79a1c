"""Runs the demo: the Recall simulator and the delegate server on free loopback ports (real
HTTP between them), an account, a bot, an integration, and one delegate sent into a scripted
meeting. The live view polls the public API like any client would."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx2
import uvicorn

from delegate.adapters.db.migrate import upgrade
from delegate.adapters.llm.openai_brain import check_model
from delegate.adapters.recall.signatures import new_secret
from delegate.api.app import create_app
from delegate.bootstrap import build
from delegate.config import ApiSettings, LlmSettings, RecallSettings, Settings, WebhookSettings
from delegate.demo.view import LiveView
from delegate.services.accounts import create_token
from delegate.sim import Simulator

MEETING_URL = "https://zoom.us/j/8675309000"
WEBHOOKS_WAIT_S = 15.0
"""How long the demo waits at the end for its last webhook deliveries."""
FINAL = ("ended", "failed")


@dataclass(frozen=True)
class DemoOptions:
    data_dir: Path
    script: str = "customer-call"
    speed: float = 10.0
    bot_name: str = "Ada"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    webhook_url: str | None = None
    """Push the meeting's events there (loopback allowed: the demo is for development)."""
    timeout_s: float = 300.0
    voice: bool = False
    """The delegate answers aloud; what it said is saved as MP3 files in ``audio_dir``."""
    audio_dir: Path | None = None
    """Where spoken answers go (default: ``data_dir/demo-audio``)."""
    stay: bool = False
    """Keep the server (and its dashboard) running after the meeting, until interrupted."""
    local_model: bool = False
    """Answer with SmolLM2 served by llama-cpp-python (the local-llm extra)."""


LOCAL_MODEL_TIMEOUT_S = 120.0
LOCAL_MODEL_REPLY_TOKENS = 64
LOCAL_MODEL_CONTEXT_TOKENS = 1024
"""A 135M model on two busy cores: a short prompt, short answers, and time to give them."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(app: Any, port: int) -> AsyncIterator[None]:
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                await task  # surfaces the start-up error
            await asyncio.sleep(0.02)
        yield
    finally:
        server.should_exit = True
        await task


def demo_settings(options: DemoOptions, api_port: int, sim_port: int) -> Settings:
    llm = LlmSettings(brain="offline")
    if options.llm_base_url:
        llm = LlmSettings(
            brain="llm",
            base_url=options.llm_base_url,
            model=options.llm_model or LlmSettings().model,
            **({"api_key": options.llm_api_key} if options.llm_api_key else {}),
        )
    if options.local_model:
        llm = llm.model_copy(
            update={
                "timeout_s": LOCAL_MODEL_TIMEOUT_S,
                "max_reply_tokens": LOCAL_MODEL_REPLY_TOKENS,
            }
        )
    return Settings(
        data_dir=options.data_dir,
        api=ApiSettings(port=api_port, public_url=f"http://127.0.0.1:{api_port}"),
        recall=RecallSettings(base_url=f"http://127.0.0.1:{sim_port}", poll_interval_s=5),
        llm=llm,
        webhooks=WebhookSettings(allow_private_addresses=bool(options.webhook_url)),
    )


async def run_demo(options: DemoOptions, view: LiveView) -> dict[str, Any]:
    """Run one meeting end to end; returns session, transcript and notes as the API gave them."""
    if not options.local_model:
        return await _run_demo(options, view)
    from delegate.adapters.llm.local_model import MODEL_NAME, local_model_server

    view.step(f"starting {MODEL_NAME} (llama-cpp-python, offline)")
    async with local_model_server() as base_url:
        view.step(f"{MODEL_NAME} is answering at {base_url}")
        return await _run_demo(replace(options, llm_base_url=base_url, llm_model=MODEL_NAME), view)


async def _run_demo(options: DemoOptions, view: LiveView) -> dict[str, Any]:
    api_port, sim_port = free_port(), free_port()
    settings = demo_settings(options, api_port, sim_port)
    if options.llm_base_url and not await check_model(settings.llm):
        view.step(
            f"The model at {options.llm_base_url} cannot be used (the warning above says why); "
            "the delegate answers with the offline brain until it can."
        )
    await asyncio.to_thread(upgrade, settings.database_url)
    secret = new_secret()
    outbound = httpx2.AsyncClient(timeout=10)
    sim = Simulator(
        workspace_secret=secret,
        outbound=outbound,
        speed=options.speed,
        default_script=options.script,
    )
    container = build(settings)
    base = f"http://127.0.0.1:{api_port}/v1"
    try:
        async with serving(sim.app, sim_port), serving(create_app(container), api_port):
            token = await create_token(container.uow, container.clock, "demo")
            view.step(
                f"Dashboard: http://127.0.0.1:{api_port}/ (sign in with the demo's token {token})"
            )
            async with httpx2.AsyncClient(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
            ) as api:
                integration_id = await _set_up(api, options, secret)
                webhook_id = await _subscribe(api, options, view)
                view.step(
                    f"Sending {options.bot_name} into {MEETING_URL} (script {options.script!r}, "
                    f"speed {options.speed:g}x)"
                )
                started = (
                    await _ok(
                        api.post(
                            f"/integration/recall/{integration_id}/initiate",
                            json={
                                "meetingUrl": MEETING_URL,
                                "botName": options.bot_name,
                                "text": "Keep notes, answer questions from participants briefly.",
                                **({"replyMode": "voice"} if options.voice else {}),
                            },
                        )
                    )
                ).json()
                session_path = (
                    f"/integration/recall/{integration_id}/session/{started['sessionId']}"
                )
                await _follow(api, session_path, view, options.timeout_s)
                await sim.wait_until_done(started["bot"]["id"], timeout=options.timeout_s)
                # The last words may be delivered after the call ended: shown before the end.
                await _show(api, session_path, view, end=True)
                notes = await _wait_for_notes(api, session_path, options.timeout_s)
                if webhook_id:
                    view.step(await _deliveries_done(api, webhook_id, WEBHOOKS_WAIT_S))
                if options.voice:
                    saved = save_spoken_audio(sim, started["bot"]["id"], options)
                    view.step(f"{len(saved)} spoken answers saved in {_audio_dir(options)}")
                result = {
                    "session": (await api.get(f"{session_path}/fetch")).json(),
                    "transcript": (await api.get(f"{session_path}/transcript")).json(),
                    "notes": notes,
                    "token": token,
                }
                if options.stay:
                    view.notes(result["notes"])
                    view.step("The server stays up for the dashboard; press Ctrl-C to stop.")
                    await asyncio.Event().wait()
    finally:
        await sim.aclose()
        await outbound.aclose()
        await container.aclose()
    view.notes(result["notes"])
    return result


def _audio_dir(options: DemoOptions) -> Path:
    return options.audio_dir or options.data_dir / "demo-audio"


def save_spoken_audio(sim: Simulator, bot_id: str, options: DemoOptions) -> list[Path]:
    """Every clip the delegate played, as ``01.mp3``, ``02.mp3``... with ``said.txt`` listing
    what each one said."""
    folder = _audio_dir(options)
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    lines: list[str] = []
    for number, clip in enumerate(sim.bot(bot_id).audio_outputs, start=1):
        path = folder / f"{number:02d}.mp3"
        path.write_bytes(clip.mp3)
        saved.append(path)
        lines.append(f"{path.name}\t{clip.sim_time:7.1f}s\t{clip.duration_s:5.1f}s\t{clip.text}")
    (folder / "said.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return saved


async def _ok(request: Any) -> httpx2.Response:
    response: httpx2.Response = await request
    if response.status_code >= 400:
        raise RuntimeError(f"{response.request.url.path}: {response.json().get('message')}")
    return response


async def _set_up(api: httpx2.AsyncClient, options: DemoOptions, secret: str) -> str:
    bot_id = (
        await _ok(
            api.post(
                "/bot/create",
                json={
                    "name": options.bot_name,
                    "backstory": "You are a concise, friendly meeting assistant.",
                    "model": options.llm_model or "",
                },
            )
        )
    ).json()["id"]
    integration_id: str = (
        await _ok(
            api.post(
                "/integration/recall/create",
                json={
                    "name": "Demo (simulated Recall)",
                    "botId": bot_id,
                    "apiKey": "sim-key",
                    "webhookSecret": secret,
                },
            )
        )
    ).json()["id"]
    # As a user would: our status webhook URL goes to the (simulated) Recall workspace.
    await _ok(api.post(f"/integration/recall/{integration_id}/setup", json={}))
    return integration_id


async def _subscribe(api: httpx2.AsyncClient, options: DemoOptions, view: LiveView) -> str | None:
    if not options.webhook_url:
        return None
    hook = (await _ok(api.post("/webhook/create", json={"url": options.webhook_url}))).json()
    view.step(
        f"Webhook {hook['id']}: the meeting's events go to {options.webhook_url}, "
        f"signed with {hook['secret']} (Standard Webhooks)"
    )
    return str(hook["id"])


async def _deliveries_done(api: httpx2.AsyncClient, webhook_id: str, timeout_s: float) -> str:
    """Wait (a little) for the last events to reach the receiver; say how it went."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        log = (await api.get(f"/webhook/{webhook_id}/delivery/list")).json()["items"]
        counts = Counter(d["status"] for d in log)
        if not counts["pending"] or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.1)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    errors = sorted({d["lastError"] for d in log if d["lastError"]})
    return f"Webhook deliveries: {summary or 'none'}" + (
        f" (last errors: {'; '.join(errors[:3])})" if errors else ""
    )


async def _show(api: httpx2.AsyncClient, path: str, view: LiveView, end: bool = False) -> str:
    """Show what is new in the session and return its status; the end of the meeting only
    with ``end``."""
    session = (await api.get(f"{path}/fetch")).json()
    transcript = (await api.get(f"{path}/transcript")).json()
    status: str = session["status"]
    if end or status not in FINAL:
        view.update(session, transcript["items"])
    return status


async def _follow(api: httpx2.AsyncClient, path: str, view: LiveView, timeout_s: float) -> None:
    """Show the meeting until it is over (its end is shown by the caller, once the last
    deliveries are in)."""
    async with asyncio.timeout(timeout_s):
        while True:
            if await _show(api, path, view) in FINAL:
                return
            await asyncio.sleep(0.2)


async def _wait_for_notes(api: httpx2.AsyncClient, path: str, timeout_s: float) -> dict[str, Any]:
    async with asyncio.timeout(timeout_s):
        while True:
            notes: dict[str, Any] = (await api.get(f"{path}/notes")).json()
            if notes["status"] == "ready":
                return notes
            await asyncio.sleep(0.2)
