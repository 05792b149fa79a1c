"""Synthetic meetings of any length, for the size-bound properties."""

from __future__ import annotations

import random

from delegate.domain.meeting import Turn
from delegate.domain.turns import Fragment, assemble

SPEAKERS = [(1, "Dana Whitfield"), (2, "Priya Raman"), (3, "Sam Okafor"), (4, "Lee Chen")]
SENTENCES = [
    "The dashboard shows a spike in latency after the deploy.",
    "I'll look into the caching layer before Friday.",
    "We decided to keep the old endpoint for one more release.",
    "Can we move the retro to Thursday?",
    "Let's go with the second vendor for the analytics work.",
    "Priya will send the updated budget by Monday.",
    "Honestly I'm not sure the numbers add up yet.",
    "Next topic is hiring for the platform team.",
    "Action item: Sam to write the incident report.",
    "The customer call went well and they want a pilot.",
    "um so yeah I think that works for me",
    "What's the status of the migration?",
]


CHATTER = [
    "The dashboard shows a spike in latency after the deploy.",
    "Honestly I'm not sure the numbers add up yet.",
    "The customer call went well and they want a pilot.",
    "um so yeah I think that works for me",
    "What's the status of the migration?",
]


def meeting(minutes: float, seed: int = 7, sentences: list[str] = SENTENCES) -> list[Turn]:
    """Turns of a meeting ``minutes`` long: fragments every few seconds, through ``assemble``."""
    rng = random.Random(seed)
    turns: list[Turn] = []
    at = 0.0
    speaker = SPEAKERS[0]
    while at < minutes * 60:
        if rng.random() < 0.3:
            speaker = rng.choice(SPEAKERS)
        text = rng.choice(sentences)
        length = 1.0 + len(text) / 15
        fragment = Fragment(speaker[0], speaker[1], text, at, at + length)
        turn, new = assemble(turns[-1] if turns else None, fragment, len(turns) + 1)
        if new:
            turns.append(turn)
        else:
            turns[-1] = turn
        at += length + rng.choice([0.3, 0.5, 2.0, 4.0])
    return turns
