"""Recall payloads → the pipeline's domain events (the anti-corruption seam).

If Recall renames a field, this module and the models change; the services do not.
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from delegate.adapters.recall.payload import PayloadError
from delegate.adapters.recall.realtime import (
    ChatMessageEvent,
    ParticipantEvent,
    TranscriptEvent,
    parse_partial_line,
    parse_realtime_event,
)
from delegate.adapters.recall.realtime import Participant as RecallParticipant
from delegate.adapters.recall.status_webhooks import parse_status_webhook
from delegate.domain.events import (
    ChatReceived,
    Ignored,
    MeetingEvent,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantUpdated,
    Speaker,
    SpeechStarted,
    SpeechStopped,
    StatusChanged,
    TranscriptFinal,
    TranscriptPartial,
    placeholder_name,
)

__all__ = [
    "STATE_EVENTS",
    "PayloadError",
    "meeting_event",
    "partial_line",
    "polled_status_event",
    "status_event",
]

STATE_EVENTS = frozenset(
    {
        "transcript.data",
        "participant_events.chat_message",
        "participant_events.join",
        "participant_events.leave",
        "participant_events.update",
    }
)
"""The realtime events that can change what the delegate knows or does. The rest (partial
transcripts, speech on/off, webcam, screenshare: most of the traffic) change nothing."""


def _speaker(p: RecallParticipant) -> Speaker:
    name = (p.name or "").strip()
    return Speaker(
        id=p.key,
        name=name or placeholder_name(p.key),
        is_host=p.is_host,
        email=(p.email or "").strip() or None,
        named=bool(name),
    )


def meeting_event(raw: bytes) -> MeetingEvent:
    """A stored realtime delivery as a domain event; raises PayloadError when malformed."""
    ev = parse_realtime_event(raw)
    if isinstance(ev, TranscriptEvent):
        speaker = _speaker(ev.participant)
        if not ev.is_final:
            return TranscriptPartial(speaker, ev.text)
        # No time at all (``relative: null``): None, placed by the pipeline where it arrived.
        start = ev.start_s
        return TranscriptFinal(speaker, ev.text, start, ev.end_s if start is not None else None)
    if isinstance(ev, ChatMessageEvent):
        return ChatReceived(
            _speaker(ev.participant), ev.text, ev.to_bot, ev.timestamp.relative or 0.0
        )
    if isinstance(ev, ParticipantEvent):
        if ev.action == "join":
            return ParticipantJoined(_speaker(ev.participant))
        if ev.action == "leave":
            return ParticipantLeft(_speaker(ev.participant))
        if ev.action == "update":
            return ParticipantUpdated(_speaker(ev.participant))
        if ev.action == "speech_on":
            return SpeechStarted(_speaker(ev.participant))
        if ev.action == "speech_off":
            return SpeechStopped(_speaker(ev.participant))
    return Ignored(ev.event)


def partial_line(raw: bytes) -> TranscriptPartial:
    """A stored ``transcript.partial_data`` delivery as the line a live view shows."""
    line = parse_partial_line(raw)
    return TranscriptPartial(_speaker(line.participant), line.text)


def status_event(raw: bytes, verified: bool) -> StatusChanged | Ignored:
    """A stored status webhook as a domain event."""
    hook = parse_status_webhook(raw)
    if not hook.is_bot_status or not hook.code:
        return Ignored(hook.event)
    return StatusChanged(hook.code, hook.sub_code, verified, _epoch_ms(hook.updated_at))


def polled_status_event(raw: bytes) -> StatusChanged:
    """A status read from Recall by polling (stored by ``record_polled_status``)."""
    data = orjson.loads(raw)
    sub_code, at = data.get("sub_code"), data.get("at")
    return StatusChanged(
        str(data["code"]),
        sub_code if isinstance(sub_code, str) else None,
        True,
        _epoch_ms(_timestamp(at)) if isinstance(at, str) else None,
    )


def _timestamp(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _epoch_ms(at: datetime | None) -> int | None:
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)  # Recall's times are UTC, with or without the Z
    return int(at.timestamp() * 1000)
