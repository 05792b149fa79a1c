"""Typed models of Recall.ai realtime messages (``recording_config.realtime_endpoints``).

Every message is ``{"event", "data": {"data": <event body>, "bot": {...}, "recording": {...},
...}}``. ``parse_realtime_event`` picks the model from the event name; names we do not
interpret (media buffers, events Recall adds later) become ``OtherRealtimeEvent`` rather than
an error.

    transcript.data / .partial_data       -> TranscriptEvent
    participant_events.chat_message       -> ChatMessageEvent
    participant_events.<join, leave, ...> -> ParticipantEvent
    anything else                          -> OtherRealtimeEvent
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
)

from delegate.adapters.recall.payload import (
    PayloadError,
    RecallModel,
    Ref,
    invalid_payload,
    lenient,
    load_payload,
)

T = TypeVar("T")


class Timestamp(RecallModel):
    relative: Annotated[float | None, lenient()] = None
    """Seconds since the recording started; None when Recall sent none (or nonsense)."""
    absolute: Annotated[datetime | None, lenient()] = None


_NO_TIME = lenient(factory=Timestamp)


class Participant(RecallModel):
    id: Annotated[int | None, lenient()] = None
    """Per meeting, not unique across meetings; None when Recall sent none (see ``key``)."""
    name: Annotated[str | None, lenient()] = None
    is_host: Annotated[bool, lenient(False)] = False
    platform: Annotated[str | None, lenient()] = None
    extra_data: Annotated[dict[str, Any], lenient(factory=dict)] = Field(default_factory=dict)
    email: Annotated[str | None, lenient()] = None

    @property
    def key(self) -> int:
        """``id``, or a stable stand-in derived from the name when Recall sent no id, so the
        person's lines still group together (negative: never one of Recall's ids)."""
        if self.id is not None:
            return self.id
        return -1 - zlib.crc32((self.name or "").strip().encode()) % NO_ID_RANGE


NO_ID_RANGE = 2**31 - 1


class Word(RecallModel):
    text: Annotated[str, lenient("")] = ""
    start_timestamp: Annotated[Timestamp, _NO_TIME] = Field(default_factory=Timestamp)
    end_timestamp: Annotated[Timestamp | None, lenient()] = None


class Envelope(RecallModel, Generic[T]):
    """``data`` of every realtime message: the event body plus references to its context."""

    data: T
    bot: Annotated[Ref | None, lenient()] = None
    recording: Annotated[Ref | None, lenient()] = None
    realtime_endpoint: Annotated[Ref | None, lenient()] = None
    transcript: Annotated[Ref | None, lenient()] = None
    participant_events: Annotated[Ref | None, lenient()] = None


_SOMEONE = lenient(factory=Participant)


class TranscriptData(RecallModel):
    words: Annotated[list[Word], lenient(factory=list)] = Field(default_factory=list)
    participant: Annotated[Participant, _SOMEONE] = Field(default_factory=Participant)


class ParticipantEventData(RecallModel):
    participant: Annotated[Participant, _SOMEONE] = Field(default_factory=Participant)
    timestamp: Annotated[Timestamp, _NO_TIME] = Field(default_factory=Timestamp)
    data: Annotated[dict[str, Any] | None, lenient()] = None


class ChatMessage(RecallModel):
    text: Annotated[str, lenient("")] = ""
    to: Annotated[str, lenient("everyone")] = "everyone"
    """``everyone`` or ``only_bot`` (kept a string: Recall may add recipients)."""


class ChatMessageData(RecallModel):
    participant: Annotated[Participant, _SOMEONE] = Field(default_factory=Participant)
    timestamp: Annotated[Timestamp, _NO_TIME] = Field(default_factory=Timestamp)
    data: Annotated[ChatMessage, lenient(factory=ChatMessage)] = Field(default_factory=ChatMessage)


class _RealtimeBase(RecallModel):
    @property
    def bot_id(self) -> str | None:
        envelope = getattr(self, "data", None)
        bot = getattr(envelope, "bot", None)
        return bot.id if isinstance(bot, Ref) else None


FINAL_TRANSCRIPT = "transcript.data"
PARTIAL_TRANSCRIPT = "transcript.partial_data"
TRANSCRIPT_EVENTS = frozenset({FINAL_TRANSCRIPT, PARTIAL_TRANSCRIPT})
PARTICIPANT_PREFIX = "participant_events."


def participant_event(action: str) -> str:
    """The event name of a participant action (``join`` -> ``participant_events.join``)."""
    return PARTICIPANT_PREFIX + action


PARTICIPANT_EVENTS = frozenset(
    participant_event(action)
    for action in (
        "join",
        "leave",
        "update",
        "speech_on",
        "speech_off",
        "webcam_on",
        "webcam_off",
        "screenshare_on",
        "screenshare_off",
    )
)
CHAT_EVENT = participant_event("chat_message")


class TranscriptEvent(_RealtimeBase):
    event: Literal["transcript.data", "transcript.partial_data"]
    data: Envelope[TranscriptData]

    @property
    def is_final(self) -> bool:
        """Partials are superseded by the next final fragment of the same speaker."""
        return self.event == FINAL_TRANSCRIPT

    @property
    def participant(self) -> Participant:
        return self.data.data.participant

    @property
    def words(self) -> list[Word]:
        return self.data.data.words

    @property
    def text(self) -> str:
        return " ".join(word.text.strip() for word in self.words if word.text.strip())

    @property
    def start_s(self) -> float | None:
        """When the first timed word began; None when no word carries a time."""
        times = [w.start_timestamp.relative for w in self.words]
        return next((t for t in times if t is not None), None)

    @property
    def end_s(self) -> float | None:
        ends = [
            (w.end_timestamp.relative if w.end_timestamp else None) or w.start_timestamp.relative
            for w in self.words
        ]
        return next((t for t in reversed(ends) if t is not None), None)


class ParticipantEvent(_RealtimeBase):
    """join, leave, update, speech_on/off, webcam_on/off, screenshare_on/off."""

    event: str
    data: Envelope[ParticipantEventData]

    @property
    def action(self) -> str:
        return self.event.removeprefix(PARTICIPANT_PREFIX)

    @property
    def participant(self) -> Participant:
        return self.data.data.participant

    @property
    def timestamp(self) -> Timestamp:
        return self.data.data.timestamp


class ChatMessageEvent(_RealtimeBase):
    event: Literal["participant_events.chat_message"]
    data: Envelope[ChatMessageData]

    @property
    def participant(self) -> Participant:
        return self.data.data.participant

    @property
    def timestamp(self) -> Timestamp:
        return self.data.data.timestamp

    @property
    def text(self) -> str:
        return self.data.data.data.text

    @property
    def to_bot(self) -> bool:
        """Sent privately to the bot rather than to everyone."""
        return self.data.data.data.to == "only_bot"


class OtherRealtimeEvent(_RealtimeBase):
    """An event we do not interpret (media buffers, events Recall adds later)."""

    event: str
    data: Any = None

    @property
    def bot_id(self) -> str | None:
        bot = self.data.get("bot") if isinstance(self.data, dict) else None
        bot_id = bot.get("id") if isinstance(bot, dict) else None
        return bot_id if isinstance(bot_id, str) else None


def _realtime_kind(value: Any) -> str:
    event = value.get("event") if isinstance(value, dict) else getattr(value, "event", None)
    if not isinstance(event, str):
        return "other"
    if event in TRANSCRIPT_EVENTS:
        return "transcript"
    if event == CHAT_EVENT:
        return "chat"
    if event in PARTICIPANT_EVENTS:
        return "participant"
    return "other"


RealtimeEvent = Annotated[
    Annotated[TranscriptEvent, Tag("transcript")]
    | Annotated[ChatMessageEvent, Tag("chat")]
    | Annotated[ParticipantEvent, Tag("participant")]
    | Annotated[OtherRealtimeEvent, Tag("other")],
    Discriminator(_realtime_kind),
]
_realtime_adapter: TypeAdapter[RealtimeEvent] = TypeAdapter(RealtimeEvent)


class _LineWord(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: Annotated[str, lenient("")] = ""


class _LineData(BaseModel):
    model_config = ConfigDict(extra="ignore")
    words: Annotated[list[_LineWord], lenient(factory=list)] = Field(default_factory=list)
    participant: Annotated[Participant, _SOMEONE] = Field(default_factory=Participant)


class _LineEnvelope(BaseModel):
    model_config = ConfigDict(extra="ignore")
    data: _LineData


class PartialLine(BaseModel):
    """Only what a live view shows of a ``transcript.partial_data`` delivery (the speaker and
    the words so far): read on every partial while someone watches, so timestamps and the
    envelope's references are not parsed."""

    model_config = ConfigDict(extra="ignore")
    data: _LineEnvelope

    @property
    def participant(self) -> Participant:
        return self.data.data.participant

    @property
    def text(self) -> str:
        return " ".join(w.text.strip() for w in self.data.data.words if w.text.strip())


def parse_partial_line(raw: bytes) -> PartialLine:
    try:
        return PartialLine.model_validate_json(raw)
    except ValidationError as exc:
        raise invalid_payload("transcript.partial_data payload", exc) from None


def parse_realtime_event(raw: bytes | str | Mapping[str, Any]) -> RealtimeEvent:
    """A realtime message (webhook body or websocket frame); unknown events become
    ``OtherRealtimeEvent``, known events with a broken shape raise ``PayloadError``."""
    data = load_payload(raw)
    if not isinstance(data.get("event"), str):
        raise PayloadError("realtime payload has no event name")
    try:
        return _realtime_adapter.validate_python(data)
    except ValidationError as exc:
        raise invalid_payload(f"{data['event']} payload", exc) from None
