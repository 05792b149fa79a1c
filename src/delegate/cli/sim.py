"""``delegate sim``: run the Recall simulator as an HTTP server.

Point delegate (or any Recall client) at ``http://HOST:PORT`` instead of
``https://<region>.recall.ai`` and every bot it creates plays a scripted meeting.
"""

from __future__ import annotations

from typing import Annotated

import typer

from delegate.cli.options import Host, Port, Script, Speed


def sim(
    host: Host = "127.0.0.1",
    port: Port = 8900,
    api_key: Annotated[
        list[str] | None,
        typer.Option(
            "--api-key",
            metavar="KEY",
            help="API key the simulator accepts (repeatable).",
            show_default="sim-key",
        ),
    ] = None,
    webhook_url: Annotated[
        list[str] | None,
        typer.Option(
            metavar="URL",
            help="Status webhook endpoint of the workspace (repeatable); more can be added "
            "later, e.g. by `delegate integration setup`.",
        ),
    ] = None,
    webhook_secret: Annotated[
        str | None,
        typer.Option(
            metavar="WHSEC",
            help="Workspace verification secret (whsec_...) used to sign deliveries.",
        ),
    ] = None,
    speed: Speed = 1.0,
    script: Script = "standup",
    script_for: Annotated[
        list[str] | None,
        typer.Option(
            "--script-for",
            metavar="MEETING_ID=SCRIPT",
            help="Play SCRIPT in the meeting MEETING_ID (repeatable).",
        ),
    ] = None,
) -> None:
    """Run the Recall.ai simulator: Recall's bot API plus scripted meetings, offline."""
    import asyncio

    from delegate.cli.serving import serve_app
    from delegate.sim import Simulator, shipped_scripts
    from delegate.sim.scripts import ScriptError

    mapping: dict[str, str] = {}
    for item in script_for or []:
        meeting_id, sep, name = item.partition("=")
        if not sep or not meeting_id or not name:
            raise typer.BadParameter("expected MEETING_ID=SCRIPT", param_hint="--script-for")
        mapping[meeting_id] = name
    try:
        simulator = Simulator(
            api_keys=set(api_key or ["sim-key"]),
            workspace_secret=webhook_secret,
            webhook_url=webhook_url,
            speed=speed,
            default_script=script,
            scripts=mapping,
        )
    except (ScriptError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from exc

    async def banner() -> None:
        typer.echo(f"Recall simulator listening on http://{host}:{port}  (API: /api/v1/)")
        typer.echo(
            f"  speed {speed:g}x, default script {script!r}; "
            f"shipped: {', '.join(shipped_scripts())}"
        )
        typer.echo(
            f"  status webhooks: {', '.join(simulator.webhook_urls) or 'none yet'}; signing: "
            f"{'on' if webhook_secret else 'off'}; API keys: {len(simulator.api_keys)}"
        )

    async def run() -> None:
        try:
            await serve_app(simulator.app, host, port, lifespan="off", on_started=banner)
        finally:
            await simulator.aclose()

    asyncio.run(run())
