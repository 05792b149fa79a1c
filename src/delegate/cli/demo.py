"""``delegate demo``: one command that shows the whole loop locally."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from delegate.cli.options import Script, Speed


def _audio_dir(data_dir: Path | None) -> Path:
    """Spoken answers outlive the demo's temporary database: without ``--data-dir`` they go to
    the user's data directory."""
    from datetime import UTC, datetime

    from delegate.config import default_data_dir

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return (data_dir or default_data_dir()) / "demo-audio" / stamp


def demo(
    script: Script = "customer-call",
    speed: Speed = 10.0,
    bot_name: Annotated[
        str, typer.Option(metavar="NAME", help="The delegate's name in the meeting.")
    ] = "Ada",
    llm_base_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="OpenAI-compatible base URL; default: the offline brain.",
            show_default=False,
        ),
    ] = None,
    llm_model: Annotated[
        str | None, typer.Option(metavar="MODEL", help="Model name for --llm-base-url.")
    ] = None,
    llm_api_key: Annotated[
        str | None,
        typer.Option(
            metavar="KEY", help="API key for --llm-base-url.", envvar="DELEGATE_LLM__API_KEY"
        ),
    ] = None,
    webhook_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Push the meeting's signed webhook events to this URL (loopback allowed).",
            show_default=False,
        ),
    ] = None,
    voice: Annotated[
        bool,
        typer.Option(
            "--voice",
            help="The delegate answers aloud (offline text-to-speech); what it said is saved "
            "as MP3 files in the data directory.",
        ),
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Keep the demo's database here (default: a temporary directory, removed at exit).",
            show_default=False,
        ),
    ] = None,
    local_model: Annotated[
        bool,
        typer.Option(
            "--local-model",
            help="Answer with SmolLM2-135M served by llama-cpp-python, offline (the local-llm "
            "extra; a slow small model: try --speed 2).",
        ),
    ] = False,
    stay: Annotated[
        bool,
        typer.Option(
            "--stay",
            help="Keep the server and its dashboard running after the meeting (Ctrl-C stops).",
        ),
    ] = False,
) -> None:
    """Run a simulated meeting end to end: simulator, server, a delegate, live view, notes."""
    import asyncio

    from delegate.adapters.llm.local_model import LocalModelUnavailable
    from delegate.cli import output
    from delegate.demo.runner import DemoOptions, run_demo
    from delegate.demo.view import LiveView
    from delegate.sim import shipped_scripts

    if local_model and llm_base_url:
        raise typer.BadParameter(
            "use either --local-model or --llm-base-url", param_hint="--local-model"
        )

    if not Path(script).suffix and script not in shipped_scripts():
        raise typer.BadParameter(
            f"unknown script {script!r}; shipped: {', '.join(sorted(shipped_scripts()))}",
            param_hint="--script",
        )
    view = LiveView(output.console())
    with tempfile.TemporaryDirectory(prefix="delegate-demo-") as scratch:
        directory = data_dir or Path(scratch)
        kept = "" if data_dir else " (a temporary directory, removed at exit)"
        view.step(f"delegate demo: simulator + server on loopback, data in {directory}{kept}")
        options = DemoOptions(
            data_dir=directory,
            script=script,
            speed=speed,
            bot_name=bot_name,
            llm_base_url=llm_base_url,
            llm_model=llm_model,
            llm_api_key=llm_api_key,
            webhook_url=webhook_url,
            voice=voice,
            audio_dir=_audio_dir(data_dir) if voice else None,
            stay=stay,
            local_model=local_model,
        )
        try:
            asyncio.run(run_demo(options, view))
        except LocalModelUnavailable as exc:
            output.error(str(exc))
            raise typer.Exit(1) from exc
        if data_dir:
            view.where(data_dir)
