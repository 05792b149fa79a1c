"""Meeting notes without a model: attendees, topics, salient points, decisions, action items.

Rules over sentences, tuned for how people talk in meetings: decisions are stated ("we
decided", "let's go with", "agreed: ..."), commitments name an owner ("Priya will send the
draft by Friday", "I'll update the roadmap", "Sam, can you book the room by Monday?") or are
flagged ("action item: ..."). Pronouns other than "I" are not guessed at: an item without a
clear owner keeps ``owner=None`` rather than a wrong name.

Only what was said to the meeting counts: the bot's turns, chats sent only to it and
questions put to it are left out, so asking the bot for the action items never becomes one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from delegate.domain.addressing import (
    is_question,
    looks_like_bot,
    mentions,
    name_variants,
    tokens,
)
from delegate.domain.meeting import ActionItem, MeetingNotes, Participant, Turn
from delegate.domain.summary import (
    DECISION_CUE,
    RunningSummary,
    clip,
    deadline_cue,
    highlights,
    is_decision,
    split_sentences,
)

_MAX_ITEM_CHARS = 200
_MAX_DECISIONS = 50
_MAX_ACTIONS = 100
_NOTES_POINTS = 48
"""Points the notes choose their overview from; the meeting's most salient ones."""
_OVERVIEW_POINTS = 4
_OVERVIEW_POINT_CHARS = 200
_MAX_ATTENDEES = 30

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
_REQUEST = re.compile(
    r"\b(?:(?:can|could|would|will) you(?: please)?|please)\s+(?P<what>.+)", re.IGNORECASE
)
_NAMED_WILL = r"\b(?P<who>{name})(?:'ll|\s+will|\s+is going to|\s+is gonna|\s+to)\s+(?P<what>.+)"
# "I'll send the deck by Friday, and Sam will check the numbers": two commitments, two owners.
_NEXT_COMMITMENT = (
    r"(?:,\s*(?:and\s+)?(?:then\s+)?|;\s*(?:and\s+)?)"
    r"(?=(?:(?i:i|we|{name})|[A-Z][a-z'-]+)(?:'ll|\s+will|\s+is going to)\b)"
)
_CAPITALISED_WILL = re.compile(
    r"(?:^|[\s,;])(?P<who>[A-Z][a-z'-]+)(?:'ll|\s+will|\s+is going to)\s+(?P<what>[a-z].+)"
)
# "on Monday" too: a commitment by "we" needs a time to count.
_DEADLINE = deadline_cue("by|before|until|due|on")
_NOT_COMMITMENTS_WORDS = (
    "be say admit guess bet think tell ask see just try assume agree disagree leave pass "
    "repeat stop keep wait hand want need talk meet love like"
)
_NOT_COMMITMENTS = frozenset(_NOT_COMMITMENTS_WORDS.split())
_NOT_OWNERS_WORDS = (
    "i we you he she it they this that there who what which everyone someone somebody "
    "nobody anyone then so and but also maybe perhaps hopefully ok okay"
)
_NOT_OWNERS = frozenset(_NOT_OWNERS_WORDS.split())
_DUE = re.compile(
    r"\b(?:by|before|until|due|on) (?P<on>(?:next |this )?(?:monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|week|month))\b|\b(?P<when>tomorrow(?: morning)?|tonight|today"
    r"|next week|this week|end of (?:the )?(?:day|week|month))\b",
    re.IGNORECASE,
)
_LEFT_OUT = re.compile(
    r"\b(?:leave|keep)\s+(?P<a>.{1,60}?)\s+(?:out of|off)\s+(?:the\s+)?(?:\w+\s+)?"
    r"(?:notes|minutes|record|summary)\b"
    r"|\b(?:don'?t|do not|never)\s+(?:put|include|mention|write|note)\s+(?P<b>.{1,60}?)"
    r"\s+in(?:to)?\s+(?:the\s+)?(?:notes|minutes|summary)\b|\b(?:exclude|omit|redact|remove)"
    r"\s+(?P<c>.{1,60}?)\s+from\s+(?:the\s+)?(?:notes|minutes|summary)\b",
    re.IGNORECASE,
)
_LEFT_OUT_GENERIC_TEXT = (
    "the a an any all our this that numbers number discussion discussions part parts stuff "
    "details detail topic topics conversation thing things bit point points figures talk "
    "about of on"
)
_LEFT_OUT_GENERIC = frozenset(_LEFT_OUT_GENERIC_TEXT.split())
_ANSWER_TURNS = 3
"""An acceptance follows its request within this many turns."""
_MERGE_OVERLAP = 0.5
"""Two items of one owner sharing this share of the shorter one's words are one task."""
_TASK_STOPWORD_TEXT = (
    "the a an to for of on in by from with and it them this that our their my your me us you"
)
_TASK_STOPWORDS = frozenset(_TASK_STOPWORD_TEXT.split())
_VAGUE_WORDS = "do it that this handle take care of so then sure right now later them"
_VAGUE = frozenset(_VAGUE_WORDS.split())


