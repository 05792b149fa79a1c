"""Datasets (knowledge bases): list, create, edit, delete; a dataset's records (add, edit,
delete, upload a file split into records), its indexing progress and a search box."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from delegate.api.deps import ContainerDep
from delegate.api.knowledge_schemas import DatasetIn, RecordIn, SearchIn
from delegate.dashboard.forms import editable, read_form, read_upload, validated
from delegate.dashboard.paging import Cursor, RecordId, next_cursor, page_query
from delegate.dashboard.rendering import PageRoute, page
from delegate.dashboard.signin import SignedIn
from delegate.domain.errors import InvalidInput
from delegate.domain.knowledge import MAX_SEARCH_CHARS
from delegate.services import dashboard, knowledge

router = APIRouter(route_class=PageRoute, include_in_schema=False)
DATASET_TEXTS = ("name", "description")
RECORD_TEXTS = ("text", "source")
Search = Annotated[str, Query(max_length=MAX_SEARCH_CHARS)]


@router.get("/datasets")
async def datasets_page(
    request: Request, c: ContainerDep, account: SignedIn, cursor: Cursor = None
) -> HTMLResponse:
    query = page_query(cursor)
    found = await dashboard.list_dataset_views(c.uow, account.id, query)
    return page(
        request,
        "datasets.html",
        views=found.items,
        next_cursor=next_cursor(found.items, found.cursor, query),
    )


@router.post("/datasets")
async def create_dataset(request: Request, c: ContainerDep, account: SignedIn) -> RedirectResponse:
    fields = validated(DatasetIn, editable(await read_form(request), DATASET_TEXTS))
    dataset_id = await knowledge.create_dataset(c.knowledge, account.id, fields.provided())
    return RedirectResponse(f"/datasets/{dataset_id}", status_code=303)


async def _dataset_view(
    request: Request,
    c: ContainerDep,
    account_id: str,
    dataset_id: str,
    cursor: str | None = None,
    search: str = "",
    upload_error: str | None = None,
) -> HTMLResponse:
    """The dataset page: settings, progress, a page of records and, when asked, a search."""
    view = await knowledge.fetch_dataset(c.uow, account_id, dataset_id)
    query = page_query(cursor)
    records = await knowledge.list_records(c.uow, account_id, view.dataset.id, query)
    found = None
    if search.strip():
        body = validated(SearchIn, {"search": search})
        found = await knowledge.search_dataset(
            c.knowledge, account_id, view.dataset.id, body.provided()
        )
    return page(
        request,
        "dataset.html",
        status_code=400 if upload_error else 200,
        dataset=view.dataset,
        progress=view.progress,
        records=records.items,
        next_cursor=next_cursor(records.items, records.cursor, query),
        search=search,
        found=found,
        upload_error=upload_error,
    )


@router.get("/datasets/{dataset_id}")
async def dataset_page(
    request: Request,
    c: ContainerDep,
    account: SignedIn,
    dataset_id: RecordId,
    cursor: Cursor = None,
    search: Search = "",
) -> HTMLResponse:
    return await _dataset_view(request, c, account.id, dataset_id, cursor, search)


@router.get("/datasets/{dataset_id}/progress")
async def progress_fragment(
    request: Request, c: ContainerDep, account: SignedIn, dataset_id: RecordId
) -> HTMLResponse:
    """The indexing progress alone: the dataset page polls it while records wait."""
    view = await knowledge.fetch_dataset(c.uow, account.id, dataset_id)
    return page(request, "_dataset_progress.html", dataset=view.dataset, progress=view.progress)


@router.post("/datasets/{dataset_id}")
async def update_dataset(
    request: Request, c: ContainerDep, account: SignedIn, dataset_id: RecordId
) -> RedirectResponse:
    fields = validated(DatasetIn, editable(await read_form(request), DATASET_TEXTS))
    await knowledge.update_dataset(c.knowledge, account.id, dataset_id, fields.provided())
    return RedirectResponse(f"/datasets/{dataset_id}", status_code=303)


@router.post("/datasets/{dataset_id}/delete")
async def delete_dataset(
    request: Request, c: ContainerDep, account: SignedIn, dataset_id: RecordId
) -> RedirectResponse:
    await read_form(request)
    await knowledge.delete_dataset(c.uow, account.id, dataset_id)
    return RedirectResponse("/datasets", status_code=303)


@router.post("/datasets/{dataset_id}/upload")
async def upload_file(
    request: Request, c: ContainerDep, account: SignedIn, dataset_id: RecordId
) -> Response:
    """Split the file into records (the API's upload); a file that cannot be used is said
    so on the dataset page, next to the upload form, and nothing of it is kept."""
    try:
        upload = await read_upload(request)
        await knowledge.upload_file(
            c.knowledge, account.id, dataset_id, upload.filename, upload.content_type, upload.data
        )
    except InvalidInput as exc:
        return await _dataset_view(request, c, account.id, dataset_id, upload_error=exc.message)
    return RedirectResponse(f"/datasets/{dataset_id}", status_code=303)


@router.post("/datasets/{dataset_id}/records")
async def create_record(
    request: Request, c: ContainerDep, account: SignedIn, dataset_id: RecordId
) -> RedirectResponse:
    fields = validated(RecordIn, editable(await read_form(request), RECORD_TEXTS))
    await knowledge.create_record(c.knowledge, account.id, dataset_id, fields.provided())
    return RedirectResponse(f"/datasets/{dataset_id}", status_code=303)


@router.get("/datasets/{dataset_id}/records/{record_id}")
async def record_page(
    request: Request, c: ContainerDep, account: SignedIn, dataset_id: RecordId, record_id: RecordId
) -> HTMLResponse:
    record = await knowledge.fetch_record(c.uow, account.id, dataset_id, record_id)
    return page(request, "record.html", record=record)


@router.post("/datasets/{dataset_id}/records/{record_id}")
async def update_record(
    request: Request, c: ContainerDep, account: SignedIn, dataset_id: RecordId, record_id: RecordId
) -> RedirectResponse:
    fields = validated(RecordIn, editable(await read_form(request), RECORD_TEXTS))
    await knowledge.update_record(c.knowledge, account.id, dataset_id, record_id, fields.provided())
    return RedirectResponse(f"/datasets/{dataset_id}/records/{record_id}", status_code=303)


@router.post("/datasets/{dataset_id}/records/{record_id}/delete")
async def delete_record(
    request: Request, c: ContainerDep, account: SignedIn, dataset_id: RecordId, record_id: RecordId
) -> RedirectResponse:
    await read_form(request)
    await knowledge.delete_record(c.uow, account.id, dataset_id, record_id)
    return RedirectResponse(f"/datasets/{dataset_id}", status_code=303)
