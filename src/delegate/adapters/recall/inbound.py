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
from datetime import UTC, datetime

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
from delegate.adapters.recall.signatures import SignatureError, is_signed, message_id, verify
from delegate.adapters.recall.status_webhooks import StatusWebhook, parse_status_webhook
from delegate.domain.events import (
    ChatReceived,
    Ignored,
    MeetingEvent,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantUpdated,
    SessionStatus,
    Speaker,
    SpeechStarted,
    SpeechStopped,
    StatusChanged,
    TranscriptFinal,
    TranscriptPartial,
    placeholder_name,
)
from delegate.domain.inbound import RealtimeDelivery, StatusDelivery
from delegate.domain.sessions import EventKind, NewEvent, StoredEvent
from delegate.domain.validation import text_problem

log = logging.getLogger(__name__)

MAX_EVENT_NAME = 64
"""Event names are stored in a column of this width."""

MAX_DELIVERY_ID = 255
"""Delivery ids are stored in a column of this width; a longer one is stored as its hash."""

UNUSABLE = "unusable"
"""The event name a realtime delivery is stored under when it cannot be used (not JSON, no
``event``, too large): kept raw for inspection, never processed."""

WAKING_EVENTS = frozenset(
    {
        FINAL_TRANSCRIPT,
        CHAT_EVENT,
        *(participant_event(a) for a in ("join", "leave", "update")),
    }
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


def status_changed(
    code: str, sub_code: str | None, verified: bool = True, at_ms: int | None = None
) -> StatusChanged:
    """A Recall status code and sub-code as what they mean for our session."""
    return StatusChanged(
        code=code,
        sub_code=sub_code,
        status=_FROM_RECALL.get(code),
        never_admitted=sub_code in _NEVER_ADMITTED,
        recording=code == _RECORDING,
        verified=verified,
        at_ms=at_ms,
    )


def delivery_id(headers: Mapping[str, str], body: bytes) -> str:
    """Recall's delivery id when signed, else a hash of the content (a re-sent body dedupes).
    An id too long to store is stored as its hash."""
    given = message_id(headers)
    if given and len(given) <= MAX_DELIVERY_ID:
        return given
    return "sha256:" + hashlib.sha256(given.encode() if given else body).hexdigest()


def _signature_problem(secret: str | None, headers: Mapping[str, str], body: bytes) -> str | None:
    """Why the delivery is not signed by ``secret`` (None: it is, or there is no secret)."""
    if not secret:
        return None
    try:
        verify(secret, headers, body)
    except SignatureError as exc:
        return str(exc)
    return None


def _event_name(body: bytes) -> tuple[str | None, str]:
    """The delivery's event name, or None and why it cannot be used."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None, "not valid JSON"
    event = data.get("event") if isinstance(data, dict) else None
    if not isinstance(event, str) or not event:
        return None, 'no "event"'
    problem = text_problem(event)
    if problem:
        return None, f'"event" {problem}'
    return event[:MAX_EVENT_NAME], ""


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
    return status_changed(hook.code, hook.sub_code, verified, _epoch_ms(hook.updated_at))


def polled_status_event(raw: bytes) -> StatusChanged:
    """A status read from Recall by polling (stored by ``RecallInboundAdapter.polled``)."""
    data = orjson.loads(raw)
    sub_code, at = data.get("sub_code"), data.get("at")
    return status_changed(
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


def _status_webhook(body: bytes) -> tuple[StatusWebhook | None, str]:
    try:
        return parse_status_webhook(body), ""
    except ValueError as exc:
        return None, str(exc)


class RecallInboundAdapter:
    """The ``RecallInbound`` port for Recall's realtime endpoints and dashboard webhooks."""

    waking_events = WAKING_EVENTS

    def read_realtime(
        self,
        headers: Mapping[str, str],
        body: bytes,
        webhook_secret: str | None,
        too_large: int | None = None,
    ) -> RealtimeDelivery:
        """Check the signature (when the delivery carries one and the integration has a
        secret: some workspaces sign only their status webhooks) and name the delivery.
        ``too_large``: the full size of a body cut at the receiver's cap."""
        bad = None
        if too_large is None and is_signed(headers):
            bad = _signature_problem(webhook_secret, headers, body)
        if too_large is not None:
            event, why = None, f"body too large ({too_large} bytes)"
        else:
            event, why = _event_name(body)
        return RealtimeDelivery(
            delivery_id(headers, body),
            event or UNUSABLE,
            wakes=event in WAKING_EVENTS,
            partial=event == PARTIAL_TRANSCRIPT,
            bad_signature=bad,
            unusable=why or None,
        )

    def read_status(
        self, headers: Mapping[str, str], body: bytes, webhook_secret: str | None
    ) -> StatusDelivery:
        """Check the signature (unsigned webhooks are kept as unverified hints) and read
        which bot and session the webhook is about."""
        bad = _signature_problem(webhook_secret, headers, body)
        hook, why = _status_webhook(body)
        return StatusDelivery(
            delivery_id=delivery_id(headers, body),
            event=hook.event[:MAX_EVENT_NAME] if hook else UNUSABLE,
            verified=bool(webhook_secret) and bad is None,
            bot_id=hook.bot_id if hook else None,
            claimed_session_id=hook.metadata.get("sessionId") if hook else None,
            bad_signature=bad,
            unusable=why or None,
        )

    def bot_status(self, code: str) -> SessionStatus | None:
        """Our status for a Recall bot status code (None: a code that means nothing to us)."""
        return _FROM_RECALL.get(code)

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
                return polled_status_event(ev.payload)
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
