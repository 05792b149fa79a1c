"""A running summary of the meeting, updated per turn, bounded in size, no model needed.

It keeps the most salient sentences (decisions, commitments, questions, topic changes) up to
a cap, evicting the least salient (oldest first among equals), plus the speakers seen and the
most frequent topic words (numbers, dates and filler words are never topics). Each update
costs O(length of the turn + log cap); the state never grows with the meeting, so a 3-hour
meeting summarises as cheaply as a 5-minute one.

The state round-trips through ``to_dict``/``from_dict`` (JSON-ready) so a worker can persist
it between event batches and carry on after a restart.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from delegate.domain.meeting import Turn, TurnSource

DEFAULT_MAX_POINTS = 24
DEFAULT_MAX_CHARS = 1600
_MAX_POINT_CHARS = 220
_MAX_SPEAKERS = 40
_TOPIC_CAP = 200
_STATE_VERSION = 1

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

DECISION_CUE = re.compile(
    r"\b(?:we(?:'ve| have)? decided|we(?:'ve| have)? (?:all )?agreed|we(?:'re| are) agreed"
    r"|(?:it's|it is|that's|that is) (?:decided|agreed|settled|final)|decision\s*:|agreed\s*:"
    r"|let's go with|let us go with|we(?:'re| are) going with|we(?:'ll| will) go with"
    r"|final decision|we(?:'ll| will) stick with|the decision is)",
    re.IGNORECASE,
)
"""Phrases that state a decision. Shared with ``notes``."""

_AGREED_ALONE = re.compile(r"^\s*(?:ok(?:ay)?,?\s*)?(?:agreed|decided)\s*[,.!:-]", re.IGNORECASE)

COMMITMENT_CUE = re.compile(
    r"\b(?:i'll|i will|i'm going to|i am going to|i can take|i'll take|we'll|we will|we need to"
    r"|will send|will follow up|follow up on|action item|to-?do\s*:|can you|could you"
    r"|\w+ to (?:send|share|update|draft|write|schedule|book|review|fix|prepare|check))\b",
    re.IGNORECASE,
)


def deadline_cue(prepositions: str) -> re.Pattern[str]:
    """ "by Friday", "until next week", "tomorrow": a time something is due, after one of
    ``prepositions`` (alternatives, as in a regex). Shared with ``notes``."""
    return re.compile(
        rf"\b(?:{prepositions}) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
        r"|tomorrow|tonight|eod|end of|next|the end|\d)|\b(?:tomorrow|next week|this week)\b",
        re.IGNORECASE,
    )


_DEADLINE_CUE = deadline_cue("by|before|until|due")
_TOPIC_CUE = re.compile(
    r"\b(?:agenda|next topic|moving on|move on to|let's talk about|let's discuss|regarding"
    r"|the topic|first item|next item|update on)\b",
    re.IGNORECASE,
)

_STOPWORD_TEXT = """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can could did do does doing don down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just let lets like me more most my no nor not now of off on once only or other our
    ours out over own same she should so some such than that thats the their theirs them then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yeah yes okay ok right think know
    going get got really actually maybe thing things something kind sort mean well gonna want
    need sure good great thanks thank just still even much many said says say one two also
    lot bit yep hello everyone guys today make sounds sound look looks we'll i'll it's that's
    don't can't won't i'm you're they're we're let's there's what's here's item items point
    points send sent update check take give start call talk work done next last first week
    weeks monday tuesday wednesday thursday friday saturday sunday tomorrow yesterday morning
    afternoon minute minutes time today tonight people someone everybody everyone anyone
    always never probably definitely honest agree agreed decided decide decision discuss
    share question questions answer follow meeting call could should would might must shall
    back another other again around able into then than were been being come comes came goes
    went gone have has does doing done said tell told keep kept ready start started"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[a-z][a-z'-]{3,}")

# Words said often in any meeting that name no subject: numbers, dates and times, units and
# filler. Searching still uses them ("what did Sam say about October?"); topics do not.
_NOT_TOPIC_TEXT = """
    zero three four five seven eight nine eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
    hundreds thousand thousands million millions billion billions half dozen percent couple
    second third fourth fifth once twice double triple single year years yearly annual
    annually month months monthly weekly days daily hour hours seconds quarter quarters
    weekend tonight evening night date dates soon later early late earlier end ends
    beginning january february march april june july august september october november
    december dollar dollars euro euros cents bucks helpful main concern concerns exact
    exactly instead around course pretty quite stuff fine nice cool awesome totally
    basically literally anyway whatever everything anything nothing sorry please welcome
    hope glad happy okay alright other same whole part parts plus more less least best
    better worse little bigger smaller number numbers idea ideas note notes hear heard
    mind guess trying doing makes made added adding include including expect expected
    updated new old
    """
_NOT_TOPICS = frozenset(_NOT_TOPIC_TEXT.split())

