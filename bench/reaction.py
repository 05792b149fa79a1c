"""Reaction: a chat message addressed to the bot leaves the simulated meeting; how long until
the reply request (``send_chat_message``) reaches the simulated Recall?

A real ``delegate serve`` (offline brain, so no model time) is pointed at the Recall
simulator, which runs in this process under uvicorn. ``initiate`` sends a bot into a scripted
meeting where people talk and, every few seconds, someone asks the bot something in the chat.
Both timestamps are taken here, on one clock: when the simulator starts posting the question
to the receiver (an httpx transport wrapper), and when the reply request arrives at the
simulator (an ASGI wrapper). Optionally other meetings load the server at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx2
import orjson
import uvicorn

from bench import conversation, ingest, processes
from bench.bare_app import Receive, Scope, Send
from bench.fixtures import BOT_NAME, bench_settings, prepare, server_env
from bench.load import LoadConfig, Plan, drive
from bench.options import Options
from bench.stats import summary_ms
from delegate.sim import Script, Simulator
from delegate.sim.scripts import JoinTiming, ScriptEvent, speech_duration

SPEED = 10.0
"""The meeting plays ten times faster than real time: a question every ~0.6 s."""
QUESTIONS = (
    ("everyone", "{bot}, who is here?"),
    ("only_bot", "Can you give me a quick recap so far?"),
    ("only_bot", "What did Dana say about pricing?"),
)
FILLER = "Okay, let's keep going with the next item on the list."
REPLY_WAIT_S = 15.0


@dataclass
class Probe:
    """Question and reply timestamps (``time.perf_counter()``), first attempt only."""

    questions: dict[str, float] = field(default_factory=dict)
    replies: list[float] = field(default_factory=list)

    def wrap(self, app: Any) -> Any:
        async def probed(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"].rstrip("/").endswith("/send_chat_message"):
                self.replies.append(time.perf_counter())
            await app(scope, receive, send)

        return probed

    def latencies(self) -> tuple[list[float], int, int]:
        """Each reply paired with the oldest unanswered question before it; returns the
        reaction times, unanswered questions and replies without a question."""
        pending = sorted(self.questions.values())
        reactions: list[float] = []
        extra = 0
        for reply in sorted(self.replies):
            if pending and pending[0] <= reply:
                reactions.append(reply - pending.pop(0))
            else:
                extra += 1
        return reactions, len(pending), extra


class ProbeTransport(httpx2.AsyncBaseTransport):
    """The simulator's outbound transport: notes when each human chat line is posted."""

    def __init__(self, probe: Probe, bot_name: str) -> None:
        self._inner = httpx2.AsyncHTTPTransport()
        self._probe = probe
        self._bot_name = bot_name

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.content
        if b"participant_events.chat_message" in body:
            msg_id = request.headers.get("webhook-id", "")
            data = orjson.loads(body)
            if data["data"]["data"]["participant"]["name"] != self._bot_name:
                self._probe.questions.setdefault(msg_id, time.perf_counter())
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def script(questions: int) -> Script:
    people = conversation.PEOPLE[:3]
    events: list[ScriptEvent] = []
    t = 1.0
    for k in range(questions):
        duration = speech_duration(FILLER)
        events.append(ScriptEvent(t, "say", people[k % 3], FILLER, duration=duration))
        t += duration + 0.5
        to, text = QUESTIONS[k % len(QUESTIONS)]
        events.append(ScriptEvent(t, "chat", people[(k + 1) % 3], text, to=to))
        t += 1.0
    events.append(ScriptEvent(t + 3.0, "end", sub_code="call_ended_by_host"))
    return Script(
        name="reaction",
        title="Questions to the bot",
        platform="zoom",
        participants=people,
        events=tuple(events),
        join=JoinTiming(0.5, 0.0, 0.5),
    )


async def run(opts: Options) -> dict[str, Any]:
    out: dict[str, Any] = {"questions": opts.questions, "speed": SPEED}
    out["idle"] = await _measure(opts, "reaction-idle", background=0)
    if not opts.quick:
        load = min(opts.meetings, 100)
        out["under_load"] = await _measure(opts, "reaction-load", background=load)
    return out


