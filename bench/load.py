"""The load generator: N simulated meetings, each delivering signed realtime events to its
session's receiver one at a time and in order, as Recall does.

Two modes:

- ``paced``: each meeting follows its script's timeline (about one event per second), which
  is the realistic load; acknowledgement latency is measured from the first attempt of a
  delivery to its 2xx, retries included.
- ``flood``: each meeting sends its next event as soon as the previous one is acknowledged
  (every meeting has a backlog); this gives the throughput ceiling.

A share of deliveries is sent twice on purpose (same ``webhook-id``, same body, re-signed, as
Recall retries), and every answer is recorded per meeting so the database can be checked
afterwards. Every loop is bounded by a deadline; stragglers are cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from bench import payloads, procstat
from bench.httpclient import ConnectionLost, HttpConnection
from bench.payloads import MeetingIds, RenderedMoment
from delegate.adapters.recall.signatures import new_message_id, sign_headers

Mode = Literal["paced", "flood"]
RESEND_WAIT_S = 0.1
"""Recall waits one second between attempts; the bench waits less so a run stays short."""


@dataclass(frozen=True)
class Plan:
    """Where one meeting delivers and what it says."""

    target: str
    ids: MeetingIds
    metadata: dict[str, str]
    start: int
    """Index in the template where this meeting starts, so meetings are out of phase."""


@dataclass
class Ledger:
    """What one meeting sent and what it was told."""

    acked: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    said_stored: Counter[str] = field(default_factory=Counter)
    duplicates_sent: int = 0
    duplicates_said_stored: int = 0
    cancelled: set[str] = field(default_factory=set)
    """In flight when the load's hard stop cancelled them (the server may have stored them)."""


@dataclass
class LoadConfig:
    mode: Mode
    seconds: float
    warmup_s: float = 1.0
    rate: float = 1.0
    """Paced mode: play the timeline this many times faster than real time."""
    duplicate_share: float = 0.02
    timeout_s: float = 10.0
    max_attempts: int = 5
    seed: int = 1


@dataclass
class LoadResult:
    mode: Mode
    meetings: int
    window_s: float
    requests: int = 0
    acked_requests: int = 0
    """2xx answers in the measured window (after warm-up), duplicates included."""
    new_events: int = 0
    """First deliveries (not the intentional duplicates) acknowledged in the window."""
    non_2xx: int = 0
    resends: int = 0
    failed: int = 0
    latencies: list[float] = field(default_factory=list)
    schedule_lag: list[float] = field(default_factory=list)
    """Paced mode: how late each delivery left compared to its meeting's timeline."""
    generator_cpu_percent: float = 0.0
    server_cpu_percent: float | None = None
    connect_s: float = 0.0

    @property
    def requests_per_s(self) -> float:
        return self.acked_requests / self.window_s if self.window_s else 0.0

    @property
    def events_per_s(self) -> float:
        return self.new_events / self.window_s if self.window_s else 0.0


