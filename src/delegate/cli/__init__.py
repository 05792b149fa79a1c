"""The ``delegate`` command line. One module per command group; each command is thin."""

from __future__ import annotations

import os

import typer

from delegate.cli import admin, demo, resources, serve, sessions, sim, worker
from delegate.logs import configure_logging

app = typer.Typer(
    name="delegate",
    help="AI delegates for video meetings, through Recall.ai.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("serve")(serve.serve)
app.add_typer(admin.token_app, name="token")
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.keys_app, name="keys")
app.command("sim")(sim.sim)
app.command("demo")(demo.demo)
app.command("worker")(worker.worker)
app.add_typer(resources.bot_app, name="bot")
app.add_typer(resources.integration_app, name="integration")
app.command("initiate")(resources.initiate)
app.add_typer(sessions.session_app, name="session")


def main() -> None:
    configure_logging(os.environ.get("DELEGATE_LOG_LEVEL", "WARNING"))
    app()
