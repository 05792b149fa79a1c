"""Everything we know about what Recall sends us, behind the ``RecallInbound`` port.

Verifying a delivery, naming it (its delivery id), telling whether it can change anything,
decoding a stored one into a domain event, and reading Recall's status codes as our session
status all happen here. If Recall renames a field or adds a code, this module and the payload
models change; the services do not.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping

import orjson

from delegate.adapters.recall.payload import PayloadError
from delegate.adapters.recall.realtime import (
    CHAT_EVENT,
    FINAL_TRANSCRIPT,
    PARTIAL_TRANSCRIPT,
    ChatMessageEvent,
    ParticipantEvent,
    TranscriptEvent,
    parse_partial_line,
    parse_realtime_event,
    participant_event,
)
from delegate.adapters.recall.realtime import Participant as RecallParticipant
from delegate.adapters.recall.signatures import SignatureError, message_id, verify
from delegate.adapters.recall.status_webhooks import parse_status_webhook
from delegate.domain.errors import InvalidInput, NotAuthenticated
from delegate.domain.events import (
    ChatReceived,
    Ignored,
    MeetingEvent,
    ParticipantJoined,
    ParticipantLeft,
    SessionStatus,
    Speaker,
    SpeechStarted,
    SpeechStopped,
    StatusChanged,
    TranscriptFinal,
    TranscriptPartial,
)
from delegate.domain.inbound import RealtimeDelivery, StatusDelivery
from delegate.domain.sessions import EventKind, NewEvent, StoredEvent
from delegate.domain.validation import text_problem

log = logging.getLogger(__name__)

MAX_EVENT_NAME = 64
"""Event names are stored in a column of this width."""

WAKING_EVENTS = frozenset(
    {FINAL_TRANSCRIPT, CHAT_EVENT, participant_event("join"), participant_event("leave")}
)
"""The realtime events that can change what the delegate knows or does. The rest (partial
transcripts, speech on/off, webcam, screenshare: most of the traffic) change nothing."""

SUBSCRIBED_EVENTS = (
    FINAL_TRANSCRIPT,
    PARTIAL_TRANSCRIPT,
    *(participant_event(a) for a in ("join", "leave", "update", "speech_on", "speech_off")),
    CHAT_EVENT,
)
"""What a bot's realtime endpoint asks Recall for."""

SPEECH_EVENTS = frozenset(
    {
        participant_event("speech_on"),
        participant_event("speech_off"),
        PARTIAL_TRANSCRIPT,
        FINAL_TRANSCRIPT,
    }
)
"""The realtime events that tell who is speaking (read while the delegate speaks, to stop
when someone else does)."""

_FROM_RECALL = {
    "joining_call": SessionStatus.JOINING,
    "in_waiting_room": SessionStatus.WAITING_ROOM,
    "in_call_not_recording": SessionStatus.IN_CALL,
    "recording_permission_allowed": SessionStatus.IN_CALL,
    "recording_permission_denied": SessionStatus.IN_CALL,
    "in_call_recording": SessionStatus.RECORDING,
    "call_ended": SessionStatus.ENDED,
    "done": SessionStatus.ENDED,
    "recording_done": SessionStatus.ENDED,
    "analysis_done": SessionStatus.ENDED,
    "fatal": SessionStatus.FAILED,
}
"""Recall bot status codes we act on; any other code changes nothing (Recall warns that new
codes appear without notice)."""

_RECORDING = "in_call_recording"

_NEVER_ADMITTED = frozenset(
    {
        "bot_kicked_from_waiting_room",
        "timeout_exceeded_waiting_room",
        "call_ended_by_platform_waiting_room_timeout",
        "timeout_exceeded_noone_joined",
        "meeting_not_started",
    }
)
"""Sub-codes of call_ended that mean the bot never got into the meeting."""


def status_changed(code: str, sub_code: str | None, verified: bool = True) -> StatusChanged:
    """A Recall status code and sub-code as what they mean for our session."""
    return StatusChanged(
        code=code,
        sub_code=sub_code,
        status=_FROM_RECALL.get(code),
        never_admitted=sub_code in _NEVER_ADMITTED,
        recording=code == _RECORDING,
        verified=verified,
    )


def delivery_id(headers: Mapping[str, str], body: bytes) -> str:
    """Recall's delivery id when signed, else a hash of the content (a re-sent body dedupes)."""
    return message_id(headers) or "sha256:" + hashlib.sha256(body).hexdigest()


