"""What a meeting looks like to the brain: participants, turns, actions, notes.

These types are shared by the event pipeline (which builds them from Recall events),
the brains (which read them and answer with actions) and the notes writer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from delegate.domain.knowledge import Knowledge


class TurnSource(StrEnum):
    SPEECH = "speech"
    CHAT = "chat"


@dataclass(frozen=True)
class Participant:
    id: int
    name: str
    is_host: bool = False
    is_bot: bool = False
    present: bool = True
    email: str | None = None
    """When the meeting platform knows it (Recall passes it on)."""


@dataclass(frozen=True)
class Turn:
    """One contribution: a run of speech by one speaker, or one chat message."""

    seq: int
    """Position in the meeting (1, 2, ...); stable once assigned."""
    speaker_id: int | None
    speaker: str
    text: str
    source: TurnSource
    start_s: float
    """Seconds since the recording started."""
    end_s: float
    to_bot: bool = False
    """A chat message sent only to the bot."""
    by_bot: bool = False
    """Said or sent by our own delegate."""


@dataclass(frozen=True)
class SendChat:
    text: str
    to: str = "everyone"
    records: tuple[tuple[str, str], ...] = ()
    """``(record id, source)`` of the knowledge base passages the reply cites."""


@dataclass(frozen=True)
class LeaveMeeting:
    pass


@dataclass(frozen=True)
class PauseRecording:
    minutes: int | None = None
    """How long the pause was asked to last (None: the configured default limit)."""


@dataclass(frozen=True)
class ResumeRecording:
    pass


@dataclass(frozen=True)
class StartScreenshare:
    url: str


@dataclass(frozen=True)
class StopScreenshare:
    pass


Action = (
    SendChat | LeaveMeeting | PauseRecording | ResumeRecording | StartScreenshare | StopScreenshare
)


class ActionKind(StrEnum):
    """How an action is stored in the outbox (``replies.kind``) and shown to users."""

    CHAT = "chat"
    LEAVE = "leave"
    PAUSE_RECORDING = "pause_recording"
    RESUME_RECORDING = "resume_recording"
    START_SCREENSHARE = "start_screenshare"
    STOP_SCREENSHARE = "stop_screenshare"


def action_record(action: Action) -> tuple[ActionKind, dict[str, Any]]:
    """The one record form of an action: its kind and its arguments."""
    match action:
        case SendChat(text=text, to=to, records=records):
            chat: dict[str, Any] = {"text": text, "to": to}
            if records:
                chat["records"] = [{"id": rid, "source": src} for rid, src in records]
            return ActionKind.CHAT, chat
        case StartScreenshare(url=url):
            return ActionKind.START_SCREENSHARE, {"url": url}
        case LeaveMeeting():
            return ActionKind.LEAVE, {}
        case PauseRecording(minutes=minutes):
            return ActionKind.PAUSE_RECORDING, {} if minutes is None else {"minutes": minutes}
        case ResumeRecording():
            return ActionKind.RESUME_RECORDING, {}
        case StopScreenshare():
            return ActionKind.STOP_SCREENSHARE, {}


def recorded_action(kind: str, payload: Mapping[str, Any]) -> Action:
    """An action back from its record (``action_record``); raises ValueError for an unknown
    kind."""
    match ActionKind(kind):
        case ActionKind.CHAT:
            cited = payload.get("records") or []
            return SendChat(
                str(payload["text"]),
                str(payload.get("to", "everyone")),
                tuple((str(r["id"]), str(r["source"])) for r in cited),
            )
        case ActionKind.START_SCREENSHARE:
            return StartScreenshare(str(payload["url"]))
        case ActionKind.LEAVE:
            return LeaveMeeting()
        case ActionKind.PAUSE_RECORDING:
            minutes = payload.get("minutes")
            return PauseRecording(None if minutes is None else int(minutes))
        case ActionKind.RESUME_RECORDING:
            return ResumeRecording()
        case ActionKind.STOP_SCREENSHARE:
            return StopScreenshare()


SearchTurns = Callable[[str | None, list[str], int], Awaitable[list[Turn]]]
"""Earlier turns by a speaker (any speaker when None) mentioning any of the terms, at most
``limit``: lets the brain look further back than its context, one bounded query at a time."""


@dataclass(frozen=True)
class BrainContext:
    """Everything a brain may use to answer one triggering turn. Bounded in size."""

    bot_name: str
    backstory: str
    instruction: str
    participants: list[Participant]
    summary: str
    """Running summary of the meeting so far (bounded length)."""
    recent: list[Turn]
    """The most recent turns before the trigger, oldest first, within the token budget."""
    trigger: Turn
    model: str = ""
    search: SearchTurns | None = None
    reason: str = ""
    """Why the rules took the trigger as meant for the bot (``addressing.Reason``)."""
    knowledge: Knowledge | None = None
    """Passages of the bot's dataset for the trigger (None: the bot has no dataset)."""
    key_points: list[Turn] = field(default_factory=list)
    """The running summary's points as turns (who said what, oldest first): ``summary`` is
    these as text, for a model; a brain that reads them needs no parsing."""


@dataclass(frozen=True)
class ActionItem:
    text: str
    owner: str | None = None
    # Derived from the text, which already says it ("... by Friday"): two items with the
    # same text and owner are the same item whether or not a due date was picked out.
    due: str | None = field(default=None, compare=False)
    """When it is due, as said ("Friday", "next week"), if said."""


@dataclass(frozen=True)
class MeetingNotes:
    summary: str
    decisions: list[str] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)


@dataclass(frozen=True)
class NotesContext:
    bot_name: str
    backstory: str
    instruction: str
    participants: list[Participant]
    turns: list[Turn]
    model: str = ""
