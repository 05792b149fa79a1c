"""What API commands print: Rich tables for people, plain JSON (``--json``) for scripts, and
one-line errors on stderr. Rich honours ``NO_COLOR`` and plain (non-terminal) output."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from delegate.client.types import Model, Page

M = TypeVar("M", bound=Model)

Column = tuple[str, Callable[[M], object]]
"""A table column: its header and how to read the cell from a record."""


def stdout() -> Console:
    return Console(highlight=False)


def stderr() -> Console:
    return Console(stderr=True, highlight=False)


def cell(value: object) -> str:
    """A value as people read it: ``-`` for nothing, yes/no, JSON for structures."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def when(epoch_ms: int | None) -> str | None:
    """An epoch-millisecond timestamp as UTC date and time."""
    if epoch_ms is None:
        return None
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def emit_json(data: Any) -> None:
    """JSON on stdout and nothing else, so scripts can parse it."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def error(message: str) -> None:
    stderr().print(f"Error: {message}", style="red", markup=False)


def note(message: str) -> None:
    """A hint for people, on stderr so it never mixes with results."""
    stderr().print(message, style="dim", markup=False)


def table(rows: Iterable[M], columns: Sequence[Column[M]], title: str | None = None) -> None:
    grid = Table(title=title, title_justify="left")
    for i, (header, _) in enumerate(columns):
        grid.add_column(header, no_wrap=i == 0, overflow="fold")
    for row in rows:
        grid.add_row(*(cell(read(row)) for _, read in columns))
    stdout().print(grid)


def page(
    result: Page[M], columns: Sequence[Column[M]], as_json: bool, noun: str, take: int
) -> None:
    """One page of a list, with a hint on how to get the next one when it was full."""
    if as_json:
        emit_json(result.to_json())
        return
    if not result.items:
        note(f"No {noun} found.")
        return
    table(result.items, columns)
    if result.cursor and len(result.items) >= take:
        note(f"More may follow: add --cursor {result.cursor}")


def record(item: M, fields: Sequence[Column[M]], as_json: bool) -> None:
    """One record as a two-column table (field, value)."""
    if as_json:
        emit_json(item.to_json())
        return
    grid = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, read in fields:
        grid.add_row(label, cell(read(item)))
    stdout().print(grid)


def done(result: Model, as_json: bool, message: str) -> None:
    """The answer of a change: JSON for scripts, one sentence for people."""
    if as_json:
        emit_json(result.to_json())
    else:
        stdout().print(message, markup=False)
