"""Meeting events as the pipeline understands them, whatever Recall's wire shape was."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Speaker:
    id: int
    name: str
    is_host: bool = False
    email: str | None = None
    named: bool = True
    """False when Recall sent no name yet and ``name`` is a placeholder (Zoom names late)."""


def placeholder_name(participant_id: int) -> str:
    """What a participant is called until Recall sends a name."""
    return f"Participant {participant_id}"


@dataclass(frozen=True)
class TranscriptFinal:
    speaker: Speaker
    text: str
    start_s: float | None
    """None when Recall sent no time: the fragment is placed where it arrived."""
    end_s: float | None


@dataclass(frozen=True)
class TranscriptPartial:
    speaker: Speaker
    text: str


@dataclass(frozen=True)
class ParticipantJoined:
    speaker: Speaker


@dataclass(frozen=True)
class ParticipantLeft:
    speaker: Speaker


@dataclass(frozen=True)
class ParticipantUpdated:
    """A late name or email (``participant_events.update``)."""

    speaker: Speaker


@dataclass(frozen=True)
class SpeechStarted:
    """Someone (possibly the bot itself) started speaking."""

    speaker: Speaker


@dataclass(frozen=True)
class SpeechStopped:
    speaker: Speaker


@dataclass(frozen=True)
class ChatReceived:
    speaker: Speaker
    text: str
    to_bot: bool
    at_s: float


@dataclass(frozen=True)
class StatusChanged:
    code: str
    sub_code: str | None = None
    verified: bool = True
    """False for an unsigned status webhook: confirm with Recall before acting on it."""
    at_ms: int | None = None
    """Recall's time of the change (``updated_at``); webhooks do not arrive in order."""


@dataclass(frozen=True)
class Ignored:
    event: str


MeetingEvent = (
    TranscriptFinal
    | TranscriptPartial
    | ParticipantJoined
    | ParticipantLeft
    | ParticipantUpdated
    | ChatReceived
    | SpeechStarted
    | SpeechStopped
    | StatusChanged
    | Ignored
)


class SessionStatus(StrEnum):
    """Our session status, derived from Recall's bot status codes."""

    CREATED = "created"
    SCHEDULED = "scheduled"
    JOINING = "joining"
    WAITING_ROOM = "waiting_room"
    IN_CALL = "in_call"
    RECORDING = "recording"
    ENDED = "ended"
    FAILED = "failed"

    @property
    def active(self) -> bool:
        return self not in (SessionStatus.ENDED, SessionStatus.FAILED)


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

# Sub-codes of call_ended that mean the bot never got into the meeting.
_NEVER_ADMITTED = {
    "bot_kicked_from_waiting_room",
    "timeout_exceeded_waiting_room",
    "call_ended_by_platform_waiting_room_timeout",
    "timeout_exceeded_noone_joined",
    "meeting_not_started",
}


def is_final_code(code: str) -> bool:
    """A Recall code that ends the session (``call_ended``, ``done``, ``fatal``, ...)."""
    new = _FROM_RECALL.get(code)
    return new is not None and not new.active


def next_status(
    current: SessionStatus, code: str, sub_code: str | None, ever_in_call: bool
) -> SessionStatus:
    """Apply a Recall status code. Terminal states stay terminal; unknown codes change nothing
    (Recall warns that new codes appear without notice)."""
    if not current.active:
        return current
    new = _FROM_RECALL.get(code)
    if new is None:
        return current
    if new is SessionStatus.ENDED and not ever_in_call and sub_code in _NEVER_ADMITTED:
        return SessionStatus.FAILED
    return new
