"""Synthetic meetings at realistic density, as simulator scripts.

A meeting is a ``delegate.sim.Script`` (people talking in turns of one to three sentences, a
chat line now and then, optionally a question to the bot), so the simulator's own expansion
(``delegate.sim.expand``) turns it into the moments Recall would deliver: ``speech_on``,
partials every four words, the final ``transcript.data``, ``speech_off``, chat messages.
That is about one realtime event per second per meeting, which is what the load and the
meeting-length benchmarks replay. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from delegate.sim import Moment, Script, expand
from delegate.sim.scripts import (
    EventKind,
    JoinTiming,
    ScriptEvent,
    ScriptParticipant,
    speech_duration,
)

BOT_NAME = "Ada"

PEOPLE = (
    ScriptParticipant(100, "Dana Lee", is_host=True),
    ScriptParticipant(200, "Sam Ortiz"),
    ScriptParticipant(300, "Grace Miller"),
    ScriptParticipant(400, "Raj Patel"),
    ScriptParticipant(500, "Priya Shah"),
)

TOPICS = (
    "pricing",
    "onboarding",
    "the migration",
    "the security review",
    "the hiring plan",
    "the release",
    "the dashboard",
    "billing",
    "the support backlog",
    "the roadmap",
    "single sign-on",
    "the mobile app",
    "data retention",
    "the partner program",
)

SENTENCES = (
    "I think {topic} is mostly on track, we just need a bit more time for testing.",
    "Can we go back to {topic} for a second?",
    "We decided to keep the {topic} change for the next release.",
    "{person} will send the draft on {topic} by Friday.",
    "Let's go with the simpler option for {topic}.",
    "The numbers for {topic} look better than last quarter, about twelve percent up.",
    "I'm not sure the customer will accept that, they pushed back on {topic} last time.",
    "Okay, moving on to {topic}.",
    "I'll follow up with {person} about {topic} after this call.",
    "Do we have an owner for {topic} yet?",
    "Honestly I would wait until we hear back from legal.",
    "That sounds reasonable to me.",
    "We need to update the plan for {topic} before the board meeting next week.",
    "The main risk is that {topic} slips into the next quarter.",
    "Yeah, agreed, let's not overthink it.",
    "Could you share the link to the {topic} document in the chat?",
    "We tried that already and it did not really move the needle.",
    "If we do {topic} first, the rest gets a lot easier.",
)

CHATS = (
    "Here's the doc: https://example.com/docs/{n}",
    "+1",
    "Sorry, my audio dropped for a moment",
    "Agree with Dana on this one",
    "I have a hard stop at the top of the hour",
    "Notes from last week are in the shared folder",
)

QUESTIONS: tuple[tuple[EventKind, str, str], ...] = (
    ("chat", "everyone", "{bot}, what did Dana say about pricing?"),
    ("say", "everyone", "{bot}, can you summarize what we agreed so far?"),
    ("chat", "only_bot", "What are the action items so far?"),
    ("say", "everyone", "{bot}, who is here?"),
)


@dataclass(frozen=True)
class Density:
    chat_every_s: float = 75.0
    """Mean seconds between chat lines (people typing "+1" or a link)."""
    question_every_s: float | None = None
    """Mean seconds between questions to the bot; None: nobody asks the bot anything."""


def synthetic_meeting(
    length_s: float,
    seed: int = 1,
    density: Density = Density(),
    people: tuple[ScriptParticipant, ...] = PEOPLE,
    join: JoinTiming = JoinTiming(0.2, 0.0, 0.2),
) -> Script:
    """A meeting of about ``length_s`` simulated seconds: turns, chat lines, questions."""
    rng = random.Random(seed)
    events: list[ScriptEvent] = []
    t = 1.0
    next_chat = rng.expovariate(1 / density.chat_every_s)
    next_question = (
        rng.expovariate(1 / density.question_every_s) if density.question_every_s else None
    )
    while t < length_s:
        who = rng.choice(people)
        if next_question is not None and t >= next_question:
            kind, to, text = rng.choice(QUESTIONS)
            events.append(_event(t, kind, who, text, to))
            next_question = t + rng.expovariate(1 / (density.question_every_s or 1))
        elif t >= next_chat:
            line = rng.choice(CHATS).format(n=rng.randrange(1000))
            events.append(_event(t, "chat", who, line))
            next_chat = t + rng.expovariate(1 / density.chat_every_s)
        else:
            text = " ".join(_sentence(rng, who) for _ in range(rng.choice((1, 1, 2, 2, 3))))
            events.append(_event(t, "say", who, text))
        t = events[-1].at + events[-1].duration + rng.uniform(0.3, 1.5)
    return Script(
        name=f"synthetic-{int(length_s)}s-{seed}",
        title="Synthetic meeting",
        platform="zoom",
        participants=people,
        events=tuple(events),
        join=join,
    )


def moments(script: Script, bot_name: str = BOT_NAME) -> list[Moment]:
    """What the bot observes, in order (the simulator's own expansion)."""
    return [m for m in expand(script, bot_name) if m.event != "meeting.end"]


def _sentence(rng: random.Random, speaker: ScriptParticipant) -> str:
    others = [p.name.split()[0] for p in PEOPLE if p.id != speaker.id]
    template = rng.choice(SENTENCES)
    sentence = template.format(topic=rng.choice(TOPICS), person=rng.choice(others))
    return sentence[0].upper() + sentence[1:]


def _event(
    at: float, kind: EventKind, who: ScriptParticipant, text: str, to: str = "everyone"
) -> ScriptEvent:
    duration = speech_duration(text) if kind == "say" else 0.0
    return ScriptEvent(at=round(at, 3), kind=kind, who=who, text=text, to=to, duration=duration)
