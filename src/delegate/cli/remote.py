"""How API commands reach a delegate server: the connection options every one of them takes,
the SDK client, what they print, and the one place where an API error becomes a line on stderr
and exit code 1.

An API command is declared with ``api_command``: it lists only its own options and receives a
``Remote``; ``--base-url``, ``--token`` and ``--json`` (and the options of ``fields=``) are
added to its signature here, once. The SDK and Rich are imported when a command runs, not when
``delegate`` starts."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from delegate.cli.options import DEFAULT_BASE_URL, AsJson, BaseUrl, Token

if TYPE_CHECKING:
    import httpx2

    from delegate.cli.output import Columns
    from delegate_client import Delegate
    from delegate_client.types import Model, Page

CONNECTION_PARAMS = ("ctx", "base_url", "token", "as_json")


@dataclass(frozen=True)
class CliContext:
    """What API commands take from outside; tests pass one as ``obj`` to reach an in-process
    server and poll fast."""

    http_client: httpx2.Client | None = None
    poll_interval: float = 1.0


@dataclass(frozen=True)
class Remote:
    """One API command's connection and output settings."""

    ctx: typer.Context
    base_url: str
    token: str
    as_json: bool

    @property
    def _context(self) -> CliContext:
        return self.ctx.find_object(CliContext) or CliContext()

    @property
    def poll_interval(self) -> float:
        """Seconds between two polls of a session (``--wait``)."""
        return self._context.poll_interval

    @contextmanager
    def connect(self) -> Iterator[Delegate]:
        """The SDK client for one command. An API error inside the block is printed as
        ``Error: <message> (<code>)`` on stderr and ends the command with exit code 1."""
        from delegate_client import Delegate, DelegateError

        if not self.token:
            raise typer.BadParameter("pass --token or set DELEGATE_TOKEN", param_hint="'--token'")
        http_client = self._context.http_client
        try:
            with Delegate(api_key=self.token, base_url=self.base_url, http_client=http_client) as c:
                yield c
        except DelegateError as exc:
            fail(str(exc))

    def done(self, result: Model, message: str) -> None:
        """The answer of a change: JSON for scripts, one sentence for people."""
        from delegate.cli import output

        output.done(result, self.as_json, message)

    def show(self, item: Model, fields: Columns) -> None:
        """One record: JSON, or a two-column table of ``fields``."""
        from delegate.cli import output

        output.record(item, fields, self.as_json)

    def page(self, result: Page[Any], columns: Columns, noun: str, take: int) -> None:
        """One page of a list: JSON, or a table with a hint on how to get the next page."""
        from delegate.cli import output

        output.page(result, columns, self.as_json, noun, take)


def fail(message: str) -> NoReturn:
    """End the command with a one-line error and exit code 1."""
    from delegate.cli import output

    output.error(message)
    raise typer.Exit(1)


def secret(value: str | None, option: str) -> str | None:
    """A secret option; ``-`` reads it from stdin so it stays out of shell history. Empty
    input is a usage error: sending an empty secret would clear or break the stored one."""
    if value != "-":
        return value
    read = sys.stdin.readline().strip()
    if not read:
        raise typer.BadParameter(
            "'-' reads the value from stdin, which was empty", param_hint=option
        )
    return read


def api_command(
    fields: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Turn ``function(remote, ...)`` into a Typer command with the connection options and, as
    options defaulting to None, the annotated ``fields`` (the ones a create and an update
    share), which the function gets in ``**fields``. Register the result as usual::

        @bot_app.command("create")
        @api_command(fields=BOT_FIELDS_IN)
        def bot_create(remote: Remote, **fields: Any) -> None: ...
    """

    def wrap(function: Callable[..., None]) -> Callable[..., None]:
        own = inspect.signature(function, eval_str=True).parameters.values()
        keyword = inspect.Parameter.KEYWORD_ONLY
        params = [
            p.replace(kind=keyword) for p in own if p.name != "remote" and p.kind != p.VAR_KEYWORD
        ]
        params += [
            inspect.Parameter(f, keyword, annotation=a, default=None)
            for f, a in (fields or {}).items()
        ]
        params += [
            inspect.Parameter("ctx", keyword, annotation=typer.Context),
            inspect.Parameter("base_url", keyword, annotation=BaseUrl, default=DEFAULT_BASE_URL),
            inspect.Parameter("token", keyword, annotation=Token, default=""),
            inspect.Parameter("as_json", keyword, annotation=AsJson, default=False),
        ]

        @wraps(function)
        def command(**kwargs: Any) -> None:
            remote = Remote(*(kwargs.pop(p) for p in CONNECTION_PARAMS))
            function(remote, **kwargs)

        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command

    return wrap