def _clean(text: str) -> str:
    text = text.strip().rstrip(".!?;, ")
    text = re.sub(r"\s*,?\s*\bplease\b\s*$", "", text, flags=re.IGNORECASE)
    return clip(text, _MAX_ITEM_CHARS)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def tidy(sentence: str) -> str:
    """A sentence as a note: leading filler dropped ("So, on pricing" → "On pricing")."""
    return _capitalise(_LEADING_FILLER.sub("", sentence.strip()))


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
        self.next_commitment = re.compile(_NEXT_COMMITMENT.format(name=alternatives or "i"))

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


def _actions_in(sentence: str, speaker: str, names: _Names) -> list[ActionItem]:
    """The commitments in one sentence, one per clause that has its own owner."""
    found = []
    for clause in names.next_commitment.split(sentence):
        item = _action_in(clause, speaker, names)
        if item is not None:
            found.append(item)
    return found


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
        before = re.findall(r"[\w'-]+", sentence[: request.start()])
        # Only a request put to a named person is an action item; "can you hear me?" is not.
        # The name opens or closes the sentence or comes just before the request ("Before
        # we go, Dana, can you ...").
        candidates = [words[0], *before[-1:], words[-1]] if words else []
        for candidate in candidates:
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
    kept: list[_Kept] = []
    for at, turn in enumerate(turns):
        for sentence in split_sentences(turn.text):
            for item in _actions_in(sentence, turn.speaker, names):
                if len(kept) < _MAX_ACTIONS:
                    own = _same_person(item.owner, turn.speaker)
                    _add_item(kept, replace(item, due=due_in(item.text)), at, own)
    return [item for _, _, item, _, _ in kept]


_Kept = tuple[str, str, ActionItem, int, bool]
"""Owner (lowercase), comparison key, the item, the turn it was last said in, and whether
the owner said it (an acceptance) rather than someone asking the owner (a request)."""


def _task_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _TASK_STOPWORDS}


def _same_task(a: str, b: str) -> bool:
    """One commitment said twice: a request and its acceptance ("can you get a quote by
    Friday?" / "yes, I'll get a quote from the agency by Friday")."""
    mine, theirs = _task_words(a), _task_words(b)
    if not mine or not theirs:
        return False
    return len(mine & theirs) >= _MERGE_OVERLAP * min(len(mine), len(theirs))


def _same_person(owner: str | None, speaker: str) -> bool:
    return bool(owner) and tokens(owner or "")[:1] == tokens(speaker)[:1]


def due_in(text: str) -> str | None:
    """When a task is due, as said: "Friday", "next week", "tomorrow morning"."""
    found = _DUE.search(text)
    if found is None:
        return None
    return " ".join((found["on"] or found["when"]).lower().split())


