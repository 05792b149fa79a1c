"""Request and response models of the webhook routes (camelCase, ChatBotKit-style)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from delegate.api.schemas import Body, IdOut, Out
from delegate.domain.webhooks import EVENT_TYPES, MAX_DESCRIPTION_LENGTH, MAX_URL_LENGTH, Delivery
from delegate.domain.webhooks import WebhookEndpoint as Endpoint

EVENTS_RULE: dict[str, Any] = {"items": {"enum": list(EVENT_TYPES)}, "minItems": 1}


class WebhookIn(Body):
    url: str | None = Field(
        default=None,
        max_length=MAX_URL_LENGTH,
        description="https URL that receives the events (required at create)",
    )
    events: list[str] | None = Field(
        default=None,
        json_schema_extra=EVENTS_RULE,
        description="Event types to receive; all of them when omitted at create",
    )
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH)
    enabled: bool | None = Field(
        default=None, description="false pauses deliveries; true resumes a disabled endpoint"
    )


class WebhookSecretOut(IdOut):
    secret: str = Field(description="The signing secret (whsec_...): shown only this once")


class WebhookOut(Out):
    id: str
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabledReason: str | None = Field(description="Why deliveries stopped, when they did")
    failingSince: int | None = Field(description="Since when every delivery has failed")
    createdAt: int
    updatedAt: int

    @classmethod
    def of(cls, e: Endpoint) -> WebhookOut:
        return cls(
            id=e.id,
            url=e.url,
            description=e.description,
            events=list(e.events),
            enabled=e.enabled,
            disabledReason=e.disabled_reason,
            failingSince=e.failing_since,
            createdAt=e.created_at,
            updatedAt=e.updated_at,
        )


class WebhookList(Out):
    items: list[WebhookOut]
    cursor: str | None = None


class DeliveryOut(Out):
    id: str
    webhookId: str
    eventId: str = Field(description="The webhook-id header: the same on every attempt")
    eventType: str
    sessionId: str | None
    status: str = Field(description="pending, succeeded or failed")
    attempts: int
    nextAttemptAt: int | None = Field(description="When a pending delivery is tried next")
    lastStatusCode: int | None
    lastError: str | None
    latencyMs: int | None = Field(description="How long the last attempt took")
    createdAt: int
    finishedAt: int | None

    @classmethod
    def of(cls, d: Delivery) -> DeliveryOut:
        return cls(
            id=d.id,
            webhookId=d.endpoint_id,
            eventId=d.event_id,
            eventType=d.event_type,
            sessionId=d.session_id,
            status=d.status.value,
            attempts=d.attempts,
            nextAttemptAt=d.next_attempt_at if d.status.value == "pending" else None,
            lastStatusCode=d.last_status_code,
            lastError=d.last_error,
            latencyMs=d.latency_ms,
            createdAt=d.created_at,
            finishedAt=d.finished_at,
        )


class DeliveryList(Out):
    items: list[DeliveryOut]
    cursor: str | None = None


class DeliveryQueuedOut(IdOut):
    deliveryId: str = Field(description="The new delivery; its outcome shows in delivery/list")