_PLEASANTRY = re.compile(
    r"^(?:hi|hello|hey|hiya|thanks|thank you|sorry|welcome|good (?:morning|afternoon|evening)"
    r"|bye|goodbye|see you|talk soon|nice to|great to|glad to)\b(?!.*\bbut\b)",
    re.IGNORECASE,
)
"""Greetings, thanks and apologies: polite, not a point (unless a "but" follows)."""


@dataclass(frozen=True)
class Point:
    order: int
    score: int
    speaker: str
    text: str
    at_s: float


def split_sentences(text: str) -> list[str]:
    """Sentences of a turn, whitespace-normalised; empty ones dropped."""
    out = []
    for raw in _SENTENCE_END.split(text):
        sentence = " ".join(raw.split())
        if sentence:
            out.append(sentence)
    return out


def is_decision(sentence: str) -> bool:
    return bool(DECISION_CUE.search(sentence) or _AGREED_ALONE.search(sentence))


def salience(sentence: str) -> int:
    """How much a sentence deserves a place in a summary (0: not at all)."""
    words = sentence.split()
    if is_decision(sentence):
        return 6 if len(words) >= 3 else 0
    commitment = COMMITMENT_CUE.search(sentence)
    if _PLEASANTRY.search(sentence) and not commitment:
        return 0
    score = 0
    if commitment:
        score += 4
    if _DEADLINE_CUE.search(sentence):
        score += 2
    if _TOPIC_CUE.search(sentence):
        score += 3
    if sentence.rstrip().endswith("?"):
        score += 2
    if len(words) < 4:
        return 0 if score < 4 else score
    return score + (1 if len(words) >= 8 else 0)


def topic_words(sentence: str) -> list[str]:
    return [w.strip("'-") for w in _WORD.findall(sentence.lower()) if w not in _STOPWORDS]


def is_topic(word: str) -> bool:
    """Whether a topic word can stand for a subject of the meeting (not "hundred", "year")."""
    return word not in _STOPWORDS and word not in _NOT_TOPICS and not word.isdigit()