def _check_signature(secret: str | None, headers: Mapping[str, str], body: bytes) -> bool:
    """True when signed by ``secret``; False when there is no secret to check against."""
    if not secret:
        return False
    try:
        verify(secret, headers, body)
    except SignatureError as exc:
        raise NotAuthenticated(f"Invalid signature: {exc}") from exc
    return True


def _event_name(body: bytes) -> str:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput("Request body is not valid JSON") from exc
    event = data.get("event") if isinstance(data, dict) else None
    if not isinstance(event, str) or not event:
        raise InvalidInput('"event" is required')
    problem = text_problem(event)
    if problem:
        raise InvalidInput(f'"event" {problem}')
    return event[:MAX_EVENT_NAME]


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
    return status_changed(hook.code, hook.sub_code, verified)


class RecallInboundAdapter:
    """The ``RecallInbound`` port for Recall's realtime endpoints and dashboard webhooks."""

    waking_events = WAKING_EVENTS

    def read_realtime(
        self, headers: Mapping[str, str], body: bytes, webhook_secret: str | None
    ) -> RealtimeDelivery:
        """Check the signature (when the integration has a secret) and name the delivery."""
        _check_signature(webhook_secret, headers, body)
        event = _event_name(body)
        return RealtimeDelivery(
            delivery_id(headers, body),
            event,
            wakes=event in WAKING_EVENTS,
            partial=event == PARTIAL_TRANSCRIPT,
        )

    def read_status(
        self, headers: Mapping[str, str], body: bytes, webhook_secret: str | None
    ) -> StatusDelivery:
        """Check the signature (unsigned webhooks are kept as unverified hints) and read
        which bot and session the webhook is about."""
        signed = _check_signature(webhook_secret, headers, body)
        try:
            hook = parse_status_webhook(body)
        except ValueError as exc:
            raise InvalidInput(f"Not a Recall status webhook: {exc}") from exc
        return StatusDelivery(
            delivery_id=delivery_id(headers, body),
            event=hook.event[:MAX_EVENT_NAME],
            verified=signed,
            bot_id=hook.bot_id,
            claimed_session_id=hook.metadata.get("sessionId"),
        )

    def polled(
        self,
        session_id: str,
        bot_id: str,
        code: str,
        sub_code: str | None,
        at: str | None,
        received_at: int,
    ) -> NewEvent:
        """A status read from Recall, as an event of the session (deduplicated by code and
        time)."""
        return NewEvent(
            session_id=session_id,
            delivery_id=f"poll:{bot_id}:{code}:{at or ''}",
            kind=EventKind.POLL,
            event=f"bot.{code}",
            payload=orjson.dumps({"code": code, "sub_code": sub_code, "at": at}),
            received_at=received_at,
        )

    def decode(self, ev: StoredEvent) -> MeetingEvent | None:
        """A stored event as a domain event; None when it changes nothing or is malformed."""
        try:
            if ev.kind == EventKind.REALTIME:
                # Most deliveries (partials, speech on/off) change nothing: not even parsed.
                return meeting_event(ev.payload) if ev.event in WAKING_EVENTS else None
            if ev.kind in (EventKind.STATUS, EventKind.STATUS_UNVERIFIED):
                return status_event(ev.payload, verified=ev.kind == EventKind.STATUS)
            if ev.kind == EventKind.POLL:
                data = orjson.loads(ev.payload)
                return status_changed(str(data["code"]), data.get("sub_code"))
        except (PayloadError, ValueError, KeyError) as exc:
            # A malformed delivery is skipped, not retried forever; it stays in the events table.
            log.warning("skipping malformed event %s (%s): %s", ev.id, ev.event, exc)
        return None

    def speech(self, ev: StoredEvent) -> MeetingEvent | None:
        """Who speaks, from a stored speech or transcript event; None for other events."""
        if ev.kind != EventKind.REALTIME or ev.event not in SPEECH_EVENTS:
            return None
        try:
            return meeting_event(ev.payload)
        except PayloadError:
            return None  # malformed: the drain logs it

    def partial_line(self, body: bytes) -> TranscriptPartial | None:
        """A partial transcript delivery as the line a live view shows; None when malformed."""
        try:
            return partial_line(body)
        except PayloadError:
            return None
