"""``delegate demo``: one command that shows the whole loop locally."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from delegate.demo.runner import DemoOptions, run_demo
from delegate.demo.view import LiveView
from delegate.sim import shipped_scripts


def demo(
    script: Annotated[str, typer.Option(help="Meeting script: a shipped name or a .toml path.")] = (
        "customer-call"
    ),
    speed: Annotated[float, typer.Option(help="Play the meeting this many times faster.")] = 10.0,
    bot_name: Annotated[str, typer.Option(help="The delegate's name in the meeting.")] = "Ada",
    llm_base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible base URL; default: the offline brain.")
    ] = None,
    llm_model: Annotated[str | None, typer.Option(help="Model name for --llm-base-url.")] = None,
    llm_api_key: Annotated[
        str | None, typer.Option(help="API key for --llm-base-url.", envvar="DELEGATE_LLM__API_KEY")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Keep the demo's database here (default: a new temp dir).")
    ] = None,
) -> None:
    """Run a simulated meeting end to end: simulator, server, a delegate, live view, notes."""
    if not Path(script).suffix and script not in shipped_scripts():
        raise typer.BadParameter(
            f"unknown script {script!r}; shipped: {', '.join(sorted(shipped_scripts()))}",
            param_hint="--script",
        )
    directory = data_dir or Path(tempfile.mkdtemp(prefix="delegate-demo-"))
    view = LiveView()
    view.step(f"delegate demo: simulator + server on loopback, data in {directory}")
    options = DemoOptions(
        data_dir=directory,
        script=script,
        speed=speed,
        bot_name=bot_name,
        llm_base_url=llm_base_url,
        llm_model=llm_model,
        llm_api_key=llm_api_key,
    )
    asyncio.run(run_demo(options, view))
