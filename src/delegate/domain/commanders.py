"""Who may command the delegate in a meeting, and what happens to a command nobody may give.

A delegate acts for its owner. Anyone may ask it questions, but meeting commands (leave,
pause or resume the recording, share or stop sharing a page) are obeyed only from the people
its bot allows: the host by default, everyone, or a list of names and emails. A refused
command, or a page the delegate may not show, is answered politely in the chat and recorded;
it never reaches Recall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from delegate.domain.errors import InvalidInput
from delegate.domain.meeting import (
    Action,
    LeaveMeeting,
    Participant,
    PauseRecording,
    ResumeRecording,
    SendChat,
    StartScreenshare,
    StopScreenshare,
)
from delegate.domain.validation import page_url_problem, text_problem

HOST = "host"
"""The meeting's host (the platform's host flag, as Recall reports it)."""
EVERYONE = "everyone"
DEFAULT_COMMANDERS = (HOST,)
MAX_COMMANDERS = 100
MAX_COMMANDER_CHARS = 256

_WHAT = {
    LeaveMeeting: "leave the meeting",
    PauseRecording: "pause the recording",
    ResumeRecording: "resume the recording",
    StartScreenshare: "share a page",
    StopScreenshare: "stop sharing",
}


def parse_commanders(value: object, field: str = "commanders") -> tuple[str, ...]:
    """The list as it will be stored: stripped, without repeats, ``host`` and ``everyone``
    lowercased. Raises ``InvalidInput`` naming ``field`` for anything else."""
    if not isinstance(value, list) or not value:
        raise InvalidInput(
            f'"{field}" must be a non-empty list: "host", "everyone", names or emails'
        )
    if len(value) > MAX_COMMANDERS:
        raise InvalidInput(f'"{field}" may name at most {MAX_COMMANDERS} people')
    cleaned: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise InvalidInput(f'"{field}.{index}" must be a name, an email, "host" or "everyone"')
        name = item.strip()
        problem = text_problem(name)
        if problem:
            raise InvalidInput(f'"{field}.{index}" {problem}')
        if len(name) > MAX_COMMANDER_CHARS:
            raise InvalidInput(
                f'"{field}.{index}" must be at most {MAX_COMMANDER_CHARS} characters'
            )
        if name.lower() in (HOST, EVERYONE):
            name = name.lower()
        if name.casefold() not in (seen.casefold() for seen in cleaned):
            cleaned.append(name)
    return tuple(cleaned)


def may_command(commanders: Sequence[str], speaker: Participant | None) -> bool:
    """Whether ``speaker`` may give the delegate meeting commands. Names compare without case;
    an email only matches a participant whose platform reported that email."""
    if EVERYONE in commanders:
        return True
    if speaker is None or speaker.is_bot:
        return False
    if HOST in commanders and speaker.is_host:
        return True
    wanted = {c.casefold() for c in commanders if c not in (HOST, EVERYONE)}
    known = {speaker.name.strip().casefold()}
    if speaker.email:
        known.add(speaker.email.strip().casefold())
    return bool(wanted & known)


def is_command(action: Action) -> bool:
    return not isinstance(action, SendChat)


@dataclass(frozen=True)
class Refusal:
    action: Action
    reason: str
    """Why it was refused, for the record (``replies`` of the session)."""
    page_problem: str | None = None
    """Set when the command was allowed but the page may not be shown."""


@dataclass(frozen=True)
class Screened:
    actions: list[Action]
    """What the delegate does for this turn: the brain's answer, or a polite refusal."""
    refused: list[Refusal]


def _who_may(commanders: Sequence[str]) -> str:
    if list(commanders) == [HOST]:
        return "only the host"
    if HOST in commanders:
        return "only the host and the people my owner named"
    return "only the people my owner named"


def screen_actions(
    actions: Sequence[Action], commanders: Sequence[str], speaker: Participant | None, asker: str
) -> Screened:
    """Keep what ``speaker`` may ask for; when something is refused, the brain's own chat for
    the turn (which announces the command) is replaced by one refusal that says why."""
    allowed = may_command(commanders, speaker)
    refused: list[Refusal] = []
    kept: list[Action] = []
    for action in actions:
        if is_command(action) and not allowed:
            refused.append(Refusal(action, f"{asker or 'this participant'} may not command"))
            continue
        problem = page_url_problem(action.url) if isinstance(action, StartScreenshare) else None
        if problem:
            refused.append(Refusal(action, f"the page {problem}", problem))
            continue
        kept.append(action)
    if not refused:
        return Screened(list(actions), [])
    commands = [a for a in kept if is_command(a)]
    return Screened([*commands, SendChat(_refusal_text(refused, commanders, asker))], refused)


def _refusal_text(refused: list[Refusal], commanders: Sequence[str], asker: str) -> str:
    first = refused[0]
    what = _WHAT[type(first.action)]
    greeting = f"Sorry {asker}" if asker else "Sorry"
    if first.page_problem:
        return f"{greeting}, I can't share that page: its address {first.page_problem}."
    return f"{greeting}, I can't {what} for you: {_who_may(commanders)} can ask me to do that."