def _add_item(kept: list[_Kept], item: ActionItem, at: int, own: bool) -> None:
    """Append unless the same owner already has it: the same task said again, or a request
    and its acceptance a turn or two later, merge into one item, in the longer phrasing,
    keeping a due date either of them gave."""
    owner, key = (item.owner or "").lower(), _norm(item.text)
    for i, (other_owner, other_key, other, other_at, other_own) in enumerate(kept):
        if other_owner != owner:
            continue
        answer = (
            own != other_own
            and abs(at - other_at) <= _ANSWER_TURNS
            and bool(_task_words(item.text) & _task_words(other.text))
        )
        if key in other_key or other_key in key or _same_task(item.text, other.text) or answer:
            longer = item if len(key) > len(other_key) else other
            due = longer.due or item.due or other.due
            kept[i] = (owner, _norm(longer.text), replace(longer, due=due), at, own or other_own)
            return
    kept.append((owner, key, item, at, own))


def left_out_topic(text: str) -> str | None:
    """What a request to leave something out of the notes names ("the salary numbers")."""
    found = _LEFT_OUT.search(text)
    if found is None:
        return None
    topic = " ".join((found["a"] or found["b"] or found["c"]).split())
    return topic if _topic_words(topic) else None


def _topic_words(topic: str) -> list[str]:
    return [w for w in tokens(topic) if w not in _LEFT_OUT_GENERIC and len(w) > 2]


def left_out_words(turns: Iterable[Turn], bot: set[str]) -> set[str]:
    """Words the notes must not mention: asked of the bot ("Ada, leave the bonus out of
    the notes"), by name or in a chat sent only to it."""
    words: set[str] = set()
    for turn in turns:
        if turn.by_bot or not (turn.to_bot or mentions(turn.text, bot)):
            continue
        topic = left_out_topic(turn.text)
        if topic:
            words.update(_topic_words(topic))
    return words


def mentions_any(text: str, words: set[str]) -> bool:
    """Whether ``text`` has one of ``words`` (or a longer form: "salary" in "salaries")."""
    return any(t.startswith(w[:-1] if len(w) > 4 else w) for t in tokens(text) for w in words)


def without(notes: MeetingNotes, words: set[str]) -> MeetingNotes:
    """The notes without any sentence, decision or item mentioning ``words``."""
    if not words:
        return notes
    summary = " ".join(
        s for s in re.split(r"(?<=[.!?])\s+", notes.summary) if not mentions_any(s, words)
    )
    return MeetingNotes(
        summary=summary,
        decisions=[d for d in notes.decisions if not mentions_any(d, words)],
        action_items=[i for i in notes.action_items if not mentions_any(i.text, words)],
    )


def bot_names(bot_name: str, participants: Sequence[Participant] = ()) -> set[str]:
    """The spellings that name the delegate: its configured name and any bot participant's."""
    names = name_variants(bot_name, participants) if bot_name.strip() else set()
    for person in participants:
        if person.is_bot:
            names |= name_variants(person.name, participants)
    return names


def meeting_content(turns: Iterable[Turn], bot: set[str]) -> list[Turn]:
    """What was said to the meeting: without the bot's turns, chats sent only to it and
    sentences that talk to or about it ("Ada, can you summarize?", "I brought Ada along").

    A decision or an explicit action item said to the bot ("Ada, action item for Sam: ...")
    is still meeting content.
    """
    out = []
    for turn in turns:
        if turn.by_bot or turn.to_bot or looks_like_bot(turn.speaker):
            continue
        if not bot or not mentions(turn.text, bot):
            out.append(turn)
            continue
        kept = [
            s
            for s in split_sentences(turn.text)
            if not mentions(s, bot) or (_states_something(s) and not is_question(s))
        ]
        if kept:
            out.append(replace(turn, text="\n".join(kept)))
    return out


def _says_enough(sentence: str) -> bool:
    """Long enough to stand alone in a summary ("Sure, I'll do it." does not)."""
    return len(tidy(sentence).split()) >= 4


def _states_something(sentence: str) -> bool:
    return decision_in(sentence) is not None or _EXPLICIT.search(sentence) is not None


def _display(topic: str, texts: Sequence[str]) -> str:
    """A topic as people wrote it when they capitalise it ("SAML", "Android")."""
    pattern = re.compile(r"\b" + re.escape(topic) + r"\b", re.IGNORECASE)
    forms = [m.group(0) for text in texts for m in pattern.finditer(text)][:20]
    if forms and sum(f != f.lower() for f in forms) * 2 > len(forms):
        return max(set(forms), key=forms.count)
    return topic


