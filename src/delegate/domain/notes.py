"""Meeting notes without a model: attendees, topics, salient points, decisions, action items.

Rules over sentences, tuned for how people talk in meetings: decisions are stated ("we
decided", "let's go with", "agreed: ..."), commitments name an owner ("Priya will send the
draft by Friday", "I'll update the roadmap", "Sam, can you book the room by Monday?") or are
flagged ("action item: ..."). Pronouns other than "I" are not guessed at: an item without a
clear owner keeps ``owner=None`` rather than a wrong name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from delegate.domain.meeting import ActionItem, MeetingNotes, Participant, Turn
from delegate.domain.summary import (
    DECISION_CUE,
    RunningSummary,
    clip,
    is_decision,
    split_sentences,
)

_MAX_ITEM_CHARS = 200
_MAX_DECISIONS = 50
_MAX_ACTIONS = 100
_MAX_SUMMARY_POINTS = 8

_LEADING_FILLER = re.compile(
    r"^(?:(?:ok(?:ay)?|so|and|alright|right|great|cool|yes|yeah|sure|fine|well|um|uh)[,.!]?\s+)+",
    re.IGNORECASE,
)
_EXPLICIT = re.compile(
    r"\b(?:action items?|to-?dos?|follow[- ]ups?)\b\s*(?:for\s+(?P<who>[\w'-]+)\s*)?[:\-\u2013]\s*"
    r"(?P<what>.+)",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(
    r"\b(?:i'll|i will|i'm going to|i am going to|i'm gonna|i can take|i'll take care of"
    r"|i'll handle)\s+(?P<what>.+)",
    re.IGNORECASE,
)
_WE = re.compile(r"\bwe(?:'ll| will| need to| have to| must| should)\s+(?P<what>.+)", re.IGNORECASE)
_REQUEST = re.compile(r"\b(?:can|could|would|will) you(?: please)?\s+(?P<what>.+)", re.IGNORECASE)
_NAMED_WILL = r"\b(?P<who>{name})(?:'ll|\s+will|\s+is going to|\s+is gonna|\s+to)\s+(?P<what>.+)"
_CAPITALISED_WILL = re.compile(
    r"(?:^|[\s,;])(?P<who>[A-Z][a-z'-]+)(?:'ll|\s+will|\s+is going to)\s+(?P<what>[a-z].+)"
)
_DEADLINE = re.compile(
    r"\b(?:by|before|until|due|on) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|tomorrow|tonight|eod|end of|next|the end|\d)|\b(?:tomorrow|next week|this week)\b",
    re.IGNORECASE,
)
_NOT_COMMITMENTS_WORDS = (
    "be say admit guess bet think tell ask see just try assume agree disagree leave pass "
    "repeat stop keep wait hand"
)
_NOT_COMMITMENTS = frozenset(_NOT_COMMITMENTS_WORDS.split())
_NOT_OWNERS_WORDS = (
    "i we you he she it they this that there who what which everyone someone somebody "
    "nobody anyone then so and but also maybe perhaps hopefully ok okay"
)
_NOT_OWNERS = frozenset(_NOT_OWNERS_WORDS.split())
_VAGUE_WORDS = "do it that this handle take care of so then sure right now later them"
_VAGUE = frozenset(_VAGUE_WORDS.split())


def _clean(text: str) -> str:
    text = text.strip().rstrip(".!?;, ")
    text = re.sub(r"\s*,?\s*\bplease\b\s*$", "", text, flags=re.IGNORECASE)
    return clip(text, _MAX_ITEM_CHARS)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _is_vague(what: str) -> bool:
    words = re.findall(r"[a-z']+", what.lower())
    return len(words) < 2 or all(w in _VAGUE for w in words)


class _Names:
    """Known people: first name (lowercase) → display name. The bot is never an owner."""

    def __init__(self, participants: Iterable[Participant], speakers: Iterable[str]) -> None:
        self.by_first: dict[str, str] = {}
        for name in [p.name for p in participants if not p.is_bot] + list(speakers):
            parts = name.split()
            if parts and parts[0].lower() not in _NOT_OWNERS:
                self.by_first.setdefault(parts[0].lower().strip(",.'"), name)
        alternatives = "|".join(re.escape(n) for n in sorted(self.by_first, key=len, reverse=True))
        self.will = (
            re.compile(_NAMED_WILL.format(name=alternatives), re.IGNORECASE)
            if alternatives
            else None
        )

    def display(self, word: str) -> str | None:
        return self.by_first.get(word.lower().strip(",.'"))


def decision_in(sentence: str) -> str | None:
    """The decision a sentence states, or None."""
    sentence = _LEADING_FILLER.sub("", sentence.strip())
    if sentence.endswith("?") or not is_decision(sentence):
        return None
    rest = DECISION_CUE.sub(" ", sentence)
    rest = re.sub(r"^\s*(?:agreed|decided)\b", " ", rest, flags=re.IGNORECASE)
    if len(re.findall(r"[A-Za-z0-9]+", rest)) < 2:
        return None
    cue = DECISION_CUE.search(sentence)
    if cue is not None:
        # Speech often runs sentences together ("that works for me we decided to ..."):
        # the decision starts at its cue.
        sentence = sentence[cue.start() :]
    return _capitalise(clip(sentence.rstrip(), _MAX_ITEM_CHARS))


def _action_in(sentence: str, speaker: str, names: _Names) -> ActionItem | None:
    sentence = _LEADING_FILLER.sub("", sentence.strip())
    explicit = _EXPLICIT.search(sentence)
    if explicit:
        what = explicit.group("what")
        inner = _owned(what, speaker, names)
        if inner is not None:
            return inner
        who = explicit.group("who")
        owner = (names.display(who) or _capitalise(who)) if who else None
        return None if _is_vague(what) else ActionItem(_capitalise(_clean(what)), owner)
    return _owned(sentence, speaker, names)


def _owned(sentence: str, speaker: str, names: _Names) -> ActionItem | None:
    """A commitment with an owner in ``sentence``, or an owner-less "we ... by <when>"."""
    request = _REQUEST.search(sentence)
    if request:
        words = re.findall(r"[\w'-]+", sentence)
        # Only a request put to a named person is an action item; "can you hear me?" is not.
        for candidate in (words[0], words[-1]) if words else ():
            owner = names.display(candidate)
            if owner:
                what = re.sub(r",?\s+" + re.escape(candidate) + r"\W*$", "", request.group("what"))
                if not _is_vague(what):
                    return ActionItem(_capitalise(_clean(what)), owner)
        return None
    first = _FIRST_PERSON.search(sentence)
    if first and speaker:
        what = first.group("what")
        verb = what.split()[0].lower().strip(",.") if what.split() else ""
        if verb not in _NOT_COMMITMENTS and not _is_vague(what) and not sentence.endswith("?"):
            owner = names.display(speaker.split()[0]) if speaker.split() else None
            return ActionItem(_capitalise(_clean(what)), owner or speaker)
        return None
    if names.will is not None:
        named = names.will.search(sentence)
        if named and not _is_vague(named.group("what")):
            owner = names.display(named.group("who")) or named.group("who")
            return ActionItem(_capitalise(_clean(named.group("what"))), owner)
    capitalised = _CAPITALISED_WILL.search(sentence)
    if capitalised and capitalised.group("who").lower() not in _NOT_OWNERS:
        what = capitalised.group("what")
        if not _is_vague(what) and what.split()[0].lower() not in _NOT_COMMITMENTS:
            return ActionItem(_capitalise(_clean(what)), capitalised.group("who"))
    we = _WE.search(sentence)
    if we and _DEADLINE.search(sentence) and not sentence.endswith("?"):
        return ActionItem(_capitalise(_clean(we.group("what"))), None)
    return None


def _norm(text: str) -> str:
    """Lowercase words padded with spaces, so ``in`` compares whole words."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def _add_unique(items: list[str], keys: list[str], text: str) -> None:
    """Append unless already said; a longer phrasing of a kept item replaces it."""
    key = _norm(text)
    for i, existing in enumerate(keys):
        if key in existing:
            return
        if existing in key:
            items[i], keys[i] = text, key
            return
    items.append(text)
    keys.append(key)


