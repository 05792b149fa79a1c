"""Webhook endpoint routes: CRUD, secret rotation, test send, delivery log and redelivery."""

from __future__ import annotations

from fastapi import APIRouter

from delegate.api.deps import AccountDep, ContainerDep, DeliveryId, ListQueryDep, WebhookId
from delegate.api.openapi import CHANGE, DELETE, LIST, READ, errors
from delegate.api.schemas import IdOut
from delegate.api.session_schemas import EmptyIn
from delegate.api.webhook_schemas import (
    DeliveryList,
    DeliveryOut,
    DeliveryQueuedOut,
    WebhookIn,
    WebhookList,
    WebhookOut,
    WebhookSecretOut,
)
from delegate.services import webhooks

router = APIRouter(prefix="/webhook", tags=["Webhooks"])
ONE = "/{webhookId}"


@router.get("/list", operation_id="listWebhooks", responses=errors(*LIST))
async def list_webhooks(c: ContainerDep, account: AccountDep, query: ListQueryDep) -> WebhookList:
    page = await webhooks.list_webhooks(c.uow, account.id, query)
    return WebhookList(items=[WebhookOut.of(e) for e in page.items], cursor=page.cursor)


@router.post("/create", operation_id="createWebhook", responses=errors(400, 401, 413))
async def create_webhook(c: ContainerDep, account: AccountDep, body: WebhookIn) -> WebhookSecretOut:
    """Create an endpoint. The answer holds its signing secret, shown only this once."""
    created = await webhooks.create_webhook(c.webhook_context, account.id, body.provided())
    return WebhookSecretOut(id=created.id, secret=created.secret)


@router.get(ONE + "/fetch", operation_id="fetchWebhook", responses=errors(*READ))
async def fetch_webhook(c: ContainerDep, account: AccountDep, webhookId: WebhookId) -> WebhookOut:
    return WebhookOut.of(await webhooks.fetch_webhook(c.uow, account.id, webhookId))


@router.post(ONE + "/update", operation_id="updateWebhook", responses=errors(*CHANGE))
async def update_webhook(
    c: ContainerDep, account: AccountDep, webhookId: WebhookId, body: WebhookIn
) -> IdOut:
    updated = await webhooks.update_webhook(
        c.webhook_context, account.id, webhookId, body.provided()
    )
    return IdOut(id=updated)


@router.post(ONE + "/delete", operation_id="deleteWebhook", responses=errors(*DELETE))
async def delete_webhook(c: ContainerDep, account: AccountDep, webhookId: WebhookId) -> IdOut:
    return IdOut(id=await webhooks.delete_webhook(c.uow, account.id, webhookId))


@router.post(ONE + "/secret/rotate", operation_id="rotateWebhookSecret", responses=errors(*DELETE))
async def rotate_secret(
    c: ContainerDep, account: AccountDep, webhookId: WebhookId, body: EmptyIn | None = None
) -> WebhookSecretOut:
    """A new signing secret, used from the next attempt on; shown only this once."""
    rotated = await webhooks.rotate_webhook_secret(c.webhook_context, account.id, webhookId)
    return WebhookSecretOut(id=rotated.id, secret=rotated.secret)


@router.post(ONE + "/test", operation_id="testWebhook", responses=errors(*DELETE))
async def send_test_webhook(
    c: ContainerDep, account: AccountDep, webhookId: WebhookId, body: EmptyIn | None = None
) -> DeliveryQueuedOut:
    """Send a ``webhook.test`` event to the endpoint (whatever its event types)."""
    delivery = await webhooks.send_test_event(c.webhook_context, account.id, webhookId)
    return DeliveryQueuedOut(id=webhookId, deliveryId=delivery)


@router.get(ONE + "/delivery/list", operation_id="listWebhookDeliveries", responses=errors(*READ))
async def list_deliveries(
    c: ContainerDep, account: AccountDep, webhookId: WebhookId, query: ListQueryDep
) -> DeliveryList:
    page = await webhooks.list_deliveries(c.uow, account.id, webhookId, query)
    return DeliveryList(items=[DeliveryOut.of(d) for d in page.items], cursor=page.cursor)


@router.post(
    ONE + "/delivery/{deliveryId}/redeliver",
    operation_id="redeliverWebhook",
    responses=errors(*DELETE),
)
async def redeliver(
    c: ContainerDep,
    account: AccountDep,
    webhookId: WebhookId,
    deliveryId: DeliveryId,
    body: EmptyIn | None = None,
) -> DeliveryQueuedOut:
    """Send the delivery's event again (same ``webhook-id``), as a new delivery."""
    again = await webhooks.redeliver(c.webhook_context, account.id, webhookId, deliveryId)
    return DeliveryQueuedOut(id=webhookId, deliveryId=again)