async def _measure(
    opts: Options, name: str, background: int, webhook_url: str | None = None
) -> dict[str, Any]:
    """One reaction run; with ``webhook_url`` the account has an endpoint there, receiving
    every event of the meeting (``bench/webhooks.py`` points it at one that never answers)."""
    with opts.database(name) as (data_dir, db_url):
        fixture = await prepare(bench_settings(data_dir, db_url), background)
        probe = Probe()
        sim_port, port = processes.free_port(), processes.free_port()
        outbound = httpx2.AsyncClient(transport=ProbeTransport(probe, BOT_NAME), timeout=15)
        sim = Simulator(
            api_keys={"sim-key"},
            workspace_secret=fixture.webhook_secret,
            webhook_url=f"http://127.0.0.1:{port}/v1/integration/recall/"
            f"{fixture.integration_id}/webhook",
            outbound=outbound,
            speed=SPEED,
            default_script=script(opts.questions),
        )
        sim_server = uvicorn.Server(
            uvicorn.Config(
                probe.wrap(sim.app),
                host="127.0.0.1",
                port=sim_port,
                log_level="warning",
                lifespan="off",
            )
        )
        sim_task = asyncio.create_task(sim_server.serve())
        env = server_env(
            data_dir,
            db_url,
            port,
            DELEGATE_RECALL__BASE_URL=f"http://127.0.0.1:{sim_port}",
            DELEGATE_WEBHOOKS__ALLOW_PRIVATE_ADDRESSES="true",
        )
        server = processes.start(
            "delegate serve",
            ["-m", "delegate", "serve"],
            processes.clean_env(**env),
            port,
            opts.workdir / name / "delegate.log",
            core=processes.SERVER_CORE if opts.pin else None,
        )
        # On PostgreSQL serve only stores and defers: one worker processes, as deployed.
        worker = (
            processes.start(
                "delegate worker",
                ["-m", "delegate", "worker"],
                processes.clean_env(**env),
                0,
                opts.workdir / name / "worker.log",
                core=None,
            )
            if db_url
            else None
        )
        load_task: asyncio.Task[Any] | None = None
        try:
            await server.wait_ready()
            if background:
                load_task = asyncio.create_task(_background(fixture, port, opts))
                await asyncio.sleep(1.0)
            started = time.perf_counter()
            async with httpx2.AsyncClient(base_url=server.base_url, timeout=30) as api:
                if webhook_url:
                    hook = await api.post(
                        "/v1/webhook/create",
                        json={"url": webhook_url},
                        headers={"Authorization": f"Bearer {fixture.api_token}"},
                    )
                    hook.raise_for_status()
                r = await api.post(
                    f"/v1/integration/recall/{fixture.integration_id}/initiate",
                    json={"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes."},
                    headers={"Authorization": f"Bearer {fixture.api_token}"},
                )
                r.raise_for_status()
                bot_id = r.json()["bot"]["id"]
            meeting_s = script(opts.questions).length_s / SPEED
            with contextlib.suppress(TimeoutError):
                await sim.wait_until_done(bot_id, timeout=meeting_s + 60)
            waited = time.perf_counter()
            while len(probe.replies) < len(probe.questions):
                if time.perf_counter() - waited > REPLY_WAIT_S:
                    break
                await asyncio.sleep(0.1)
            elapsed = time.perf_counter() - started
        finally:
            if load_task is not None:
                load_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await load_task
            server.stop()
            if worker is not None:
                worker.stop()
            sim_server.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sim_task, 10)
            await sim.aclose()
            await outbound.aclose()
    reactions, unanswered, extra = probe.latencies()
    return {
        "background_meetings": background,
        "questions_sent": len(probe.questions),
        "replies": len(probe.replies),
        "unanswered": unanswered,
        "unpaired_replies": extra,
        "reaction": summary_ms(reactions),
        "elapsed_s": round(elapsed, 1),
        "processing": "delegate worker (1)" if db_url else "in-process (same server)",
        "pinned": server.pinned,
    }


async def _background(fixture: Any, port: int, opts: Options) -> None:
    moments = ingest.template()
    rng = random.Random(5)
    plans = [
        Plan(m.target, m.ids, m.metadata, rng.randrange(len(moments))) for m in fixture.meetings
    ]
    seconds = script(opts.questions).length_s / SPEED + 30
    await drive(
        "127.0.0.1",
        port,
        plans,
        moments,
        fixture.webhook_secret,
        LoadConfig("paced", seconds, warmup_s=0.0, rate=opts.rate),
    )