def extract_decisions(turns: Iterable[Turn]) -> list[str]:
    decisions: list[str] = []
    keys: list[str] = []
    for turn in turns:
        if turn.by_bot:
            continue
        for sentence in split_sentences(turn.text):
            decision = decision_in(sentence)
            if decision and len(decisions) < _MAX_DECISIONS:
                _add_unique(decisions, keys, decision)
    return decisions


def extract_action_items(
    turns: Iterable[Turn], participants: Sequence[Participant] = ()
) -> list[ActionItem]:
    """Action items with owners where stated, deduplicated per owner."""
    turns = [t for t in turns if not t.by_bot]
    names = _Names(participants, (t.speaker for t in turns))
    kept: list[tuple[str, str, ActionItem]] = []
    for turn in turns:
        for sentence in split_sentences(turn.text):
            item = _action_in(sentence, turn.speaker, names)
            if item is not None and len(kept) < _MAX_ACTIONS:
                _add_item(kept, item)
    return [item for _, _, item in kept]


def _add_item(kept: list[tuple[str, str, ActionItem]], item: ActionItem) -> None:
    """Append unless the same owner already has it; a longer phrasing replaces a shorter one."""
    owner, key = (item.owner or "").lower(), _norm(item.text)
    for i, (other_owner, other_key, _) in enumerate(kept):
        if other_owner != owner:
            continue
        if key in other_key:
            return
        if other_key in key:
            kept[i] = (owner, key, item)
            return
    kept.append((owner, key, item))


