"""How API commands reach a delegate server: the shared options, the SDK client, and the one
place where an API error becomes a line on stderr and exit code 1."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, NoReturn

import httpx2
import typer

from delegate.cli import output
from delegate.client import DEFAULT_BASE_URL, Delegate, DelegateError
from delegate.client.types import Order

CONNECTION = "Connection"

BaseUrl = Annotated[
    str,
    typer.Option(
        "--base-url",
        envvar="DELEGATE_BASE_URL",
        help="The delegate server.",
        rich_help_panel=CONNECTION,
    ),
]
Token = Annotated[
    str,
    typer.Option(
        "--token",
        envvar="DELEGATE_TOKEN",
        help="API token (sk-...); prefer the environment variable.",
        show_default=False,
        rich_help_panel=CONNECTION,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]

Cursor = Annotated[str | None, typer.Option(help="Continue after this id (from a previous page).")]
OrderOpt = Annotated[Order, typer.Option("--order", help="asc or desc by creation time.")]
Take = Annotated[int, typer.Option(min=1, max=100, help="Page size.")]


@dataclass(frozen=True)
class CliContext:
    """What API commands take from outside; tests pass one as ``obj`` to reach an in-process
    server and poll fast."""

    http_client: httpx2.Client | None = None
    poll_interval: float = 1.0


def _context(ctx: typer.Context) -> CliContext:
    return ctx.find_object(CliContext) or CliContext()


def poll_interval(ctx: typer.Context) -> float:
    """Seconds between two polls of a session (``--wait``)."""
    return _context(ctx).poll_interval


@contextmanager
def connect(ctx: typer.Context, base_url: str, token: str) -> Iterator[Delegate]:
    """The SDK client for one command. An API error inside the block is printed as
    ``Error: <message> (<code>)`` on stderr and ends the command with exit code 1."""
    if not token:
        raise typer.BadParameter("pass --token or set DELEGATE_TOKEN", param_hint="'--token'")
    try:
        with Delegate(api_key=token, base_url=base_url, http_client=_context(ctx).http_client) as c:
            yield c
    except DelegateError as exc:
        output.error(str(exc))
        raise typer.Exit(1) from None


def fail(message: str) -> NoReturn:
    """End the command with a one-line error and exit code 1."""
    output.error(message)
    raise typer.Exit(1)


def json_object(value: str) -> dict[str, Any]:
    """Parse an option given as a JSON object (``--meta '{"team": "sales"}'``)."""
    try:
        parsed = json.loads(value)
    except ValueError:
        raise typer.BadParameter('must be a JSON object, e.g. \'{"team": "sales"}\'') from None
    if not isinstance(parsed, dict):
        raise typer.BadParameter('must be a JSON object, e.g. \'{"team": "sales"}\'')
    return parsed


def aware_datetime(value: str) -> datetime:
    """Parse an ISO 8601 time that names its timezone (``2030-05-01T15:00:00Z``)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("must be an ISO 8601 time, e.g. 2030-05-01T15:00:00Z") from None
    if parsed.tzinfo is None:
        raise typer.BadParameter("must include a timezone, e.g. 2030-05-01T15:00:00Z")
    return parsed


def secret(value: str | None) -> str | None:
    """A secret option; ``-`` reads it from stdin so it stays out of shell history."""
    if value == "-":
        return sys.stdin.readline().strip()
    return value


Meta = Annotated[
    dict[str, Any] | None,
    typer.Option(parser=json_object, metavar="JSON", help="Metadata, a JSON object."),
]

__all__ = [
    "DEFAULT_BASE_URL",
    "AsJson",
    "BaseUrl",
    "CliContext",
    "Cursor",
    "Meta",
    "OrderOpt",
    "Take",
    "Token",
    "aware_datetime",
    "connect",
    "fail",
    "json_object",
    "poll_interval",
    "secret",
]