def _listing(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _summary(
    turns: Sequence[Turn],
    spoken: Sequence[Turn],
    participants: Sequence[Participant],
    decisions: list[str],
    actions: list[ActionItem],
) -> str:
    """A few sentences: who met and for how long, the main topics, how many decisions and
    action items (listed on their own) and the one main point besides them. ``turns`` is
    the meeting content, ``spoken`` every turn people took (for the length)."""
    running = RunningSummary(max_points=_NOTES_POINTS)
    running.extend(turns)
    humans = [p.name for p in participants if not p.is_bot and not looks_like_bot(p.name)]
    known_first = {name.split()[0].lower() for name in humans if name.split()}
    # A speaker label is often the short form of a participant's name; list people once.
    attendees = list(
        dict.fromkeys(
            humans + [s for s in running.speakers if s.split()[0].lower() not in known_first]
        )
    )
    if not spoken:
        who = _listing(attendees[:_MAX_ATTENDEES]) or "Nobody"
        return f"{who} met. Nothing was said in the meeting."
    minutes = max(0.0, max(t.end_s for t in spoken) - min(t.start_s for t in spoken)) / 60
    more = len(attendees) - _MAX_ATTENDEES
    who = _listing(attendees[:_MAX_ATTENDEES] + ([f"{more} more"] if more > 0 else []))
    sentences = [
        f"{who or 'The participants'} met for about {max(1, round(minutes))} min "
        f"({len(spoken)} turns)."
    ]
    topics = running.topics()
    if topics:
        texts = [t.text for t in turns]
        sentences.append(f"The main topics were {_listing([_display(t, texts) for t in topics])}.")
    owners = list(dict.fromkeys(a.owner for a in actions if a.owner))
    outcome = []
    if decisions:
        outcome.append(f"made {len(decisions)} decision{'s' * (len(decisions) != 1)}")
    if actions:
        items = f"{len(actions)} action item{'s' * (len(actions) != 1)}"
        outcome.append(f"agreed on {items}" + (f" for {_listing(owners)}" if owners else ""))
    if outcome:
        sentences.append(f"They {' and '.join(outcome)}.")
    listed_keys = [_norm(d) for d in decisions] + [_norm(a.text) for a in actions]
    names = _Names(participants, running.speakers)
    candidates = [
        p
        for p in running.points()
        if _says_enough(p.text)
        and not is_question(p.text)
        and not decision_in(p.text)
        and not _actions_in(p.text, p.speaker, names)
        and not any(key in _norm(p.text) for key in listed_keys)
    ]
    for point in highlights(candidates, running.topics(10), _OVERVIEW_POINTS)[:1]:
        said = clip(tidy(point.text), _OVERVIEW_POINT_CHARS).rstrip(".!")
        sentences.append(f"{point.speaker} noted: {said[:1].lower() + said[1:]}.")
    return " ".join(sentences)


def extract_notes(
    turns: Sequence[Turn], participants: Sequence[Participant] = (), *, bot_name: str = ""
) -> MeetingNotes:
    """Notes for a whole meeting (or any span of it), computed from the turns alone.

    What was said to the bot (questions, private chats) and what it said are not notes;
    ``bot_name`` and any bot among ``participants`` say who the bot is.
    """
    bot = bot_names(bot_name, participants)
    excluded = left_out_words(turns, bot)
    content = []
    for turn in meeting_content(turns, bot):
        kept = [s for s in split_sentences(turn.text) if not mentions_any(s, excluded)]
        if kept:
            content.append(replace(turn, text=" ".join(kept)))
    decisions = extract_decisions(content)
    actions = extract_action_items(content, participants)
    return MeetingNotes(
        summary=_summary(
            content, [t for t in turns if not t.by_bot], participants, decisions, actions
        ),
        decisions=decisions,
        action_items=actions,
    )
