"""Recall payloads → the pipeline's domain events (the anti-corruption seam).

If Recall renames a field, this module and the models change; the services do not.
"""

from __future__ import annotations

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
    Speaker,
    SpeechStarted,
    SpeechStopped,
    StatusChanged,
    TranscriptFinal,
    TranscriptPartial,
)

__all__ = ["STATE_EVENTS", "PayloadError", "meeting_event", "partial_line", "status_event"]

STATE_EVENTS = frozenset(
    {
        "transcript.data",
        "participant_events.chat_message",
        "participant_events.join",
        "participant_events.leave",
    }
)
"""The realtime events that can change what the delegate knows or does. The rest (partial
transcripts, speech on/off, webcam, screenshare: most of the traffic) change nothing."""


def _speaker(p: RecallParticipant) -> Speaker:
    return Speaker(
        id=p.id,
        name=(p.name or "").strip() or f"Participant {p.id}",
        is_host=p.is_host,
        email=(p.email or "").strip() or None,
    )


def meeting_event(raw: bytes) -> MeetingEvent:
    """A stored realtime delivery as a domain event; raises PayloadError when malformed."""
    ev = parse_realtime_event(raw)
    if isinstance(ev, TranscriptEvent):
        speaker = _speaker(ev.participant)
        if not ev.is_final:
            return TranscriptPartial(speaker, ev.text)
        start = ev.start_s or 0.0
        return TranscriptFinal(speaker, ev.text, start, ev.end_s or start)
    if isinstance(ev, ChatMessageEvent):
        return ChatReceived(
            _speaker(ev.participant), ev.text, ev.to_bot, ev.timestamp.relative or 0.0
        )
    if isinstance(ev, ParticipantEvent):
        if ev.action == "join":
            return ParticipantJoined(_speaker(ev.participant))
        if ev.action == "leave":
            return ParticipantLeft(_speaker(ev.participant))
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
    return StatusChanged(hook.code, hook.sub_code, verified)
