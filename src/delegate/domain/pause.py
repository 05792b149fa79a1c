"""Timed pauses of the recording: how long one lasts, and the spans that went unrecorded.

While Recall's recording is paused nothing is captured, chat included, so nobody in the
meeting can say "resume": every pause ends by itself (``resume_at``) unless the owner resumes
it first. Durations are read from the request ("pause for ten minutes", "half an hour").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MAX_PAUSE_MIN = 120
"""The longest pause anyone can ask for (two hours)."""

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_NUMBER = (
    r"\d{1,3}|a|an|a couple of|a few|"
    r"(?:twenty|thirty|forty|fifty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|"
    r"sixty|" + "|".join(sorted(_UNITS, key=len, reverse=True))
)
_DURATION = re.compile(
    rf"\b(?:(?P<half>half an? hour)|(?P<n>{_NUMBER})\s*(?P<unit>minutes?|mins?|hours?|hrs?)\b)",
    re.IGNORECASE,
)


def _number(word: str) -> int:
    word = word.lower().replace("-", " ")
    if word.isdigit():
        return int(word)
    if word in ("a", "an"):
        return 1
    if word == "a couple of":
        return 2
    if word == "a few":
        return 3
    tens, _, unit = word.partition(" ")
    if tens in _TENS:
        return _TENS[tens] + (_UNITS[unit] if unit else 0)
    return _UNITS[word]


def pause_minutes(text: str) -> int | None:
    """The pause asked for in ``text``, in minutes (capped at ``MAX_PAUSE_MIN``), or None when
    it names no duration."""
    found = _DURATION.search(text)
    if found is None:
        return None
    if found["half"]:
        minutes = 30
    else:
        n = _number(found["n"])
        minutes = n * 60 if found["unit"].lower().startswith("h") else n
    return max(1, min(minutes, MAX_PAUSE_MIN))


def pause_length(asked: int | None, default_min: int) -> int | None:
    """How many minutes a pause lasts: as asked, else the default (0: until resumed)."""
    if asked is not None:
        return max(1, min(asked, MAX_PAUSE_MIN))
    return min(default_min, MAX_PAUSE_MIN) if default_min > 0 else None


def clock_time(ms: int) -> str:
    """``14:35 UTC``: the time of day of an epoch-ms instant."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%H:%M UTC")


def paused_message(now_ms: int, minutes: int | None) -> str:
    """What the meeting is told once the recording is paused."""
    owner = "The owner can resume earlier from the dashboard or the API."
    if minutes is None:
        return "Recording paused; only the owner can resume it, from the dashboard or the API."
    unit = "minute" if minutes == 1 else "minutes"
    until = clock_time(now_ms + minutes * 60_000)
    return f"Recording paused until {until} ({minutes} {unit}); I'll resume then. {owner}"


RESUMED_MESSAGE = "Recording resumed."


@dataclass(frozen=True)
class UnrecordedSpan:
    """A stretch of the meeting the recording was paused (``to``: None while it lasts)."""

    from_ms: int
    to_ms: int | None = None
    by: str | None = None
    """Who asked for the pause, when someone in the meeting did."""

    def to_payload(self) -> dict[str, Any]:
        return {"from": self.from_ms, "to": self.to_ms, "by": self.by}

    @staticmethod
    def from_payload(payload: dict[str, Any]) -> UnrecordedSpan:
        to = payload.get("to")
        by = payload.get("by")
        return UnrecordedSpan(
            int(payload["from"]), None if to is None else int(to), None if by is None else str(by)
        )


def spans_of(stored: list[dict[str, Any]] | None) -> list[UnrecordedSpan]:
    return [UnrecordedSpan.from_payload(s) for s in stored or []]


def open_since(stored: list[dict[str, Any]] | None) -> int | None:
    """When the span still open began (None: the recording is not paused)."""
    spans = spans_of(stored)
    return spans[-1].from_ms if spans and spans[-1].to_ms is None else None


def opened(stored: list[dict[str, Any]] | None, at_ms: int, by: str | None) -> list[dict[str, Any]]:
    """The spans with a new one starting at ``at_ms`` (none when one is already open)."""
    spans = spans_of(stored)
    if spans and spans[-1].to_ms is None:
        return [s.to_payload() for s in spans]
    return [*(s.to_payload() for s in spans), UnrecordedSpan(at_ms, None, by).to_payload()]


def closed(stored: list[dict[str, Any]] | None, at_ms: int) -> list[dict[str, Any]]:
    """The spans with the open one (if any) ending at ``at_ms``."""
    spans = spans_of(stored)
    if spans and spans[-1].to_ms is None:
        last = spans[-1]
        spans[-1] = UnrecordedSpan(last.from_ms, max(at_ms, last.from_ms), last.by)
    return [s.to_payload() for s in spans]


def spans_until(stored: list[dict[str, Any]] | None, ended_ms: int | None) -> list[UnrecordedSpan]:
    """The spans, one still open ending with the meeting (when it has ended)."""
    return [
        s if s.to_ms is not None or ended_ms is None else UnrecordedSpan(s.from_ms, ended_ms, s.by)
        for s in spans_of(stored)
    ]


def unrecorded_sentence(spans: list[UnrecordedSpan], ended_ms: int | None = None) -> str:
    """The notes' sentence about what was not recorded ("" when everything was); a span that
    lasted until the meeting ended (``ended_ms``) says so."""
    parts = []
    for span in spans:
        to_the_end = span.to_ms is None or (ended_ms is not None and span.to_ms >= ended_ms)
        end = "the end of the meeting" if to_the_end else clock_time(span.to_ms or 0)
        part = f"from {clock_time(span.from_ms)} to {end}"
        parts.append(f"{part} at {span.by}'s request" if span.by else part)
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"The recording was paused {listed}; nothing said then is in these notes."
