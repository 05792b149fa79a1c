"""Recall.ai dashboard webhooks (delivered by Svix), normalised across API versions.

v1.11: ``{"event": "bot.call_ended", "data": {"data": {code, sub_code, updated_at},
"bot": {id, metadata}}}``; recording and media events (``recording.done``, ...) share the shape.
v1.10 (legacy): ``{"event": "bot.status_change", "data": {"bot_id", "status": {code, ...}}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import Field, ValidationError

from delegate.adapters.recall.payload import (
    PayloadError,
    RecallModel,
    Ref,
    invalid_payload,
    load_payload,
)
from delegate.domain.validation import text_problem


class _StatusData(RecallModel):
    code: str | None = None
    sub_code: str | None = None
    updated_at: datetime | None = None
    message: str | None = None


class _StatusEnvelope(RecallModel):
    data: _StatusData = Field(default_factory=_StatusData)
    bot: Ref | None = None


class _StatusWebhookV111(RecallModel):
    """The v1.11 shape (also used by ``recording.*`` and media events)."""

    event: str
    data: _StatusEnvelope


class _LegacyStatus(RecallModel):
    code: str
    sub_code: str | None = None
    message: str | None = None
    created_at: datetime | None = None


class _LegacyStatusData(RecallModel):
    bot_id: str
    status: _LegacyStatus


class _LegacyStatusWebhook(RecallModel):
    """The v1.10 shape."""

    event: str
    data: _LegacyStatusData


@dataclass(frozen=True)
class StatusWebhook:
    """A dashboard webhook, normalised across the v1.11 and legacy (v1.10) shapes."""

    event: str
    """``bot.<code>``, ``bot.status_change`` (legacy), or e.g. ``recording.done``."""
    bot_id: str | None
    """Always set for bot status events; may be None for recordings without a bot."""
    code: str | None
    sub_code: str | None = None
    updated_at: datetime | None = None
    message: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    """The bot's metadata (our ids); empty for the legacy shape, which does not carry it."""
    legacy: bool = False

    @property
    def is_bot_status(self) -> bool:
        """A change of the bot's status (rather than of a recording or media object)."""
        return self.event.startswith("bot.")


def parse_status_webhook(raw: bytes | str | Mapping[str, Any]) -> StatusWebhook:
    """A dashboard webhook in either shape; a bot status event without a bot id raises
    ``PayloadError``."""
    data = load_payload(raw)
    inner = data.get("data")
    try:
        if isinstance(inner, dict) and "status" in inner and "bot_id" in inner:
            legacy = _LegacyStatusWebhook.model_validate(data)
            status = legacy.data.status
            return StatusWebhook(
                event=legacy.event,
                bot_id=legacy.data.bot_id,
                code=status.code,
                sub_code=status.sub_code,
                updated_at=status.created_at,
                message=status.message,
                legacy=True,
            )
        current = _StatusWebhookV111.model_validate(data)
    except ValidationError as exc:
        raise invalid_payload("status webhook", exc) from None
    bot = current.data.bot
    hook = StatusWebhook(
        event=current.event,
        bot_id=bot.id if bot else None,
        # Recall names bot events "bot.<code>"; fall back on that if the code is missing.
        code=current.data.data.code
        or (current.event.removeprefix("bot.") if current.event.startswith("bot.") else None),
        sub_code=current.data.data.sub_code,
        updated_at=current.data.data.updated_at,
        message=current.data.data.message,
        metadata=bot.metadata if bot else {},
    )
    if hook.is_bot_status and hook.bot_id is None:
        raise PayloadError(f"{hook.event} webhook has no bot id")
    # These are stored and looked up; Recall never puts NUL in them, PostgreSQL refuses it.
    for name, value in (("event", hook.event), ("bot.id", hook.bot_id), *hook.metadata.items()):
        if value is not None and text_problem(value):
            raise PayloadError(f"{name}: {text_problem(value)}")
    return hook
