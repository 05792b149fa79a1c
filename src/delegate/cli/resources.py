"""``delegate bot``, ``delegate integration`` and ``delegate initiate``: each command calls the
SDK and prints the answer (a table, or JSON with ``--json``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from delegate.cli.options import (
    Alias,
    BotRef,
    Cursor,
    Description,
    IntegrationRef,
    Meta,
    Name,
    OrderOpt,
    ReplyModeOpt,
    Take,
    Timeout,
    VoiceOpt,
    Yes,
    aware_datetime,
    group,
)
from delegate.cli.remote import Remote, api_command, fail, secret
from delegate.cli.sessions import SESSION_FIELDS, wait_for_delegate
from delegate.domain.records import REGIONS

if TYPE_CHECKING:
    from delegate.cli.output import Columns
    from delegate_client.types import IdResult

bot_app = group("Bots: a backstory (system prompt) and a model.")
integration_app = group("Recall integrations: a Recall API key, a region and a bot.")

BOT_FIELDS_IN: dict[str, Any] = {
    "name": Name,
    "backstory": Annotated[str | None, typer.Option(metavar="TEXT", help="The system prompt.")],
    "model": Annotated[
        str | None, typer.Option(metavar="MODEL", help="Model name for the LLM brain.")
    ],
    "alias": Alias,
    "description": Description,
    "meta": Meta,
    "reply_mode": ReplyModeOpt,
    "voice": VoiceOpt,
    "commanders": Annotated[
        list[str] | None,
        typer.Option(
            "--commander",
            metavar="WHO",
            help="Who may give meeting commands (repeat): host (default), everyone, "
            "a name or an email.",
        ),
    ],
    "dataset_id": Annotated[
        str | None,
        typer.Option(
            "--dataset-id", metavar="DATASET", help="The dataset it answers from ('' for none)."
        ),
    ],
}
INTEGRATION_FIELDS_IN: dict[str, Any] = {
    "name": Name,
    "bot_id": Annotated[
        str | None,
        typer.Option("--bot-id", metavar="BOT", help="The bot that does the thinking."),
    ],
    "api_key": Annotated[
        str | None,
        typer.Option(
            "--api-key", metavar="KEY", help="Recall API key (write-only); '-' reads it from stdin."
        ),
    ],
    "webhook_secret": Annotated[
        str | None,
        typer.Option(
            "--webhook-secret",
            metavar="WHSEC",
            help="Recall workspace verification secret (whsec_...); '-' reads it from stdin.",
        ),
    ],
    "region": Annotated[
        str | None,
        typer.Option(
            metavar="REGION",
            help=f"{REGIONS[0]} (default), {', '.join(REGIONS[1:-1])} or {REGIONS[-1]}.",
        ),
    ],
    "alias": Alias,
    "description": Description,
    "meta": Meta,
}

BOT_COLUMNS: Columns = ("id", "name", "alias", "model", "created_at")
BOT_FIELDS: Columns = (
    *BOT_COLUMNS,
    "reply_mode",
    "voice",
    "commanders",
    "dataset_id",
    "description",
    "backstory",
    "meta",
    "updated_at",
)
INTEGRATION_COLUMNS: Columns = ("id", "name", "alias", "bot_id", "region", "api_key_set")
INTEGRATION_FIELDS: Columns = (
    *INTEGRATION_COLUMNS,
    "webhook_secret_set",
    "description",
    "meta",
    "created_at",
    "updated_at",
)


def _read_secrets(fields: dict[str, Any]) -> dict[str, Any]:
    fields["api_key"] = secret(fields["api_key"], "'--api-key'")
    fields["webhook_secret"] = secret(fields["webhook_secret"], "'--webhook-secret'")
    return fields


def _warn(remote: Remote, answer: IdResult) -> None:
    """The server's warning about a stored but incomplete record, on stderr."""
    warning = answer.warning
    if warning and not remote.as_json:
        from delegate.cli import output

        output.note(f"Warning: {warning}")


@bot_app.command("list")
@api_command()
def bot_list(
    remote: Remote, cursor: Cursor = None, order: OrderOpt = "desc", take: Take = 100
) -> None:
    """List bots, newest first."""
    with remote.connect() as client:
        page = client.bot.list(cursor=cursor, order=order, take=take)
    remote.page(page, BOT_COLUMNS, "bots", take)


@bot_app.command("show")
@api_command()
def bot_show(remote: Remote, bot: BotRef) -> None:
    """Show one bot."""
    with remote.connect() as client:
        found = client.bot.fetch(bot)
    remote.show(found, BOT_FIELDS)


@bot_app.command("create")
@api_command(fields=BOT_FIELDS_IN)
def bot_create(remote: Remote, **fields: Any) -> None:
    """Create a bot and print its id."""
    with remote.connect() as client:
        created = client.bot.create(**fields)
    remote.done(created, f"Created bot {created.id}")


@bot_app.command("update")
@api_command(fields=BOT_FIELDS_IN)
def bot_update(remote: Remote, bot: BotRef, **fields: Any) -> None:
    """Change the given fields of a bot; the others stay as they are."""
    with remote.connect() as client:
        updated = client.bot.update(bot, **fields)
    remote.done(updated, f"Updated bot {updated.id}")


