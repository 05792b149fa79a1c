"""What a drain knows about a session between batches, kept in memory per process.

Only processing writes a session's participants, turns, running summary, cursor and next turn
number, so a drain's state stays right for as long as the stored cursor and turn number are the
ones it last committed. Any other process that drained the session moves the cursor, and the
state is then read again from the database.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace

from delegate.domain.meeting import Participant, Turn
from delegate.domain.summary import RunningSummary


@dataclass
class SessionState:
    cursor: int
    next_seq: int
    summary: RunningSummary
    participants: dict[int, Participant]
    last_turn: Turn | None
    previous_turn: Turn | None

    def rename(self, speaker_id: int, name: str) -> None:
        """A participant's real name arrived: the turns held here show it too."""
        if self.last_turn is not None and self.last_turn.speaker_id == speaker_id:
            self.last_turn = replace(self.last_turn, speaker=name)
        if self.previous_turn is not None and self.previous_turn.speaker_id == speaker_id:
            self.previous_turn = replace(self.previous_turn, speaker=name)


class SessionStateCache:
    """At most ``capacity`` sessions, least recently drained dropped first. A drain takes its
    session's entry out and puts it back only after its transaction committed, so a failed
    batch never leaves half-applied state behind."""

    def __init__(self, capacity: int = 2000) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, SessionState] = OrderedDict()

    def take(self, session_id: str, cursor: int, next_seq: int) -> SessionState | None:
        state = self._entries.pop(session_id, None)
        if state is None or state.cursor != cursor or state.next_seq != next_seq:
            return None
        return state

    def put(self, session_id: str, state: SessionState) -> None:
        self._entries[session_id] = state
        self._entries.move_to_end(session_id)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def drop(self, session_id: str) -> None:
        self._entries.pop(session_id, None)
