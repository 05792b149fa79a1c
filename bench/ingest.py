"""Ingest: signed realtime events from N concurrent meetings to a real ``delegate serve``,
against a bare ASGI endpoint served the same way, in the same run.

Order: the bare endpoint (paced, then flood), then delegate on a fresh database (paced, wait
for processing to catch up, flood). The delegate server is then killed with SIGKILL and the
database is compared with what every meeting was told: an acknowledged event must be there,
exactly once, however it was delivered.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from bench import conversation, payloads, processes, procstat
from bench.fixtures import bench_settings, prepare, server_env
from bench.load import Ledger, LoadConfig, LoadResult, Plan, drive
from bench.options import Options, database_url
from bench.payloads import MeetingIds, RenderedMoment
from bench.stats import ratio, summary_ms
from bench.verify import Database, check_storage

TEMPLATE_S = 600.0
DRAIN_LIMIT_S = 20.0


def template() -> list[RenderedMoment]:
    """Ten minutes of meeting that every simulated meeting plays, each from its own offset."""
    script = conversation.synthetic_meeting(TEMPLATE_S, seed=7)
    return payloads.render(conversation.moments(script))


def load_configs(opts: Options) -> tuple[LoadConfig, LoadConfig]:
    warmup = min(2.0, opts.seconds / 4)
    paced = LoadConfig("paced", opts.seconds, warmup_s=warmup, rate=opts.rate)
    flood = LoadConfig("flood", opts.seconds, warmup_s=warmup)
    return paced, flood


def describe(result: LoadResult) -> dict[str, Any]:
    return {
        "mode": result.mode,
        "meetings": result.meetings,
        "window_s": round(result.window_s, 2),
        "events_per_s": round(result.events_per_s, 1),
        "requests_per_s": round(result.requests_per_s, 1),
        "ack_latency": summary_ms(result.latencies),
        "schedule_lag_p99_ms": summary_ms(result.schedule_lag)["p99_ms"],
        "non_2xx": result.non_2xx,
        "resends": result.resends,
        "failed": result.failed,
        "generator_cpu_percent": round(result.generator_cpu_percent, 1),
        "server_cpu_percent": (
            None if result.server_cpu_percent is None else round(result.server_cpu_percent, 1)
        ),
        "connect_s": round(result.connect_s, 2),
    }


async def run(opts: Options) -> dict[str, Any]:
    moments = template()
    density = len(moments) / TEMPLATE_S
    paced_cfg, flood_cfg = load_configs(opts)
    rng = random.Random(11)
    out: dict[str, Any] = {
        "meetings": opts.meetings,
        "seconds": opts.seconds,
        "rate": opts.rate,
        "offered_events_per_s": round(opts.meetings * density * opts.rate, 1),
        "db": opts.db,
    }
    out["bare"] = await _bare(opts, moments, rng, paced_cfg, flood_cfg)
    if not opts.quick:
        out["bare_uvloop"] = await _bare(opts, moments, rng, None, flood_cfg, uvloop=True)
    out["delegate"] = await _delegate(opts, moments, rng, paced_cfg, flood_cfg)
    bare, real = out["bare"], out["delegate"]
    out["ratios"] = {
        "flood_events_per_s": ratio(real["flood"]["events_per_s"], bare["flood"]["events_per_s"]),
        "paced_p99": ratio(
            real["paced"]["ack_latency"]["p99_ms"], bare["paced"]["ack_latency"]["p99_ms"]
        ),
        "flood_server_cpu": ratio(
            real["flood"]["server_cpu_percent"], bare["flood"]["server_cpu_percent"]
        ),
    }
    if "bare_uvloop" in out:
        out["ratios"]["bare_uvloop_vs_bare_flood"] = ratio(
            out["bare_uvloop"]["flood"]["events_per_s"], bare["flood"]["events_per_s"]
        )
    return out


async def _bare(
    opts: Options,
    moments: list[RenderedMoment],
    rng: random.Random,
    paced: LoadConfig | None,
    flood: LoadConfig,
    uvloop: bool = False,
) -> dict[str, Any]:
    """The bare endpoint under the same loads; with ``uvloop`` on uvloop instead of asyncio
    (what delegate could gain by choosing its event loop)."""
    port = processes.free_port()
    args = ["-m", "bench", "bare", "--port", str(port)] + (["--uvloop"] if uvloop else [])
    server = processes.start(
        "bare endpoint",
        args,
        processes.clean_env(),
        port,
        opts.workdir / "ingest" / f"bare{'-uvloop' if uvloop else ''}.log",
        core=processes.SERVER_CORE if opts.pin else None,
    )
    try:
        await server.wait_ready("/")
        plans = [
            Plan(
                f"/v1/integration/recall/bare/session/s{i}/realtime?token=t",
                MeetingIds.fresh(),
                {},
                rng.randrange(len(moments)),
            )
            for i in range(opts.meetings)
        ]
        secret = "whsec_" + "A" * 32
        out: dict[str, Any] = {}
        if paced is not None:
            paced_result, _ = await drive(
                "127.0.0.1", port, plans, moments, secret, paced, server_pid=server.pid
            )
            out["paced"] = describe(paced_result)
        flood_result, _ = await drive(
            "127.0.0.1", port, plans, moments, secret, flood, server_pid=server.pid
        )
        out["flood"] = describe(flood_result)
        memory = procstat.memory_kib(server.pid)
    finally:
        server.stop()
    return {
        **out,
        "server_rss_mib": round(memory.get("VmRSS", 0) / 1024, 1),
        "server_peak_rss_mib": round(memory.get("VmHWM", 0) / 1024, 1),
        "pinned": server.pinned,
    }


async def _delegate(
    opts: Options,
    moments: list[RenderedMoment],
    rng: random.Random,
    paced: LoadConfig,
    flood: LoadConfig,
) -> dict[str, Any]:
    with opts.database("ingest") as (data_dir, db_url):
        settings = bench_settings(data_dir, db_url)
        started = time.perf_counter()
        fixture = await prepare(settings, opts.meetings)
        setup_s = time.perf_counter() - started
        db = Database(database_url(data_dir, db_url))
        port = processes.free_port()
        server = processes.start(
            "delegate serve",
            ["-m", "delegate", "serve"],
            processes.clean_env(**server_env(data_dir, db_url, port)),
            port,
            opts.workdir / "ingest" / "delegate.log",
            core=processes.SERVER_CORE if opts.pin else None,
        )
        plans = [
            Plan(m.target, m.ids, m.metadata, rng.randrange(len(moments))) for m in fixture.meetings
        ]
        ledgers = [Ledger() for _ in plans]
        secret = fixture.webhook_secret
        try:
            await server.wait_ready()
            rss_idle = procstat.rss_mib(server.pid)
            paced_result, _ = await drive(
                "127.0.0.1", port, plans, moments, secret, paced, ledgers, server.pid
            )
            backlog_after_paced = await asyncio.to_thread(db.backlog)
            # On PostgreSQL serve only stores and defers; workers (scale-out) process.
            drain_s = await wait_for_drain(db, DRAIN_LIMIT_S) if db_url is None else None
            flood_result, _ = await drive(
                "127.0.0.1", port, plans, moments, secret, flood, ledgers, server.pid
            )
            memory = procstat.memory_kib(server.pid)
            backlog_at_kill = await asyncio.to_thread(db.backlog)
        finally:
            # SIGKILL: whatever was acknowledged must already be on disk.
            server.stop(kill=True)
        try:
            check = await asyncio.to_thread(
                check_storage, db, [m.session_id for m in fixture.meetings], ledgers
            )
        finally:
            db.close()
    return {
        "paced": describe(paced_result),
        "flood": describe(flood_result),
        "setup_s": round(setup_s, 2),
        "server_rss_idle_mib": round(rss_idle, 1),
        "server_rss_mib": round(memory.get("VmRSS", 0) / 1024, 1),
        "server_peak_rss_mib": round(memory.get("VmHWM", 0) / 1024, 1),
        "processing": "in-process (same server)" if db_url is None else "none (no worker)",
        "backlog_after_paced": backlog_after_paced,
        "drain_after_paced_s": None if drain_s is None else round(drain_s, 2),
        "backlog_at_kill": backlog_at_kill,
        "storage": {**check.__dict__, "ok": check.ok},
        "pinned": server.pinned,
    }


async def wait_for_drain(db: Database, limit_s: float) -> float | None:
    """Seconds until every stored event is processed; None if not within ``limit_s``."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        if await asyncio.to_thread(db.backlog) == 0:
            return time.perf_counter() - started
        await asyncio.sleep(0.2)
    return None
