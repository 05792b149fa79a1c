"""The ``delegate`` command line. One module per command group; each command is thin."""

from __future__ import annotations

import typer

from delegate.cli import admin, serve

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


def _register_optional() -> None:
    try:
        from delegate.cli import sim  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # the simulator command arrives with its own module
        return
    app.command("sim")(sim.sim)


_register_optional()


def main() -> None:
    app()
