"""The options and arguments several commands share, declared once.

Only Typer and the standard library are imported here: every command's signature is built when
``delegate`` starts, even for ``--help``. Value options name what they take with a metavar
(``--take N``), so help never shows Python types."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from typer.core import TyperArgument

# Typer 0.29 prints an argument's Python type beside it (``INTEGRATION <str>``) and, unlike
# for options, ignores the metavar that names it. Every argument here is named by its
# metavar and described by its help, so the type is left out (Typer is pinned below 0.30).
TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
"""The SDK's default server; a test checks that both agree."""

Order = Literal["asc", "desc"]
TranscriptFormat = Literal["json", "text", "markdown", "vtt", "srt"]
RecordingAction = Literal["start", "stop", "pause", "resume"]
ReplyMode = Literal["chat", "voice", "both"]

CONNECTION = "Connection"


def group(help: str) -> typer.Typer:
    """A command group (``delegate bot ...``) with plain help, like the root command."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None)


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


# Connection (every API command)
BaseUrl = Annotated[
    str,
    typer.Option(
        "--base-url",
        envvar="DELEGATE_BASE_URL",
        metavar="URL",
        help="The delegate server.",
        rich_help_panel=CONNECTION,
    ),
]
Token = Annotated[
    str,
    typer.Option(
        "--token",
        envvar="DELEGATE_TOKEN",
        metavar="TOKEN",
        help="API token (sk-...); prefer the environment variable.",
        show_default=False,
        rich_help_panel=CONNECTION,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]

# Lists
Cursor = Annotated[
    str | None,
    typer.Option(metavar="ID", help="Continue after this id (from a previous page)."),
]
OrderOpt = Annotated[
    Order, typer.Option("--order", metavar="asc|desc", help="Oldest or newest first.")
]
Take = Annotated[int, typer.Option(min=1, max=100, metavar="N", help="Page size (1 to 100).")]

# Records
BotRef = Annotated[str, typer.Argument(metavar="BOT", help="Bot id or @alias.")]
IntegrationRef = Annotated[
    str, typer.Argument(metavar="INTEGRATION", help="Recall integration id or @alias.")
]
SessionRef = Annotated[str, typer.Argument(metavar="SESSION", help="Session id.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
Meta = Annotated[
    dict[str, Any] | None,
    typer.Option(parser=json_object, metavar="JSON", help="Metadata, a JSON object."),
]
Name = Annotated[str | None, typer.Option(metavar="TEXT", help="Display name.")]
Description = Annotated[str | None, typer.Option(metavar="TEXT", help="Free text description.")]
Alias = Annotated[
    str | None,
    typer.Option(metavar="ALIAS", help="Unique alias (use as @alias); '' clears it."),
]
Timeout = Annotated[float, typer.Option(metavar="SECONDS", help="How long --wait waits at most.")]

# Local processes
Host = Annotated[str, typer.Option(metavar="HOST", help="Interface to listen on.")]
Port = Annotated[int, typer.Option(min=1, max=65535, metavar="PORT", help="Port to listen on.")]
Speed = Annotated[
    float,
    typer.Option(
        min=0.01, metavar="X", help="Play meetings this many times faster than real time."
    ),
]
Script = Annotated[
    str, typer.Option(metavar="SCRIPT", help="Meeting script: a shipped name or a .toml path.")
]
DataDir = Annotated[Path | None, typer.Option(metavar="DIR", help="The data directory.")]


ReplyModeOpt = Annotated[
    ReplyMode | None,
    typer.Option("--reply-mode", help="How the delegate answers: chat (default), voice or both."),
]
VoiceOpt = Annotated[
    str | None,
    typer.Option(
        metavar="VOICE", help="engine or engine:name: piper, espeak-ng:en-us, openai:alloy."
    ),
]
