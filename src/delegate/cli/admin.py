"""Operator commands that work on the local database: tokens, migrations, encryption keys."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from delegate.adapters.db.migrate import current, upgrade
from delegate.adapters.secretbox import add_key_to_file
from delegate.bootstrap import build
from delegate.config import load_settings
from delegate.services.accounts import create_token
from delegate.services.integrations import reencrypt_secrets

token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys for stored secrets.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    account: Annotated[str, typer.Option(help="Account name (created if new).")] = "default",
) -> None:
    """Create an API token for ACCOUNT and print it (it is shown only once)."""
    settings = load_settings()
    upgrade(settings.database_url) if settings.is_sqlite else None

    async def run() -> str:
        container = build(settings)
        try:
            return await create_token(container.uow, container.clock, account)
        finally:
            await container.aclose()

    token = asyncio.run(run())
    typer.echo(token)
    typer.echo(f"(token for account {account!r}; store it now, it is not shown again)", err=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to the configured database."""
    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo(f"database at revision {current(settings.database_url)}")


@keys_app.command("add")
def keys_add() -> None:
    """Add a new active key to the key file (older keys keep decrypting)."""
    settings = load_settings()
    key = add_key_to_file(settings.key_file)
    typer.echo(f"new active key {key.id} in {settings.key_file}; now run: delegate keys reencrypt")


@keys_app.command("reencrypt")
def keys_reencrypt() -> None:
    """Re-encrypt every stored secret with the active key (safe while serving)."""
    settings = load_settings()

    async def run() -> int:
        container = build(settings)
        try:
            return await reencrypt_secrets(container.uow)
        finally:
            await container.aclose()

    typer.echo(f"re-encrypted secrets of {asyncio.run(run())} integration(s)")
