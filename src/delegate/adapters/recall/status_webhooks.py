"""Recall.ai dashboard webhooks (delivered by Svix), normalised across API versions.

v1.11: ``{"event": "bot.call_ended", "data": {"data": {code, sub_code, updated_at},
"bot": {id, metadata}}}``; recording and media events (``recording.done``, ...) share the shape.
v1.10 (legacy): ``{"event": "bot.status_change", "data": {"bot_id", "status": {code, ...}}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator

from delegate.adapters.recall.payload import (
    PayloadError,
    RecallModel,
    Ref,
    invalid_payload,
    lenient,
    load_payload,
)
from delegate.domain.validation import text_problem


def _code(value: Any) -> Any:
    # A code or sub-code sent as a number is still that code.
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class _StatusData(RecallModel):
    code: Annotated[str | None, lenient()] = None
    sub_code: Annotated[str | None, lenient()] = None
    updated_at: Annotated[datetime | None, lenient()] = None
    message: Annotated[str | None, lenient()] = None

    _codes = field_validator("code", "sub_code", mode="before")(_code)


class _StatusEnvelope(RecallModel):
    data: Annotated[_StatusData, lenient(factory=_StatusData)] = Field(default_factory=_StatusData)
    bot: Annotated[Ref | None, lenient()] = None


class _StatusWebhookV111(RecallModel):
    """The v1.11 shape (also used by ``recording.*`` and media events)."""

    event: str
    data: _StatusEnvelope


class _LegacyStatus(RecallModel):
    code: Annotated[str | None, lenient()] = None
    sub_code: Annotated[str | None, lenient()] = None
    message: Annotated[str | None, lenient()] = None
    created_at: Annotated[datetime | None, lenient()] = None

    _codes = field_validator("code", "sub_code", mode="before")(_code)


class _LegacyStatusData(RecallModel):
    bot_id: str
    status: Annotated[_LegacyStatus | None, lenient()] = None
    """None for legacy events that are not a status (``bot.output_log``)."""


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
        if isinstance(inner, dict) and "bot_id" in inner and "bot" not in inner:
            legacy = _LegacyStatusWebhook.model_validate(data)
            status = legacy.data.status or _LegacyStatus()
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
