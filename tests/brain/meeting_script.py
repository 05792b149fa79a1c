"""A realistic meeting, as the pipeline would see it: final fragments and chat messages.

Turns are built with the real ``assemble`` so tests downstream of turns run on what the
pipeline produces, not on hand-made turns.
"""

from __future__ import annotations

from dataclasses import dataclass

from delegate.domain.meeting import Participant, Turn
from delegate.domain.turns import Fragment, assemble, chat_turn

BOT = "Ada Notes"
BOT_ID = 99

PARTICIPANTS = [
    Participant(1, "Dana Whitfield", is_host=True),
    Participant(2, "Priya Raman"),
    Participant(3, "Sam Okafor"),
    Participant(4, "Lee Chen", present=False),
    Participant(BOT_ID, BOT, is_bot=True),
]
_IDS = {p.name.split()[0]: p.id for p in PARTICIPANTS}
_NAMES = {p.name.split()[0]: p.name for p in PARTICIPANTS}


@dataclass(frozen=True)
class Say:
    who: str
    text: str
    at: float
    length: float = 3.0


@dataclass(frozen=True)
class Chat:
    who: str
    text: str
    at: float
    to_bot: bool = False


SCRIPT: list[Say | Chat] = [
    Say("Dana", "Okay, let's get started.", 2.0, 1.5),
    Say("Dana", "First item is the launch date for the mobile app.", 4.0, 3.0),
    Say("Priya", "The beta feedback was mostly positive.", 9.0),
    Say("Priya", "Crash rate is down to half a percent on Android.", 12.6),
    Say("Sam", "The iOS build still has the login bug though.", 18.0),
    Say("Sam", "I'll fix the login bug before Thursday.", 21.9),
    Say("Dana", "Good. So we decided to launch on March 3rd.", 27.0),
    Say("Priya", "Agreed. Let's go with the phased rollout, ten percent first.", 33.0),
    Chat("Lee", "Sorry I can't join, but the pricing page copy is ready for review.", 38.0),
    Say("Dana", "Next topic is pricing. Priya will send the pricing draft by Friday.", 45.0),
    Say("Sam", "Do we keep the free tier?", 52.0),
    Say("Priya", "I think the free tier stays, but with a cap of three projects.", 55.0),
    Say("Dana", "Action item: Sam to update the roadmap slide.", 63.0),
    Say("Dana", "Priya, can you book the user interviews by next Wednesday?", 70.0),
    Say("Priya", "Sure, I'll do it.", 75.0, 1.0),
    Chat("Sam", "here is the dashboard https://grafana.example.com/d/launch", 80.0),
]


def build_turns(script: list[Say | Chat] | None = None) -> list[Turn]:
    """The script's turns, speech grouped by ``assemble`` exactly like the pipeline does."""
    turns: list[Turn] = []
    for line in script or SCRIPT:
        last = turns[-1] if turns else None
        if isinstance(line, Chat):
            turns.append(
                chat_turn(
                    len(turns) + 1,
                    _IDS.get(line.who),
                    _NAMES.get(line.who, line.who),
                    line.text,
                    line.at,
                    to_bot=line.to_bot,
                )
            )
            continue
        fragment = Fragment(
            _IDS[line.who], _NAMES[line.who], line.text, line.at, line.at + line.length
        )
        turn, new = assemble(last, fragment, len(turns) + 1)
        if new:
            turns.append(turn)
        else:
            turns[-1] = turn
    return turns


def speech(seq: int, who: str, text: str, at: float, *, by_bot: bool = False) -> Turn:
    fragment = Fragment(
        _IDS.get(who, BOT_ID if by_bot else None),
        _NAMES.get(who, who),
        text,
        at,
        at + 2.0,
        by_bot=by_bot,
    )
    return assemble(None, fragment, seq)[0]


def chat(
    seq: int, who: str, text: str, at: float, *, to_bot: bool = False, by_bot: bool = False
) -> Turn:
    return chat_turn(
        seq,
        _IDS.get(who, BOT_ID if by_bot else None),
        _NAMES.get(who, who),
        text,
        at,
        to_bot=to_bot,
        by_bot=by_bot,
    )
