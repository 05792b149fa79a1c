"""What each simulated bot did and received, as typed entries tests and the demo can query.

``Simulator.log(bot_id)`` returns these entries in the order they happened. They hold ids,
names, texts and status codes, never request headers or signing secrets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from delegate.sim.clock import utcnow


@dataclass(frozen=True, kw_only=True)
class Entry:
    at: datetime = field(default_factory=utcnow)
    """Wall-clock time (UTC) the entry was written."""


@dataclass(frozen=True, kw_only=True)
class StatusChanged(Entry):
    code: str
    sub_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class ChatSent(Entry):
    """The bot sent a chat message into the meeting (``send_chat_message``)."""

    text: str
    to: str = "everyone"
    pin: bool = False


@dataclass(frozen=True, kw_only=True)
class MeetingEvent(Entry):
    """Something happened in the meeting (scripted, or the bot's own chat echoed back).

    ``kind`` is ``join``, ``leave``, ``say``, ``chat`` or ``end``; ``delivered`` tells whether
    the bot was recording at that moment, i.e. whether realtime events were produced for it.
    """

    kind: str
    participant: str | None = None
    text: str | None = None
    to: str | None = None
    sim_time: float = 0.0
    delivered: bool = False


@dataclass(frozen=True, kw_only=True)
class DeliveryAttempt(Entry):
    """One HTTP POST to a realtime endpoint or the status webhook URL.

    ``target`` is ``realtime`` or ``status``; ``status_code`` is None on a network error.
    """

    target: str
    url: str
    """Where it went, without the query string (realtime URLs carry tokens there)."""
    event: str
    message_id: str
    attempt: int
    status_code: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, kw_only=True)
class DeliveryAbandoned(Entry):
    """Retries ran out: a realtime endpoint is marked failed, or a status webhook is dropped."""

    target: str
    event: str
    message_id: str
    attempts: int


@dataclass(frozen=True, kw_only=True)
class RecordingCommand(Entry):
    """``start``, ``stop``, ``pause`` or ``resume`` received through the API."""

    command: str


@dataclass(frozen=True, kw_only=True)
class LeaveRequested(Entry):
    pass


@dataclass(frozen=True, kw_only=True)
class OutputMedia(Entry):
    """Output media started (``url`` set) or stopped for ``kind`` camera or screenshare."""

    kind: str
    action: str
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class OutputAudio(Entry):
    """An MP3 the bot played (``output_audio``): its length, and what it said (the text the
    simulator "transcribes", from the clip's ID3 title)."""

    kind: str
    size_bytes: int
    duration_s: float = 0.0
    text: str | None = None
    mp3: bytes = field(default=b"", repr=False)
    sim_time: float = 0.0
    """Meeting time (simulated seconds) the clip started."""


@dataclass(frozen=True, kw_only=True)
class OutputAudioStopped(Entry):
    """``DELETE output_audio``: the clip playing was cut off (``cut`` False when none was)."""

    sim_time: float = 0.0
    cut: bool = False
