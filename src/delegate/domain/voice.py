"""Speaking replies: reply modes, which platforms can hear the delegate, and how an answer is
cut into pieces short enough that the first one plays while the rest is still synthesised."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from delegate.domain.errors import InvalidInput


class ReplyMode(StrEnum):
    CHAT = "chat"
    VOICE = "voice"
    BOTH = "both"

    @property
    def speaks(self) -> bool:
        return self is not ReplyMode.CHAT

    @property
    def writes(self) -> bool:
        return self is not ReplyMode.VOICE


REPLY_MODES = tuple(m.value for m in ReplyMode)
NO_OUTPUT_AUDIO_PLATFORMS = frozenset({"webex"})
"""Recall has no output audio on these platforms (``automatic_audio_output`` is refused)."""
RECALL_BOT_SPEAKER_ID = 2147483647
"""Recall labels the bot's own speech with this participant id."""

MAX_PIECE_CHARS = 220
"""A spoken piece longer than this is cut at a comma or a space: about 15 s of speech."""
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")
_SOFT_BREAK = re.compile(r"(?<=[,;:])\s+")


def parse_reply_mode(value: str | None, field: str = "replyMode") -> ReplyMode | None:
    """``None`` stays None (not given); anything but chat/voice/both is a 400 naming it."""
    if value is None:
        return None
    try:
        return ReplyMode(value)
    except ValueError:
        raise InvalidInput(
            f'"{field}" must be one of {", ".join(REPLY_MODES)} (got {value!r})'
        ) from None


@dataclass(frozen=True)
class SpokenMode:
    """How a session replies, once the platform has been taken into account."""

    mode: ReplyMode
    notice: str | None = None
    """Why the session replies differently from what was asked (None when it does not)."""


def effective_reply_mode(asked: ReplyMode, platform: str | None) -> SpokenMode:
    """Webex cannot play the delegate's audio through Recall: its answers go to the chat."""
    if asked.speaks and platform in NO_OUTPUT_AUDIO_PLATFORMS:
        return SpokenMode(
            ReplyMode.CHAT,
            f'Recall has no output audio on {platform}: replyMode "{asked.value}" '
            "falls back to chat in this meeting.",
        )
    return SpokenMode(asked)


def _cut_long(piece: str, limit: int) -> list[str]:
    if len(piece) <= limit:
        return [piece]
    out: list[str] = []
    current = ""
    for part in _SOFT_BREAK.split(piece):
        for word in part.split(" ") if len(part) > limit else [part]:
            candidate = f"{current} {word}".strip()
            if current and len(candidate) > limit:
                out.append(current)
                current = word
            else:
                current = candidate
    if current:
        out.append(current)
    return out


FIRST_PIECE_CHARS = 40
"""The first piece is cut shorter, at a comma, colon or semicolon, when it can be: the first
words are what a participant waits for, and synthesis time grows with length."""
FIRST_PIECE_MIN_WORDS = 4


def _quick_start(piece: str) -> list[str]:
    """``piece`` cut after its first soft break that leaves a few words on each side and a
    first part short enough to synthesise quickly; unchanged when there is none."""
    if len(piece) <= FIRST_PIECE_CHARS:
        return [piece]
    for match in _SOFT_BREAK.finditer(piece):
        head, tail = piece[: match.start()], piece[match.end() :]
        if len(head) > FIRST_PIECE_CHARS:
            break
        if len(head.split()) >= FIRST_PIECE_MIN_WORDS and len(tail.split()) >= 2:
            return [head, tail]
    return [piece]


def speech_pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[str]:
    """``text`` as sentences, each sentence longer than ``limit`` cut at commas or spaces,
    and the first one cut early when a natural pause allows."""
    flat = " ".join(text.split())
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(flat):
        if sentence.strip():
            pieces += _cut_long(sentence.strip(), limit)
    return [*_quick_start(pieces[0]), *pieces[1:]] if pieces else pieces


def is_own_speech(speaker_id: int, speaker_name: str, bot_name: str) -> bool:
    """Recall transcribes the bot too: by its reserved id, or under the bot's own name."""
    if speaker_id == RECALL_BOT_SPEAKER_ID:
        return True
    return speaker_name.strip().lower() == bot_name.strip().lower()


@dataclass(frozen=True)
class Speech:
    """One synthesised piece, ready for Recall's ``output_audio``."""

    text: str
    mp3: bytes
    duration_s: float


VOICE_PATTERN = re.compile(r"^([A-Za-z0-9_-]+(:[A-Za-z0-9_.+-]+)?)?$")
"""``engine`` or ``engine:name``; the empty string, like null, is the server's default."""


@dataclass(frozen=True)
class VoiceRef:
    """A ``voice`` setting: ``engine`` or ``engine:name`` (``piper``, ``espeak-ng:en-us``,
    ``openai:alloy``)."""

    engine: str
    name: str | None = None

    @classmethod
    def parse(cls, value: str) -> VoiceRef:
        """Raises InvalidInput when ``value`` is not ``engine`` or ``engine:name``."""
        if not value or not VOICE_PATTERN.fullmatch(value):
            raise InvalidInput(
                f'"voice" must be an engine or engine:name, such as piper or espeak-ng:en-us '
                f"(got {value!r})"
            )
        engine, _, name = value.partition(":")
        return cls(engine.lower(), name or None)

    def __str__(self) -> str:
        return f"{self.engine}:{self.name}" if self.name else self.engine
