"""What a meeting looks like to the brain: participants, turns, actions, notes.

These types are shared by the event pipeline (which builds them from Recall events),
the brains (which read them and answer with actions) and the notes writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

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
    pass


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


class TranscriptSearch(Protocol):
    async def search(self, speaker: str | None, terms: list[str], limit: int) -> list[Turn]:
        """Earlier turns by ``speaker`` (any speaker when None) mentioning any of ``terms``."""
        ...


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
    search: TranscriptSearch | None = None
    reason: str = ""
    """Why the rules took the trigger as meant for the bot (``addressing.Reason``)."""
    knowledge: Knowledge | None = None
    """Passages of the bot's dataset for the trigger (None: the bot has no dataset)."""


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


class Brain(Protocol):
    """Decides what the delegate does. Called only after the cheap addressee rules said yes."""

    async def respond(self, ctx: BrainContext) -> list[Action]:
        """Actions to take in answer to ``ctx.trigger`` (may be empty)."""
        ...

    async def write_notes(self, ctx: NotesContext) -> MeetingNotes:
        """Notes for the whole meeting, written once when it ends."""
        ...
