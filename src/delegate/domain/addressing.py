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

# "Should we ...?", "Do we ...?", "Are we done?": the speaker asks the people in the room.
_ROOM_PAIR_TEXT = "should can could do did are were shall have will is was does need "
_ROOM_OPENERS = frozenset(_ROOM_PAIR_TEXT.split())
_ROOM_SUBJECT_TEXT = "we they he she it this that"
_ROOM_SUBJECTS = frozenset(_ROOM_SUBJECT_TEXT.split())
_TAG_QUESTION = re.compile(
    r"(?:,\s*|\s)(?:right|no|yes|correct|isn'?t it|aren'?t we|didn'?t we|don'?t we|wasn'?t it"
    r"|do you know|you think|ok(?:ay)?)\s*\?\s*$",
    re.IGNORECASE,
)

# Words in a participant's name that say it is a note-taking bot, not a person.
_BOT_NAME_TEXT = (
    "bot notetaker notetakers note-taker otter fireflies fathom firefly tldv recorder "
    "transcriber assistant copilot"
)
_BOT_NAME_WORDS = frozenset(_BOT_NAME_TEXT.split())

# After the bot's name, words that talk about it rather than to it ("Ada is here to take
# notes", "Ada sent the notes last time").
_ABOUT_VERB_TEXT = (
    "is was has had seems seemed told sent said and will would can could does did knows "
    "keeps took takes joined"
)
_ABOUT_VERBS = frozenset(_ABOUT_VERB_TEXT.split())
_ABOUT_PREPOSITION_TEXT = "to with about for from like than by"
_ABOUT_PREPOSITIONS = frozenset(_ABOUT_PREPOSITION_TEXT.split())
_GREETING_TEXT = "hey hi hello thanks thank ok okay gracias danke merci"
_GREETINGS = frozenset(_GREETING_TEXT.split())

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


def looks_like_bot(name: str) -> bool:
    """A participant whose name says it is another meeting bot ("Otter Notetaker")."""
    return not _BOT_NAME_WORDS.isdisjoint(tokens(name.replace("-", "")))


def spoken_about(text: str, variants: set[str]) -> bool:
    """Every mention of the bot in ``text`` talks about it in the third person ("Ada is
    from the vendor, right?", "I brought Ada along"), none speaks to it."""
    if not variants:
        return False
    about = False
    for sentence in _SENTENCES.split(text.strip()):
        if not mentions(sentence, variants):
            continue
        words = tokens(sentence)
        for i, word in enumerate(words):
            if word not in variants:
                continue
            after = words[i + 1 : i + 3]
            if _vocative(sentence, word) or (i == 0 and not after):
                return False
            if tuple(after) in _QUESTION_PAIRS or (i == 0 and after[0] not in _ABOUT_VERBS):
                return False  # "Ada can you check", "Ada what's the summary"
            if i > 0 and words[i - 1] in _GREETINGS:
                return False
            if i == len(words) - 1 and words[i - 1] not in _ABOUT_PREPOSITIONS:
                return False  # "Good work, Ada." ends on the person spoken to
            about = True
    return about


def asks_the_room(text: str) -> bool:
    """A question put to the group ("should we ...?", "are we done?", "..., right?")."""
    stripped = text.strip()
    if _TAG_QUESTION.search(stripped):
        return True
    words = tokens(stripped)
    while words and words[0] in _FILLERS:
        words = words[1:]
    return len(words) > 1 and words[0] in _ROOM_OPENERS and words[1] in _ROOM_SUBJECTS


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
    answered: Turn | None = None,
) -> Reason | None:
    """Why ``turn`` is meant for the delegate, or None when it is not.

    ``previous`` is the turn just before ``turn``; ``now_s`` (seconds since the recording
    started) is when the follow-up window is measured, by default the turn's start.
    ``participants`` sharpen the rules: a human who shares the bot's first name disables the
    short name, and a question put to someone else by name is not a follow-up.
    ``answered`` is the turn just before the bot's last one (what it answered): only its
    speaker continues the exchange without naming the bot; anyone else's bare question
    after the bot spoke is taken as meant for the room.
    """
    if turn.by_bot or looks_like_bot(turn.speaker):
        return None
    if turn.to_bot:
        return Reason.DIRECT_CHAT
    variants = name_variants(bot_name, participants)
    if mentions(turn.text, variants):
        return None if spoken_about(turn.text, variants) else Reason.NAMED
    if previous is None or not previous.by_bot:
        return None
    if answered is not None and answered.speaker_id != turn.speaker_id:
        return None
    at = turn.start_s if now_s is None else now_s
    # No lower bound: ``previous`` precedes ``turn`` by definition, and a chat timestamp may
    # fall inside the bot's last speech turn.
    if at - previous.end_s > follow_up_window_s:
        return None
    if (
        is_question(turn.text)
        and not asks_the_room(turn.text)
        and not _speaks_to_someone_else(turn, participants)
    ):
        return Reason.FOLLOW_UP
    return None
