"""Webhook endpoints of an account: create (the signing secret is shown once), change,
rotate the secret, read the delivery log, redeliver, and send a test event."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from delegate.domain.errors import InvalidInput, NotFound
from delegate.domain.ids import new_id
from delegate.domain.records import ListQuery, Page
from delegate.domain.webhooks import (
    MAX_DESCRIPTION_LENGTH,
    TEST_EVENT,
    Delivery,
    WebhookEndpoint,
    WebhookEvent,
    check_endpoint_url,
    check_event_types,
    new_signing_secret,
)
from delegate.services.integrations import reencrypt_in_batches
from delegate.services.ports import Clock, Dispatcher, UnitOfWork, UnitOfWorkFactory
from delegate.services.webhook_events import event_body, new_event_id

NOT_FOUND = "Webhook not found"


@dataclass(frozen=True)
class WebhookRules:
    """What the server allows endpoints (settings ``webhooks.*``)."""

    allow_private_addresses: bool = False


@dataclass(frozen=True)
class WebhookContext:
    uow: UnitOfWorkFactory
    clock: Clock
    signal: Dispatcher | None
    """Told when an endpoint has deliveries to make."""
    rules: WebhookRules = WebhookRules()


@dataclass(frozen=True)
class CreatedWebhook:
    id: str
    secret: str
    """Shown once, here; stored encrypted."""


def _description(value: Any) -> str:
    text = value or ""
    if not isinstance(text, str) or len(text) > MAX_DESCRIPTION_LENGTH:
        raise InvalidInput(
            f'"description" must be text of at most {MAX_DESCRIPTION_LENGTH} characters'
        )
    return text


def _enabled(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput('"enabled" must be true or false')
    return value


async def _endpoint(tx: UnitOfWork, account_id: str, endpoint_id: str) -> WebhookEndpoint:
    endpoint = await tx.webhooks.get_endpoint(account_id, endpoint_id)
    if endpoint is None:
        raise NotFound(NOT_FOUND)
    return endpoint


def _kick_after_commit(ctx: WebhookContext, tx: UnitOfWork, endpoint_id: str) -> None:
    signal = ctx.signal
    if signal is not None:
        tx.after_commit(lambda: signal.kick(endpoint_id))


async def create_webhook(
    ctx: WebhookContext, account_id: str, fields: dict[str, Any]
) -> CreatedWebhook:
    """Create an endpoint; answers its id and its signing secret (the only time it is shown)."""
    if "url" not in fields or fields["url"] is None:
        raise InvalidInput('"url" is required')
    url = check_endpoint_url(str(fields["url"]), ctx.rules.allow_private_addresses)
    events = check_event_types(fields.get("events"))
    now = ctx.clock.now_ms()
    endpoint = WebhookEndpoint(
        id=new_id(),
        account_id=account_id,
        url=url,
        description=_description(fields.get("description")),
        events=events,
        enabled=_enabled(fields.get("enabled", True)),
        disabled_reason=None,
        failing_since=None,
        created_at=now,
        updated_at=now,
    )
    secret = new_signing_secret()
    async with ctx.uow() as tx:
        await tx.webhooks.add_endpoint(endpoint, secret)
    return CreatedWebhook(endpoint.id, secret)


async def list_webhooks(
    uow: UnitOfWorkFactory, account_id: str, query: ListQuery
) -> Page[WebhookEndpoint]:
    async with uow() as tx:
        return await tx.webhooks.list_endpoints(account_id, query)


async def fetch_webhook(
    uow: UnitOfWorkFactory, account_id: str, endpoint_id: str
) -> WebhookEndpoint:
    async with uow() as tx:
        return await _endpoint(tx, account_id, endpoint_id)


async def update_webhook(
    ctx: WebhookContext, account_id: str, endpoint_id: str, fields: dict[str, Any]
) -> str:
    """Change the given fields. Enabling an endpoint clears why it was disabled, and its
    waiting deliveries go out again."""
    changes: dict[str, Any] = {}
    if fields.get("url") is not None:
        changes["url"] = check_endpoint_url(str(fields["url"]), ctx.rules.allow_private_addresses)
    if "events" in fields:
        changes["events"] = check_event_types(fields["events"])
    if "description" in fields:
        changes["description"] = _description(fields["description"])
    if fields.get("enabled") is not None:
        changes["enabled"] = _enabled(fields["enabled"])
        if changes["enabled"]:
            changes |= {"disabled_reason": None, "failing_since": None}
    async with ctx.uow() as tx:
        current = await _endpoint(tx, account_id, endpoint_id)
        updated = replace(current, **changes, updated_at=ctx.clock.now_ms())
        await tx.webhooks.update_endpoint(updated)
        if updated.enabled:
            _kick_after_commit(ctx, tx, current.id)
    return current.id


async def rotate_webhook_secret(
    ctx: WebhookContext, account_id: str, endpoint_id: str
) -> CreatedWebhook:
    """A new signing secret, effective for the next attempt; shown once, here."""
    secret = new_signing_secret()
    async with ctx.uow() as tx:
        current = await _endpoint(tx, account_id, endpoint_id)
        await tx.webhooks.update_endpoint(
            replace(current, updated_at=ctx.clock.now_ms()), secret=secret
        )
    return CreatedWebhook(current.id, secret)


async def delete_webhook(uow: UnitOfWorkFactory, account_id: str, endpoint_id: str) -> str:
    """Delete an endpoint, its delivery log and what it had still to receive."""
    async with uow() as tx:
        current = await _endpoint(tx, account_id, endpoint_id)
        await tx.webhooks.delete_endpoint(account_id, current.id)
    return current.id


async def list_deliveries(
    uow: UnitOfWorkFactory, account_id: str, endpoint_id: str, query: ListQuery
) -> Page[Delivery]:
    async with uow() as tx:
        current = await _endpoint(tx, account_id, endpoint_id)
        return await tx.webhooks.list_deliveries(account_id, current.id, query)


async def redeliver(
    ctx: WebhookContext, account_id: str, endpoint_id: str, delivery_id: str
) -> str:
    """Send a delivery's event again, as a new delivery with the same ``webhook-id`` (so a
    receiver that already has it can tell); answers the new delivery's id."""
    async with ctx.uow() as tx:
        current = await _endpoint(tx, account_id, endpoint_id)
        delivery = await tx.webhooks.get_delivery(account_id, current.id, delivery_id)
        event = await tx.webhooks.event(delivery.event_id) if delivery else None
        if delivery is None or event is None:
            raise NotFound("Delivery not found")
        again = replace(event, created_at=ctx.clock.now_ms())
        new_delivery = new_id()
        await tx.webhooks.add_deliveries(account_id, again, [(new_delivery, current.id)])
        _kick_after_commit(ctx, tx, current.id)
    return new_delivery


async def send_test_event(ctx: WebhookContext, account_id: str, endpoint_id: str) -> str:
    """Queue a ``webhook.test`` event for the endpoint; answers the delivery's id (its
    outcome shows in the delivery log)."""
    now = ctx.clock.now_ms()
    event_id = new_event_id()
    body = event_body(event_id, TEST_EVENT, None, {"webhookId": endpoint_id}, now)
    delivery_id = new_id()
    async with ctx.uow() as tx:
        current = await _endpoint(tx, account_id, endpoint_id)
        event = WebhookEvent(event_id, TEST_EVENT, None, body, now)
        await tx.webhooks.add_event(account_id, event, [(delivery_id, current.id)])
        _kick_after_commit(ctx, tx, current.id)
    return delivery_id


async def reencrypt_webhook_secrets(uow: UnitOfWorkFactory) -> int:
    """Re-encrypt every endpoint's signing secret with the active key (after a key rotation)."""
    return await reencrypt_in_batches(uow, lambda tx: tx.webhooks)
