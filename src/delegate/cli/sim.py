"""``delegate sim``: run the Recall simulator as an HTTP server.

Point delegate (or any Recall client) at ``http://HOST:PORT`` instead of
``https://<region>.recall.ai`` and every bot it creates plays a scripted meeting.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
import uvicorn

from delegate.sim import Simulator, shipped_scripts
from delegate.sim.scripts import ScriptError


def sim(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8900,
    api_key: Annotated[
        list[str] | None,
        typer.Option("--api-key", help="API key the simulator accepts (repeatable)."),
    ] = None,
    webhook_url: Annotated[
        str | None, typer.Option(help="Workspace URL that receives bot status webhooks.")
    ] = None,
    webhook_secret: Annotated[
        str | None,
        typer.Option(help="Workspace verification secret (whsec_...) used to sign deliveries."),
    ] = None,
    speed: Annotated[
        float, typer.Option(min=0.01, help="Play meetings this many times faster than real time.")
    ] = 1.0,
    script: Annotated[
        str, typer.Option(help="Default script: a shipped name or a path to a .toml file.")
    ] = "standup",
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
    typer.echo(f"Recall simulator listening on http://{host}:{port}  (API: /api/v1/)")
    typer.echo(
        f"  speed {speed:g}x, default script {script!r}; shipped: {', '.join(shipped_scripts())}"
    )
    typer.echo(
        f"  status webhooks: {webhook_url or 'off'}; signing: "
        f"{'on' if webhook_secret else 'off'}; API keys: {len(simulator.api_keys)}"
    )
    asyncio.run(_serve(simulator, host, port))


async def _serve(simulator: Simulator, host: str, port: int) -> None:
    config = uvicorn.Config(
        simulator.app, host=host, port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    try:
        await server.serve()
    finally:
        await simulator.aclose()
