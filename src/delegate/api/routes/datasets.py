"""Dataset routes (ChatBotKit's knowledge bases): CRUD, records, file upload, search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from delegate.api.deps import AccountDep, ContainerDep, DatasetRef, ListQueryDep, RecordId
from delegate.api.knowledge_schemas import (
    DatasetIn,
    DatasetList,
    DatasetOut,
    FoundRecord,
    RecordIn,
    RecordList,
    RecordOut,
    SearchIn,
    SearchOut,
    UploadOut,
)
from delegate.api.openapi import CHANGE, CREATE, DELETE, LIST, READ, errors
from delegate.api.schemas import IdOut
from delegate.services import knowledge

router = APIRouter(prefix="/dataset", tags=["Dataset"])
files = APIRouter(prefix="/dataset", tags=["Dataset"])
"""Routes whose body is not JSON (a file as it is)."""
ONE = "/{datasetId}"
RECORD = ONE + "/record/{recordId}"


@router.get("/list", operation_id="listDatasets", responses=errors(*LIST))
async def list_datasets(c: ContainerDep, account: AccountDep, query: ListQueryDep) -> DatasetList:
    page = await knowledge.list_datasets(c.uow, account.id, query)
    return DatasetList(items=[DatasetOut.of(d) for d in page.items], cursor=page.cursor)


@router.post("/create", operation_id="createDataset", responses=errors(*CREATE))
async def create_dataset(c: ContainerDep, account: AccountDep, body: DatasetIn) -> IdOut:
    return IdOut(id=await knowledge.create_dataset(c.knowledge, account.id, body.provided()))


@router.get(ONE + "/fetch", operation_id="fetchDataset", responses=errors(*READ))
async def fetch_dataset(c: ContainerDep, account: AccountDep, datasetId: DatasetRef) -> DatasetOut:
    """The dataset, with ``index``: how many of its records are indexed, pending or failed."""
    return DatasetOut.view(await knowledge.fetch_dataset(c.uow, account.id, datasetId))


@router.post(ONE + "/update", operation_id="updateDataset", responses=errors(*CHANGE))
async def update_dataset(
    c: ContainerDep, account: AccountDep, datasetId: DatasetRef, body: DatasetIn
) -> IdOut:
    return IdOut(
        id=await knowledge.update_dataset(c.knowledge, account.id, datasetId, body.provided())
    )


@router.post(ONE + "/delete", operation_id="deleteDataset", responses=errors(*DELETE))
async def delete_dataset(c: ContainerDep, account: AccountDep, datasetId: DatasetRef) -> IdOut:
    return IdOut(id=await knowledge.delete_dataset(c.uow, account.id, datasetId))


@router.get(ONE + "/record/list", operation_id="listDatasetRecords", responses=errors(*READ))
async def list_records(
    c: ContainerDep, account: AccountDep, datasetId: DatasetRef, query: ListQueryDep
) -> RecordList:
    page = await knowledge.list_records(c.uow, account.id, datasetId, query)
    return RecordList(items=[RecordOut.of(r) for r in page.items], cursor=page.cursor)


@router.post(ONE + "/record/create", operation_id="createDatasetRecord", responses=errors(*CHANGE))
async def create_record(
    c: ContainerDep, account: AccountDep, datasetId: DatasetRef, body: RecordIn
) -> IdOut:
    """Add a record; it can be found by its words at once, by meaning once indexed."""
    return IdOut(
        id=await knowledge.create_record(c.knowledge, account.id, datasetId, body.provided())
    )


@router.get(RECORD + "/fetch", operation_id="fetchDatasetRecord", responses=errors(*READ))
async def fetch_record(
    c: ContainerDep, account: AccountDep, datasetId: DatasetRef, recordId: RecordId
) -> RecordOut:
    return RecordOut.of(await knowledge.fetch_record(c.uow, account.id, datasetId, recordId))


@router.post(RECORD + "/update", operation_id="updateDatasetRecord", responses=errors(*CHANGE))
async def update_record(
    c: ContainerDep,
    account: AccountDep,
    datasetId: DatasetRef,
    recordId: RecordId,
    body: RecordIn,
) -> IdOut:
    changed = await knowledge.update_record(
        c.knowledge, account.id, datasetId, recordId, body.provided()
    )
    return IdOut(id=changed)


@router.post(RECORD + "/delete", operation_id="deleteDatasetRecord", responses=errors(*DELETE))
async def delete_record(
    c: ContainerDep, account: AccountDep, datasetId: DatasetRef, recordId: RecordId
) -> IdOut:
    return IdOut(id=await knowledge.delete_record(c.uow, account.id, datasetId, recordId))


# 502: an OpenAI-compatible embeddings server that failed.
@router.post(ONE + "/search", operation_id="searchDataset", responses=errors(*DELETE, 502))
async def search_dataset(
    c: ContainerDep, account: AccountDep, datasetId: DatasetRef, body: SearchIn
) -> SearchOut:
    """The records that best answer ``search``, by meaning and words, best first."""
    found = await knowledge.search_dataset(c.knowledge, account.id, datasetId, body.provided())
    return SearchOut(id=datasetId, records=[FoundRecord.of(p) for p in found])


@files.post(
    ONE + "/file/upload",
    operation_id="uploadDatasetFile",
    responses=errors(*DELETE),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in ("text/plain", "text/markdown", "text/html", "application/pdf")
            },
        }
    },
)
async def upload_file(
    c: ContainerDep,
    account: AccountDep,
    datasetId: DatasetRef,
    request: Request,
    name: Annotated[str, Query(max_length=512, description="The file's name, e.g. pricing.md")],
) -> UploadOut:
    """Upload a file as it is (the body): plain text, Markdown, HTML or PDF, split into
    records whose ``source`` is ``name``. Nothing is kept when the file cannot be read."""
    ids = await knowledge.upload_file(
        c.knowledge,
        account.id,
        datasetId,
        name,
        request.headers.get("content-type"),
        await request.body(),
    )
    return UploadOut(id=datasetId, records=ids)