def _stem(word: str) -> str:
    """A crude stem that folds plurals and "-ing" forms ("seats" and "seat", "pricing" and
    "price") so one subject is not listed twice."""
    for suffix in ("ing", "es", "s"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def rank_topics(counts: Counter[str], exclude: Iterable[str] = (), limit: int = 6) -> list[str]:
    """The most frequent subjects in ``counts``: said at least twice, forms of one word
    counted together and shown as the most frequent form, ``exclude`` left out."""
    excluded = set(exclude)
    totals: Counter[str] = Counter()
    forms: dict[str, tuple[int, str]] = {}
    for word, count in counts.items():
        if word in excluded or not is_topic(word):
            continue
        stem = _stem(word)
        totals[stem] += count
        if count > forms.get(stem, (0, ""))[0]:
            forms[stem] = (count, word)
    ranked = sorted(totals.items(), key=lambda item: (-item[1], forms[item[0]][1]))
    return [forms[stem][1] for stem, count in ranked if count >= 2][:limit]


def highlights(points: Iterable[Point], topics: Sequence[str], limit: int) -> list[Point]:
    """Up to ``limit`` points that say the most about the meeting: each covering the
    subjects (``topics``, most frequent first) the ones already picked do not, salience
    and then the number of content words breaking ties. Returned in the order they were said."""
    weights: dict[str, int] = {}
    for rank, topic in enumerate(topics):
        weights.setdefault(_stem(topic), 3 if rank < 3 else 2 if rank < 6 else 1)
    pool = list(points)
    covered: set[str] = set()
    chosen: list[Point] = []

    def subjects(point: Point) -> set[str]:
        return {_stem(w) for w in topic_words(point.text)} & weights.keys()

    def gain(point: Point) -> tuple[int, int, int]:
        new = subjects(point) - covered
        richness = len(set(topic_words(point.text)))
        return 3 * sum(weights[s] for s in new) + point.score, richness, point.order

    def repeats(point: Point) -> bool:
        words = set(topic_words(point.text))
        return any(
            len(words & other) * 10 >= 7 * max(1, min(len(words), len(other)))
            for other in (set(topic_words(c.text)) for c in chosen)
        )

    while pool and len(chosen) < limit:
        best = max(pool, key=gain)
        pool.remove(best)
        if not repeats(best):
            chosen.append(best)
            covered |= subjects(best)
    return sorted(chosen, key=lambda p: p.order)


def clip(text: str, max_chars: int) -> str:
    """``text`` cut to ``max_chars`` at a word boundary, marked with an ellipsis."""
    if len(text) <= max_chars:
        return text
    cut = text[: max(0, max_chars - 1)]
    if " " in cut[max_chars // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class RunningSummary:
    """Salient points, speakers and topics of a meeting so far, bounded by ``max_points``."""

    def __init__(self, max_points: int = DEFAULT_MAX_POINTS) -> None:
        self.max_points = max_points
        self._points: dict[int, Point] = {}
        self._heap: list[tuple[int, int]] = []
        self._keys: dict[str, int] = {}
        self._speakers: dict[str, None] = {}
        self._topics: Counter[str] = Counter()
        self._order = 0
        self.turns_seen = 0

    def add(self, turn: Turn) -> None:
        """Fold one turn into the summary. The bot's own turns are skipped: summarising its
        answers would feed the summary back into itself. Private chats to the bot count
        their speaker only."""
        if turn.by_bot:
            return
        self.turns_seen += 1
        if turn.speaker and turn.speaker not in self._speakers:
            if len(self._speakers) >= _MAX_SPEAKERS:
                self._speakers.pop(next(iter(self._speakers)))
            self._speakers[turn.speaker] = None
        if turn.to_bot:
            # A chat sent only to the bot is not said to the meeting: it stays out of
            # the points and topics everyone else sees.
            return
        for sentence in split_sentences(turn.text):
            self._topics.update(topic_words(sentence))
            score = salience(sentence)
            if score > 0:
                self._keep(turn.speaker, sentence, score, turn.start_s)
        if len(self._topics) > 2 * _TOPIC_CAP:
            # Pruning in batches keeps the cost amortised O(1) per word.
            self._topics = Counter(dict(self._topics.most_common(_TOPIC_CAP)))

    def extend(self, turns: Iterable[Turn]) -> None:
        for turn in turns:
            self.add(turn)

    def _keep(self, speaker: str, sentence: str, score: int, at_s: float) -> None:
        key = _key(sentence)
        if key in self._keys:
            return
        self._order += 1
        point = Point(self._order, score, speaker, clip(sentence, _MAX_POINT_CHARS), at_s)
        self._points[point.order] = point
        self._keys[key] = point.order
        heapq.heappush(self._heap, (score, point.order))
        while len(self._points) > self.max_points:
            _, order = heapq.heappop(self._heap)
            evicted = self._points.pop(order)
            self._keys.pop(_key(evicted.text), None)

    @property
    def speakers(self) -> list[str]:
        return list(self._speakers)

    def points(self) -> list[Point]:
        """Kept points, in the order they were said."""
        return sorted(self._points.values(), key=lambda p: p.order)

    def key_turns(self) -> list[Turn]:
        """Kept points as turns (speaker and sentence), in the order they were said."""
        return [
            Turn(0, None, p.speaker, p.text, TurnSource.SPEECH, 0.0, 0.0) for p in self.points()
        ]

    def topics(self, limit: int = 6) -> list[str]:
        """The most frequent subjects said at least twice, people's names excluded."""
        names = {w.lower() for s in self._speakers for w in s.split()}
        return rank_topics(self._topics, names, limit)

    def text(self, max_chars: int = DEFAULT_MAX_CHARS) -> str:
        """The summary as text of at most ``max_chars``, dropping the least salient points first."""
        header = []
        if self._speakers:
            header.append("Speakers: " + ", ".join(self._speakers) + ".")
        topics = self.topics()
        if topics:
            header.append("Topics: " + ", ".join(topics) + ".")
        points = self.points()
        by_salience = sorted(points, key=lambda p: (p.score, p.order))
        dropped: set[int] = set()
        while True:
            lines = [f"- {p.speaker}: {p.text}" for p in points if p.order not in dropped]
            body = "\n".join(header + (["Key points:", *lines] if lines else []))
            if len(body) <= max_chars or len(dropped) == len(points):
                return clip(body, max_chars)
            dropped.add(by_salience[len(dropped)].order)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready state, for persisting between batches."""
        return {
            "version": _STATE_VERSION,
            "maxPoints": self.max_points,
            "order": self._order,
            "turnsSeen": self.turns_seen,
            "speakers": list(self._speakers),
            "topics": dict(self._topics),
            "points": [
                {
                    "order": p.order,
                    "score": p.score,
                    "speaker": p.speaker,
                    "text": p.text,
                    "atS": p.at_s,
                }
                for p in self.points()
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> RunningSummary:
        """State saved by ``to_dict``; unknown or damaged state starts a fresh summary."""
        if data.get("version") != _STATE_VERSION:
            return cls()
        try:
            summary = cls(int(str(data["maxPoints"])))
            summary._order = int(str(data["order"]))
            summary.turns_seen = int(str(data["turnsSeen"]))
            speakers, topics, points = data["speakers"], data["topics"], data["points"]
            if not (
                isinstance(speakers, list) and isinstance(topics, dict) and isinstance(points, list)
            ):
                return cls()
            summary._speakers = {str(s): None for s in speakers}
            summary._topics = Counter({str(k): int(v) for k, v in topics.items()})
            for raw in points:
                if not isinstance(raw, dict):
                    return cls()
                point = Point(
                    order=int(raw["order"]),
                    score=int(raw["score"]),
                    speaker=str(raw["speaker"]),
                    text=str(raw["text"]),
                    at_s=float(raw["atS"]),
                )
                summary._points[point.order] = point
                summary._keys[_key(point.text)] = point.order
                heapq.heappush(summary._heap, (point.score, point.order))
        except (KeyError, TypeError, ValueError):
            return cls()
        return summary
