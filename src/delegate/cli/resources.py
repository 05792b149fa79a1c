"""``delegate bot``, ``delegate integration`` and ``delegate initiate``: each command calls the
SDK and prints the answer (a table, or JSON with ``--json``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from delegate.cli import output
from delegate.cli.remote import (
    DEFAULT_BASE_URL,
    AsJson,
    BaseUrl,
    Cursor,
    Meta,
    OrderOpt,
    Take,
    Token,
    aware_datetime,
    connect,
    fail,
    poll_interval,
    secret,
)
from delegate.cli.sessions import SESSION_FIELDS, wait_for_delegate
from delegate.client.types import Bot, RecallIntegration

bot_app = typer.Typer(help="Bots: a backstory (system prompt) and a model.", no_args_is_help=True)
integration_app = typer.Typer(
    help="Recall integrations: a Recall API key, a region and a bot.", no_args_is_help=True
)

BotRef = Annotated[str, typer.Argument(metavar="BOT", help="Bot id or @alias.")]
IntegrationRef = Annotated[
    str, typer.Argument(metavar="INTEGRATION", help="Recall integration id or @alias.")
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]

Name = Annotated[str | None, typer.Option(help="Display name.")]
Description = Annotated[str | None, typer.Option(help="Free text description.")]
Alias = Annotated[str | None, typer.Option(help="Unique alias (use as @alias); '' clears it.")]
Backstory = Annotated[str | None, typer.Option(help="The system prompt.")]
Model = Annotated[str | None, typer.Option(help="Model name for the LLM brain.")]
BotId = Annotated[str | None, typer.Option("--bot-id", help="The bot that does the thinking.")]
ApiKey = Annotated[
    str | None,
    typer.Option("--api-key", help="Recall API key (write-only); '-' reads it from stdin."),
]
WebhookSecret = Annotated[
    str | None,
    typer.Option("--webhook-secret", help="Recall whsec_ secret; '-' reads it from stdin."),
]
Region = Annotated[
    str | None,
    typer.Option(help="us-east-1 (default), us-west-2, eu-central-1 or ap-northeast-1."),
]

BOT_COLUMNS: list[output.Column[Bot]] = [
    ("ID", lambda b: b.id),
    ("Name", lambda b: b.name),
    ("Alias", lambda b: b.alias),
    ("Model", lambda b: b.model),
    ("Created", lambda b: output.when(b.created_at)),
]
BOT_FIELDS: list[output.Column[Bot]] = [
    *BOT_COLUMNS,
    ("Description", lambda b: b.description),
    ("Backstory", lambda b: b.backstory),
    ("Meta", lambda b: b.meta),
    ("Updated", lambda b: output.when(b.updated_at)),
]
INTEGRATION_COLUMNS: list[output.Column[RecallIntegration]] = [
    ("ID", lambda i: i.id),
    ("Name", lambda i: i.name),
    ("Alias", lambda i: i.alias),
    ("Bot", lambda i: i.bot_id),
    ("Region", lambda i: i.region),
    ("API key", lambda i: "set" if i.api_key_set else "missing"),
]
INTEGRATION_FIELDS: list[output.Column[RecallIntegration]] = [
    *INTEGRATION_COLUMNS,
    ("Webhook secret", lambda i: "set" if i.webhook_secret_set else "missing"),
    ("Description", lambda i: i.description),
    ("Meta", lambda i: i.meta),
    ("Created", lambda i: output.when(i.created_at)),
    ("Updated", lambda i: output.when(i.updated_at)),
]


@bot_app.command("list")
def bot_list(
    ctx: typer.Context,
    cursor: Cursor = None,
    order: OrderOpt = "desc",
    take: Take = 100,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """List bots, newest first."""
    with connect(ctx, base_url, token) as client:
        page = client.bot.list(cursor=cursor, order=order, take=take)
    output.page(page, BOT_COLUMNS, as_json, "bots", take)


@bot_app.command("show")
def bot_show(
    ctx: typer.Context,
    bot: BotRef,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Show one bot."""
    with connect(ctx, base_url, token) as client:
        found = client.bot.fetch(bot)
    output.record(found, BOT_FIELDS, as_json)


