"""Voice: a question asked aloud ends; how long until the first byte of the spoken answer
(``POST output_audio``) reaches the simulated Recall? And how fast does each engine
synthesise (real-time factor)?

A real ``delegate serve`` (offline brain, so no model time; text-to-speech included, it is
what is measured) is pointed at the Recall simulator, which runs in this process under
uvicorn. Participants talk; every few seconds one asks the delegate a question whose answer
is one sentence ("who is here?"). Both timestamps are taken here, on one clock: when the
simulator starts posting the question's final transcript (the end of the speech) to the
receiver, and when the first ``output_audio`` request after it arrives at the simulator.

    python -m bench voice [--questions N] [--voice piper] [--no-pin]
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import orjson
import uvicorn

from bench import conversation, processes
from bench.bare_app import Receive, Scope, Send
from bench.fixtures import BOT_NAME, bench_settings, prepare, server_env
from bench.stats import summary_ms
from delegate.sim import Script, Simulator
from delegate.sim.scripts import JoinTiming, ScriptEvent, speech_duration

SPEED = 4.0
QUESTION = "{bot}, who is here?"
FILLER = "Okay, let's keep going with the next item on the list."
GAP_S = 12.0
"""Simulated seconds after each question: the one-sentence answer plays out before the next."""
TARGET_P99_MS = 700.0
RTF_SENTENCE = "In the meeting now: Dana Lee, the host, Sam Ortiz and Grace Miller."
RTF_RUNS = 5


@dataclass
class Probe:
    questions: list[float] = field(default_factory=list)
    audio: list[float] = field(default_factory=list)

    def wrap(self, app: Any) -> Any:
        async def probed(scope: Scope, receive: Receive, send: Send) -> None:
            path = scope.get("path", "").rstrip("/")
            if (
                scope["type"] == "http"
                and scope["method"] == "POST"
                and path.endswith("/output_audio")
            ):
                self.audio.append(time.perf_counter())
            await app(scope, receive, send)

        return probed

    def latencies(self) -> tuple[list[float], int]:
        """For each question, the first audio after it (and before the next question)."""
        found: list[float] = []
        bounds = [*self.questions, float("inf")]
        for asked, next_asked in itertools.pairwise(bounds):
            first = next((t for t in self.audio if asked <= t < next_asked), None)
            if first is not None:
                found.append(first - asked)
        return found, len(self.questions) - len(found)


class ProbeTransport(httpx2.AsyncBaseTransport):
    """The simulator's outbound transport: notes when each question's final transcript goes."""

    def __init__(self, probe: Probe) -> None:
        self._inner = httpx2.AsyncHTTPTransport()
        self._probe = probe

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.content
        if b'"transcript.data"' in body:
            inner = orjson.loads(body)["data"]["data"]
            said = " ".join(word["text"] for word in inner["words"])
            if "who is here" in said and inner["participant"]["name"] != BOT_NAME:
                self._probe.questions.append(time.perf_counter())
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
        events.append(
            ScriptEvent(t, "say", people[(k + 1) % 3], QUESTION, duration=speech_duration(QUESTION))
        )
        t += GAP_S
    events.append(ScriptEvent(t + 3.0, "end", sub_code="call_ended_by_host"))
    return Script(
        name="voice",
        title="Questions asked aloud",
        platform="zoom",
        participants=people,
        events=tuple(events),
        join=JoinTiming(0.5, 0.0, 0.5),
    )


async def real_time_factor(voice: str) -> dict[str, Any]:
    """Synthesis time over audio length for one sentence, best of a few runs (in this
    process, after a warm-up that loads the model)."""
    from delegate.bootstrap import build_voice
    from delegate.config import Settings

    async with httpx2.AsyncClient() as http:
        catalog = build_voice(Settings(), http).catalog
        engine, name = catalog.resolve(voice)
        await engine.synthesize(RTF_SENTENCE, name)
        runs = []
        for _ in range(RTF_RUNS):
            started = time.perf_counter()
            speech = await engine.synthesize(RTF_SENTENCE, name)
            runs.append((time.perf_counter() - started, speech.duration_s))
    best = min(runs)
    return {
        "voice": f"{engine.name}:{name}",
        "sentence_words": len(RTF_SENTENCE.split()),
        "audio_s": round(best[1], 2),
        "synthesis_ms": round(best[0] * 1000, 1),
        "rtf": round(best[0] / best[1], 3),
    }


async def measure(questions: int, voice: str, pin: bool, workdir: Path) -> dict[str, Any]:
    data_dir = workdir / "voice"
    fixture = await prepare(bench_settings(data_dir, None), 0)
    probe = Probe()
    sim_port, port = processes.free_port(), processes.free_port()
    outbound = httpx2.AsyncClient(transport=ProbeTransport(probe), timeout=15)
    sim = Simulator(
        api_keys={"sim-key"},
        workspace_secret=fixture.webhook_secret,
        webhook_url=f"http://127.0.0.1:{port}/v1/integration/recall/"
        f"{fixture.integration_id}/webhook",
        outbound=outbound,
        speed=SPEED,
        default_script=script(questions),
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
    env = server_env(data_dir, None, port, DELEGATE_RECALL__BASE_URL=f"http://127.0.0.1:{sim_port}")
    server = processes.start(
        "delegate serve",
        ["-m", "delegate", "serve"],
        processes.clean_env(**env),
        port,
        workdir / "voice" / "delegate.log",
        core=processes.SERVER_CORE if pin else None,
    )
    try:
        await server.wait_ready()
        async with httpx2.AsyncClient(base_url=server.base_url, timeout=60) as api:
            r = await api.post(
                f"/v1/integration/recall/{fixture.integration_id}/initiate",
                json={
                    "meetingUrl": "https://zoom.us/j/1234567890",
                    "text": "Take notes.",
                    "replyMode": "voice",
                    "voice": voice,
                },
                headers={"Authorization": f"Bearer {fixture.api_token}"},
            )
            r.raise_for_status()
            bot_id = r.json()["bot"]["id"]
        meeting_s = script(questions).length_s / SPEED
        with contextlib.suppress(TimeoutError):
            await sim.wait_until_done(bot_id, timeout=meeting_s + 60)
        clips = sim.bot(bot_id).audio_outputs
    finally:
        server.stop()
        sim_server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(sim_task, 10)
        await sim.aclose()
        await outbound.aclose()
    latencies, unanswered = probe.latencies()
    return {
        "questions": len(probe.questions),
        "unanswered": unanswered,
        "first_audio": summary_ms(latencies),
        "answer_words": round(
            sum(len((c.text or "").split()) for c in clips) / max(1, len(clips)), 1
        ),
        "pinned": server.pinned,
    }


def main(questions: int, voice: str, pin: bool) -> None:
    pin = pin and processes.can_pin()
    if pin:
        processes.pin_self(processes.LOAD_CORE)
    with tempfile.TemporaryDirectory(prefix="delegate-bench-voice-") as scratch:
        result = asyncio.run(_both(questions, voice, pin, Path(scratch)))
    first = result["latency"]["first_audio"]
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    rtf = result["synthesis"]
    print(
        f"\nvoice {rtf['voice']}: speech end -> first audio byte at Recall "
        f"p50 {first['p50_ms']} ms, p99 {first['p99_ms']} ms over {first['count']} questions "
        f"(target p99 < {TARGET_P99_MS:g} ms; answers of ~{result['latency']['answer_words']} "
        f"words, one sentence); synthesis real-time factor {rtf['rtf']} "
        f"({rtf['synthesis_ms']} ms for {rtf['audio_s']} s of speech)"
    )


async def _both(questions: int, voice: str, pin: bool, workdir: Path) -> dict[str, Any]:
    return {
        "speed": SPEED,
        "latency": await measure(questions, voice, pin, workdir),
        "synthesis": await real_time_factor(voice),
    }
