"""The ``delegate`` command line. One module per command group; each command is thin.

Start-up is kept short (``python -m bench cli-startup`` measures it): the command modules
import only Typer and the standard library, and each command imports what it uses (the SDK,
SQLAlchemy, FastAPI, Alembic, the demo) when it runs. Help is Typer's plain formatting, which
needs no Rich."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from delegate import __version__
from delegate.cli import (
    admin,
    datasets,
    demo,
    local_model,
    mcp,
    resources,
    serve,
    sessions,
    sim,
    webhooks,
    worker,
)

app = typer.Typer(
    name="delegate",
    help="AI delegates for video meetings, through Recall.ai.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"delegate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """AI delegates for video meetings, through Recall.ai."""


app.command("serve")(serve.serve)
app.add_typer(admin.token_app, name="token")
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.keys_app, name="keys")
app.command("sim")(sim.sim)
app.command("demo")(demo.demo)
app.command("worker")(worker.worker)
app.command("mcp")(mcp.mcp)
app.add_typer(local_model.local_model_app, name="local-model")
app.add_typer(resources.bot_app, name="bot")
app.add_typer(resources.integration_app, name="integration")
app.command("initiate")(resources.initiate)
app.add_typer(sessions.session_app, name="session")
app.add_typer(webhooks.webhook_app, name="webhook")
app.add_typer(datasets.dataset_app, name="dataset")

INFORMATIONAL = frozenset({"--help", "-h", "--version"})


def main() -> None:
    # Help and the version print and exit: they need no logging (structlog costs a tenth of
    # a second to import).
    if sys.argv[1:] and not INFORMATIONAL & set(sys.argv[1:]):
        from delegate.logs import configure_logging

        configure_logging(os.environ.get("DELEGATE_LOG_LEVEL", "WARNING"))
    app()
