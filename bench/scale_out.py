"""Scale-out: on PostgreSQL, does processing throughput grow with ``delegate worker`` processes?

For each worker count: a fresh database, a ``delegate serve`` that only stores and defers
(procrastinate dispatcher), K ``delegate worker`` processes, and the flood load for the run's
length. Measured: events stored per second, events processed per second while the load runs,
and the time until everything stored is processed once it stops (bounded). The server is pinned
to the server core and the generator to the other; workers and PostgreSQL float (two cores are
not enough to give each its own).
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import time
from typing import Any

from bench import ingest, processes, procstat
from bench.fixtures import bench_settings, prepare, server_env
from bench.load import LoadConfig, Plan, drive
from bench.options import Options
from bench.stats import ratio
from bench.verify import Database

DRAIN_LIMIT_S = 60.0


def worker_available() -> str | None:
    """Why ``delegate worker`` cannot run here, or None when it can."""
    done = subprocess.run(
        [sys.executable, "-m", "delegate", "worker", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=processes.REPO,
        env=processes.clean_env(),
    )
    return None if done.returncode == 0 else (done.stderr or done.stdout).strip()[-500:]


async def run(opts: Options) -> dict[str, Any]:
    if opts.db != "postgres":
        return {"skipped": "scale-out needs --db postgres (delegate worker runs on PostgreSQL)"}
    missing = await asyncio.to_thread(worker_available)
    if missing:
        return {"skipped": f"`delegate worker` is not available: {missing}"}
    meetings = min(opts.meetings, 50 if opts.quick else 200)
    out: dict[str, Any] = {"meetings": meetings, "seconds": opts.seconds, "runs": {}}
    out["backlog"] = {}
    for workers in opts.workers:
        out["runs"][str(workers)] = await _one(opts, workers, meetings)
        out["backlog"][str(workers)] = await _backlog(opts, workers, meetings)
    first = str(opts.workers[0])
    live, backlog = out["runs"][first]["processed_per_s"], out["backlog"][first]["processed_per_s"]
    out["ratios"] = {
        f"{w}_vs_{first}": ratio(out["runs"][str(w)]["processed_per_s"], live)
        for w in opts.workers[1:]
    }
    out["backlog_ratios"] = {
        f"{w}_vs_{first}": ratio(out["backlog"][str(w)]["processed_per_s"], backlog)
        for w in opts.workers[1:]
    }
    return out


async def _backlog(opts: Options, workers: int, meetings: int) -> dict[str, Any]:
    """Workers alone: the API stores a backlog with no worker running and stops; then K
    workers start and drain it. Nothing else (API, load) competes for the cores."""
    name = f"scale-backlog-{workers}"
    with opts.database(name) as (data_dir, db_url):
        fixture = await prepare(bench_settings(data_dir, db_url), meetings)
        db = Database(str(db_url))
        port = processes.free_port()
        env = processes.clean_env(**server_env(data_dir, db_url, port))
        server = processes.start(
            "delegate serve",
            ["-m", "delegate", "serve"],
            env,
            port,
            opts.workdir / name / "serve.log",
            core=processes.SERVER_CORE if opts.pin else None,
        )
        try:
            await server.wait_ready()
            moments = ingest.template()
            rng = random.Random(4)
            plans = [
                Plan(m.target, m.ids, m.metadata, rng.randrange(len(moments)))
                for m in fixture.meetings
            ]
            config = LoadConfig("flood", opts.seconds, warmup_s=0.0)
            await drive("127.0.0.1", port, plans, moments, fixture.webhook_secret, config)
        finally:
            server.stop()
        backlog = await asyncio.to_thread(db.backlog)
        pool = [
            processes.start(
                f"delegate worker {i}",
                ["-m", "delegate", "worker"],
                env,
                0,
                opts.workdir / name / f"worker-{i}.log",
                core=None,
            )
            for i in range(workers)
        ]
        try:
            window = _Window([w.pid for w in pool])
            began, ended, left = await _drain_times(db, backlog, DRAIN_LIMIT_S * 2, window)
            shares = window.shares()
        finally:
            for worker in pool:
                worker.stop()
            db.close()
    done = backlog - left
    return {
        "workers": workers,
        "backlog": backlog,
        "processed": done,
        "drain_s": None if ended is None or began is None else round(ended - began, 2),
        "processed_per_s": (
            round(done / (ended - began), 1)
            if began is not None and ended is not None and ended > began
            else None
        ),
        "cpu_percent": shares,
    }


class _Window:
    """Where the cores go while the workers drain: the workers together, PostgreSQL (every
    ``postgres`` process on the machine) and the whole machine, in percent of one core."""

    def __init__(self, worker_pids: list[int]) -> None:
        self._workers = worker_pids
        self._started: tuple[procstat.GroupCpu, procstat.GroupCpu, procstat.MachineSample] | None
        self._started = None
        self._shares: dict[str, float] = {}

    def start(self) -> None:
        self._started = (
            procstat.GroupCpu(self._workers),
            procstat.GroupCpu(procstat.pids_named("postgres")),
            procstat.machine(),
        )

    def stop(self) -> None:
        if self._started is None or self._shares:
            return
        workers, postgres, machine = self._started
        self._shares = {
            "workers": round(workers.percent(self._workers), 1),
            "postgres": round(postgres.percent(procstat.pids_named("postgres")), 1),
            "machine": round(procstat.machine_percent(machine, procstat.machine()), 1),
        }

    def shares(self) -> dict[str, float]:
        return self._shares


async def _drain_times(
    db: Database, backlog: int, limit_s: float, window: _Window
) -> tuple[float | None, float | None, int]:
    """When the backlog first shrank (the workers are up) and when it was gone (or the last
    sample, if the limit came first); and what was left. ``window`` is started and stopped
    with the measurement."""
    started = time.perf_counter()
    began: float | None = None
    left = backlog
    while time.perf_counter() - started < limit_s:
        left = await asyncio.to_thread(db.backlog)
        now = time.perf_counter()
        if began is None and left < backlog:
            began = now
            window.start()
        if left == 0:
            window.stop()
            return began, now, 0
        await asyncio.sleep(0.1)
    window.stop()
    return began, time.perf_counter(), left


async def _one(opts: Options, workers: int, meetings: int) -> dict[str, Any]:
    name = f"scale-{workers}"
    with opts.database(name) as (data_dir, db_url):
        fixture = await prepare(bench_settings(data_dir, db_url), meetings)
        db = Database(str(db_url))
        port = processes.free_port()
        env = processes.clean_env(**server_env(data_dir, db_url, port))
        server = processes.start(
            "delegate serve",
            ["-m", "delegate", "serve"],
            env,
            port,
            opts.workdir / name / "serve.log",
            core=processes.SERVER_CORE if opts.pin else None,
        )
        pool = [
            processes.start(
                f"delegate worker {i}",
                ["-m", "delegate", "worker"],
                env,
                0,
                opts.workdir / name / f"worker-{i}.log",
                core=None,
            )
            for i in range(workers)
        ]
        try:
            await server.wait_ready()
            await asyncio.sleep(2.0)  # workers connect and register; no HTTP to ask them
            for worker in pool:
                if worker.proc.poll() is not None:
                    raise RuntimeError(f"{worker.name} exited:\n{worker.log_tail()}")
            moments = ingest.template()
            rng = random.Random(3)
            plans = [
                Plan(m.target, m.ids, m.metadata, rng.randrange(len(moments)))
                for m in fixture.meetings
            ]
            warmup = min(2.0, opts.seconds / 4)
            config = LoadConfig("flood", opts.seconds, warmup_s=warmup)
            started = time.perf_counter()
            first = asyncio.create_task(_processed_at(db, started + warmup))
            cpu = asyncio.create_task(_cpu_shares(server, pool, warmup, opts.seconds))
            result, _ = await drive(
                "127.0.0.1", port, plans, moments, fixture.webhook_secret, config
            )
            processed_before, t_before = await first
            processed_after, t_after = await _processed_at(db, 0.0)
            shares = await cpu
            backlog = await asyncio.to_thread(db.backlog)
            drain_s = await ingest.wait_for_drain(db, DRAIN_LIMIT_S)
            total = await asyncio.to_thread(db.processed)
            whole = time.perf_counter() - started
        finally:
            server.stop()
            for worker in pool:
                worker.stop()
            db.close()
    return {
        "workers": workers,
        "stored_per_s": round(result.events_per_s, 1),
        "processed_per_s": round((processed_after - processed_before) / (t_after - t_before), 1),
        "backlog_at_end_of_load": backlog,
        "drain_s": None if drain_s is None else round(drain_s, 2),
        "processed_total": total,
        "overall_processed_per_s": round(total / whole, 1) if drain_s is not None else None,
        "cpu_percent": {**shares, "generator": round(result.generator_cpu_percent, 1)},
    }


async def _processed_at(db: Database, when: float) -> tuple[int, float]:
    """Events processed so far, counted at ``when`` (``time.perf_counter()``) or now."""
    await asyncio.sleep(max(0.0, when - time.perf_counter()))
    return await asyncio.to_thread(db.processed), time.perf_counter()


async def _cpu_shares(
    server: processes.Server, pool: list[processes.Server], warmup: float, seconds: float
) -> dict[str, float]:
    """Where the two cores went during the measured window, in percent of one core: the API
    server, the workers together, PostgreSQL, and the whole machine (the rest is the load
    generator, this harness and whatever else runs on the machine)."""
    await asyncio.sleep(warmup)
    pids = [server.pid, *(w.pid for w in pool)]
    before = [procstat.cpu(pid) for pid in pids]
    postgres = procstat.GroupCpu(procstat.pids_named("postgres"))
    machine_before = procstat.machine()
    await asyncio.sleep(max(0.1, seconds - warmup))
    after = [procstat.cpu(pid) for pid in pids]
    shares = [procstat.cpu_percent(b, a) for b, a in zip(before, after, strict=True)]
    return {
        "server": round(shares[0], 1),
        "workers": round(sum(shares[1:]), 1),
        "postgres": round(postgres.percent(procstat.pids_named("postgres")), 1),
        "machine": round(procstat.machine_percent(machine_before, procstat.machine()), 1),
    }
