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
    """Recall's status code, kept as it came (shown to users as ``statusCode``)."""
    sub_code: str | None
    status: SessionStatus | None
    """What the code means for the session; None for a code that changes nothing."""
    never_admitted: bool = False
    """The bot never got into the meeting (an end is then a failure)."""
    recording: bool = False
    """The bot is recording (so the recording is not paused)."""
    verified: bool = True
    """False for an unsigned status webhook: confirm with Recall before acting on it."""
    at_ms: int | None = None
    """Recall's time of the change (``updated_at``); webhooks do not arrive in order."""

    @property
    def final(self) -> bool:
        """The code ends the session (``call_ended``, ``done``, ``fatal``, ...)."""
        return self.status is not None and not self.status.active


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


def next_status(current: SessionStatus, event: StatusChanged, ever_in_call: bool) -> SessionStatus:
    """Apply a status change. Terminal states stay terminal; a code that means nothing to us
    changes nothing."""
    if not current.active or event.status is None:
        return current
    if event.status is SessionStatus.ENDED and not ever_in_call and event.never_admitted:
        return SessionStatus.FAILED
    return event.status
