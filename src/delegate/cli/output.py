"""What API commands print: Rich tables for people, plain JSON (``--json``) for scripts, and
one-line errors on stderr. Rich honours ``NO_COLOR`` and plain (non-terminal) output.

Tables are described by the records' attribute names (``("id", "name", "created_at")``): the
header comes from the name and timestamps (``*_at``) read as UTC times; a column that needs
more is a ``(header, reader)`` pair."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from delegate_client.types import Model, Page

Column = str | tuple[str, Callable[[Any], object]]
Columns = Sequence[Column]

WORDS = {"id": "ID", "api": "API", "url": "URL", "recall": "Recall"}


UNWRAPPED = 10_000
"""Columns of output that is not a terminal (a file, a pipe, a CI log): lines are never
wrapped at 80 columns, so ids and URLs stay whole for the next command or a grep."""


def console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that wraps lines only on a terminal."""
    out = Console(stderr=stderr, highlight=False)
    if not out.is_terminal:
        out.width = UNWRAPPED
    return out


def stdout() -> Console:
    return console()


def stderr() -> Console:
    return console(stderr=True)


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


def header(column: Column) -> str:
    """``created_at`` → ``Created``, ``api_key_set`` → ``API key set``."""
    if not isinstance(column, str):
        return column[0]
    words = column.removesuffix("_at").split("_")
    label = " ".join(WORDS.get(w, w) for w in words)
    return label[0].upper() + label[1:]


def read(row: Any, column: Column) -> str:
    if not isinstance(column, str):
        return cell(column[1](row))
    value = getattr(row, column)
    return cell(when(value) if column.endswith("_at") else value)


def emit_json(data: Any) -> None:
    """JSON on stdout and nothing else, so scripts can parse it."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def error(message: str) -> None:
    stderr().print(f"Error: {message}", style="red", markup=False)


def note(message: str) -> None:
    """A hint for people, on stderr so it never mixes with results."""
    stderr().print(message, style="dim", markup=False)


def table(rows: Iterable[Any], columns: Columns, title: str | None = None) -> None:
    grid = Table(title=title, title_justify="left")
    for i, column in enumerate(columns):
        # Ids are never split across lines: they are copied into the next command.
        grid.add_column(header(column), no_wrap=i == 0, overflow="fold")
    for row in rows:
        grid.add_row(*(read(row, column) for column in columns))
    stdout().print(grid)


def page(result: Page[Any], columns: Columns, as_json: bool, noun: str, take: int) -> None:
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


def record(item: Model, fields: Columns, as_json: bool) -> None:
    """One record as a two-column table (field, value)."""
    if as_json:
        emit_json(item.to_json())
        return
    grid = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for field in fields:
        grid.add_row(header(field), read(item, field))
    stdout().print(grid)


def done(result: Model, as_json: bool, message: str) -> None:
    """The answer of a change: JSON for scripts, one sentence for people."""
    if as_json:
        emit_json(result.to_json())
    else:
        stdout().print(message, markup=False)
