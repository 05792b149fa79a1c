"""The Python SDK of the delegate API, sync (``Delegate``) and async (``AsyncDelegate``).

from delegate_client import Delegate

with Delegate(api_key="sk-...") as client:
    bot = client.bot.create(name="Ada", backstory="You are a concise note taker.")
"""

from delegate_client._client import DEFAULT_BASE_URL, AsyncDelegate, Delegate
from delegate_client._exceptions import (
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
from delegate_client._version import __version__
from delegate_client._webhooks import SignatureError, verify_webhook
from delegate_client.types import (
    ActionItem,
    ActionResult,
    Bot,
    Dataset,
    DatasetRecord,
    DeliveryQueued,
    FoundRecord,
    IdResult,
    IndexProgress,
    InitiateResult,
    MeetingSession,
    Notes,
    Page,
    Participant,
    RecallIntegration,
    Reply,
    SearchResult,
    SetupResult,
    Transcript,
    TranscriptItem,
    UploadResult,
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
    "Dataset",
    "DatasetRecord",
    "Delegate",
    "DelegateError",
    "DeliveryQueued",
    "FoundRecord",
    "IdResult",
    "IndexProgress",
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
    "SearchResult",
    "ServerError",
    "SetupResult",
    "SignatureError",
    "TimedOut",
    "Transcript",
    "TranscriptItem",
    "UploadResult",
    "Webhook",
    "WebhookDelivery",
    "WebhookSecret",
    "__version__",
    "verify_webhook",
]
