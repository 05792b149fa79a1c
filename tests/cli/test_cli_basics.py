"""What ``delegate`` shows before it does anything: help without Python type tags, the
version, the defaults of serve, and a start that imports only what the command needs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator

import typer
from typer.testing import CliRunner

from delegate import __version__
from delegate.cli import app
from delegate.cli.options import DEFAULT_BASE_URL
from delegate.config import Settings
from delegate_client import DEFAULT_BASE_URL as SDK_BASE_URL

runner = CliRunner()
TYPE_TAG = re.compile(
    r"<(?:bool|str|int|float|list\[[^\]]*\]|[a-z]+ range|datetime|path|dict[^>]*)>"
)
HEAVY = ("sqlalchemy", "fastapi", "alembic", "uvicorn", "httpx2", "rich", "delegate.demo", "mcp")


def command_paths() -> Iterator[list[str]]:
    """Every command and group of ``delegate``, as argument lists."""
    root = typer.main.get_command(app)

    def walk(command: object, path: list[str]) -> Iterator[list[str]]:
        yield path
        for name, child in getattr(command, "commands", {}).items():
            yield from walk(child, [*path, name])

    yield from walk(root, [])


def test_help_shows_no_python_types_anywhere() -> None:
    paths = list(command_paths())
    assert len(paths) > 25
    for path in paths:
        shown = runner.invoke(app, [*path, "--help"])
        assert shown.exit_code == 0, (path, shown.output)
        assert not TYPE_TAG.search(shown.output), (path, shown.output)


def test_version() -> None:
    shown = runner.invoke(app, ["--version"])
    assert shown.exit_code == 0
    assert shown.stdout.strip() == f"delegate {__version__}"


def test_serve_help_shows_where_it_listens_by_default() -> None:
    defaults = Settings().api
    shown = " ".join(runner.invoke(app, ["serve", "--help"]).stdout.split())
    assert (
        f"--host HOST Interface to listen on (else DELEGATE_API__HOST). [default: {defaults.host}]"
        in shown
    )
    assert (
        f"--port PORT Port to listen on (else DELEGATE_API__PORT). [default: {defaults.port};"
        in shown
    )


def test_the_cli_and_the_sdk_agree_on_the_default_server() -> None:
    assert DEFAULT_BASE_URL == SDK_BASE_URL


def test_starting_the_cli_imports_no_command_dependencies() -> None:
    probe = (
        "import sys, json, delegate.cli\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert json.loads(loaded.stdout) == []
