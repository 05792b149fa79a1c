"""The Python SDK of the delegate API, sync (``Delegate``) and async (``AsyncDelegate``).

from delegate.client import Delegate

with Delegate(api_key="sk-...") as client:
    bot = client.bot.create(name="Ada", backstory="You are a concise note taker.")
"""

from delegate.client._client import DEFAULT_BASE_URL, AsyncDelegate, Delegate
from delegate.client._exceptions import (
    BadGateway,
    BadRequest,
    Conflict,
    ConnectionFailed,
    DelegateError,
    NotAuthenticated,
    NotAuthorized,
    NotFound,
    RateLimited,
    ServerError,
    TimedOut,
)
from delegate.client._webhooks import SignatureError, verify_webhook
from delegate.client.types import (
    ActionItem,
    ActionResult,
    Bot,
    DeliveryQueued,
    IdResult,
    InitiateResult,
    MeetingSession,
    Notes,
    Page,
    Participant,
    RecallIntegration,
    Reply,
    SetupResult,
    Transcript,
    TranscriptItem,
    Webhook,
    WebhookDelivery,
    WebhookSecret,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "ActionItem",
    "ActionResult",
    "AsyncDelegate",
    "BadGateway",
    "BadRequest",
    "Bot",
    "Conflict",
    "ConnectionFailed",
    "Delegate",
    "DelegateError",
    "DeliveryQueued",
    "IdResult",
    "InitiateResult",
    "MeetingSession",
    "NotAuthenticated",
    "NotAuthorized",
    "NotFound",
    "Notes",
    "Page",
    "Participant",
    "RateLimited",
    "RecallIntegration",
    "Reply",
    "ServerError",
    "SetupResult",
    "SignatureError",
    "TimedOut",
    "Transcript",
    "TranscriptItem",
    "Webhook",
    "WebhookDelivery",
    "WebhookSecret",
    "verify_webhook",
]
