"""``delegate dataset``: knowledge bases, their records, file uploads and search. Each
command calls the SDK and prints the answer (a table, or JSON with ``--json``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from delegate.cli.options import Alias, Cursor, Description, Meta, Name, OrderOpt, Take, Yes, group
from delegate.cli.remote import Remote, api_command, fail

if TYPE_CHECKING:
    from delegate.cli.output import Columns

dataset_app = group("Datasets: knowledge bases a bot answers from, with citations.")

DatasetRef = Annotated[str, typer.Argument(metavar="DATASET", help="Dataset id or @alias.")]
RecordRef = Annotated[str, typer.Argument(metavar="RECORD", help="Record id.")]
Source = Annotated[
    str | None, typer.Option(metavar="SOURCE", help="Where the text comes from (pricing.md).")
]
DATASET_FIELDS_IN: dict[str, Any] = {
    "name": Name,
    "alias": Alias,
    "description": Description,
    "meta": Meta,
}
DATASET_COLUMNS: Columns = ("id", "name", "alias", "created_at")
DATASET_FIELDS: Columns = (
    *DATASET_COLUMNS,
    "description",
    ("Indexed", lambda d: f"{d.index.indexed} of {d.index.records}" if d.index else ""),
    ("Pending", lambda d: d.index.pending if d.index else ""),
    ("Failed", lambda d: d.index.failed if d.index else ""),
    "meta",
    "updated_at",
)
RECORD_COLUMNS: Columns = ("id", "source", "status", ("Text", lambda r: r.text[:80]))
RECORD_FIELDS: Columns = ("id", "source", "status", "error", "text", "meta", "created_at")
FOUND_COLUMNS: Columns = (
    ("Score", lambda r: f"{r.score:.3f}"),
    "source",
    ("Text", lambda r: r.text[:120]),
    "id",
)
CONTENT_TYPES = {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
}


@dataset_app.command("list")
@api_command()
def dataset_list(
    remote: Remote, cursor: Cursor = None, order: OrderOpt = "desc", take: Take = 100
) -> None:
    """List datasets, newest first."""
    with remote.connect() as client:
        page = client.dataset.list(cursor=cursor, order=order, take=take)
    remote.page(page, DATASET_COLUMNS, "datasets", take)


@dataset_app.command("show")
@api_command()
def dataset_show(remote: Remote, dataset: DatasetRef) -> None:
    """Show one dataset and how far indexing its records has come."""
    with remote.connect() as client:
        found = client.dataset.fetch(dataset)
    remote.show(found, DATASET_FIELDS)


@dataset_app.command("create")
@api_command(fields=DATASET_FIELDS_IN)
def dataset_create(remote: Remote, **fields: Any) -> None:
    """Create a dataset and print its id."""
    with remote.connect() as client:
        created = client.dataset.create(**fields)
    remote.done(created, f"Created dataset {created.id}")


@dataset_app.command("update")
@api_command(fields=DATASET_FIELDS_IN)
def dataset_update(remote: Remote, dataset: DatasetRef, **fields: Any) -> None:
    """Change the given fields of a dataset; the others stay as they are."""
    with remote.connect() as client:
        updated = client.dataset.update(dataset, **fields)
    remote.done(updated, f"Updated dataset {updated.id}")


@dataset_app.command("delete")
@api_command()
def dataset_delete(remote: Remote, dataset: DatasetRef, yes: Yes = False) -> None:
    """Delete a dataset and its records."""
    if not yes:
        typer.confirm(f"Delete dataset {dataset} and its records?", abort=True, err=True)
    with remote.connect() as client:
        deleted = client.dataset.delete(dataset)
    remote.done(deleted, f"Deleted dataset {deleted.id}")


@dataset_app.command("upload")
@api_command()
def dataset_upload(
    remote: Remote,
    dataset: DatasetRef,
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A .txt, .md, .html or .pdf file.")],
) -> None:
    """Upload a file; it is split into records whose source is the file's name."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    kind = CONTENT_TYPES.get(path.suffix.lower(), "text/plain")
    with remote.connect() as client:
        uploaded = client.dataset.upload(dataset, path.name, content, content_type=kind)
    remote.done(uploaded, f"Uploaded {path.name}: {len(uploaded.records)} records")


@dataset_app.command("search")
@api_command()
def dataset_search(
    remote: Remote,
    dataset: DatasetRef,
    query: Annotated[str, typer.Argument(metavar="QUERY", help="A question or keywords.")],
    take: Annotated[int, typer.Option(min=1, max=50, metavar="N", help="How many records.")] = 5,
) -> None:
    """The records that best answer QUERY, by meaning and words."""
    from delegate.cli import output

    with remote.connect() as client:
        found = client.dataset.search(dataset, query, take=take)
    if remote.as_json:
        output.emit_json(found.to_json())
    elif not found.records:
        output.note("No records found.")
    else:
        output.table(found.records, FOUND_COLUMNS)


@dataset_app.command("records")
@api_command()
def record_list(
    remote: Remote,
    dataset: DatasetRef,
    cursor: Cursor = None,
    order: OrderOpt = "desc",
    take: Take = 100,
) -> None:
    """List a dataset's records, newest first."""
    with remote.connect() as client:
        page = client.dataset.records(dataset, cursor=cursor, order=order, take=take)
    remote.page(page, RECORD_COLUMNS, "records", take)


@dataset_app.command("record-add")
@api_command()
def record_add(
    remote: Remote,
    dataset: DatasetRef,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The record's text.")],
    source: Source = None,
    meta: Meta = None,
) -> None:
    """Add one record and print its id."""
    with remote.connect() as client:
        created = client.dataset.create_record(dataset, text, source=source, meta=meta)
    remote.done(created, f"Created record {created.id}")


@dataset_app.command("record-show")
@api_command()
def record_show(remote: Remote, dataset: DatasetRef, record: RecordRef) -> None:
    """Show one record."""
    with remote.connect() as client:
        found = client.dataset.fetch_record(dataset, record)
    remote.show(found, RECORD_FIELDS)


@dataset_app.command("record-update")
@api_command()
def record_update(
    remote: Remote,
    dataset: DatasetRef,
    record: RecordRef,
    text: Annotated[str | None, typer.Option(metavar="TEXT", help="New text.")] = None,
    source: Source = None,
    meta: Meta = None,
) -> None:
    """Change a record; it is indexed again."""
    with remote.connect() as client:
        updated = client.dataset.update_record(dataset, record, text=text, source=source, meta=meta)
    remote.done(updated, f"Updated record {updated.id}")


@dataset_app.command("record-delete")
@api_command()
def record_delete(remote: Remote, dataset: DatasetRef, record: RecordRef) -> None:
    """Delete a record."""
    with remote.connect() as client:
        deleted = client.dataset.delete_record(dataset, record)
    remote.done(deleted, f"Deleted record {deleted.id}")
