"""Request and response bodies of datasets (knowledge bases), their records and search."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from delegate.api.schemas import ALIAS_RULE, META_RULE, Body, Out
from delegate.domain.knowledge import (
    MAX_RECORD_CHARS,
    MAX_SEARCH_CHARS,
    MAX_SEARCH_RECORDS,
    MAX_SOURCE_CHARS,
    Dataset,
    DatasetRecord,
    IndexProgress,
    Passage,
)
from delegate.services.knowledge import DatasetView


class DatasetIn(Body):
    name: str | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=4096)
    alias: str | None = Field(default=None, max_length=128, json_schema_extra=ALIAS_RULE)
    meta: dict[str, Any] | None = Field(default=None, json_schema_extra=META_RULE)


class IndexOut(Out):
    """How far indexing has come: records waiting are found by their words only."""

    records: int
    indexed: int
    pending: int
    failed: int
    done: bool

    @classmethod
    def of(cls, p: IndexProgress) -> IndexOut:
        return cls(
            records=p.records, indexed=p.indexed, pending=p.pending, failed=p.failed, done=p.done
        )


class DatasetOut(Out):
    id: str
    alias: str | None
    name: str
    description: str
    meta: dict[str, Any] | None
    createdAt: int
    updatedAt: int
    index: IndexOut | None = None

    @classmethod
    def of(cls, d: Dataset, progress: IndexProgress | None = None) -> DatasetOut:
        return cls(
            id=d.id,
            alias=d.alias,
            name=d.name,
            description=d.description,
            meta=d.meta,
            createdAt=d.created_at,
            updatedAt=d.updated_at,
            index=IndexOut.of(progress) if progress else None,
        )

    @classmethod
    def view(cls, v: DatasetView) -> DatasetOut:
        return cls.of(v.dataset, v.progress)


class DatasetList(Out):
    items: list[DatasetOut]
    cursor: str | None


class RecordIn(Body):
    text: str | None = Field(default=None, max_length=MAX_RECORD_CHARS)
    source: str | None = Field(default=None, max_length=MAX_SOURCE_CHARS)
    meta: dict[str, Any] | None = Field(default=None, json_schema_extra=META_RULE)


class RecordOut(Out):
    id: str
    datasetId: str
    text: str
    source: str
    meta: dict[str, Any] | None
    status: str
    """pending (found by words only), indexed, or failed (see ``error``)."""
    error: str | None
    createdAt: int
    updatedAt: int

    @classmethod
    def of(cls, r: DatasetRecord) -> RecordOut:
        return cls(
            id=r.id,
            datasetId=r.dataset_id,
            text=r.text,
            source=r.source,
            meta=r.meta,
            status=r.status.value,
            error=r.error,
            createdAt=r.created_at,
            updatedAt=r.updated_at,
        )


class RecordList(Out):
    items: list[RecordOut]
    cursor: str | None


class SearchIn(Body):
    search: str = Field(min_length=1, max_length=MAX_SEARCH_CHARS, pattern=r"\S")
    take: int | None = Field(default=None, ge=1, le=MAX_SEARCH_RECORDS)


class FoundRecord(Out):
    id: str
    text: str
    source: str
    meta: dict[str, Any] | None
    score: float
    """Cosine similarity of meaning (0 when no embedding model is configured)."""

    @classmethod
    def of(cls, p: Passage) -> FoundRecord:
        return cls(id=p.record_id, text=p.text, source=p.source, meta=p.meta, score=p.score)


class SearchOut(Out):
    id: str
    records: list[FoundRecord]


class UploadOut(Out):
    id: str
    records: list[str]
    """Ids of the records the file was split into (indexed in the background)."""
