"""Knowledge bases (ChatBotKit datasets): datasets, records, file uploads split into records,
search, and indexing in the background.

A record is stored ``pending`` with its words indexed at once (keyword search finds it
straight away), and the indexer is kicked after the commit; it embeds pending records in
batches and marks them ``indexed``. Progress is counted from the records' states, so it is
visible on the dataset while indexing runs, in whichever process runs it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from delegate.domain.errors import InvalidInput, NotFound, UpstreamFailed
from delegate.domain.ids import new_id
from delegate.domain.knowledge import (
    STRONG_MATCH,
    Dataset,
    DatasetRecord,
    IndexProgress,
    Passage,
    RecordStatus,
    check_record_text,
    check_search,
    check_source,
    check_take,
    split_text,
)
from delegate.domain.records import ListQuery, Page, merge_meta
from delegate.services.fields import check_meta, clean_alias, common_changes, ensure_alias_free
from delegate.services.ports import (
    Clock,
    Dispatcher,
    DocumentReader,
    Embedder,
    Retriever,
    UnitOfWork,
    UnitOfWorkFactory,
)

log = logging.getLogger(__name__)

NOT_FOUND = "Dataset not found"
RECORD_NOT_FOUND = "Record not found"
INDEX_BATCH = 32
RETRY_DELAY_S = 5.0
MAX_FILE_RECORDS = 2000


@dataclass(frozen=True)
class KnowledgePorts:
    uow: UnitOfWorkFactory
    clock: Clock
    embedder: Embedder | None
    """None: no embedding model here; records are found by their words only."""
    retriever: Retriever | None
    reader: DocumentReader
    indexer: Dispatcher | None = None
    """Told which dataset has records to index, once they are committed."""
    max_file_bytes: int = 1_048_576
    answer_threshold: float = STRONG_MATCH
    """Similarity from which the offline brain answers with a passage."""


@dataclass(frozen=True)
class DatasetView:
    dataset: Dataset
    progress: IndexProgress


async def _dataset(tx: UnitOfWork, account_id: str, ref: str) -> Dataset:
    dataset = await tx.datasets.get(account_id, ref)
    if dataset is None:
        raise NotFound(NOT_FOUND)
    return dataset


def _kick_after_commit(ports: KnowledgePorts, tx: UnitOfWork, dataset_id: str) -> None:
    indexer = ports.indexer
    if indexer is not None:
        tx.after_commit(lambda: indexer.kick(dataset_id))


async def create_dataset(ports: KnowledgePorts, account_id: str, fields: dict[str, Any]) -> str:
    """Create a dataset from the given fields (all optional); returns its id."""
    alias = clean_alias(fields.get("alias"))
    check_meta(fields.get("meta"))
    now = ports.clock.now_ms()
    dataset = Dataset(
        id=new_id(),
        account_id=account_id,
        alias=alias,
        name=fields.get("name") or "",
        description=fields.get("description") or "",
        meta=merge_meta(fields.get("meta"), None),
        created_at=now,
        updated_at=now,
    )
    async with ports.uow() as tx:
        if alias:
            await ensure_alias_free(await tx.datasets.alias_taken(account_id, alias, None), alias)
        await tx.datasets.add(dataset)
    return dataset.id


async def fetch_dataset(uow: UnitOfWorkFactory, account_id: str, ref: str) -> DatasetView:
    """The dataset and how far indexing its records has come."""
    async with uow() as tx:
        dataset = await _dataset(tx, account_id, ref)
        return DatasetView(dataset, await tx.datasets.progress(dataset.id))


async def list_datasets(uow: UnitOfWorkFactory, account_id: str, query: ListQuery) -> Page[Dataset]:
    async with uow() as tx:
        return await tx.datasets.list_page(account_id, query)


async def update_dataset(
    ports: KnowledgePorts, account_id: str, ref: str, fields: dict[str, Any]
) -> str:
    """Change the given fields; omitted fields keep their value."""
    check_meta(fields.get("meta"))
    async with ports.uow() as tx:
        dataset = await _dataset(tx, account_id, ref)
        changes = await common_changes(
            fields,
            ("name", "description"),
            dataset.id,
            dataset.meta,
            lambda alias, except_id: tx.datasets.alias_taken(account_id, alias, except_id),
        )
        await tx.datasets.update(replace(dataset, **changes, updated_at=ports.clock.now_ms()))
    return dataset.id


async def delete_dataset(uow: UnitOfWorkFactory, account_id: str, ref: str) -> str:
    """Delete the dataset and its records; bots that used it answer without one."""
    async with uow() as tx:
        dataset = await _dataset(tx, account_id, ref)
        await tx.datasets.delete(account_id, dataset.id)
    return dataset.id


def _new_record(
    dataset: Dataset, text: str, source: str, meta: dict[str, Any] | None, now: int
) -> DatasetRecord:
    return DatasetRecord(
        id=new_id(),
        account_id=dataset.account_id,
        dataset_id=dataset.id,
        text=text,
        source=source,
        meta=meta,
        status=RecordStatus.PENDING,
        created_at=now,
        updated_at=now,
    )


async def create_record(
    ports: KnowledgePorts, account_id: str, ref: str, fields: dict[str, Any]
) -> str:
    """Add a record (``text``, ``source``, ``meta``); it is indexed in the background."""
    text = check_record_text(fields.get("text"))
    source = check_source(fields.get("source"))
    check_meta(fields.get("meta"))
    async with ports.uow() as tx:
        dataset = await _dataset(tx, account_id, ref)
        record = _new_record(
            dataset, text, source, merge_meta(fields.get("meta"), None), ports.clock.now_ms()
        )
        await tx.datasets.add_records([record])
        _kick_after_commit(ports, tx, dataset.id)
    return record.id


async def _record(tx: UnitOfWork, account_id: str, ref: str, record_id: str) -> DatasetRecord:
    dataset = await _dataset(tx, account_id, ref)
    record = await tx.datasets.get_record(dataset.id, record_id)
    if record is None:
        raise NotFound(RECORD_NOT_FOUND)
    return record


async def fetch_record(
    uow: UnitOfWorkFactory, account_id: str, ref: str, record_id: str
) -> DatasetRecord:
    async with uow() as tx:
        return await _record(tx, account_id, ref, record_id)


async def list_records(
    uow: UnitOfWorkFactory, account_id: str, ref: str, query: ListQuery
) -> Page[DatasetRecord]:
    async with uow() as tx:
        dataset = await _dataset(tx, account_id, ref)
        return await tx.datasets.list_records(account_id, dataset.id, query)


async def update_record(
    ports: KnowledgePorts, account_id: str, ref: str, record_id: str, fields: dict[str, Any]
) -> str:
    """Change text, source or meta; the record is indexed again."""
    check_meta(fields.get("meta"))
    async with ports.uow() as tx:
        record = await _record(tx, account_id, ref, record_id)
        changed = replace(
            record,
            text=check_record_text(fields["text"]) if "text" in fields else record.text,
            source=check_source(fields["source"]) if "source" in fields else record.source,
            meta=merge_meta(fields["meta"], record.meta) if "meta" in fields else record.meta,
            status=RecordStatus.PENDING,
            updated_at=ports.clock.now_ms(),
        )
        await tx.datasets.update_record(changed)
        _kick_after_commit(ports, tx, record.dataset_id)
    return record.id


async def delete_record(uow: UnitOfWorkFactory, account_id: str, ref: str, record_id: str) -> str:
    async with uow() as tx:
        record = await _record(tx, account_id, ref, record_id)
        await tx.datasets.delete_record(record.dataset_id, record.id)
    return record.id


async def upload_file(
    ports: KnowledgePorts,
    account_id: str,
    ref: str,
    filename: str,
    content_type: str | None,
    data: bytes,
) -> list[str]:
    """Split a document into records (source: its file name); all of them or none are kept."""
    name = check_source(filename)
    if not name:
        raise InvalidInput('"name" (the file name, e.g. pricing.md) is required')
    if len(data) > ports.max_file_bytes:
        raise InvalidInput(f"the file is larger than {ports.max_file_bytes} bytes")
    async with ports.uow() as tx:
        dataset = await _dataset(tx, account_id, ref)
    chunks = split_text(ports.reader.text_of(name, content_type, data))
    if not chunks:
        raise InvalidInput("the file holds no text")
    if len(chunks) > MAX_FILE_RECORDS:
        raise InvalidInput(f"the file splits into more than {MAX_FILE_RECORDS} records")
    now = ports.clock.now_ms()
    records = [
        _new_record(dataset, chunk, name, {"file": name, "part": n + 1}, now)
        for n, chunk in enumerate(chunks)
    ]
    async with ports.uow() as tx:
        await _dataset(tx, account_id, dataset.id)  # deleted meanwhile: 404, nothing stored
        await tx.datasets.add_records(records)
        _kick_after_commit(ports, tx, dataset.id)
    return [r.id for r in records]


async def search_dataset(
    ports: KnowledgePorts, account_id: str, ref: str, fields: dict[str, Any]
) -> list[Passage]:
    """The records that best answer ``search`` (``take`` of them, 5 by default)."""
    query = check_search(fields.get("search"))
    take = check_take(fields.get("take"))
    async with ports.uow() as tx:
        dataset = await _dataset(tx, account_id, ref)
    return await passages(ports, dataset.id, query, take)


async def passages(ports: KnowledgePorts, dataset_id: str, query: str, limit: int) -> list[Passage]:
    """Search a dataset already known to belong to the caller."""
    if ports.retriever is not None:
        return await ports.retriever.search(dataset_id, query, limit)
    async with ports.uow() as tx:
        hits = await tx.datasets.keyword_search(dataset_id, query, limit)
        records = await tx.datasets.records(dataset_id, [h.record_id for h in hits])
    # Without embeddings there is no similarity: a word match is all that is known.
    return [Passage(r.id, r.dataset_id, r.text, r.source, 0.0, r.meta) for r in records]


async def index_pending(ports: KnowledgePorts, dataset_id: str) -> float | None:
    """Embed the dataset's pending records, a batch at a time. Returns seconds until a retry
    when the model failed, None when nothing is left."""
    embedder = ports.embedder
    while True:
        async with ports.uow() as tx:
            batch = await tx.datasets.pending_records(dataset_id, INDEX_BATCH)
        if not batch:
            return None
        if embedder is None:
            async with ports.uow() as tx:
                await tx.datasets.mark_records(
                    [r.id for r in batch], RecordStatus.FAILED, "no embedding model configured"
                )
            continue
        try:
            vectors = await embedder.passages([f"{r.source}\n{r.text}".strip() for r in batch])
        except UpstreamFailed as exc:
            log.warning("indexing dataset %s failed: %s", dataset_id, exc.message)
            return RETRY_DELAY_S
        async with ports.uow() as tx:
            await tx.datasets.save_vectors(
                dataset_id,
                {r.id: (v, r.updated_at) for r, v in zip(batch, vectors, strict=True)},
                embedder.model,
            )


async def warm_up(ports: KnowledgePorts) -> None:
    """Load the embedding model before a question needs it (serve and worker start)."""
    if ports.embedder is None:
        return
    started = ports.clock.now_ms()
    try:
        await ports.embedder.warm_up()
    except (UpstreamFailed, RuntimeError, OSError) as exc:
        # Not fatal: the first question loads it again, or answers from words alone.
        log.warning("embedding model not preloaded: %s", exc)
        return
    took = ports.clock.now_ms() - started
    log.info("embedding model %s ready in %d ms", ports.embedder.model, took)


async def datasets_to_index(uow: UnitOfWorkFactory) -> list[str]:
    """Datasets with records waiting (for the indexer's sweep after a restart)."""
    async with uow() as tx:
        return await tx.datasets.with_pending_records(500)
