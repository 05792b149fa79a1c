"""``client.webhook``: the account's webhook endpoints, their delivery log and redelivery,
sync (``Webhooks``) and async (``AsyncWebhooks``), sending exactly the same requests."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from delegate.client import _requests as rq
from delegate.client.types import (
    DeliveryQueued,
    IdResult,
    Order,
    Page,
    Webhook,
    WebhookDelivery,
    WebhookSecret,
)

if TYPE_CHECKING:
    from delegate.client._client import AsyncDelegate, Delegate


def _body(
    url: str | None,
    events: builtins.list[str] | None,
    description: str | None,
    enabled: bool | None,
) -> dict[str, Any]:
    return rq.fields(url=url, events=events, description=description, enabled=enabled)


class Webhooks:
    """``client.webhook``: endpoints that receive the account's meeting events, signed."""

    def __init__(self, client: Delegate) -> None:
        self._client = client

    def list(
        self, *, cursor: str | None = None, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Page[Webhook]:
        """One page of webhook endpoints."""
        return self._client._model(rq.listing("webhook/list", cursor, order, take), Page[Webhook])

    def list_all(self, *, order: Order = "desc") -> builtins.list[Webhook]:
        """Every webhook endpoint, in one list."""
        items: builtins.list[Webhook] = []
        cursor: str | None = None
        while True:
            page = self.list(cursor=cursor, order=order)
            items += page.items
            if (cursor := rq.next_cursor(page, rq.DEFAULT_TAKE)) is None:
                return items

    def create(
        self,
        *,
        url: str,
        events: builtins.list[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> WebhookSecret:
        """Create an endpoint (all event types when ``events`` is None); the answer holds
        its signing secret, shown only this once."""
        body = _body(url, events, description, enabled)
        return self._client._model(rq.post("webhook/create", body), WebhookSecret)

    def fetch(self, webhook_id: str) -> Webhook:
        """One endpoint (never its secret); ``disabled_reason`` says why deliveries stopped."""
        return self._client._model(rq.get(rq.webhook_path(webhook_id, "fetch")), Webhook)

    def update(
        self,
        webhook_id: str,
        *,
        url: str | None = None,
        events: builtins.list[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> IdResult:
        """Change the given fields; ``enabled=True`` resumes a disabled endpoint."""
        body = _body(url, events, description, enabled)
        return self._client._model(rq.post(rq.webhook_path(webhook_id, "update"), body), IdResult)

    def delete(self, webhook_id: str) -> IdResult:
        """Delete an endpoint and its delivery log."""
        return self._client._model(rq.post(rq.webhook_path(webhook_id, "delete")), IdResult)

    def rotate_secret(self, webhook_id: str) -> WebhookSecret:
        """A new signing secret, used from the next attempt on; shown only this once."""
        call = rq.post(rq.webhook_path(webhook_id, "secret/rotate"))
        return self._client._model(call, WebhookSecret)

    def send_test(self, webhook_id: str) -> DeliveryQueued:
        """Send a ``webhook.test`` event; its outcome shows in ``deliveries``."""
        return self._client._model(rq.post(rq.webhook_path(webhook_id, "test")), DeliveryQueued)

    def deliveries(
        self,
        webhook_id: str,
        *,
        cursor: str | None = None,
        order: Order = "desc",
        take: int = rq.DEFAULT_TAKE,
    ) -> Page[WebhookDelivery]:
        """One page of the endpoint's delivery log (status, attempts, last code, latency)."""
        call = rq.listing(rq.webhook_path(webhook_id, "delivery/list"), cursor, order, take)
        return self._client._model(call, Page[WebhookDelivery])

    def iterate_deliveries(
        self, webhook_id: str, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Iterator[WebhookDelivery]:
        """The whole delivery log, following cursors page by page."""
        cursor: str | None = None
        while True:
            page = self.deliveries(webhook_id, cursor=cursor, order=order, take=take)
            yield from page.items
            if (cursor := rq.next_cursor(page, take)) is None:
                return

    def redeliver(self, webhook_id: str, delivery_id: str) -> DeliveryQueued:
        """Send a delivery's event again, with the same ``webhook-id``."""
        path = rq.webhook_path(webhook_id, f"delivery/{rq.segment(delivery_id)}/redeliver")
        return self._client._model(rq.post(path), DeliveryQueued)


class AsyncWebhooks:
    """``client.webhook``: endpoints that receive the account's meeting events, signed."""

    def __init__(self, client: AsyncDelegate) -> None:
        self._client = client

    async def list(
        self, *, cursor: str | None = None, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Page[Webhook]:
        """One page of webhook endpoints."""
        call = rq.listing("webhook/list", cursor, order, take)
        return await self._client._model(call, Page[Webhook])

    async def list_all(self, *, order: Order = "desc") -> builtins.list[Webhook]:
        """Every webhook endpoint, in one list."""
        items: builtins.list[Webhook] = []
        cursor: str | None = None
        while True:
            page = await self.list(cursor=cursor, order=order)
            items += page.items
            if (cursor := rq.next_cursor(page, rq.DEFAULT_TAKE)) is None:
                return items

    async def create(
        self,
        *,
        url: str,
        events: builtins.list[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> WebhookSecret:
        """Create an endpoint (all event types when ``events`` is None); the answer holds
        its signing secret, shown only this once."""
        body = _body(url, events, description, enabled)
        return await self._client._model(rq.post("webhook/create", body), WebhookSecret)

    async def fetch(self, webhook_id: str) -> Webhook:
        """One endpoint (never its secret); ``disabled_reason`` says why deliveries stopped."""
        return await self._client._model(rq.get(rq.webhook_path(webhook_id, "fetch")), Webhook)

    async def update(
        self,
        webhook_id: str,
        *,
        url: str | None = None,
        events: builtins.list[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> IdResult:
        """Change the given fields; ``enabled=True`` resumes a disabled endpoint."""
        body = _body(url, events, description, enabled)
        call = rq.post(rq.webhook_path(webhook_id, "update"), body)
        return await self._client._model(call, IdResult)

    async def delete(self, webhook_id: str) -> IdResult:
        """Delete an endpoint and its delivery log."""
        return await self._client._model(rq.post(rq.webhook_path(webhook_id, "delete")), IdResult)

    async def rotate_secret(self, webhook_id: str) -> WebhookSecret:
        """A new signing secret, used from the next attempt on; shown only this once."""
        call = rq.post(rq.webhook_path(webhook_id, "secret/rotate"))
        return await self._client._model(call, WebhookSecret)

    async def send_test(self, webhook_id: str) -> DeliveryQueued:
        """Send a ``webhook.test`` event; its outcome shows in ``deliveries``."""
        call = rq.post(rq.webhook_path(webhook_id, "test"))
        return await self._client._model(call, DeliveryQueued)

    async def deliveries(
        self,
        webhook_id: str,
        *,
        cursor: str | None = None,
        order: Order = "desc",
        take: int = rq.DEFAULT_TAKE,
    ) -> Page[WebhookDelivery]:
        """One page of the endpoint's delivery log (status, attempts, last code, latency)."""
        call = rq.listing(rq.webhook_path(webhook_id, "delivery/list"), cursor, order, take)
        return await self._client._model(call, Page[WebhookDelivery])

    async def iterate_deliveries(
        self, webhook_id: str, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> AsyncIterator[WebhookDelivery]:
        """The whole delivery log, following cursors page by page."""
        cursor: str | None = None
        while True:
            page = await self.deliveries(webhook_id, cursor=cursor, order=order, take=take)
            for item in page.items:
                yield item
            if (cursor := rq.next_cursor(page, take)) is None:
                return

    async def redeliver(self, webhook_id: str, delivery_id: str) -> DeliveryQueued:
        """Send a delivery's event again, with the same ``webhook-id``."""
        path = rq.webhook_path(webhook_id, f"delivery/{rq.segment(delivery_id)}/redeliver")
        return await self._client._model(rq.post(path), DeliveryQueued)
