"""What a watcher of a meeting sees change: the live feed's events, as plain data.

The drain produces these from what it already applies (turns, participants, status, replies,
notes); the receiver adds the partial line of whoever is speaking. They are not stored: the
events table stays the truth, and a page that loads reads the stored state first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from delegate.domain.meeting import Participant, Turn
from delegate.domain.sessions import Reply


class LiveKind(StrEnum):
    TURN = "turn"
    PARTIAL = "partial"
    PARTICIPANT = "participant"
    STATUS = "status"
    REPLY = "reply"
    NOTES = "notes"
    RESET = "reset"
    """The watcher missed events it cannot be given again: it reloads the page."""


@dataclass(frozen=True)
class LiveEvent:
    kind: LiveKind
    data: dict[str, Any]
    """JSON-ready (it may cross processes as a PostgreSQL notification)."""


def turn_event(turn: Turn) -> LiveEvent:
    return LiveEvent(
        LiveKind.TURN,
        {
            "seq": turn.seq,
            "speakerId": turn.speaker_id,
            "speaker": turn.speaker,
            "text": turn.text,
            "source": turn.source.value,
            "startS": turn.start_s,
            "toBot": turn.to_bot,
            "byBot": turn.by_bot,
        },
    )


def partial_event(speaker_id: int, speaker: str, text: str) -> LiveEvent:
    return LiveEvent(LiveKind.PARTIAL, {"speakerId": speaker_id, "speaker": speaker, "text": text})


def participant_event(p: Participant) -> LiveEvent:
    return LiveEvent(
        LiveKind.PARTICIPANT,
        {
            "id": p.id,
            "name": p.name,
            "isHost": p.is_host,
            "isBot": p.is_bot,
            "present": p.present,
        },
    )


def status_changed_event(
    status: str, code: str, reason: str | None, at_ms: int, event_id: int
) -> LiveEvent:
    """``event_id`` is the stored status event's: a page that read it as a step of its history
    before the drain applied it has the step already, under the same id."""
    return LiveEvent(
        LiveKind.STATUS,
        {"status": status, "code": code, "reason": reason, "at": at_ms, "eventId": event_id},
    )


def reply_event(reply: Reply, status: str, at_ms: int) -> LiveEvent:
    return LiveEvent(
        LiveKind.REPLY,
        {
            "id": reply.id,
            "kind": reply.kind,
            "payload": reply.payload,
            "status": str(status),
            "turnSeq": reply.turn_seq,
            "at": at_ms,
        },
    )


def notes_event() -> LiveEvent:
    return LiveEvent(LiveKind.NOTES, {})