@bot_app.command("delete")
@api_command()
def bot_delete(remote: Remote, bot: BotRef, yes: Yes = False) -> None:
    """Delete a bot."""
    if not yes:
        typer.confirm(f"Delete bot {bot}?", abort=True, err=True)
    with remote.connect() as client:
        deleted = client.bot.delete(bot)
    remote.done(deleted, f"Deleted bot {deleted.id}")


@integration_app.command("list")
@api_command()
def integration_list(
    remote: Remote, cursor: Cursor = None, order: OrderOpt = "desc", take: Take = 100
) -> None:
    """List Recall integrations, newest first."""
    with remote.connect() as client:
        page = client.integration.recall.list(cursor=cursor, order=order, take=take)
    remote.page(page, INTEGRATION_COLUMNS, "integrations", take)


@integration_app.command("show")
@api_command()
def integration_show(remote: Remote, integration: IntegrationRef) -> None:
    """Show one Recall integration (secrets show only as set or not)."""
    with remote.connect() as client:
        found = client.integration.recall.fetch(integration)
    remote.show(found, INTEGRATION_FIELDS)


@integration_app.command("create")
@api_command(fields=INTEGRATION_FIELDS_IN)
def integration_create(remote: Remote, **fields: Any) -> None:
    """Create a Recall integration and print its id."""
    fields = _read_secrets(fields)
    with remote.connect() as client:
        created = client.integration.recall.create(**fields)
    remote.done(created, f"Created integration {created.id}")
    _warn(remote, created)


@integration_app.command("update")
@api_command(fields=INTEGRATION_FIELDS_IN)
def integration_update(remote: Remote, integration: IntegrationRef, **fields: Any) -> None:
    """Change the given fields of a Recall integration; the others stay as they are."""
    fields = _read_secrets(fields)
    with remote.connect() as client:
        updated = client.integration.recall.update(integration, **fields)
    remote.done(updated, f"Updated integration {updated.id}")
    _warn(remote, updated)


@integration_app.command("delete")
@api_command()
def integration_delete(remote: Remote, integration: IntegrationRef, yes: Yes = False) -> None:
    """Delete a Recall integration."""
    if not yes:
        typer.confirm(f"Delete integration {integration}?", abort=True, err=True)
    with remote.connect() as client:
        deleted = client.integration.recall.delete(integration)
    remote.done(deleted, f"Deleted integration {deleted.id}")


@integration_app.command("setup")
@api_command()
def integration_setup(remote: Remote, integration: IntegrationRef) -> None:
    """Register this server's status webhook URL with the integration's Recall workspace."""
    with remote.connect() as client:
        result = client.integration.recall.setup(integration)
    remote.done(result, f"Status webhooks of integration {result.id} go to {result.webhook_url}")


@integration_app.command("verify")
@api_command()
def integration_verify(remote: Remote, integration: IntegrationRef) -> None:
    """Check an integration against Recall for real: API key in its region, webhook secret,
    setup. Exits 1 when a check fails (warnings do not)."""
    with remote.connect() as client:
        result = client.integration.recall.verify(integration)
    lines = [f"{check.level:<7} {check.name}: {check.message}" for check in result.checks]
    summary = "all checks passed" if result.ok else "a check failed"
    remote.done(result, "\n".join([*lines, f"Integration {result.id}: {summary}"]))
    if not result.ok:
        raise typer.Exit(1)


@api_command()
def initiate(
    remote: Remote,
    integration: IntegrationRef,
    meeting_url: Annotated[
        str, typer.Option("--meeting-url", metavar="URL", help="The meeting link (https).")
    ],
    text: Annotated[str, typer.Option(metavar="TEXT", help="The instruction for this meeting.")],
    bot_name: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Name shown in the meeting (default: the bot's)."),
    ] = None,
    join_at: Annotated[
        datetime | None,
        typer.Option(parser=aware_datetime, metavar="TIME", help="Join later (ISO 8601, with tz)."),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        typer.Option(metavar="KEY", help="Retry safely: the same key never sends a second bot."),
    ] = None,
    reply_mode: ReplyModeOpt = None,
    voice: VoiceOpt = None,
    wait: Annotated[
        bool, typer.Option(help="Wait until the delegate is in the call (or it ended).")
    ] = False,
    timeout: Timeout = 300.0,
) -> None:
    """Send a delegate into a meeting with an instruction."""
    with remote.connect() as client:
        started = client.integration.recall.initiate(
            integration,
            meeting_url=meeting_url,
            text=text,
            bot_name=bot_name,
            join_at=join_at,
            idempotency_key=idempotency_key,
            reply_mode=reply_mode,
            voice=voice,
        )
        if not wait:
            remote.done(started, f"Started session {started.session_id}")
            return
        sessions = client.integration.recall.sessions(integration)
        session = wait_for_delegate(sessions, started.session_id, timeout, remote.poll_interval)
    if session.finished:
        reason = f" ({session.status_reason})" if session.status_reason else ""
        fail(f"session {session.id} {session.status} before the delegate joined{reason}")
    remote.show(session, SESSION_FIELDS)
