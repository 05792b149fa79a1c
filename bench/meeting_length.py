"""Meeting length: is the work per turn, and the memory, the same in minute 170 as in minute 1?

Each meeting runs in a fresh process (pinned to the server's core) so its RSS is its own. The
process plays a synthetic meeting at realistic density into the database, one realtime event
at a time, and after each event runs ``process_session_events`` exactly as the dispatcher would
when events arrive a second apart. Every few minutes someone asks the bot a question; the offline
brain answers through a recording Recall stand-in, and the answer comes back as the bot's own
chat message, as in a real meeting. A turn's time is the processing time of all its events
(``speech_on``, partials, final, ``speech_off``, or a chat line), storing excluded.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path
from typing import Any

from bench import conversation, payloads, processes, procstat
from bench.fake_recall import RecordingRecall
from bench.fixtures import Meeting, bench_settings, populate
from bench.options import Options
from bench.payloads import RenderedMoment
from bench.stats import percentile, ratio, summary_ms
from delegate.adapters.db.migrate import upgrade
from delegate.adapters.llm.offline import OfflineBrain
from delegate.bootstrap import build
from delegate.domain.ids import new_id
from delegate.domain.sessions import EventKind, NewEvent
from delegate.services.context import MeetingPorts
from delegate.services.processing import process_session_events
from delegate.sim import Moment
from delegate.sim.scripts import ScriptParticipant

QUESTION_EVERY_S = 300.0
BOT_PARTICIPANT = ScriptParticipant(id=600, name=conversation.BOT_NAME, platform="unknown")
TAIL = 0.1
"""The share of turns compared at the start and at the end of a meeting."""
REFERENCE_WINDOW = 7
"""Each turn is compared with the median of the reference drains around it."""
WARM_UP_TURNS = 10


async def run(opts: Options) -> dict[str, Any]:
    out: dict[str, Any] = {"question_every_s": QUESTION_EVERY_S, "meetings": {}}
    budget = 120.0 if opts.quick else 900.0
    for minutes in opts.meeting_minutes:
        with opts.database(f"meeting-{minutes:g}") as (data_dir, db_url):
            out["meetings"][f"{minutes:g}"] = await asyncio.to_thread(
                _child_process, opts, minutes, data_dir, db_url, budget
            )
    short, long = (out["meetings"][f"{m:g}"] for m in opts.meeting_minutes)
    out["ratios"] = {
        "long_last_vs_first_p50": long["ratio_last_first_p50"],
        "long_last_vs_first_normalised": long["ratio_last_first_normalised"],
        "long_last_vs_first_per_event_p50": long["ratio_last_first_per_event_p50"],
        "long_last_vs_first_mean": ratio(long["last"]["mean_ms"], long["first"]["mean_ms"]),
        "long_last_vs_short_p50": ratio(long["last"]["p50_ms"], short["all"]["p50_ms"]),
        "reply_long_last_vs_short_p50": ratio(
            long["reply_last"]["p50_ms"], short["reply_all"]["p50_ms"]
        ),
        "rss_growth_long_vs_short": ratio(long["rss_growth_mib"], short["rss_growth_mib"]),
    }
    return out


def _child_process(
    opts: Options, minutes: float, data_dir: Path, db_url: str | None, budget_s: float
) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench", "meeting-length", "--minutes", f"{minutes:g}"]
    cmd += ["--data-dir", str(data_dir), "--budget-s", str(budget_s)]
    if db_url:
        cmd += ["--db-url", db_url]
    if opts.pin and processes.can_pin():
        cmd = ["taskset", "-c", str(processes.SERVER_CORE), *cmd]
    done = subprocess.run(
        cmd,
        cwd=processes.REPO,
        env=processes.clean_env(),
        capture_output=True,
        text=True,
        timeout=budget_s + 120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"meeting-length {minutes:g} min failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def child(minutes: float, data_dir: Path, db_url: str | None, budget_s: float) -> None:
    """Entry point of the measuring process: prints one JSON line."""
    result = asyncio.run(_measure(minutes, data_dir, db_url, budget_s))
    print(json.dumps(result))


async def _measure(
    minutes: float, data_dir: Path, db_url: str | None, budget_s: float
) -> dict[str, Any]:
    settings = bench_settings(data_dir, db_url)
    await asyncio.to_thread(upgrade, settings.database_url)
    container = build(settings, brain=OfflineBrain())
    try:
        fixture = await populate(container, 2)
        meeting, reference = fixture.meetings
        recall = RecordingRecall()
        ports = replace(container.ports, recall=recall)
        script = conversation.synthetic_meeting(
            minutes * 60,
            seed=3,
            density=conversation.Density(question_every_s=QUESTION_EVERY_S),
        )
        moments = conversation.moments(script)
        player = _Player(ports, meeting, reference.session_id, recall)
        return await player.play(moments, budget_s, minutes)
    finally:
        await container.aclose()


@dataclass(frozen=True)
class _Turn:
    index: int
    seconds: float
    events: int
    reference: float
    """The reference drain's time when this turn was processed (same process, same minute)."""
    replied: bool

    @property
    def per_event(self) -> float:
        return self.seconds / self.events

    @property
    def normalised(self) -> float:
        return self.seconds / self.reference


