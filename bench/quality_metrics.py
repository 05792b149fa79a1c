"""Scoring one played meeting of the quality corpus against its labels.

Replies: every human turn of the corpus is found again among the stored turns (by its words,
in order); a turn the delegate acted on (any reply row: chat, leave, pause, ...) counts as
answered. Precision is the share of answered turns that were meant for it, recall the share
of turns meant for it that were answered. Notes: each expected decision or action item is
looked for among the notes' items by its words; an expected item found twice is a duplicate.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.quality_corpus import Expected, Meeting
from delegate.domain.addressing import tokens

_QUOTE_LINE = re.compile(r"^[A-Z][\w .'-]{1,40}: ", re.MULTILINE)


@dataclass(frozen=True)
class StoredTurn:
    seq: int
    speaker: str
    text: str
    by_bot: bool


@dataclass(frozen=True)
class Played:
    """What the pipeline did with one meeting, as read back after it ended."""

    turns: list[StoredTurn]
    answered: dict[int, float | None]
    """Seq of each turn the delegate acted on, with the reply latency in seconds if known."""
    notes: dict[str, Any]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    self_replies: int = 0
    bot_replies: int = 0
    """Replies to another bot in the meeting."""
    missing_turns: int = 0
    """Corpus turns never stored (e.g. said while the recording was paused)."""
    latencies: list[float] = field(default_factory=list)
    decisions_expected: int = 0
    decisions_found: int = 0
    decisions_listed: int = 0
    decisions_right: int = 0
    items_expected: int = 0
    items_found: int = 0
    items_listed: int = 0
    items_right: int = 0
    owners_right: int = 0
    dues_expected: int = 0
    dues_right: int = 0
    duplicates: int = 0
    leaked_exclusions: int = 0
    summary_sentences: list[int] = field(default_factory=list)
    quoted_summaries: int = 0
    mistakes: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            setattr(self, name, mine + value)

    def figures(self) -> dict[str, float | int | None]:
        return {
            "reply_precision": _ratio(self.tp, self.tp + self.fp),
            "reply_recall": _ratio(self.tp, self.tp + self.fn),
            "turns_meant_for_bot": self.tp + self.fn,
            "turns_answered": self.tp + self.fp,
            "self_replies": self.self_replies,
            "replies_to_other_bots": self.bot_replies,
            "turns_not_recorded": self.missing_turns,
            "latency_p50_s": _quantile(self.latencies, 0.5),
            "latency_p95_s": _quantile(self.latencies, 0.95),
            "decision_recall": _ratio(self.decisions_found, self.decisions_expected),
            "decision_precision": _ratio(self.decisions_right, self.decisions_listed),
            "action_item_recall": _ratio(self.items_found, self.items_expected),
            "action_item_precision": _ratio(self.items_right, self.items_listed),
            "owner_accuracy": _ratio(self.owners_right, self.items_found),
            "due_date_accuracy": _ratio(self.dues_right, self.dues_expected),
            "duplicate_items": self.duplicates,
            "exclusions_leaked": self.leaked_exclusions,
            "summary_sentences_mean": (
                round(statistics.fmean(self.summary_sentences), 1)
                if self.summary_sentences
                else None
            ),
            "quote_list_summaries": self.quoted_summaries,
        }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _quantile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def _words(text: str) -> str:
    return " " + " ".join(tokens(text)) + " "


def _locate(meeting: Meeting, turns: Sequence[StoredTurn]) -> list[StoredTurn | None]:
    """The stored turn holding each corpus turn, in order (None when it was never stored)."""
    found: list[StoredTurn | None] = []
    start = 0
    for wanted in meeting.turns:
        words = _words(wanted.text)
        hit = None
        for i in range(start, len(turns)):
            stored = turns[i]
            if (
                not stored.by_bot
                and stored.speaker == wanted.speaker
                and words in _words(stored.text)
            ):
                hit, start = stored, i + 1
                break
        found.append(hit)
    return found


def _score_replies(meeting: Meeting, played: Played, score: Score) -> None:
    located = _locate(meeting, played.turns)
    for wanted, stored in zip(meeting.turns, located, strict=True):
        if stored is None:
            score.missing_turns += 1
            if wanted.addressed:
                score.fn += 1
                score.mistakes.append(f"{meeting.name}: not heard: {wanted.text}")
            continue
        answered = stored.seq in played.answered
        if answered and wanted.by_other_bot:
            score.bot_replies += 1
        if wanted.addressed and answered:
            score.tp += 1
            latency = played.answered[stored.seq]
            if latency is not None:
                score.latencies.append(latency)
        elif wanted.addressed:
            score.fn += 1
            score.mistakes.append(f"{meeting.name}: missed: {wanted.text}")
        elif answered:
            score.fp += 1
            score.mistakes.append(f"{meeting.name}: answered: {wanted.text}")
        else:
            score.tn += 1
    own = {t.seq for t in played.turns if t.by_bot}
    score.self_replies += sum(1 for seq in played.answered if seq in own)


def _same_person(expected: str | None, owner: object) -> bool:
    if not expected or not isinstance(owner, str):
        return False
    have, want = tokens(owner), tokens(expected)
    return bool(have) and (have == want or have[0] == want[0])


def _match(
    expected: Sequence[Expected], listed: Sequence[str], owners: Sequence[object] = ()
) -> tuple[list[int | None], list[bool]]:
    """For each listed item the expected item it matches (or None), one of the same owner
    first, and which expected items were found at all."""
    which: list[int | None] = []
    for n, text in enumerate(listed):
        hits = [i for i, e in enumerate(expected) if e.matches(text)]
        owner = owners[n] if n < len(owners) else None
        mine = [i for i in hits if _same_person(expected[i].owner, owner)]
        which.append((mine or hits or [None])[0])
    found = [any(w == i for w in which) for i in range(len(expected))]
    return which, found


def _score_notes(meeting: Meeting, notes: dict[str, Any], score: Score) -> None:
    decisions = [str(d) for d in notes.get("decisions") or []]
    which, found = _match(meeting.decisions, decisions)
    score.decisions_expected += len(meeting.decisions)
    score.decisions_found += sum(found)
    score.decisions_listed += len(decisions)
    score.decisions_right += sum(w is not None for w in which)
    for text, w in zip(decisions, which, strict=True):
        if w is None:
            score.mistakes.append(f"{meeting.name}: extra decision: {text}")
    for expected, hit in zip(meeting.decisions, found, strict=True):
        if not hit:
            score.mistakes.append(f"{meeting.name}: decision not in notes: {expected.words}")
    items = list(notes.get("actionItems") or [])
    texts = [str(i.get("text", "")) for i in items]
    which, found = _match(meeting.actions, texts, [i.get("owner") for i in items])
    score.items_expected += len(meeting.actions)
    score.items_found += sum(found)
    score.items_listed += len(items)
    score.items_right += sum(w is not None for w in which)
    seen: set[int] = set()
    for item, text, w in zip(items, texts, which, strict=True):
        if w is None:
            score.mistakes.append(f"{meeting.name}: extra action item: {text}")
            continue
        if w in seen:
            score.duplicates += 1
            score.mistakes.append(f"{meeting.name}: duplicate action item: {text}")
            continue
        seen.add(w)
        expected = meeting.actions[w]
        if _same_person(expected.owner, item.get("owner")):
            score.owners_right += 1
        else:
            score.mistakes.append(f"{meeting.name}: owner {item.get('owner')!r} for: {text}")
        if expected.due:
            score.dues_expected += 1
            due = f"{text} {item.get('due') or ''}".lower()
            score.dues_right += expected.due in due
    for expected, hit in zip(meeting.actions, found, strict=True):
        if not hit:
            score.mistakes.append(f"{meeting.name}: action item not in notes: {expected.words}")
    summary = str(notes.get("summary") or "")
    everything = " ".join([summary, *decisions, *texts]).lower()
    score.leaked_exclusions += sum(1 for word in meeting.excluded if word in everything)
    score.summary_sentences.append(len([s for s in re.split(r"(?<=[.!?])\s+", summary) if s]))
    score.quoted_summaries += len(_QUOTE_LINE.findall(summary)) >= 2


def score_meeting(meeting: Meeting, played: Played) -> Score:
    score = Score()
    _score_replies(meeting, played, score)
    _score_notes(meeting, played.notes, score)
    return score
