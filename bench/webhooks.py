"""Webhooks: what pushing every meeting's events to an endpoint costs, and how fast they arrive.

1. Delivery. N concurrent meetings (the ingest template, paced) against a real ``delegate
   serve``, twice on fresh databases with the same load: with no webhook endpoint, then with
   one endpoint (served by this process, answering 204) subscribed to every event. Reported:
   ingest throughput and acknowledgement p99 both ways (ratio), how long processing needs to
   catch up after the load, and for the endpoint the events delivered per second and the time
   from commit to the receiver's 2xx (the receiver's clock minus the event's ``createdAt``,
   taken by the server just before its commit; one machine, one clock).
2. A hanging receiver. The reaction benchmark (a question in the chat until the reply reaches
   Recall) with no endpoint, then with an endpoint that never answers; reply times compared.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import orjson
import uvicorn

from bench import processes, reaction
from bench.bare_app import Receive, Scope, Send
from bench.fixtures import bench_settings, prepare, server_env
from bench.ingest import describe, template, wait_for_drain
from bench.load import LoadConfig, Plan, drive
from bench.options import Options, database_url
from bench.payloads import RenderedMoment
from bench.stats import ratio, summary_ms
from bench.verify import Database

DRAIN_LIMIT_S = 60.0
DELIVERY_LIMIT_S = 60.0
PENDING = "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'"


class Sink:
    """The user's endpoint, in a process of its own (in the load generator's it would be
    starved by the load): answers 204 to each event, or with ``hang`` never, and appends
    ``<arrival epoch s> <createdAt ms>`` to ``record`` for every event it answered."""

    def __init__(self, record: Path, hang: bool) -> None:
        self._record = record.open("a", buffering=1)
        self._hang = hang

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        if scope["method"] == "POST":
            if self._hang:
                # Held until the sender gives up; the end of the run cancels what is left.
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.sleep(3600)
                return
            self._record.write(f"{time.time()} {orjson.loads(body)['createdAt']}\n")
        status = 204 if scope["method"] == "POST" else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def serve_sink(port: int, record: Path, hang: bool) -> None:
    """``python -m bench sink``: serve a ``Sink`` until SIGTERM."""
    app = Sink(record, hang)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    asyncio.run(uvicorn.Server(config).serve())


@dataclass
class Arrivals:
    """What the sink recorded: when each event arrived, and how long after its commit."""

    record: Path
    times: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    def read(self) -> Arrivals:
        self.times, self.latencies = [], []
        if self.record.exists():
            for line in self.record.read_text().splitlines():
                arrived, created_ms = line.split()
                self.times.append(float(arrived))
                self.latencies.append(float(arrived) - int(created_ms) / 1000)
        return self


@contextlib.asynccontextmanager
async def serving(
    opts: Options, name: str, hang: bool = False
) -> AsyncIterator[tuple[str, Arrivals]]:
    port = processes.free_port()
    record = opts.workdir / name / "arrivals.txt"
    record.parent.mkdir(parents=True, exist_ok=True)
    args = ["-m", "bench", "sink", "--port", str(port), "--record", str(record)]
    sink = processes.start(
        "webhook sink",
        [*args, *(["--hang"] if hang else [])],
        processes.clean_env(),
        port,
        opts.workdir / name / "sink.log",
        core=None,
    )
    try:
        await sink.wait_ready("/")
        yield f"http://127.0.0.1:{port}/hooks", Arrivals(record)
    finally:
        sink.stop()


async def run(opts: Options) -> dict[str, Any]:
    moments = template()
    out: dict[str, Any] = {"meetings": opts.meetings, "seconds": opts.seconds, "db": opts.db}
    out["no_endpoint"] = await _delivery(opts, moments, endpoint=None)
    async with serving(opts, "webhooks-sink") as (url, arrivals):
        out["endpoint"] = await _delivery(opts, moments, endpoint=(arrivals, url))
    none, one = out["no_endpoint"], out["endpoint"]
    out["ratios"] = {
        "events_per_s": ratio(one["load"]["events_per_s"], none["load"]["events_per_s"]),
        "ack_p99": ratio(
            one["load"]["ack_latency"]["p99_ms"], none["load"]["ack_latency"]["p99_ms"]
        ),
        "catch_up_s": ratio(one["drain_after_load_s"], none["drain_after_load_s"]),
    }
    out["reaction"] = await _reaction(opts)
    return out


async def _delivery(
    opts: Options, moments: list[RenderedMoment], endpoint: tuple[Arrivals, str] | None
) -> dict[str, Any]:
    name = "webhooks-endpoint" if endpoint else "webhooks-none"
    with opts.database(name) as (data_dir, db_url):
        fixture = await prepare(bench_settings(data_dir, db_url), opts.meetings)
        db = Database(database_url(data_dir, db_url))
        port = processes.free_port()
        env = server_env(data_dir, db_url, port, DELEGATE_WEBHOOKS__ALLOW_PRIVATE_ADDRESSES="true")
        server = processes.start(
            "delegate serve",
            ["-m", "delegate", "serve"],
            processes.clean_env(**env),
            port,
            opts.workdir / name / "delegate.log",
            core=processes.SERVER_CORE if opts.pin else None,
        )
        worker = _worker(opts, name, env) if db_url else None
        rng = random.Random(13)
        plans = [
            Plan(m.target, m.ids, m.metadata, rng.randrange(len(moments))) for m in fixture.meetings
        ]
        warmup = min(2.0, opts.seconds / 4)
        config = LoadConfig("paced", opts.seconds, warmup_s=warmup, rate=opts.rate)
        try:
            await server.wait_ready()
            if endpoint is not None:
                await _subscribe(server.base_url, fixture.api_token, endpoint[1])
            load_started = time.time()
            result, _ = await drive(
                "127.0.0.1", port, plans, moments, fixture.webhook_secret, config, None, server.pid
            )
            load_ended = time.time()
            drain_s = await wait_for_drain(db, DRAIN_LIMIT_S)
            delivered_s = await _wait_delivered(db, DELIVERY_LIMIT_S) if endpoint else None
            written = db.rows("SELECT count(*) FROM webhook_deliveries")[0][0]
        finally:
            server.stop()
            if worker is not None:
                worker.stop()
            db.close()
    out: dict[str, Any] = {
        "load": describe(result),
        "drain_after_load_s": None if drain_s is None else round(drain_s, 2),
        "webhook_deliveries_written": written,
        "processing": "in-process (same server)" if db_url is None else "delegate worker (1)",
    }
    if endpoint is not None:
        sink = endpoint[0].read()
        measured_from = load_started + warmup
        during = [t for t in sink.times if measured_from <= t <= load_ended]
        window = load_ended - measured_from
        out["delivered"] = len(sink.times)
        out["delivered_per_s_during_load"] = round(len(during) / window, 1) if window else None
        out["written_per_s"] = round(written / (load_ended - load_started), 1)
        out["all_delivered_after_load_s"] = None if delivered_s is None else round(delivered_s, 2)
        out["commit_to_2xx"] = summary_ms(sink.latencies)
    return out


def _worker(opts: Options, name: str, env: dict[str, str]) -> processes.Server:
    # On PostgreSQL serve only stores and defers: one worker processes and delivers.
    return processes.start(
        "delegate worker",
        ["-m", "delegate", "worker"],
        processes.clean_env(**env),
        0,
        opts.workdir / name / "worker.log",
        core=None,
    )


async def _subscribe(base_url: str, token: str, url: str) -> None:
    async with httpx2.AsyncClient(base_url=base_url, timeout=30) as api:
        r = await api.post(
            "/v1/webhook/create", json={"url": url}, headers={"Authorization": f"Bearer {token}"}
        )
        r.raise_for_status()


async def _wait_delivered(db: Database, limit_s: float) -> float | None:
    """Seconds until no delivery is pending; None if not within ``limit_s``."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        if (await asyncio.to_thread(db.rows, PENDING))[0][0] == 0:
            return time.perf_counter() - started
        await asyncio.sleep(0.2)
    return None


async def _reaction(opts: Options) -> dict[str, Any]:
    none = await reaction._measure(opts, "webhooks-reaction-none", background=0)
    async with serving(opts, "webhooks-hanging-sink", hang=True) as (url, _):
        hanging = await reaction._measure(
            opts, "webhooks-reaction-hanging", background=0, webhook_url=url
        )
    return {
        "no_endpoint": none,
        "hanging_endpoint": hanging,
        "ratios": {
            "p50": ratio(hanging["reaction"]["p50_ms"], none["reaction"]["p50_ms"]),
            "p99": ratio(hanging["reaction"]["p99_ms"], none["reaction"]["p99_ms"]),
        },
    }
