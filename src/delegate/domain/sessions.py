"""A meeting session: one delegate sent into one meeting, and what it has seen and done."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from enum import Enum, StrEnum
from typing import Any

from delegate.domain.events import SessionStatus


@dataclass(frozen=True)
class MeetingSession:
    id: str
    account_id: str
    integration_id: str
    bot_id: str | None
    recall_bot_id: str | None
    status: SessionStatus
    status_code: str | None
    status_reason: str | None
    ever_in_call: bool
    platform: str | None
    meeting_url: str
    bot_name: str
    instruction: str
    join_at: int | None
    bot_snapshot: dict[str, Any] | None
    summary: dict[str, Any] | None
    cursor: int
    next_turn_seq: int
    recording_paused: bool
    notes: dict[str, Any] | None
    notes_status: NotesStatus | None
    last_polled_at: int | None
    created_at: int
    updated_at: int
    ended_at: int | None
    reply_mode: str = "chat"
    """How this session answers, after the platform was taken into account."""
    voice: str | None = None
    reply_notice: str | None = None
    """Why it answers otherwise than asked (Webex: no output audio, so chat)."""
    deliveries_refused: int = 0
    """Deliveries for this session answered 401 (wrong signature or token)."""
    refused_reason: str | None = None
    """Why the last of them was refused."""
    status_at: int | None = None
    """Recall's time (epoch ms) of the status applied last; older ones are not applied."""
    resume_at: int | None = None
    """When a paused recording resumes by itself (epoch ms; None: no timer)."""
    unrecorded_spans: list[dict[str, Any]] | None = None
    """The stretches the recording was paused (``domain.pause.UnrecordedSpan`` payloads)."""


_REFUSAL_HINTS = {
    "bad signature": "check the integration's webhookSecret (Recall's workspace secret)",
    "wrong token": "the realtime URL's token does not match the session",
}


def refusal_hint(reason: str | None) -> str | None:
    """What to check when deliveries were refused for this reason."""
    return _REFUSAL_HINTS.get(reason or "")


def no_transcript_reason(session: MeetingSession) -> str:
    """Why a session that ended has no transcript, in words for its owner."""
    if session.deliveries_refused:
        n = session.deliveries_refused
        why = session.refused_reason or "refused"
        hint = refusal_hint(why)
        deliveries = "delivery was" if n == 1 else "deliveries were"
        return f"No transcript: {n} {deliveries} refused ({why})" + (f"; {hint}." if hint else ".")
    if not session.ever_in_call:
        return "No transcript: the bot never got into the meeting."
    return "Nothing was said in the meeting."


@dataclass(frozen=True)
class SessionProgress:
    """What a drain reads of its session for every batch (the rest of the row, such as the
    running summary, only when its in-memory state has to be rebuilt)."""

    id: str
    status: SessionStatus
    bot_name: str
    ever_in_call: bool
    cursor: int
    next_turn_seq: int
    status_at: int | None = None
    recording_paused: bool = False
    resume_at: int | None = None
    unrecorded_spans: list[dict[str, Any]] | None = None
    """Read with the row lock: a status change that ends a pause (Recall's own resume, the
    call ending) closes the open span and clears the timer against what is stored now, not
    against a copy a pause or resume written meanwhile has made stale."""


@dataclass(frozen=True)
class StoredEvent:
    id: int
    session_id: str
    kind: str
    event: str
    payload: bytes


class EventKind(StrEnum):
    REALTIME = "realtime"
    STATUS = "status"
    STATUS_UNVERIFIED = "status_unverified"
    """An unsigned status webhook: confirmed by fetching the bot from Recall before use."""
    POLL = "poll"


@dataclass(frozen=True)
class NewEvent:
    session_id: str
    delivery_id: str
    kind: EventKind
    event: str
    payload: bytes
    received_at: int


class ReplyStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    """The process died between claiming and confirming: never re-sent, to avoid duplicates."""
    REFUSED = "refused"
    """A command its requester may not give, or a page the delegate may not show: recorded,
    answered politely, never sent."""


@dataclass(frozen=True)
class Reply:
    id: str
    session_id: str
    turn_seq: int | None
    position: int
    kind: str
    payload: dict[str, Any]
    status: ReplyStatus
    attempts: int
    created_at: int
    sent_at: int | None


class NotesStatus(StrEnum):
    PENDING = "pending"
    """The call ended: the notes are to be written."""
    READY = "ready"


class ReplyState(StrEnum):
    """Whether a turn waits for the delegate's answer (None: it asked nothing)."""

    PENDING = "pending"
    DONE = "done"


class Keep(Enum):
    """A column a ``SessionChanges`` leaves as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass
class SessionChanges:
    """What one write changes of a session; every field left at ``KEEP`` stays as stored."""

    status: SessionStatus | Keep = KEEP
    status_code: str | Keep | None = KEEP
    status_reason: str | Keep | None = KEEP
    status_at: int | Keep | None = KEEP
    """Recall's time of the status applied last: an older webhook is history, not news."""
    ever_in_call: bool | Keep = KEEP
    recording_paused: bool | Keep = KEEP
    resume_at: int | Keep | None = KEEP
    unrecorded_spans: list[dict[str, Any]] | Keep | None = KEEP
    ended_at: int | Keep | None = KEEP
    notes: dict[str, Any] | Keep | None = KEEP
    notes_status: NotesStatus | Keep | None = KEEP
    summary: dict[str, Any] | Keep | None = KEEP
    cursor: int | Keep = KEEP
    next_turn_seq: int | Keep = KEEP
    recall_bot_id: str | Keep | None = KEEP
    bot_snapshot: dict[str, Any] | Keep | None = KEEP
    platform: str | Keep | None = KEEP
    last_polled_at: int | Keep | None = KEEP
    updated_at: int | Keep = KEEP

    def columns(self) -> dict[str, Any]:
        """The changed columns and their values (enums as their stored text)."""
        changed = {f.name: getattr(self, f.name) for f in fields(self)}
        return {
            name: value.value if isinstance(value, StrEnum) else value
            for name, value in changed.items()
            if value is not KEEP
        }


_URL_TOKEN = re.compile(r"([?&]token=)[^&#\s\"]*")
REDACTED = "redacted"


def without_url_tokens(value: Any) -> Any:
    """``value`` (a Recall bot object) with every ``token=`` query value replaced: Recall
    echoes our realtime endpoint's URL, whose token authenticates deliveries, and we keep
    only its digest. Used on every snapshot before it is stored or returned."""
    if isinstance(value, str):
        return _URL_TOKEN.sub(rf"\g<1>{REDACTED}", value) if "token=" in value else value
    if isinstance(value, dict):
        return {key: without_url_tokens(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [without_url_tokens(inner) for inner in value]
    return value
