"""``delegate webhook``: endpoints that receive the account's meeting events, their delivery
log and redelivery. Each command calls the SDK and prints the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from delegate.cli.options import Cursor, Description, OrderOpt, Take, Yes, group
from delegate.cli.remote import Remote, api_command

if TYPE_CHECKING:
    from delegate.cli.output import Columns
    from delegate_client.types import WebhookSecret

webhook_app = group("Webhooks: your endpoints that receive meeting events, signed.")

WebhookRef = Annotated[str, typer.Argument(metavar="WEBHOOK", help="Webhook id.")]
DeliveryRef = Annotated[str, typer.Argument(metavar="DELIVERY", help="Delivery id.")]
Events = Annotated[
    list[str] | None,
    typer.Option(
        "--event",
        metavar="TYPE",
        help="An event type to receive (repeat it); all of them when never given.",
    ),
]
Enabled = Annotated[
    bool | None,
    typer.Option("--enabled/--disabled", help="Pause deliveries, or resume a disabled endpoint."),
]

WEBHOOK_COLUMNS: Columns = ("id", "url", "enabled", "events")
WEBHOOK_FIELDS: Columns = (
    *WEBHOOK_COLUMNS,
    "description",
    "disabled_reason",
    "failing_since",
    "created_at",
    "updated_at",
)
DELIVERY_COLUMNS: Columns = (
    "id",
    "event_type",
    "status",
    "attempts",
    "last_status_code",
    "latency_ms",
    "last_error",
)


def _secret_shown(remote: Remote, answer: WebhookSecret, verb: str) -> None:
    remote.done(
        answer,
        f"{verb} webhook {answer.id}\nSigning secret (shown only this once): {answer.secret}",
    )


@webhook_app.command("list")
@api_command()
def webhook_list(
    remote: Remote, cursor: Cursor = None, order: OrderOpt = "desc", take: Take = 100
) -> None:
    """List webhook endpoints, newest first."""
    with remote.connect() as client:
        page = client.webhook.list(cursor=cursor, order=order, take=take)
    remote.page(page, WEBHOOK_COLUMNS, "webhooks", take)


@webhook_app.command("show")
@api_command()
def webhook_show(remote: Remote, webhook: WebhookRef) -> None:
    """Show one endpoint, and why it was disabled if it was."""
    with remote.connect() as client:
        found = client.webhook.fetch(webhook)
    remote.show(found, WEBHOOK_FIELDS)


@webhook_app.command("create")
@api_command()
def webhook_create(
    remote: Remote,
    url: Annotated[str, typer.Option(metavar="URL", help="https URL receiving the events.")],
    event: Events = None,
    description: Description = None,
) -> None:
    """Create an endpoint and print its signing secret (shown only this once)."""
    with remote.connect() as client:
        created = client.webhook.create(url=url, events=event or None, description=description)
    _secret_shown(remote, created, "Created")


@webhook_app.command("update")
@api_command()
def webhook_update(
    remote: Remote,
    webhook: WebhookRef,
    url: Annotated[str | None, typer.Option(metavar="URL", help="New https URL.")] = None,
    event: Events = None,
    description: Description = None,
    enabled: Enabled = None,
) -> None:
    """Change the given fields of an endpoint; the others stay as they are."""
    fields: dict[str, Any] = {"url": url, "description": description, "enabled": enabled}
    with remote.connect() as client:
        updated = client.webhook.update(webhook, events=event or None, **fields)
    remote.done(updated, f"Updated webhook {updated.id}")


@webhook_app.command("delete")
@api_command()
def webhook_delete(remote: Remote, webhook: WebhookRef, yes: Yes = False) -> None:
    """Delete an endpoint and its delivery log."""
    if not yes:
        typer.confirm(f"Delete webhook {webhook}?", abort=True, err=True)
    with remote.connect() as client:
        deleted = client.webhook.delete(webhook)
    remote.done(deleted, f"Deleted webhook {deleted.id}")


@webhook_app.command("rotate-secret")
@api_command()
def webhook_rotate_secret(remote: Remote, webhook: WebhookRef) -> None:
    """Replace the signing secret (the next attempt is signed with the new one)."""
    with remote.connect() as client:
        rotated = client.webhook.rotate_secret(webhook)
    _secret_shown(remote, rotated, "Rotated the secret of")


@webhook_app.command("test")
@api_command()
def webhook_test(remote: Remote, webhook: WebhookRef) -> None:
    """Send a webhook.test event; see how it went with ``deliveries``."""
    with remote.connect() as client:
        queued = client.webhook.send_test(webhook)
    remote.done(queued, f"Queued test delivery {queued.delivery_id}")


@webhook_app.command("deliveries")
@api_command()
def webhook_deliveries(
    remote: Remote,
    webhook: WebhookRef,
    cursor: Cursor = None,
    order: OrderOpt = "desc",
    take: Take = 100,
) -> None:
    """The delivery log of an endpoint: status, attempts, last answer, latency."""
    with remote.connect() as client:
        page = client.webhook.deliveries(webhook, cursor=cursor, order=order, take=take)
    remote.page(page, DELIVERY_COLUMNS, "deliveries", take)


@webhook_app.command("redeliver")
@api_command()
def webhook_redeliver(remote: Remote, webhook: WebhookRef, delivery: DeliveryRef) -> None:
    """Send a delivery's event again (same webhook-id)."""
    with remote.connect() as client:
        queued = client.webhook.redeliver(webhook, delivery)
    remote.done(queued, f"Queued delivery {queued.delivery_id}")