def _summary(
    turns: Sequence[Turn], participants: Sequence[Participant], decisions: list[str]
) -> str:
    running = RunningSummary(max_points=_MAX_SUMMARY_POINTS * 2)
    running.extend(turns)
    humans = [p.name for p in participants if not p.is_bot]
    known_first = {name.split()[0].lower() for name in humans if name.split()}
    # A speaker label is often the short form of a participant's name; list people once.
    attendees = list(
        dict.fromkeys(
            humans + [s for s in running.speakers if s.split()[0].lower() not in known_first]
        )
    )
    lines = []
    if attendees:
        lines.append("Attendees: " + ", ".join(attendees) + ".")
    spoken = [t for t in turns if not t.by_bot]
    if not spoken:
        lines.append("Nothing was said in the meeting.")
        return " ".join(lines)
    minutes = max(0.0, max(t.end_s for t in spoken) - min(t.start_s for t in spoken)) / 60
    lines.append(f"Length: about {max(1, round(minutes))} min, {len(spoken)} turns.")
    topics = running.topics()
    if topics:
        lines.append("Main topics: " + ", ".join(topics) + ".")
    decided = {_norm(d) for d in decisions}
    points = [p for p in running.points() if _norm(p.text) not in decided]
    points = sorted(points, key=lambda p: (-p.score, p.order))[:_MAX_SUMMARY_POINTS]
    points.sort(key=lambda p: p.order)
    text = " ".join(lines)
    if points:
        text += "\nKey points:\n" + "\n".join(f"- {p.speaker}: {p.text}" for p in points)
    return text


def extract_notes(turns: Sequence[Turn], participants: Sequence[Participant] = ()) -> MeetingNotes:
    """Notes for a whole meeting (or any span of it), computed from the turns alone."""
    decisions = extract_decisions(turns)
    return MeetingNotes(
        summary=_summary(turns, participants, decisions),
        decisions=decisions,
        action_items=extract_action_items(turns, participants),
    )
