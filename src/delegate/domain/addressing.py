"""Is the delegate being addressed? Cheap rules, decided before any model is called.

Yes for a chat sent only to the bot, for chat or speech that names the bot, and for a direct
question right after the bot spoke. Never for the bot's own turns. Everything else is
ordinary conversation between people and stays quiet: a delegate that answers every question
in the room is worse than one that needs to be named.

Names are matched on word tokens, not substrings, so "Ada" is not found in "Canada" or
"Adam". Speech recognition lowercases and splits names ("note taker" for "NoteTaker"), so a
run of adjacent tokens that spells the name also counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import StrEnum

from delegate.domain.meeting import Participant, Turn

FOLLOW_UP_WINDOW_S = 30.0
"""How long after the bot spoke a bare question is still taken as meant for it."""


class Reason(StrEnum):
    DIRECT_CHAT = "direct_chat"
    """A chat message sent only to the bot."""
    NAMED = "named"
    """The bot's name appears in the chat message or speech."""
    FOLLOW_UP = "follow_up"
    """A direct question right after the bot spoke."""


_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")

# Words too common to stand for the bot on their own ("Meeting Bot" must not answer to
# every "meeting"); the full name still matches.
_GENERIC_TEXT = (
    "the a an my our your ai bot meeting notes note assistant agent helper team "
    "recorder recording mr ms mrs dr sir"
)
_GENERIC = frozenset(_GENERIC_TEXT.split())

_FILLER_TEXT = (
    "ok okay so and but um uh hmm well right great cool thanks thank hey hi also then yeah "
    "yes alright"
)
_FILLERS = frozenset(_FILLER_TEXT.split())
_QUESTION_TEXT = (
    "what who whom whose where when why how which please tell give show share summarize "
    "summarise recap list explain remind repeat"
)
_QUESTION_WORDS = frozenset(_QUESTION_TEXT.split())
_QUESTION_PAIRS = frozenset(
    {
        ("can", "you"),
        ("could", "you"),
        ("would", "you"),
        ("will", "you"),
        ("do", "you"),
        ("did", "you"),
        ("are", "you"),
        ("have", "you"),
        ("is", "there"),
        ("are", "there"),
    }
)

_QUESTION_OPENERS = frozenset(first for first, _ in _QUESTION_PAIRS)

_SENTENCES = re.compile(r"(?<=[.!?])\s+")

_MAX_PIECES = 3
"""A name split by speech recognition into at most this many extra pieces still matches."""


def tokens(text: str) -> list[str]:
    """Lowercased word tokens; possessives ("Ada's") and inner apostrophes dropped."""
    out: list[str] = []
    for raw in _TOKEN.findall(text.lower()):
        word = raw.replace("\u2019", "'")
        if word.endswith("'s"):
            word = word[:-2]
        word = word.replace("'", "")
        if word:
            out.append(word)
    return out


def name_variants(bot_name: str, participants: Iterable[Participant] = ()) -> set[str]:
    """The spellings (tokens joined without spaces) that count as naming the bot.

    The full name always counts; the first distinctive word of a multi-word name ("Ada" for
    "Ada Notes") counts unless a human in the meeting shares it.
    """
    words = tokens(bot_name)
    if not words:
        return set()
    variants = {"".join(words)}
    if len(words) > 1:
        human_words = {w for p in participants if not p.is_bot for w in tokens(p.name)}
        for word in words:
            if word in _GENERIC or len(word) < 3:
                continue
            if word not in human_words:
                variants.add(word)
            break
    return variants


def mentions(text: str, variants: set[str]) -> bool:
    """Whether a run of adjacent tokens in ``text`` spells one of ``variants``."""
    if not variants:
        return False
    words = tokens(text)
    if not variants.isdisjoint(words):
        return True
    squashed = "".join(words)
    if not any(v in squashed for v in variants):
        return False  # the common case, decided at C speed
    longest = max(len(v) for v in variants)
    for i, first in enumerate(words):
        # Single letters glued together ("a da") are noise, not a split name.
        if len(first) < 2 or not any(v.startswith(first) for v in variants):
            continue
        joined = first
        for piece in words[i + 1 : i + 1 + _MAX_PIECES]:
            if len(piece) < 2:
                break
            joined += piece
            if len(joined) > longest:
                break
            if joined in variants:
                return True
    return False


def is_question(text: str) -> bool:
    """A direct question or request: ends with "?" or opens with a question or request word."""
    stripped = text.strip()
    if stripped.endswith("?"):
        return True
    words = tokens(stripped)
    while words and words[0] in _FILLERS:
        words = words[1:]
    if not words:
        return False
    if words[0] in _QUESTION_WORDS:
        return True
    return len(words) > 1 and (words[0], words[1]) in _QUESTION_PAIRS


def _vocative(sentence: str, name: str) -> bool:
    """Whether ``name`` is set off as the person spoken to: "Priya, ...", "..., Priya, ..."
    or "..., Priya?". A name inside the sentence ("ask Priya about it") is not."""
    pattern = r"(?:^|[,;:]|\b(?:hey|hi|so|okay|ok)\b)\s*" + re.escape(name) + r"\s*(?:[,;:?!.]|$)"
    return re.search(pattern, sentence, re.IGNORECASE) is not None


def _speaks_to_someone_else(turn: Turn, participants: Sequence[Participant]) -> bool:
    """The question is put to another person by name ("Priya, can you ...?", "Before we go,
    Priya, can you ...?", "... right, Sam?")."""
    words = tokens(turn.text)
    if not words:
        return False
    ends = {words[-1]}
    # "Will you ...?" and "Mark the date" open with words that are also first names.
    if words[0] not in _QUESTION_WORDS and words[0] not in _QUESTION_OPENERS:
        ends.add(words[0])
    questions = [s for s in _SENTENCES.split(turn.text.strip()) if is_question(s)]
    for person in participants:
        if person.is_bot or not person.present or person.id == turn.speaker_id:
            continue
        first = tokens(person.name)[:1]
        if not first or len(first[0]) < 2:
            continue
        if first[0] in ends:
            return True
        spoken = (person.name.split()[0], person.name)
        if any(_vocative(q, name) for q in questions for name in spoken):
            return True
    return False


def is_addressed(
    turn: Turn,
    bot_name: str,
    previous: Turn | None,
    now_s: float | None = None,
    *,
    participants: Sequence[Participant] = (),
    follow_up_window_s: float = FOLLOW_UP_WINDOW_S,
) -> Reason | None:
    """Why ``turn`` is meant for the delegate, or None when it is not.

    ``previous`` is the turn just before ``turn``; ``now_s`` (seconds since the recording
    started) is when the follow-up window is measured, by default the turn's start.
    ``participants`` sharpen the rules: a human who shares the bot's first name disables the
    short name, and a question put to someone else by name is not a follow-up.
    """
    if turn.by_bot:
        return None
    if turn.to_bot:
        return Reason.DIRECT_CHAT
    if mentions(turn.text, name_variants(bot_name, participants)):
        return Reason.NAMED
    if previous is None or not previous.by_bot:
        return None
    at = turn.start_s if now_s is None else now_s
    # No lower bound: ``previous`` precedes ``turn`` by definition, and a chat timestamp may
    # fall inside the bot's last speech turn.
    if at - previous.end_s > follow_up_window_s:
        return None
    if is_question(turn.text) and not _speaks_to_someone_else(turn, participants):
        return Reason.FOLLOW_UP
    return None
