"""Operator commands that work on the local database: tokens, migrations, encryption keys.

They open the database of this machine's settings (``DELEGATE_DATA_DIR``, by default the
user's data directory, or ``DELEGATE_DB__URL``), the one ``delegate serve`` uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from delegate.cli.options import group

if TYPE_CHECKING:
    from delegate.bootstrap import Container
    from delegate.config import Settings

T = TypeVar("T")

token_app = group("API tokens.")
db_app = group("The database.")
keys_app = group("Encryption keys for stored secrets.")

Account = Annotated[str, typer.Option(metavar="NAME", help="Account name (created if new).")]


def _settings(migrate: bool = False) -> Settings:
    from delegate.cli.serving import checked_settings

    settings = checked_settings()
    if migrate and settings.is_sqlite:
        from delegate.adapters.db.migrate import upgrade

        upgrade(settings.database_url)
    return settings


def _with_container(settings: Settings, use: Callable[[Container], Awaitable[T]]) -> T:
    """Run ``use`` with a container on ``settings`` (no background work), then close it."""
    import asyncio

    from delegate.bootstrap import build

    async def run() -> T:
        container = build(settings)
        try:
            return await use(container)
        finally:
            await container.aclose()

    return asyncio.run(run())


def _where(settings: Settings) -> str:
    from delegate.cli.serve import where_data_lives

    return where_data_lives(settings)


@token_app.command("create")
def token_create(account: Account = "default") -> None:
    """Create an API token for ACCOUNT and print it (it is shown only once)."""
    from delegate.services.accounts import create_token

    settings = _settings(migrate=True)
    token = _with_container(settings, lambda c: create_token(c.uow, c.clock, account))
    typer.echo(token)
    typer.echo(
        f"(token for account {account!r}, {_where(settings)}; store it now, it is not shown again)",
        err=True,
    )


@token_app.command("list")
def token_list(
    account: Annotated[
        str | None, typer.Option(metavar="NAME", help="Only this account's tokens.")
    ] = None,
) -> None:
    """List the tokens that still work: id, account, first characters, created."""
    from delegate.cli import output
    from delegate.services.accounts import list_tokens

    settings = _settings(migrate=True)
    tokens = _with_container(settings, lambda c: list_tokens(c.uow, account))
    if not tokens:
        output.note(f"No tokens ({_where(settings)}).")
        return
    output.table(tokens, ("id", "account_name", ("Token", lambda t: f"{t.hint}…"), "created_at"))


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The token's id (token list).")],
) -> None:
    """Revoke a token at once: it answers "Unknown or revoked API token" from now on."""
    from delegate.domain.errors import NotFound
    from delegate.services.accounts import revoke_token

    settings = _settings(migrate=True)
    try:
        _with_container(settings, lambda c: revoke_token(c.uow, c.clock, token_id))
    except NotFound as exc:
        from delegate.cli.remote import fail

        fail(str(exc))
    typer.echo(f"Revoked token {token_id}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to the configured database."""
    from delegate.adapters.db.migrate import current, upgrade

    settings = _settings()
    upgrade(settings.database_url)
    typer.echo(f"database at revision {current(settings.database_url)} ({_where(settings)})")


@keys_app.command("add")
def keys_add() -> None:
    """Add a new active key to the key file (older keys keep decrypting)."""
    from delegate.adapters.secretbox import add_key_to_file

    settings = _settings()
    key = add_key_to_file(settings.key_file)
    typer.echo(f"new active key {key.id} in {settings.key_file}; now run: delegate keys reencrypt")


@keys_app.command("reencrypt")
def keys_reencrypt() -> None:
    """Re-encrypt every stored secret with the active key (safe while serving)."""
    from delegate.services.integrations import reencrypt_secrets
    from delegate.services.webhooks import reencrypt_webhook_secrets

    settings = _settings()
    count = _with_container(settings, lambda c: reencrypt_secrets(c.uow))
    hooks = _with_container(settings, lambda c: reencrypt_webhook_secrets(c.uow))
    typer.echo(f"re-encrypted secrets of {count} integration(s) and {hooks} webhook(s)")