@bot_app.command("create")
def bot_create(
    ctx: typer.Context,
    name: Name = None,
    backstory: Backstory = None,
    model: Model = None,
    alias: Alias = None,
    description: Description = None,
    meta: Meta = None,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Create a bot and print its id."""
    with connect(ctx, base_url, token) as client:
        created = client.bot.create(
            name=name,
            backstory=backstory,
            model=model,
            alias=alias,
            description=description,
            meta=meta,
        )
    output.done(created, as_json, f"Created bot {created.id}")


@bot_app.command("update")
def bot_update(
    ctx: typer.Context,
    bot: BotRef,
    name: Name = None,
    backstory: Backstory = None,
    model: Model = None,
    alias: Alias = None,
    description: Description = None,
    meta: Meta = None,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Change the given fields of a bot; the others stay as they are."""
    with connect(ctx, base_url, token) as client:
        updated = client.bot.update(
            bot,
            name=name,
            backstory=backstory,
            model=model,
            alias=alias,
            description=description,
            meta=meta,
        )
    output.done(updated, as_json, f"Updated bot {updated.id}")


@bot_app.command("delete")
def bot_delete(
    ctx: typer.Context,
    bot: BotRef,
    yes: Yes = False,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Delete a bot."""
    if not yes:
        typer.confirm(f"Delete bot {bot}?", abort=True, err=True)
    with connect(ctx, base_url, token) as client:
        deleted = client.bot.delete(bot)
    output.done(deleted, as_json, f"Deleted bot {deleted.id}")


@integration_app.command("list")
def integration_list(
    ctx: typer.Context,
    cursor: Cursor = None,
    order: OrderOpt = "desc",
    take: Take = 100,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """List Recall integrations, newest first."""
    with connect(ctx, base_url, token) as client:
        page = client.integration.recall.list(cursor=cursor, order=order, take=take)
    output.page(page, INTEGRATION_COLUMNS, as_json, "integrations", take)


@integration_app.command("show")
def integration_show(
    ctx: typer.Context,
    integration: IntegrationRef,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Show one Recall integration (secrets show only as set or missing)."""
    with connect(ctx, base_url, token) as client:
        found = client.integration.recall.fetch(integration)
    output.record(found, INTEGRATION_FIELDS, as_json)


@integration_app.command("create")
def integration_create(
    ctx: typer.Context,
    name: Name = None,
    bot_id: BotId = None,
    api_key: ApiKey = None,
    webhook_secret: WebhookSecret = None,
    region: Region = None,
    alias: Alias = None,
    description: Description = None,
    meta: Meta = None,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Create a Recall integration and print its id."""
    with connect(ctx, base_url, token) as client:
        created = client.integration.recall.create(
            name=name,
            bot_id=bot_id,
            api_key=secret(api_key),
            webhook_secret=secret(webhook_secret),
            region=region,
            alias=alias,
            description=description,
            meta=meta,
        )
    output.done(created, as_json, f"Created integration {created.id}")


@integration_app.command("update")
def integration_update(
    ctx: typer.Context,
    integration: IntegrationRef,
    name: Name = None,
    bot_id: BotId = None,
    api_key: ApiKey = None,
    webhook_secret: WebhookSecret = None,
    region: Region = None,
    alias: Alias = None,
    description: Description = None,
    meta: Meta = None,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Change the given fields of a Recall integration; the others stay as they are."""
    with connect(ctx, base_url, token) as client:
        updated = client.integration.recall.update(
            integration,
            name=name,
            bot_id=bot_id,
            api_key=secret(api_key),
            webhook_secret=secret(webhook_secret),
            region=region,
            alias=alias,
            description=description,
            meta=meta,
        )
    output.done(updated, as_json, f"Updated integration {updated.id}")


@integration_app.command("delete")
def integration_delete(
    ctx: typer.Context,
    integration: IntegrationRef,
    yes: Yes = False,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Delete a Recall integration."""
    if not yes:
        typer.confirm(f"Delete integration {integration}?", abort=True, err=True)
    with connect(ctx, base_url, token) as client:
        deleted = client.integration.recall.delete(integration)
    output.done(deleted, as_json, f"Deleted integration {deleted.id}")


def initiate(
    ctx: typer.Context,
    integration: IntegrationRef,
    meeting_url: Annotated[str, typer.Option("--meeting-url", help="The meeting link (https).")],
    text: Annotated[str, typer.Option(help="The instruction for this meeting.")],
    bot_name: Annotated[
        str | None, typer.Option(help="Name shown in the meeting (default: the bot's).")
    ] = None,
    join_at: Annotated[
        datetime | None,
        typer.Option(parser=aware_datetime, metavar="TIME", help="Join later (ISO 8601, with tz)."),
    ] = None,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Retry safely: the same key never sends a second bot.")
    ] = None,
    wait: Annotated[
        bool, typer.Option(help="Wait until the delegate is in the call (or it ended).")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds --wait waits at most.")] = 300.0,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Send a delegate into a meeting with an instruction."""
    with connect(ctx, base_url, token) as client:
        started = client.integration.recall.initiate(
            integration,
            meeting_url=meeting_url,
            text=text,
            bot_name=bot_name,
            join_at=join_at,
            idempotency_key=idempotency_key,
        )
        if not wait:
            output.done(started, as_json, f"Started session {started.session_id}")
            return
        sessions = client.integration.recall.sessions(integration)
        session = wait_for_delegate(sessions, started.session_id, timeout, poll_interval(ctx))
    if session.finished:
        reason = f" ({session.status_reason})" if session.status_reason else ""
        fail(f"session {session.id} {session.status} before the delegate joined{reason}")
    if as_json:
        output.emit_json(session.to_json())
    else:
        output.record(session, SESSION_FIELDS, False)
