"""Ports of outbound webhooks: their storage, and the sender that signs and posts an event."""

from __future__ import annotations

from typing import Any, Protocol

from delegate.domain.records import ListQuery, Page
from delegate.domain.webhooks import Delivery, Outcome, SessionIds, WebhookEndpoint, WebhookEvent


class WebhookRepository(Protocol):
    async def add_endpoint(self, endpoint: WebhookEndpoint, secret: str) -> None: ...

    async def get_endpoint(self, account_id: str, endpoint_id: str) -> WebhookEndpoint | None: ...

    async def get_endpoint_by_id(self, endpoint_id: str) -> WebhookEndpoint | None: ...

    async def secret(self, endpoint_id: str) -> str:
        """The endpoint's signing secret, decrypted."""
        ...

    async def update_endpoint(self, endpoint: WebhookEndpoint, secret: str | None = None) -> None:
        """Save the endpoint's fields, and its secret when one is given."""
        ...

    async def mark_health(
        self, endpoint_id: str, failing_since: int | None, disabled_reason: str | None = None
    ) -> None: ...

    async def delete_endpoint(self, account_id: str, endpoint_id: str) -> None: ...

    async def list_endpoints(self, account_id: str, query: ListQuery) -> Page[WebhookEndpoint]: ...

    async def session_ids(self, session_id: str) -> SessionIds | None: ...

    async def enabled_endpoints(self, account_id: str) -> list[WebhookEndpoint]: ...

    async def add_event(
        self, account_id: str, event: WebhookEvent, deliveries: list[tuple[str, str]]
    ) -> None: ...

    async def add_deliveries(
        self, account_id: str, event: WebhookEvent, deliveries: list[tuple[str, str]]
    ) -> None: ...

    async def event(self, event_id: str) -> WebhookEvent | None: ...

    async def lane_heads(
        self, endpoint_id: str, due_by: int, limit: int
    ) -> list[tuple[Delivery, bytes]]:
        """The oldest pending delivery of each session's lane, when it is due by ``due_by``."""
        ...

    async def next_attempt_at(self, endpoint_id: str) -> int | None: ...

    async def record_attempt(self, delivery_id: str, **values: Any) -> None: ...

    async def get_delivery(
        self, account_id: str, endpoint_id: str, delivery_id: str
    ) -> Delivery | None: ...

    async def list_deliveries(
        self, account_id: str, endpoint_id: str, query: ListQuery
    ) -> Page[Delivery]: ...

    async def endpoints_with_pending(self, due_before: int, limit: int) -> list[str]: ...

    async def reencrypt_all(self) -> int: ...


class WebhookSender(Protocol):
    """Signs an event with Standard Webhooks and posts it; never raises for the endpoint's
    failures (they are the ``Outcome``)."""

    async def send(self, url: str, secret: str, event_id: str, body: bytes) -> Outcome: ...
