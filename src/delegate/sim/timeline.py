"""A script expanded into the moments a bot observes, in the order they happen.

``say`` becomes ``speech_on``, growing ``transcript.partial_data`` fragments, the final
``transcript.data`` and ``speech_off``; participants present from the start ``join`` at 0.
Times are simulated seconds from the start of recording; the realtime payloads are built from
these moments in ``payloads.py``. Tests use ``expand`` to know exactly what a receiver should get.
"""

from __future__ import annotations

from dataclasses import dataclass

from delegate.sim.scripts import Script, ScriptEvent, ScriptParticipant

PARTIAL_EVERY_WORDS = 4
WORD_FILL = 0.9
"""Share of a word's slot that is sound; the rest is the gap before the next word."""


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Moment:
    """One thing the bot observes at simulated time ``at``.

    ``event`` is a realtime event name (``transcript.data``, ``participant_events.join``, ...)
    or ``meeting.end``. ``index`` is the position of the script event it comes from
    (-1 for the initial joins of participants already present).
    """

    at: float
    event: str
    participant: ScriptParticipant | None = None
    words: tuple[Word, ...] = ()
    text: str | None = None
    to: str | None = None
    sub_code: str | None = None
    index: int = -1


def fill_bot(text: str, bot_name: str) -> str:
    return text.replace("{bot}", bot_name)


def words_for(text: str, start: float, duration: float) -> tuple[Word, ...]:
    tokens = text.split()
    slot = duration / len(tokens)
    return tuple(
        Word(tok, round(start + i * slot, 3), round(start + i * slot + slot * WORD_FILL, 3))
        for i, tok in enumerate(tokens)
    )


def _speech(
    index: int, who: ScriptParticipant, text: str, at: float, duration: float
) -> list[Moment]:
    words = words_for(text, at, duration)
    moments = [Moment(at, "participant_events.speech_on", who, index=index)]
    cuts = list(range(PARTIAL_EVERY_WORDS, len(words), PARTIAL_EVERY_WORDS)) or [
        max(1, len(words) // 2)
    ]
    for cut in cuts:
        partial = words[:cut]
        moments.append(
            Moment(partial[-1].end, "transcript.partial_data", who, partial, index=index)
        )
    end = round(at + duration, 3)
    moments.append(Moment(end, "transcript.data", who, words, index=index))
    moments.append(Moment(end, "participant_events.speech_off", who, index=index))
    return moments


def speech_moments(event: ScriptEvent, at: float, bot_name: str) -> list[Moment]:
    """The moments of one ``say`` event played at ``at`` (a reaction to the bot speaking)."""
    assert event.who is not None and event.text is not None  # the parser guarantees it
    return _speech(-1, event.who, fill_bot(event.text, bot_name), at, event.duration)


def expand(script: Script, bot_name: str) -> list[Moment]:
    """Every moment of ``script`` for a bot called ``bot_name``, sorted by time (stable)."""
    moments = [Moment(0.0, "participant_events.join", p) for p in script.participants if p.present]
    for index, event in enumerate(script.events):
        if event.kind == "say" and event.who and event.text:
            text = fill_bot(event.text, bot_name)
            moments.extend(_speech(index, event.who, text, event.at, event.duration))
        elif event.kind == "chat" and event.who and event.text:
            moments.append(
                Moment(
                    event.at,
                    "participant_events.chat_message",
                    event.who,
                    text=fill_bot(event.text, bot_name),
                    to=event.to,
                    index=index,
                )
            )
        elif event.kind in ("join", "leave"):
            moments.append(
                Moment(event.at, f"participant_events.{event.kind}", event.who, index=index)
            )
        elif event.kind == "end":
            moments.append(Moment(event.at, "meeting.end", sub_code=event.sub_code, index=index))
    return sorted(moments, key=lambda m: m.at)