class _Player:
    def __init__(
        self, ports: MeetingPorts, meeting: Meeting, reference_session: str, recall: RecordingRecall
    ) -> None:
        self.ports = ports
        self.meeting = meeting
        self.reference_session = reference_session
        self.recall = recall
        self.store_s = 0.0

    async def reference(self) -> float:
        """A drain of another, idle session: constant work, so it tracks the machine's speed
        (other processes share the two cores) from one turn to the next."""
        t0 = time.perf_counter()
        await process_session_events(self.ports, self.reference_session)
        return time.perf_counter() - t0

    async def play(self, moments: list[Any], budget_s: float, minutes: float) -> dict[str, Any]:
        turns: list[_Turn] = []
        started = time.perf_counter()
        rss_start: float | None = None
        truncated = False
        events = 0
        recent = deque([await self.reference()], maxlen=REFERENCE_WINDOW)
        groups = [list(g) for _, g in groupby(moments, key=lambda m: m.index)]
        for i, group in enumerate(groups):
            if time.perf_counter() - started > budget_s:
                truncated = True
                break
            recent.append(await self.reference())
            reference = statistics.median(recent)
            answered = len(self.recall.performed)
            spent, count = 0.0, 0
            for rendered in payloads.render(group):
                spent += await self._deliver(rendered)
                count += 1
            for action in self.recall.performed[answered:]:
                if action.action == "chat" and action.text:
                    spent += await self._deliver(self._echo(action.text, group[-1].at))
                    count += 1
            replied = len(self.recall.performed) > answered
            turns.append(_Turn(i, spent, count, reference, replied))
            events += count
            if i == min(WARM_UP_TURNS, len(groups) - 1):
                # After warm-up (imports, statement caches), so growth is the meeting's own.
                rss_start = procstat.rss_mib()
        rss_end = procstat.rss_mib()
        plain = [t for t in turns if not t.replied]
        replies = [t for t in turns if t.replied]
        tail = max(1, int(len(plain) * TAIL))
        first, last = plain[:tail], plain[-tail:]
        half = len(turns) // 2

        def median(values: list[float]) -> float | None:
            return percentile(values, 50)

        return {
            "minutes": minutes,
            "events": events,
            "turns": len(plain),
            "replies": len(replies),
            "truncated": truncated,
            "elapsed_s": round(time.perf_counter() - started, 2),
            "store_ms_per_event": round(1000 * self.store_s / max(1, events), 3),
            "all": summary_ms([t.seconds for t in plain]),
            "first": summary_ms([t.seconds for t in first]),
            "last": summary_ms([t.seconds for t in last]),
            "per_event_first": summary_ms([t.per_event for t in first]),
            "per_event_last": summary_ms([t.per_event for t in last]),
            "reference_first_ms": _ms(median([t.reference for t in first])),
            "reference_last_ms": _ms(median([t.reference for t in last])),
            "ratio_last_first_p50": ratio(
                median([t.seconds for t in last]), median([t.seconds for t in first])
            ),
            "ratio_last_first_per_event_p50": ratio(
                median([t.per_event for t in last]), median([t.per_event for t in first])
            ),
            "ratio_last_first_normalised": ratio(
                median([t.normalised for t in last]), median([t.normalised for t in first])
            ),
            "reply_all": summary_ms([t.seconds for t in replies]),
            "reply_first": summary_ms([t.seconds for t in replies if t.index < half]),
            "reply_last": summary_ms([t.seconds for t in replies if t.index >= half]),
            "rss_start_mib": round(rss_start or 0.0, 1),
            "rss_end_mib": round(rss_end, 1),
            "rss_growth_mib": round(rss_end - (rss_start or rss_end), 1),
            "peak_rss_mib": round(procstat.peak_rss_mib(), 1),
        }

    async def _deliver(self, rendered: RenderedMoment) -> float:
        event = NewEvent(
            session_id=self.meeting.session_id,
            delivery_id=new_id(),
            kind=EventKind.REALTIME,
            event=rendered.event,
            payload=payloads.body(rendered, self.meeting.ids, self.meeting.metadata),
            received_at=self.ports.clock.now_ms(),
        )
        t0 = time.perf_counter()
        async with self.ports.uow() as tx:
            await tx.events.append([event])
        t1 = time.perf_counter()
        await process_session_events(self.ports, self.meeting.session_id)
        self.store_s += t1 - t0
        return time.perf_counter() - t1

    @staticmethod
    def _echo(text: str, at: float) -> RenderedMoment:
        """The bot's chat coming back from the meeting as a chat message of its own."""
        moment = Moment(at, "participant_events.chat_message", BOT_PARTICIPANT, text=text)
        return payloads.render([moment])[0]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 3)
