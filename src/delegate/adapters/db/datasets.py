"""Repository of knowledge bases: datasets, their records, embeddings and keyword search.

Keyword search is SQLite FTS5 (the ``dataset_records_fts`` table, kept in step here) or
PostgreSQL full-text (the ``tsv`` column, GIN-indexed). The text configuration is 'simple'
on both: records and questions may be in any language, and stemming for one would mangle
the others. Meaning search is not here: embeddings are read out and scored in numpy
(``adapters/retrieval/``), as pgvector cannot be assumed on the server.
"""

from __future__ import annotations

import re
from typing import Any, cast

from sqlalchemy import and_, bindparam, case, delete, func, insert, select, text, update
from sqlalchemy.engine import RowMapping

from delegate.adapters.db.connection import Connection
from delegate.adapters.db.repositories import _alias_taken, _ref_clause, paginate
from delegate.adapters.db.tables import bots, dataset_records, datasets
from delegate.domain.knowledge import (
    Dataset,
    DatasetRecord,
    IndexProgress,
    RecordStatus,
    ScoredId,
)
from delegate.domain.records import ListQuery, Page

_d = datasets
_r = dataset_records
# Letters and digits only: an underscore or other mark would be tsquery syntax.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_WORDS = 12
# Words every record has: each one matched thousands of rows that were all ranked, for
# nothing the meaning half does not already do. English, German and French, as the questions.
STOP_WORDS = frozenset(
    """
    a an and are as at be but by can could did do does for from had has have how i if in is
    it its me my no not of on or our please so tell than that the their them then there these
    they this to us was we what when where which who whom why will with would you your
    aber als am an auch auf aus bei bin bis bitte da das dass dem den der des die doch du ein
    eine einem einen einer er es für gibt hat hast haben ich ihr im in ist ja kann können mit
    nach nicht noch oder sie sind so über um und uns von vor wann war warum was welche welcher
    wer wie wir wird wo zu zum zur
    au aux avec ce ces dans de des du elle en est et il ils je la le les leur mais me mon ne
    nous on ou où par pas pour qu que quel quelle quels qui sa se ses son sont sur ta te tu un
    une vos votre vous y combien comment
    """.split()  # noqa: SIM905 - a list of 200 quoted words would hide the words
)

_FTS_MATCH = text(
    "SELECT record_id, bm25(dataset_records_fts) AS rank FROM dataset_records_fts "
    "WHERE dataset_records_fts MATCH :match AND dataset_id = :dataset "
    "ORDER BY rank LIMIT :limit"
)
_FTS_ADD = text(
    "INSERT INTO dataset_records_fts (record_id, dataset_id, body) VALUES (:id, :dataset, :body)"
)
_FTS_DROP = text("DELETE FROM dataset_records_fts WHERE record_id = :id")
_FTS_DROP_DATASET = text("DELETE FROM dataset_records_fts WHERE dataset_id = :dataset")


def _words(query: str) -> list[str]:
    words = dict.fromkeys(w.lower() for w in _WORD.findall(query))
    return [w for w in words if w not in STOP_WORDS][:MAX_QUERY_WORDS]


def _body(record: DatasetRecord) -> str:
    return f"{record.source}\n{record.text}"


