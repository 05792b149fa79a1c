"""Where an event's server time goes, measured in-process (no HTTP, no server): the cost of a
unit of work and of one query, of the receiver path alone (verify, store, acknowledge) and of
one drain of a session (``process_session_events``) per kind of event.

These explain the ingest numbers: the server spends its core on both the receiver path and
the drains the in-process dispatcher runs after every stored event.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bench import conversation, payloads, procstat
from bench.fake_recall import RecordingRecall
from bench.fixtures import bench_settings, prepare
from bench.options import Options
from delegate.adapters.db.event_writer import BatchingEventWriter
from delegate.adapters.llm.offline import OfflineBrain
from delegate.adapters.recall.signatures import new_message_id, sign_headers
from delegate.bootstrap import build
from delegate.domain.ids import new_id
from delegate.domain.sessions import EventKind, NewEvent
from delegate.services.ingest import Receiver, SessionAuthCache
from delegate.services.processing import process_session_events

SESSIONS = 50


class _NoKick:
    async def kick(self, session_id: str) -> None:
        return None


async def run(opts: Options) -> dict[str, Any]:
    with opts.database("breakdown") as (data_dir, db_url):
        settings = bench_settings(data_dir, db_url)
        fixture = await prepare(settings, SESSIONS)
        container = build(settings, brain=OfflineBrain())
        try:
            sid = fixture.meetings[0].session_id
            uow = container.uow
            rounds = 100 if opts.quick else 300

            async def empty_tx() -> None:
                async with uow():
                    pass

            async def one_select() -> None:
                async with uow() as tx:
                    await tx.sessions.get_by_id(sid)

            out: dict[str, Any] = {
                "empty_unit_of_work_ms": await _per_call(empty_tx, rounds),
                "unit_of_work_with_one_select_ms": await _per_call(one_select, rounds),
            }
            out["receiver_only"] = await _receiver_only(container, fixture, opts)
            if container.mode == "procrastinate":
                out["kick_ms"] = await _kicks(container, fixture, rounds)
            meeting_s = 60.0 if opts.quick else 300.0
            out["drain_ms"] = await _drains(container, fixture.meetings[1], rounds, meeting_s)
        finally:
            await container.aclose()
    return out


async def _per_call(fn: Callable[[], Awaitable[None]], rounds: int) -> float:
    await fn()
    t0 = time.perf_counter()
    for _ in range(rounds):
        await fn()
    return round(1000 * (time.perf_counter() - t0) / rounds, 3)


async def _receiver_only(container: Any, fixture: Any, opts: Options) -> dict[str, Any]:
    """``receive_realtime`` for many sessions at once with the real batching writer and no
    processing: the ceiling of the storing half of the server."""
    writer = BatchingEventWriter(container.uow)
    receiver = Receiver(
        container.uow,
        container.clock,
        writer,
        _NoKick(),
        SessionAuthCache(container.uow),
        container.receiver.inbound,
    )
    moments = payloads.render(conversation.moments(conversation.synthetic_meeting(120, seed=5)))
    seconds = 2.0 if opts.quick else 5.0
    count = 0
    await writer.start()
    cpu0 = procstat.cpu()
    deadline = time.perf_counter() + seconds

    async def meeting(i: int) -> None:
        nonlocal count
        m = fixture.meetings[i]
        token = m.target.split("token=", 1)[1]
        pos = i
        while time.perf_counter() < deadline:
            body = payloads.body(moments[pos % len(moments)], m.ids, m.metadata)
            headers = sign_headers(fixture.webhook_secret, body, msg_id=new_message_id())
            await receiver.receive_realtime(
                fixture.integration_id, m.session_id, token, headers, body
            )
            count += 1
            pos += 1

    started = time.perf_counter()
    await asyncio.gather(*(meeting(i) for i in range(len(fixture.meetings))))
    elapsed = time.perf_counter() - started
    cpu = procstat.cpu_percent(cpu0, procstat.cpu())
    await writer.stop()
    return {
        "concurrent_sessions": len(fixture.meetings),
        "events_per_s": round(count / elapsed, 1),
        "cpu_ms_per_event": round(cpu / 100 * elapsed * 1000 / max(1, count), 3),
    }


async def _kicks(container: Any, fixture: Any, rounds: int) -> dict[str, float]:
    """What the API process pays per stored event on PostgreSQL: queueing the session's job.
    Kicks are written in batches (one statement for every session kicked meanwhile), so this
    times a kick written alone (a new job, then one meeting the waiting job's queueing lock)
    and the share of each of all the sessions kicked at once."""
    dispatcher = container.dispatcher
    sessions = [m.session_id for m in fixture.meetings]
    await dispatcher.start()
    try:
        t0 = time.perf_counter()
        for sid in sessions:
            await dispatcher.kick(sid)
            await dispatcher.flush()
        alone = (time.perf_counter() - t0) / len(sessions)
        t0 = time.perf_counter()
        for i in range(rounds):
            await dispatcher.kick(sessions[i % len(sessions)])
            await dispatcher.flush()
        waiting = (time.perf_counter() - t0) / rounds
        t0 = time.perf_counter()
        for _ in range(10):
            for sid in sessions:
                await dispatcher.kick(sid)
            await dispatcher.flush()
        batched = (time.perf_counter() - t0) / (10 * len(sessions))
    finally:
        await dispatcher.stop()
    return {
        "job_inserted": round(alone * 1000, 3),
        "job_already_waiting": round(waiting * 1000, 3),
        "per_session_in_batch": round(batched * 1000, 3),
        "batch": len(sessions),
    }


async def _drains(container: Any, meeting: Any, rounds: int, meeting_s: float) -> dict[str, Any]:
    """One drain after each stored event, by kind of event (as when events arrive a second
    apart), and a drain with nothing new."""
    ports = replace(container.ports, recall=RecordingRecall())
    sid = meeting.session_id
    by_kind: dict[str, list[float]] = {}
    script = conversation.synthetic_meeting(meeting_s, seed=9)
    moments = payloads.render(conversation.moments(script))
    for rendered in moments:
        async with ports.uow() as tx:
            await tx.events.append(
                [
                    NewEvent(
                        sid,
                        new_id(),
                        EventKind.REALTIME,
                        rendered.event,
                        payloads.body(rendered, meeting.ids, meeting.metadata),
                        ports.clock.now_ms(),
                    )
                ]
            )
        t0 = time.perf_counter()
        await process_session_events(ports, sid)
        by_kind.setdefault(rendered.event, []).append(time.perf_counter() - t0)

    async def idle_drain() -> None:
        await process_session_events(ports, sid)

    out: dict[str, Any] = {"nothing_new": await _per_call(idle_drain, rounds)}
    for kind, times in sorted(by_kind.items()):
        out[kind] = round(1000 * sum(times) / len(times), 3)
    total = sum(len(t) for t in by_kind.values())
    out["share_of_events_without_state_change"] = round(
        sum(
            len(t)
            for k, t in by_kind.items()
            if k
            in (
                "transcript.partial_data",
                "participant_events.speech_on",
                "participant_events.speech_off",
            )
        )
        / max(1, total),
        3,
    )
    return out
