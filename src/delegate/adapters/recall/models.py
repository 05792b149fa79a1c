"""Typed models of what Recall.ai sends us; the one place to import them from.

    parse_bot(raw)             -> Bot             (GET/POST bot responses)
    parse_bot_page(raw)        -> BotPage         (GET /bot/ list pages)
    to_snapshot(bot, raw)      -> BotSnapshot     (what services see)
    snapshot(raw)              -> BotSnapshot     (both at once)
    parse_realtime_event(raw)  -> RealtimeEvent   (realtime_endpoints deliveries; realtime.py)
    parse_status_webhook(raw)  -> StatusWebhook   (dashboard webhooks, both shapes;
                                                   status_webhooks.py)

Bad payloads raise ``PayloadError`` (a ``ValueError``); unknown fields are kept, not refused
(see ``payload.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator

from delegate.adapters.recall.payload import (
    PayloadError,
    RecallModel,
    Ref,
    invalid_payload,
    load_payload,
    string_map,
)
from delegate.adapters.recall.realtime import (
    ChatMessage,
    ChatMessageEvent,
    OtherRealtimeEvent,
    Participant,
    ParticipantEvent,
    RealtimeEvent,
    Timestamp,
    TranscriptEvent,
    Word,
    parse_realtime_event,
)
from delegate.adapters.recall.status_webhooks import StatusWebhook, parse_status_webhook
from delegate.services.ports import BotSnapshot, BotStatus

__all__ = [
    "Bot",
    "BotPage",
    "ChatMessage",
    "ChatMessageEvent",
    "MeetingUrl",
    "OtherRealtimeEvent",
    "Participant",
    "ParticipantEvent",
    "PayloadError",
    "RealtimeEvent",
    "RecallModel",
    "Recording",
    "Ref",
    "StatusChange",
    "StatusWebhook",
    "Timestamp",
    "TranscriptEvent",
    "Word",
    "parse_bot",
    "parse_bot_page",
    "parse_realtime_event",
    "parse_status_webhook",
    "platform_of",
    "snapshot",
    "to_snapshot",
]


# --- Bot object -------------------------------------------------------------------------------

_PLATFORM_HOSTS = (
    ("meet.google.com", "google_meet"),
    ("teams.live.com", "microsoft_teams_live"),
    ("teams.microsoft.com", "microsoft_teams"),
    ("zoom.us", "zoom"),
    ("zoom.com", "zoom"),
    ("webex.com", "webex"),
    ("goto.com", "goto_meeting"),
    ("gotomeeting.com", "goto_meeting"),
)


def platform_of(url: str) -> str | None:
    """Recall's platform name for a meeting URL, guessed from its host (None if unknown)."""
    host = (urlsplit(url).hostname or "").lower()
    for suffix, platform in _PLATFORM_HOSTS:
        if host == suffix or host.endswith("." + suffix):
            return platform
    return None


class MeetingUrl(RecallModel):
    """The parsed meeting URL Recall returns (``{"platform", "meeting_id", ...}``)."""

    platform: str | None = None
    meeting_id: str | None = None
    meeting_password: str | None = None


class StatusChange(RecallModel):
    code: str
    sub_code: str | None = None
    message: str | None = None
    created_at: str | None = None


class MediaStatus(RecallModel):
    code: str
    sub_code: str | None = None
    updated_at: datetime | None = None


class MediaData(RecallModel):
    download_url: str | None = None
    title: str | None = None


class MediaShortcut(RecallModel):
    id: str | None = None
    status: MediaStatus | None = None
    data: MediaData | None = None
    format: str | None = None


class MediaShortcuts(RecallModel):
    transcript: MediaShortcut | None = None
    participant_events: MediaShortcut | None = None
    meeting_metadata: MediaShortcut | None = None
    video_mixed: MediaShortcut | None = None
    audio_mixed: MediaShortcut | None = None


class Recording(RecallModel):
    id: str
    created_at: datetime | None = None
    completed_at: datetime | None = None
    status: MediaStatus | None = None
    media_shortcuts: MediaShortcuts | None = None


class Bot(RecallModel):
    """A Recall bot as returned by create, retrieve, list and most bot actions."""

    id: str
    meeting_url: MeetingUrl | str | None = None
    """An object in responses; a plain string in older payloads and our own requests."""
    bot_name: str | None = None
    join_at: datetime | None = None
    status_changes: list[StatusChange] = Field(default_factory=list)
    recordings: list[Recording] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)

    _metadata = field_validator("metadata", mode="before")(string_map)

    @field_validator("status_changes", "recordings", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def status(self) -> StatusChange | None:
        """The current status: the last entry of ``status_changes``."""
        return self.status_changes[-1] if self.status_changes else None

    @property
    def platform(self) -> str | None:
        if isinstance(self.meeting_url, MeetingUrl):
            return self.meeting_url.platform
        if isinstance(self.meeting_url, str):
            return platform_of(self.meeting_url)
        return None


def parse_bot(raw: bytes | str | Mapping[str, Any]) -> Bot:
    """A Bot from a response body or an already-decoded dict."""
    try:
        return Bot.model_validate(load_payload(raw))
    except ValidationError as exc:
        raise invalid_payload("bot object", exc) from None


def _bot_status(change: StatusChange) -> BotStatus:
    return BotStatus(
        code=change.code,
        sub_code=change.sub_code,
        message=change.message,
        created_at=change.created_at,
    )


def to_snapshot(bot: Bot, raw: Mapping[str, Any]) -> BotSnapshot:
    """The services' view of ``bot``; ``raw`` (the decoded response) is passed through untouched."""
    changes = [_bot_status(change) for change in bot.status_changes]
    return BotSnapshot(
        id=bot.id,
        status=changes[-1] if changes else None,
        platform=bot.platform,
        status_changes=changes,
        raw=dict(raw),
        metadata=dict(bot.metadata),
    )


def snapshot(raw: bytes | str | Mapping[str, Any]) -> BotSnapshot:
    """Parse a bot object straight into a ``BotSnapshot``."""
    data = load_payload(raw)
    return to_snapshot(parse_bot(data), data)


class BotPage(RecallModel):
    """One page of ``GET /api/v1/bot/``; items stay raw dicts so they can pass through."""

    next: str | None = None
    results: list[dict[str, Any]] = Field(default_factory=list)


def parse_bot_page(raw: bytes | str | Mapping[str, Any]) -> BotPage:
    try:
        return BotPage.model_validate(load_payload(raw))
    except ValidationError as exc:
        raise invalid_payload("bot list page", exc) from None
