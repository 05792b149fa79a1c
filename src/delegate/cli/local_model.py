"""``delegate local-model``: serve the offline model of the ``local-llm`` extra."""

from __future__ import annotations

from typing import Annotated

import typer

local_model_app = typer.Typer(
    help="A real model offline: SmolLM2-135M served by llama-cpp-python (the local-llm extra).",
    no_args_is_help=True,
)


@local_model_app.command("serve")
def serve(
    port: Annotated[
        int,
        typer.Option(min=0, max=65535, metavar="PORT", help="Port to listen on (0: a free one)."),
    ] = 0,
    threads: Annotated[
        int | None, typer.Option(min=1, metavar="N", help="CPU threads for the model.")
    ] = None,
) -> None:
    """Serve the model as an OpenAI-compatible API on loopback until interrupted.

    Point the delegate at it with DELEGATE_LLM__BRAIN=llm, DELEGATE_LLM__BASE_URL=<the URL
    printed> and DELEGATE_LLM__MODEL=smollm2-135m.
    """
    import subprocess

    from delegate.adapters.llm.local_model import (
        MODEL_NAME,
        LocalModelUnavailable,
        free_port,
        model_file,
        server_command,
    )
    from delegate.cli import output

    try:
        chosen = port or free_port()
        command = server_command(chosen, model_file(), threads)
    except LocalModelUnavailable as exc:
        output.error(str(exc))
        raise typer.Exit(1) from exc
    output.console().print(f"Serving {MODEL_NAME} at http://127.0.0.1:{chosen}/v1 (Ctrl-C stops)")
    try:
        # Our own interpreter running llama-cpp-python's server: no shell, fixed arguments.
        raise typer.Exit(subprocess.run(command, check=False).returncode)  # noqa: S603
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
