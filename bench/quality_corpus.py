"""The labelled meetings of the quality evaluation (``bench/corpus/*.meeting``).

A meeting file is a header, a ``---`` line and one line per turn::

    title: Renewal pricing with Acme
    split: tune                       # tune (rules were adjusted on it) or holdout (never)
    people: Dana Lee*, Sam Ortiz      # * marks the host
    bots: Otter Notetaker             # other bots in the meeting (optional)
    decision: forty dollars | renewal # words that must all appear in one decision; a/b = either
    action: Tom Baker | quote | due friday  # owner | words of the task | due date (optional)
    exclude: layoffs                  # a word the notes must not contain (asked to leave it out)
    ---
    Dana Lee: Morning everyone.
    + Sam Ortiz: {bot}, can you recap?        # + : the delegate should answer this turn
    + dm Sam Ortiz: {bot}, who is here?       # chat sent only to the bot
    chat Dana Lee: the deck is in the folder  # chat to everyone
    wait 40                                   # silence, in simulated seconds

Each turn is played as its own utterance with a gap after it, longer after a turn meant for
the bot so its answer lands before the next one (as it would in a real meeting, where people
wait for the answer). ``{bot}`` becomes the delegate's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from delegate.sim import Script
from delegate.sim.scripts import (
    JoinTiming,
    ScriptEvent,
    ScriptParticipant,
    speech_duration,
)

CORPUS = Path(__file__).parent / "corpus"
BOT_NAME = "Ada"
GAP_S = 1.6
"""Between two turns: longer than the pause that ends a speech turn (1.5 s)."""
ANSWER_GAP_S = 20.0
"""After a turn meant for the bot: time for its answer to arrive in the meeting."""
START_S = 2.0
END_GAP_S = 90.0
"""After the last turn: a late answer to it still lands before the host ends the call."""
SPLITS = ("tune", "holdout")


class CorpusError(ValueError):
    """A meeting file cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Expected:
    """What one item of the notes must say: every group of words (``a/b`` = either) in it."""

    words: tuple[tuple[str, ...], ...]
    owner: str | None = None
    due: str | None = None

    def matches(self, text: str) -> bool:
        lowered = text.lower()
        return all(any(w in lowered for w in group) for group in self.words)


@dataclass(frozen=True)
class LabelledTurn:
    speaker: str
    text: str
    """With ``{bot}`` replaced."""
    chat: bool
    to_bot: bool
    addressed: bool
    by_other_bot: bool
    at_s: float


@dataclass(frozen=True)
class Meeting:
    name: str
    title: str
    split: str
    people: tuple[ScriptParticipant, ...]
    turns: tuple[LabelledTurn, ...]
    decisions: tuple[Expected, ...] = ()
    actions: tuple[Expected, ...] = ()
    excluded: tuple[str, ...] = ()
    other_bots: tuple[str, ...] = field(default_factory=tuple)

    def script(self) -> Script:
        by_name = {p.name: p for p in self.people}
        events = [
            ScriptEvent(
                at=t.at_s,
                kind="chat" if t.chat else "say",
                who=by_name[t.speaker],
                text=t.text,
                to="only_bot" if t.to_bot else "everyone",
                duration=0.0 if t.chat else speech_duration(t.text),
            )
            for t in self.turns
        ]
        last = max(e.at + e.duration for e in events) + END_GAP_S
        events.append(ScriptEvent(at=last, kind="end", sub_code="call_ended_by_host"))
        return Script(
            name=self.name,
            title=self.title,
            platform="zoom",
            participants=self.people,
            events=tuple(events),
            join=JoinTiming(joining_s=1.0, waiting_room_s=0.0, setup_s=0.5),
        )


def _expected(value: str, *, with_owner: bool) -> Expected:
    parts = [p.strip() for p in value.split("|")]
    owner = parts.pop(0) if with_owner else None
    due = parts.pop().removeprefix("due ") if parts and parts[-1].startswith("due ") else None
    words = tuple(tuple(w.strip().lower() for w in p.split("/")) for p in parts if p)
    return Expected(words=words, owner=owner, due=due.lower() if due else None)


def _people(value: str) -> list[ScriptParticipant]:
    out = []
    for i, raw in enumerate(n.strip() for n in value.split(",")):
        if raw:
            out.append(ScriptParticipant(100 * (i + 1), raw.rstrip("*"), is_host=raw.endswith("*")))
    return out


def parse_meeting(name: str, text: str, bot_name: str = BOT_NAME) -> Meeting:
    """One meeting from its file's text."""
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise CorpusError(f"{name}: no '---' line between the header and the turns")
    header: dict[str, list[str]] = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if colon and line.strip() and not line.startswith("#"):
            header.setdefault(key.strip(), []).append(value.split("  #")[0].strip())
    split = header.get("split", ["tune"])[0]
    if split not in SPLITS:
        raise CorpusError(f"{name}: split must be one of {SPLITS}, not {split!r}")
    people = _people(header.get("people", [""])[0])
    bots = [b.strip() for b in header.get("bots", [""])[0].split(",") if b.strip()]
    base = 100 * (len(people) + 1)
    people += [ScriptParticipant(base + 10 * i, b) for i, b in enumerate(bots)]
    names = {p.name for p in people}
    turns: list[LabelledTurn] = []
    at = START_S
    for number, raw in enumerate(body.splitlines(), start=len(head.splitlines()) + 2):
        line = raw.split("  #")[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("wait "):
            at += float(line.removeprefix("wait "))
            continue
        addressed = line.startswith("+ ")
        line = line.removeprefix("+ ")
        kind, _, rest = line.partition(" ")
        chat = kind in ("chat", "dm")
        if chat:
            line = rest
        speaker, colon, said = line.partition(":")
        if not colon or speaker.strip() not in names:
            raise CorpusError(f"{name}:{number}: expected 'Name: text' with a known name")
        said = said.strip().replace("{bot}", bot_name)
        turns.append(
            LabelledTurn(
                speaker=speaker.strip(),
                text=said,
                chat=chat,
                to_bot=kind == "dm",
                addressed=addressed,
                by_other_bot=speaker.strip() in bots,
                at_s=round(at, 3),
            )
        )
        at += (0.0 if chat else speech_duration(said)) + (ANSWER_GAP_S if addressed else GAP_S)
    return Meeting(
        name=name,
        title=header.get("title", [name])[0],
        split=split,
        people=tuple(people),
        turns=tuple(turns),
        decisions=tuple(_expected(v, with_owner=False) for v in header.get("decision", [])),
        actions=tuple(_expected(v, with_owner=True) for v in header.get("action", [])),
        excluded=tuple(w.lower() for w in header.get("exclude", [])),
        other_bots=tuple(bots),
    )


def load_corpus(split: str | None = None, folder: Path = CORPUS) -> list[Meeting]:
    """Every meeting of the corpus (of one split when given), by file name."""
    meetings = [
        parse_meeting(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.meeting"))
    ]
    return [m for m in meetings if split is None or m.split == split]
