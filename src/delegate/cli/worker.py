"""``delegate worker``: process meeting sessions from PostgreSQL (scaled-out deployments)."""

from __future__ import annotations

from typing import Annotated

import typer


def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            help="Sessions processed at once by this worker (else DELEGATE_WORKER__CONCURRENCY).",
            show_default="8",
        ),
    ] = None,
) -> None:
    """Process meeting sessions queued in PostgreSQL; run any number, on any machines."""
    import asyncio

    from delegate.cli.serve import check_schema
    from delegate.cli.serving import checked_settings

    # Imported here: procrastinate is only installed with the ``postgres`` extra.
    from delegate.worker.run import WorkerUnavailable, run_worker

    settings = checked_settings()
    if concurrency:
        settings.worker.concurrency = concurrency
    if not settings.is_sqlite:
        check_schema(settings)
    typer.echo(f"delegate worker: concurrency {settings.worker.concurrency}")
    try:
        asyncio.run(run_worker(settings))
    except WorkerUnavailable as exc:
        raise typer.BadParameter(str(exc)) from None