def _dataset(row: RowMapping) -> Dataset:
    return Dataset(
        id=row["id"],
        account_id=row["account_id"],
        alias=row["alias"],
        name=row["name"],
        description=row["description"],
        meta=row["meta"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _record(row: RowMapping) -> DatasetRecord:
    return DatasetRecord(
        id=row["id"],
        account_id=row["account_id"],
        dataset_id=row["dataset_id"],
        text=row["text"],
        source=row["source"],
        meta=row["meta"],
        status=RecordStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        error=row["error"],
    )


_RECORD_COLUMNS = [c for c in _r.c if c.name not in ("embedding", "tsv")]
_SAVE_VECTOR = (
    update(_r)
    # A record changed while it was being embedded keeps waiting for its new vector.
    .where(_r.c.id == bindparam("rid"), _r.c.updated_at == bindparam("seen"))
    .values(
        embedding=bindparam("vector"),
        embedding_model=bindparam("model"),
        status=RecordStatus.INDEXED.value,
        error=None,
    )
)


class SqlDatasetRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._sqlite = conn.dialect.name == "sqlite"

    async def add(self, dataset: Dataset) -> None:
        await self._conn.execute(insert(_d).values(**dataset.__dict__, version=0))

    async def get(self, account_id: str, ref: str) -> Dataset | None:
        stmt = select(_d).where(_ref_clause(_d, account_id, ref))
        row = (await self._conn.execute(stmt)).mappings().first()
        return _dataset(row) if row else None

    async def update(self, dataset: Dataset) -> None:
        values = {k: v for k, v in dataset.__dict__.items() if k not in ("id", "account_id")}
        await self._conn.execute(update(_d).where(_d.c.id == dataset.id).values(**values))

    async def delete(self, account_id: str, dataset_id: str) -> None:
        if self._sqlite:
            await self._conn.execute(_FTS_DROP_DATASET, {"dataset": dataset_id})
        await self._conn.execute(
            update(bots)
            .where(bots.c.account_id == account_id, bots.c.dataset_id == dataset_id)
            .values(dataset_id=None)
        )
        await self._conn.execute(delete(_r).where(_r.c.dataset_id == dataset_id))
        await self._conn.execute(
            delete(_d).where(and_(_d.c.id == dataset_id, _d.c.account_id == account_id))
        )

    async def list_page(self, account_id: str, query: ListQuery) -> Page[Dataset]:
        rows, cursor = await paginate(self._conn, _d, account_id, query)
        return Page([_dataset(r) for r in rows], cursor)

    async def alias_taken(self, account_id: str, alias: str, except_id: str | None) -> bool:
        return await _alias_taken(self._conn, _d, account_id, alias, except_id)

    async def progress(self, dataset_id: str) -> IndexProgress:
        def count(status: RecordStatus) -> Any:
            return func.coalesce(func.sum(case((_r.c.status == status.value, 1), else_=0)), 0)

        stmt = select(
            func.count(),
            count(RecordStatus.INDEXED),
            count(RecordStatus.PENDING),
            count(RecordStatus.FAILED),
        ).where(_r.c.dataset_id == dataset_id)
        row = cast(tuple[int, int, int, int], (await self._conn.execute(stmt)).one())
        total, indexed, pending, failed = row
        return IndexProgress(int(total), int(indexed), int(pending), int(failed))

    async def version(self, dataset_id: str) -> int:
        stmt = select(_d.c.version).where(_d.c.id == dataset_id)
        return int((await self._conn.execute(stmt)).scalar() or 0)

    async def _bump(self, dataset_ids: set[str]) -> None:
        for dataset_id in dataset_ids:
            await self._conn.execute(
                update(_d).where(_d.c.id == dataset_id).values(version=_d.c.version + 1)
            )

    async def add_records(self, records: list[DatasetRecord]) -> None:
        if not records:
            return
        rows = [{**r.__dict__, "status": r.status.value} for r in records]
        await self._conn.execute(insert(_r), rows)
        await self._index_words(records)
        await self._bump({r.dataset_id for r in records})

    async def _index_words(self, records: list[DatasetRecord]) -> None:
        if self._sqlite:
            await self._conn.execute(
                _FTS_ADD, [{"id": r.id, "dataset": r.dataset_id, "body": _body(r)} for r in records]
            )
            return
        body = _r.c.source + "\n" + _r.c.text
        await self._conn.execute(
            update(_r)
            .where(_r.c.id.in_([r.id for r in records]))
            .values(tsv=func.to_tsvector(text("'simple'"), body))
        )

    async def get_record(self, dataset_id: str, record_id: str) -> DatasetRecord | None:
        stmt = select(*_RECORD_COLUMNS).where(_r.c.id == record_id, _r.c.dataset_id == dataset_id)
        row = (await self._conn.execute(stmt)).mappings().first()
        return _record(row) if row else None

    async def records(self, dataset_id: str, record_ids: list[str]) -> list[DatasetRecord]:
        if not record_ids:
            return []
        stmt = select(*_RECORD_COLUMNS).where(
            _r.c.dataset_id == dataset_id, _r.c.id.in_(record_ids)
        )
        found = {r["id"]: _record(r) for r in (await self._conn.execute(stmt)).mappings()}
        return [found[i] for i in record_ids if i in found]

    async def update_record(self, record: DatasetRecord) -> None:
        await self._conn.execute(
            update(_r)
            .where(_r.c.id == record.id)
            .values(
                text=record.text,
                source=record.source,
                meta=record.meta,
                status=RecordStatus.PENDING.value,
                error=None,
                embedding=None,
                updated_at=record.updated_at,
            )
        )
        if self._sqlite:
            await self._conn.execute(_FTS_DROP, {"id": record.id})
        await self._index_words([record])
        await self._bump({record.dataset_id})

    async def delete_record(self, dataset_id: str, record_id: str) -> None:
        if self._sqlite:
            await self._conn.execute(_FTS_DROP, {"id": record_id})
        await self._conn.execute(
            delete(_r).where(_r.c.id == record_id, _r.c.dataset_id == dataset_id)
        )
        await self._bump({dataset_id})

    async def list_records(
        self, account_id: str, dataset_id: str, query: ListQuery
    ) -> Page[DatasetRecord]:
        rows, cursor = await paginate(
            self._conn, _r, account_id, query, _r.c.dataset_id == dataset_id
        )
        return Page([_record(r) for r in rows], cursor)

    async def pending_records(self, dataset_id: str, limit: int) -> list[DatasetRecord]:
        stmt = (
            select(*_RECORD_COLUMNS)
            .where(_r.c.dataset_id == dataset_id, _r.c.status == RecordStatus.PENDING.value)
            .order_by(_r.c.created_at, _r.c.id)
            .limit(limit)
        )
        return [_record(r) for r in (await self._conn.execute(stmt)).mappings()]

    async def save_vectors(
        self, dataset_id: str, vectors: dict[str, tuple[bytes, int]], model: str
    ) -> None:
        if not vectors:
            return
        await self._conn.execute(
            _SAVE_VECTOR,
            [
                {"rid": rid, "seen": seen, "vector": vector, "model": model}
                for rid, (vector, seen) in vectors.items()
            ],
        )
        await self._bump({dataset_id})

    async def mark_records(self, record_ids: list[str], status: RecordStatus, error: str) -> None:
        await self._conn.execute(
            update(_r).where(_r.c.id.in_(record_ids)).values(status=status.value, error=error)
        )

    async def vectors(self, dataset_id: str) -> tuple[list[str], list[bytes]]:
        stmt = select(_r.c.id, _r.c.embedding).where(
            _r.c.dataset_id == dataset_id, _r.c.status == RecordStatus.INDEXED.value
        )
        ids: list[str] = []
        vectors: list[bytes] = []
        found = cast(list[tuple[str, bytes]], (await self._conn.execute(stmt)).all())
        for record_id, vector in found:
            ids.append(record_id)
            vectors.append(bytes(vector))
        return ids, vectors

    async def keyword_search(self, dataset_id: str, query: str, limit: int) -> list[ScoredId]:
        words = _words(query)
        if not words:
            return []
        if self._sqlite:
            match = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
            rows = await self._conn.execute(
                _FTS_MATCH, {"match": match, "dataset": dataset_id, "limit": limit}
            )
            # bm25() is lower for better matches; negated so that higher is better everywhere.
            matched = cast(list[tuple[str, float]], rows.all())
            return [ScoredId(rid, -float(rank)) for rid, rank in matched]
        tsquery = func.to_tsquery(text("'simple'"), " | ".join(words))
        rank = func.ts_rank(_r.c.tsv, tsquery)
        stmt = (
            select(_r.c.id, rank)
            .where(_r.c.dataset_id == dataset_id, _r.c.tsv.op("@@")(tsquery))
            .order_by(rank.desc())
            .limit(limit)
        )
        ranked = cast(list[tuple[str, float]], (await self._conn.execute(stmt)).all())
        return [ScoredId(rid, float(score)) for rid, score in ranked]

    async def with_pending_records(self, limit: int) -> list[str]:
        stmt = (
            select(_r.c.dataset_id)
            .where(_r.c.status == RecordStatus.PENDING.value)
            .group_by(_r.c.dataset_id)
            .limit(limit)
        )
        return list((await self._conn.execute(stmt)).scalars())
