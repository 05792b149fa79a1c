"""``python -m bench quality``: conversational quality on the labelled corpus, per brain.

Every meeting of ``bench/corpus`` is played on the Recall simulator through the real pipeline:
the simulator and the delegate server listen on loopback ports and talk HTTP, one delegate
joins each meeting (all meetings at once), and when the calls have ended the stored turns,
the replies and the notes are read back and scored (``bench/quality_metrics.py``).

    python -m bench quality                          # the offline brain
    python -m bench quality --llm-base-url URL --llm-model NAME   # any OpenAI-compatible model
    python -m bench quality --local-model            # SmolLM2 served by llama-cpp-python
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

from bench.quality_corpus import BOT_NAME, SPLITS, Meeting, load_corpus
from bench.quality_metrics import Played, Score, StoredTurn, score_meeting
from delegate.adapters.db.migrate import upgrade
from delegate.adapters.recall.signatures import new_secret
from delegate.api.app import create_app
from delegate.bootstrap import Container, build
from delegate.config import ApiSettings, LlmSettings, RecallSettings, Settings
from delegate.demo.runner import free_port, serving
from delegate.logs import configure_logging
from delegate.services.accounts import create_token
from delegate.sim import MeetingEvent, Simulator

THRESHOLDS = {"reply_precision": 0.95, "reply_recall": 0.9}
"""What the offline brain must reach on the whole corpus (the CI test holds it to this)."""
OFFLINE_SPEED = 2.5
"""Slow enough that an answer lands before the next turn even on a busy 2-core machine (all
meetings play at once in one process); the follow-up rules depend on that order."""
MODEL_SPEED = 2.0
"""A model answers in seconds, not milliseconds: the meeting waits for it as people would."""


@dataclass(frozen=True)
class BrainChoice:
    label: str
    llm: LlmSettings
    speed: float


def offline() -> BrainChoice:
    return BrainChoice("offline", LlmSettings(brain="offline"), OFFLINE_SPEED)


def model(
    base_url: str, name: str, label: str, timeout_s: float = 60.0, max_reply_tokens: int = 400
) -> BrainChoice:
    llm = LlmSettings(
        brain="llm",
        base_url=base_url,
        model=name,
        timeout_s=timeout_s,
        max_reply_tokens=max_reply_tokens,
    )
    return BrainChoice(label, llm, MODEL_SPEED)


@contextlib.asynccontextmanager
async def _world(choice: BrainChoice, data_dir: Path) -> AsyncIterator[tuple[Any, ...]]:
    api_port, sim_port = free_port(), free_port()
    settings = Settings(
        data_dir=data_dir,
        api=ApiSettings(port=api_port, public_url=f"http://127.0.0.1:{api_port}"),
        recall=RecallSettings(base_url=f"http://127.0.0.1:{sim_port}", poll_interval_s=5),
        llm=choice.llm,
    )
    await asyncio.to_thread(upgrade, settings.database_url)
    secret = new_secret()
    outbound = httpx2.AsyncClient(timeout=10)
    sim = Simulator(workspace_secret=secret, outbound=outbound, speed=choice.speed)
    container = build(settings)
    try:
        async with serving(sim.app, sim_port), serving(create_app(container), api_port):
            token = await create_token(container.uow, container.clock, "quality")
            async with httpx2.AsyncClient(
                base_url=f"http://127.0.0.1:{api_port}/v1",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            ) as api:
                integration = await _set_up(api, secret)
                yield sim, container, api, integration
    finally:
        await sim.aclose()
        await outbound.aclose()
        await container.aclose()


async def _ok(response: httpx2.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise RuntimeError(f"{response.request.url.path}: {response.text}")
    body: dict[str, Any] = response.json()
    return body


async def _set_up(api: httpx2.AsyncClient, secret: str) -> str:
    bot = await _ok(await api.post("/bot/create", json={"name": BOT_NAME, "backstory": ""}))
    integration = await _ok(
        await api.post(
            "/integration/recall/create",
            json={
                "name": "quality",
                "botId": bot["id"],
                "apiKey": "sim-key",
                "webhookSecret": secret,
            },
        )
    )
    await _ok(await api.post(f"/integration/recall/{integration['id']}/setup", json={}))
    return str(integration["id"])


async def _play(
    sim: Simulator,
    container: Container,
    api: httpx2.AsyncClient,
    integration: str,
    meeting: Meeting,
    number: int,
    timeout_s: float,
) -> Played:
    meeting_id = f"{9100000000 + number}"
    sim.assign_script(meeting_id, meeting.script())
    started = await _ok(
        await api.post(
            f"/integration/recall/{integration}/initiate",
            json={
                "meetingUrl": f"https://zoom.us/j/{meeting_id}",
                "text": "Keep notes and answer questions from participants briefly.",
            },
        )
    )
    session_id = started["sessionId"]
    bot_id = started["bot"]["id"]
    await sim.wait_until_done(bot_id, timeout=timeout_s)
    path = f"/integration/recall/{integration}/session/{session_id}"
    deadline = time.monotonic() + timeout_s
    while True:
        notes = await _ok(await api.get(f"{path}/notes"))
        if notes["status"] == "ready":
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"{meeting.name}: no notes within {timeout_s:g} s")
        await asyncio.sleep(0.2)
    async with container.uow() as tx:
        turns = await tx.turns.all(session_id)
        replies = await tx.replies.for_session(session_id)
    heard = {
        " ".join((e.text or "").split()): e.at.timestamp()
        for e in sim.log(bot_id)
        if isinstance(e, MeetingEvent) and e.text
    }
    by_seq = {t.seq: t for t in turns}
    answered: dict[int, float | None] = {}
    for reply in replies:
        if reply.turn_seq is None or reply.turn_seq in answered:
            continue
        turn = by_seq.get(reply.turn_seq)
        said_at = heard.get(" ".join(turn.text.split())) if turn else None
        latency = None
        if said_at is not None and reply.sent_at is not None:
            latency = max(0.0, reply.sent_at / 1000 - said_at)
        answered[reply.turn_seq] = latency
    stored = [StoredTurn(t.seq, t.speaker, t.text, t.by_bot) for t in turns]
    return Played(stored, answered, notes)


async def evaluate(
    choice: BrainChoice, meetings: Sequence[Meeting], timeout_s: float = 600.0
) -> dict[str, Score]:
    """Play every meeting at once with one brain; the score of each split and of all."""
    with tempfile.TemporaryDirectory(prefix="delegate-quality-") as tmp:
        async with _world(choice, Path(tmp)) as (sim, container, api, integration):
            played = await asyncio.gather(
                *(
                    _play(sim, container, api, integration, m, i, timeout_s)
                    for i, m in enumerate(meetings)
                )
            )
    scores = {split: Score() for split in (*SPLITS, "all")}
    for meeting, result in zip(meetings, played, strict=True):
        one = score_meeting(meeting, result)
        scores[meeting.split].add(one)
        scores["all"].add(one)
    return scores


def table(results: dict[str, dict[str, Score]]) -> str:
    """A markdown table: one row per figure, one column per brain and split."""
    columns = [(brain, split) for brain in results for split in ("tune", "holdout", "all")]
    header = "| figure | " + " | ".join(f"{b} ({s})" for b, s in columns) + " |"
    lines = [header, "|---" * (len(columns) + 1) + "|"]
    names = list(Score().figures())
    for name in names:
        cells = []
        for brain, split in columns:
            value = results[brain][split].figures()[name]
            cells.append("-" if value is None else f"{value:g}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _choices(args: argparse.Namespace) -> list[BrainChoice]:
    chosen = [] if args.no_offline else [offline()]
    if args.llm_base_url:
        chosen.append(model(args.llm_base_url, args.llm_model, args.llm_model))
    return chosen


async def _run(args: argparse.Namespace) -> int:
    meetings = load_corpus(args.split)
    results: dict[str, dict[str, Score]] = {}
    async with contextlib.AsyncExitStack() as stack:
        choices = _choices(args)
        if args.local_model:
            from bench.quality_local import local_model

            choices.append(await stack.enter_async_context(local_model()))
        for choice in choices:
            began = time.monotonic()
            results[choice.label] = await evaluate(choice, meetings)
            print(f"{choice.label}: {time.monotonic() - began:.0f} s", file=sys.stderr)
    print(table(results))
    if args.mistakes:
        for label, scores in results.items():
            print(f"\nMistakes of {label}:")
            for line in scores["all"].mistakes:
                print(f"- {line}")
    if args.json:
        figures = {b: {s: sc.figures() for s, sc in r.items()} for b, r in results.items()}
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench quality", description=__doc__)
    parser.add_argument("--split", choices=SPLITS, help="only the meetings of one split")
    parser.add_argument("--llm-base-url", help="also evaluate this OpenAI-compatible server")
    parser.add_argument("--llm-model", default="gpt-4o-mini")
    parser.add_argument("--local-model", action="store_true", help="also evaluate SmolLM2")
    parser.add_argument("--no-offline", action="store_true", help="skip the offline brain")
    parser.add_argument("--mistakes", action="store_true", help="list every wrong decision")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    configure_logging("ERROR")
    return asyncio.run(_run(args))