class _Run:
    def __init__(
        self,
        config: LoadConfig,
        template: list[RenderedMoment],
        secret: str,
        result: LoadResult,
    ) -> None:
        self.config = config
        self.template = template
        self.secret = secret
        self.result = result
        self.t0 = 0.0
        self.measure_from = 0.0
        self.deadline = 0.0

    async def meeting(self, plan: Plan, conn: HttpConnection, ledger: Ledger, seed: int) -> None:
        rng = random.Random(seed)
        cfg, n = self.config, len(self.template)
        pos = plan.start
        due = self.t0 + rng.uniform(0.0, 1.0)
        while True:
            moment = self.template[pos % n]
            if cfg.mode == "paced":
                if due > self.deadline:
                    return
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif due >= self.measure_from:
                    self.result.schedule_lag.append(-delay)
            elif time.perf_counter() > self.deadline:
                return
            body = payloads.body(moment, plan.ids, plan.metadata)
            msg_id = new_message_id()
            await self.deliver(plan, conn, ledger, msg_id, body, duplicate=False)
            if rng.random() < cfg.duplicate_share:
                ledger.duplicates_sent += 1
                await self.deliver(plan, conn, ledger, msg_id, body, duplicate=True)
            nxt = self.template[(pos + 1) % n]
            # Wrapping around the template: the gap is a plain pause between turns.
            gap = nxt.at - moment.at if nxt.at >= moment.at else 1.0
            due += gap / cfg.rate
            pos += 1

    async def deliver(
        self,
        plan: Plan,
        conn: HttpConnection,
        ledger: Ledger,
        msg_id: str,
        body: bytes,
        duplicate: bool,
    ) -> None:
        try:
            await self._attempts(plan, conn, ledger, msg_id, body, duplicate)
        except asyncio.CancelledError:
            ledger.cancelled.add(msg_id)
            raise

    async def _attempts(
        self,
        plan: Plan,
        conn: HttpConnection,
        ledger: Ledger,
        msg_id: str,
        body: bytes,
        duplicate: bool,
    ) -> None:
        res, cfg = self.result, self.config
        first = time.perf_counter()
        for attempt in range(cfg.max_attempts):
            if attempt:
                res.resends += 1
                await asyncio.sleep(RESEND_WAIT_S)
            headers = {"Content-Type": "application/json"}
            headers.update(sign_headers(self.secret, body, msg_id=msg_id))
            res.requests += 1
            try:
                status, answer = await conn.post(plan.target, headers, body)
            except ConnectionLost:
                continue
            if not 200 <= status < 300:
                res.non_2xx += 1
                continue
            done = time.perf_counter()
            ledger.acked.add(msg_id)
            if b'"stored":true' in answer:
                ledger.said_stored[msg_id] += 1
                if duplicate:
                    ledger.duplicates_said_stored += 1
            if first >= self.measure_from:
                res.latencies.append(done - first)
                if done <= self.deadline:
                    res.acked_requests += 1
                    res.new_events += 0 if duplicate else 1
            return
        ledger.failed.add(msg_id)
        res.failed += 1


async def drive(
    host: str,
    port: int,
    plans: list[Plan],
    template: list[RenderedMoment],
    secret: str,
    config: LoadConfig,
    ledgers: list[Ledger] | None = None,
    server_pid: int | None = None,
) -> tuple[LoadResult, list[Ledger]]:
    """Run the load against ``host:port``; returns the measurements and each meeting's ledger.
    CPU of this process and of ``server_pid`` is sampled over the measured window."""
    ledgers = ledgers if ledgers is not None else [Ledger() for _ in plans]
    result = LoadResult(config.mode, len(plans), config.seconds - config.warmup_s)
    run = _Run(config, template, secret, result)
    conns = [HttpConnection(host, port, config.timeout_s) for _ in plans]
    started = time.perf_counter()
    sem = asyncio.Semaphore(64)

    async def connect(conn: HttpConnection) -> None:
        async with sem:
            await conn.connect()

    await asyncio.gather(*(connect(c) for c in conns))
    result.connect_s = time.perf_counter() - started
    run.t0 = time.perf_counter()
    run.measure_from = run.t0 + config.warmup_s
    run.deadline = run.t0 + config.seconds
    sampler = asyncio.create_task(_sample_cpu(run, result, server_pid))
    tasks = [
        asyncio.create_task(run.meeting(plan, conn, ledger, config.seed * 100_003 + i))
        for i, (plan, conn, ledger) in enumerate(zip(plans, conns, ledgers, strict=True))
    ]
    hard_stop = config.seconds + config.timeout_s * config.max_attempts + 5
    try:
        await asyncio.wait(tasks, timeout=hard_stop)
        await sampler  # done at the deadline
    finally:
        # Also when the caller cancels this load: no meeting may outlive it.
        for task in [*tasks, sampler]:
            task.cancel()
        await asyncio.gather(*tasks, sampler, return_exceptions=True)
    for conn in conns:
        with contextlib.suppress(Exception):
            await conn.close()
    return result, ledgers


async def _sample_cpu(run: _Run, result: LoadResult, server_pid: int | None) -> None:
    await asyncio.sleep(max(0.0, run.measure_from - time.perf_counter()))
    mine, theirs = procstat.cpu(), procstat.cpu(server_pid) if server_pid else None
    await asyncio.sleep(max(0.0, run.deadline - time.perf_counter()))
    result.generator_cpu_percent = procstat.cpu_percent(mine, procstat.cpu())
    if theirs is not None and server_pid is not None:
        with contextlib.suppress(OSError):
            result.server_cpu_percent = procstat.cpu_percent(theirs, procstat.cpu(server_pid))
