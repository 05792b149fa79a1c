"""SSE fan-out: what watching meetings in the dashboard costs the server, and how fast an
event reaches a watching browser.

One real ``delegate serve`` gets the paced load of N live meetings (the ingest template:
partials, finals, speech on/off, chat, joins) twice per round: unwatched, then with one SSE
client per meeting on the dashboard's live feed, as N browser tabs would. The server's CPU is
sampled over each window; rounds alternate so drift on the machine hits both sides.

While watched, probe deliveries with unique words go into the first meeting (a partial line
and a final line, in turn); the time from the probe's acknowledgement to its fragment arriving
on that meeting's SSE stream is the event-to-client latency. Both ends are in this process, on
one clock.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx2
import orjson

from bench import ingest, processes
from bench.fixtures import Meeting, bench_settings, prepare, server_env
from bench.httpclient import HttpConnection
from bench.load import LoadConfig, LoadResult, Plan, drive
from bench.options import Options
from bench.payloads import RenderedMoment, body
from bench.stats import ratio, summary_ms
from delegate.adapters.recall.signatures import new_message_id, sign_headers

MEETINGS = 50
QUICK_MEETINGS = 10
ROUNDS = 3
PROBE_EVERY_S = 0.1
PROBE_SPEAKER = {"id": 990, "name": "Probe", "is_host": False, "platform": "desktop"}
PROBE_WORD = re.compile(r"probe\d+x\d+")
CPU_TARGET = 1.10
P99_TARGET_MS = 200.0


@dataclass
class Probes:
    acked: dict[str, tuple[str, float]] = field(default_factory=dict)
    """Probe word → (kind, acknowledgement time)."""
    seen: dict[str, float] = field(default_factory=dict)
    messages: int = 0

    def latencies(self, kind: str | None = None) -> list[float]:
        return [
            self.seen[word] - at
            for word, (k, at) in self.acked.items()
            if word in self.seen and (kind is None or k == kind)
        ]


def _probe_moment(word: str, final: bool, n: int) -> RenderedMoment:
    # Ten simulated seconds apart: each final probe is a turn of its own, as a new speaker's is.
    stamp = {"absolute": "2026-01-01T09:00:00.000000Z", "relative": n * 10.0}
    inner = {
        "words": [{"text": word, "start_timestamp": stamp, "end_timestamp": stamp}],
        "participant": {**PROBE_SPEAKER, "extra_data": {}, "email": None},
    }
    event = "transcript.data" if final else "transcript.partial_data"
    return RenderedMoment(n * 10.0, event, orjson.dumps(inner))


async def _send_probes(
    port: int, meeting: Meeting, secret: str, probes: Probes, seconds: float
) -> None:
    conn = HttpConnection("127.0.0.1", port, 10.0)
    await conn.connect()
    try:
        deadline = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            final = n % 2 == 0
            word = f"probe{n}x{random.randrange(10**6)}"
            payload = body(_probe_moment(word, final, n), meeting.ids, meeting.metadata)
            headers = {"Content-Type": "application/json"}
            headers.update(sign_headers(secret, payload, msg_id=new_message_id()))
            status, _ = await conn.post(meeting.target, headers, payload)
            if 200 <= status < 300:
                probes.acked[word] = ("final" if final else "partial", time.perf_counter())
            await asyncio.sleep(PROBE_EVERY_S)
    finally:
        await conn.close()


async def _watch(
    client: httpx2.AsyncClient, session_id: str, probes: Probes | None, opened: asyncio.Event
) -> None:
    async with client.stream("GET", f"/meetings/{session_id}/live") as response:
        response.raise_for_status()
        opened.set()
        if probes is None:
            # Read and dropped as cheaply as possible: the harness shares its core with the
            # load generator, whose timing shapes the server's group commits.
            async for _ in response.aiter_raw():
                pass
            return
        async for line in response.aiter_lines():
            if not line.startswith("data:"):
                continue
            probes.messages += 1
            now = time.perf_counter()
            for word in PROBE_WORD.findall(line):
                probes.seen.setdefault(word, now)


async def _watched_load(
    server: processes.Server,
    port: int,
    meetings: list[Meeting],
    token: str,
    secret: str,
    plans: list[Plan],
    moments: list[RenderedMoment],
    config: LoadConfig,
) -> tuple[LoadResult, Probes, int]:
    probes = Probes()
    limits = httpx2.Limits(max_connections=len(meetings) + 5)
    async with httpx2.AsyncClient(
        base_url=server.base_url,
        cookies={"delegate_session": token},
        timeout=httpx2.Timeout(10.0, read=None),
        limits=limits,
    ) as client:
        opened = [asyncio.Event() for _ in meetings]
        watchers = [
            asyncio.create_task(_watch(client, m.session_id, probes if i == 0 else None, e))
            for i, (m, e) in enumerate(zip(meetings, opened, strict=True))
        ]
        try:
            async with asyncio.timeout(30):
                await asyncio.gather(*(e.wait() for e in opened))
            prober = asyncio.create_task(
                _send_probes(port, meetings[0], secret, probes, config.seconds)
            )
            result, _ = await drive(
                "127.0.0.1", port, plans, moments, secret, config, server_pid=server.pid
            )
            await prober
            await asyncio.sleep(1.0)  # the last probes' fragments are still on their way
        finally:
            for task in watchers:
                task.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
    return result, probes, sum(e.is_set() for e in opened)


async def run(opts: Options) -> dict[str, Any]:
    count = QUICK_MEETINGS if opts.quick else MEETINGS
    moments = ingest.template()
    rng = random.Random(11)
    with opts.database("sse") as (data_dir, db_url):
        fixture = await prepare(bench_settings(data_dir, db_url), count)
        port = processes.free_port()
        server = processes.start(
            "delegate serve",
            ["-m", "delegate", "serve"],
            processes.clean_env(**server_env(data_dir, db_url, port)),
            port,
            opts.workdir / "sse" / "delegate.log",
            core=processes.SERVER_CORE if opts.pin else None,
        )
        plans = [
            Plan(m.target, m.ids, m.metadata, rng.randrange(len(moments))) for m in fixture.meetings
        ]
        warmup = min(2.0, opts.seconds / 4)
        config = LoadConfig("paced", opts.seconds, warmup_s=warmup, rate=opts.rate)
        unwatched: list[LoadResult] = []
        watched: list[LoadResult] = []
        probes = Probes()
        clients = 0
        try:
            await server.wait_ready()
            for _ in range(1 if opts.quick else ROUNDS):
                # The probes go in unwatched too: both windows carry the same deliveries.
                prober = asyncio.create_task(
                    _send_probes(
                        port, fixture.meetings[0], fixture.webhook_secret, Probes(), opts.seconds
                    )
                )
                result, _ = await drive(
                    "127.0.0.1",
                    port,
                    plans,
                    moments,
                    fixture.webhook_secret,
                    config,
                    server_pid=server.pid,
                )
                await prober
                unwatched.append(result)
                result, round_probes, clients = await _watched_load(
                    server,
                    port,
                    fixture.meetings,
                    fixture.api_token,
                    fixture.webhook_secret,
                    plans,
                    moments,
                    config,
                )
                watched.append(result)
                probes.acked.update(round_probes.acked)
                probes.seen.update(round_probes.seen)
                probes.messages += round_probes.messages
        finally:
            server.stop()
    return _summary(count, clients, unwatched, watched, probes)


def _mean_cpu(results: list[LoadResult]) -> float | None:
    values = [r.server_cpu_percent for r in results if r.server_cpu_percent is not None]
    return sum(values) / len(values) if values else None


def _summary(
    count: int,
    clients: int,
    unwatched: list[LoadResult],
    watched: list[LoadResult],
    probes: Probes,
) -> dict[str, Any]:
    cpu_unwatched, cpu_watched = _mean_cpu(unwatched), _mean_cpu(watched)
    return {
        "meetings": count,
        "sse_clients": clients,
        "rounds": len(watched),
        "events_per_s": round(sum(r.events_per_s for r in watched) / max(1, len(watched)), 1),
        "server_cpu_percent": {
            "unwatched": None if cpu_unwatched is None else round(cpu_unwatched, 1),
            "watched": None if cpu_watched is None else round(cpu_watched, 1),
            "per_round_unwatched": [r.server_cpu_percent for r in unwatched],
            "per_round_watched": [r.server_cpu_percent for r in watched],
        },
        "cpu_ratio_watched_vs_unwatched": ratio(cpu_watched, cpu_unwatched),
        "probes_acked": len(probes.acked),
        "probes_seen": len(probes.seen),
        "probe_meeting_messages": probes.messages,
        "event_to_client": summary_ms(probes.latencies()),
        "event_to_client_partial": summary_ms(probes.latencies("partial")),
        "event_to_client_final": summary_ms(probes.latencies("final")),
    }


def target_rows(sse: dict[str, Any], num: Any, met: Any) -> list[str]:
    """The benchmark's rows of the report's targets table."""
    r = sse["cpu_ratio_watched_vs_unwatched"]
    cpu = sse["server_cpu_percent"]
    p99 = sse["event_to_client"]["p99_ms"]
    return [
        f"| SSE: {sse['sse_clients']} watchers of {sse['meetings']} live meetings cost ≤ 10% "
        f"more server CPU | {num(cpu['watched'], '%')} = {num(r, 'x', 3)} "
        f"| {num(cpu['unwatched'], '%')} unwatched | {met(r is not None and r <= CPU_TARGET)} |",
        f"| SSE: event → watching client p99 < {P99_TARGET_MS:g} ms (from its acknowledgement) "
        f"| {num(p99, ' ms')} ({sse['probes_seen']} / {sse['probes_acked']} probes seen) | - "
        f"| {met(p99 is not None and p99 < P99_TARGET_MS)} |",
    ]


def section(sse: dict[str, Any], num: Any) -> list[str]:
    lines = [
        f"### SSE fan-out ({sse['meetings']} paced meetings, {sse['events_per_s']} events/s; "
        f"{sse['sse_clients']} SSE clients while watched; {sse['rounds']} rounds)",
        "",
        "| | p50 | p95 | p99 | max | count |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, label in (
        ("event_to_client", "event → client, all probes"),
        ("event_to_client_partial", "partial line (from the receiver)"),
        ("event_to_client_final", "final line (through the drain)"),
    ):
        s = sse[key]
        lines.append(
            f"| {label} | {num(s['p50_ms'], ' ms')} | {num(s['p95_ms'], ' ms')} "
            f"| {num(s['p99_ms'], ' ms')} | {num(s['max_ms'], ' ms')} | {s['count']} |"
        )
    cpu = sse["server_cpu_percent"]
    lines += [
        "",
        f"Server CPU per round, unwatched {cpu['per_round_unwatched']} %, watched "
        f"{cpu['per_round_watched']} %.",
        "",
    ]
    return lines
