"""Scripted meetings: the TOML format, its loader and the shipped scripts.

A script says who is in the meeting and what they do, in simulated seconds from the moment the
bot starts recording. Format (see docs/simulator.md for the full reference)::

    title = "Daily stand-up"
    platform = "google_meet"            # informational

    [join]                              # optional, simulated seconds
    joining_s = 2.0                     # joining_call -> waiting room
    waiting_room_s = 3.0                # time in the waiting room (0: no waiting room)
    setup_s = 1.0                       # in_call_not_recording -> in_call_recording

    [[participants]]
    id = 100
    name = "Priya Shah"
    is_host = true
    present = true                      # already there when the bot arrives (default)
    email = "priya@example.com"         # sent as the participant's email (default: none)

    [[events]]
    at = 4.0                            # or: after = 1.5 (seconds after the previous event ended)
    who = "Priya Shah"
    say = "Morning {bot}!"              # one of: say, chat, join, leave, end

    [[events]]
    who = "Priya Shah"
    chat = "{bot}, are you there?"
    to = "only_bot"                     # or "everyone" (default)

    [[events]]
    end = "call_ended_by_host"          # or true; the call_ended sub_code

    [[on_bot_speech]]                   # the first time the bot speaks (output_audio), ...
    after = 0.5                         # ... this long after it started, ...
    who = "Priya Shah"
    say = "Hold on, one moment."        # ... someone talks over it (the next one: the 2nd time)

``{bot}`` in a text becomes the bot's name when the meeting is played.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

EventKind = Literal["join", "leave", "say", "chat", "end"]
EVENT_KINDS: tuple[EventKind, ...] = ("say", "chat", "join", "leave", "end")
CHAT_RECIPIENTS = ("everyone", "only_bot")
SECONDS_PER_WORD = 0.4
DEFAULT_GAP_S = 1.0


class ScriptError(ValueError):
    """A script cannot be loaded; the message names the script and the offending entry."""


@dataclass(frozen=True)
class ScriptParticipant:
    id: int
    name: str
    is_host: bool = False
    present: bool = True
    platform: str | None = "desktop"
    email: str | None = None


@dataclass(frozen=True)
class ScriptEvent:
    at: float
    """Simulated seconds from the start of recording."""
    kind: EventKind
    who: ScriptParticipant | None = None
    text: str | None = None
    """Speech or chat text, ``{bot}`` not yet replaced."""
    to: str = "everyone"
    duration: float = 0.0
    """How long the speech lasts (0 for everything but ``say``)."""
    sub_code: str | None = None
    """For ``end``: the call_ended sub_code."""


@dataclass(frozen=True)
class JoinTiming:
    joining_s: float = 2.0
    waiting_room_s: float = 3.0
    setup_s: float = 1.0


@dataclass(frozen=True)
class Script:
    name: str
    title: str
    platform: str | None
    participants: tuple[ScriptParticipant, ...]
    events: tuple[ScriptEvent, ...]
    join: JoinTiming = JoinTiming()
    description: str = ""
    reactions: tuple[ScriptEvent, ...] = ()
    """``say`` events played when the bot speaks (the n-th for its n-th clip); ``at`` is
    seconds after the clip started."""

    @property
    def length_s(self) -> float:
        """When the last scripted event finishes."""
        return max((e.at + e.duration for e in self.events), default=0.0)


def speech_duration(text: str) -> float:
    return round(max(0.8, len(text.split()) * SECONDS_PER_WORD), 3)


def shipped_scripts() -> list[str]:
    """Names of the scripts bundled with the simulator."""
    folder = resources.files("delegate.sim") / "scripts"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def load_script(source: str | Path) -> Script:
    """Load a shipped script by name (``standup``) or a script file by path."""
    path = Path(source)
    if isinstance(source, str) and not source.endswith(".toml") and "/" not in source:
        shipped = resources.files("delegate.sim") / "scripts" / f"{source}.toml"
        if not shipped.is_file():
            known = ", ".join(shipped_scripts())
            raise ScriptError(f"no shipped script named {source!r} (known: {known})")
        return parse_script(shipped.read_text(encoding="utf-8"), name=source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptError(f"cannot read script {str(path)!r}: {exc.strerror}") from exc
    return parse_script(text, name=path.stem)


def parse_script(text: str, name: str = "script") -> Script:
    """Parse and check a script's TOML text."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScriptError(f"{name}: not valid TOML: {exc}") from exc
    return _Parser(name).script(raw)


class _Parser:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, message: str) -> ScriptError:
        return ScriptError(f"{self.name}: {message}")

    def script(self, raw: dict[str, Any]) -> Script:
        title = raw.get("title")
        if not isinstance(title, str) or not title:
            raise self.fail("a script needs a title")
        platform = raw.get("platform")
        participants = self.participants(raw.get("participants", []))
        events = self.events(raw.get("events", []), participants)
        return Script(
            name=self.name,
            title=title,
            platform=platform if isinstance(platform, str) else None,
            participants=participants,
            events=events,
            join=self.timing(raw.get("join", {})),
            description=str(raw.get("description", "")),
            reactions=self.reactions(raw.get("on_bot_speech", []), participants),
        )

    def reactions(
        self, raw: Any, participants: tuple[ScriptParticipant, ...]
    ) -> tuple[ScriptEvent, ...]:
        if not isinstance(raw, list):
            raise self.fail("on_bot_speech must be an array of tables")
        by_name = {p.name: p for p in participants}
        present = {p.name for p in participants}
        found: list[ScriptEvent] = []
        for index, item in enumerate(raw):
            where = f"on_bot_speech[{index}]"
            if not isinstance(item, dict) or "say" not in item:
                raise self.fail(f"{where} must be a table with who and say")
            after = item.get("after", 0.5)
            if not isinstance(after, int | float) or after < 0:
                raise self.fail(f"{where}.after must be a number >= 0")
            found.append(self.event("say", item, float(after), where, by_name, present))
        return tuple(found)

    def timing(self, raw: Any) -> JoinTiming:
        if not isinstance(raw, dict):
            raise self.fail("[join] must be a table")
        values = {}
        for key in ("joining_s", "waiting_room_s", "setup_s"):
            if key in raw:
                value = raw[key]
                if not isinstance(value, int | float) or value < 0:
                    raise self.fail(f"join.{key} must be a number >= 0")
                values[key] = float(value)
        return JoinTiming(**values)

    def participants(self, raw: Any) -> tuple[ScriptParticipant, ...]:
        if not isinstance(raw, list):
            raise self.fail("participants must be an array of tables")
        found: list[ScriptParticipant] = []
        for index, item in enumerate(raw):
            where = f"participants[{index}]"
            if not isinstance(item, dict):
                raise self.fail(f"{where} must be a table")
            pid, name = item.get("id"), item.get("name")
            if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
                raise self.fail(f"{where}.id must be a positive integer")
            if not isinstance(name, str) or not name.strip():
                raise self.fail(f"{where}.name must be a non-empty string")
            if any(p.id == pid or p.name == name for p in found):
                raise self.fail(f"{where} repeats the id or name of another participant")
            email = item.get("email")
            if email is not None and not isinstance(email, str):
                raise self.fail(f"{where}.email must be a string")
            found.append(
                ScriptParticipant(
                    id=pid,
                    name=name,
                    is_host=bool(item.get("is_host", False)),
                    present=bool(item.get("present", True)),
                    platform=item.get("platform", "desktop"),
                    email=email,
                )
            )
        return tuple(found)

    def events(
        self, raw: Any, participants: tuple[ScriptParticipant, ...]
    ) -> tuple[ScriptEvent, ...]:
        if not isinstance(raw, list):
            raise self.fail("events must be an array of tables")
        by_name = {p.name: p for p in participants}
        present = {p.name for p in participants if p.present}
        events: list[ScriptEvent] = []
        previous_end = 0.0
        for index, item in enumerate(raw):
            where = f"events[{index}]"
            if not isinstance(item, dict):
                raise self.fail(f"{where} must be a table")
            if events and events[-1].kind == "end":
                raise self.fail(f"{where} comes after the meeting ended")
            kinds = [k for k in EVENT_KINDS if k in item]
            if len(kinds) != 1:
                raise self.fail(f"{where} needs exactly one of {', '.join(EVENT_KINDS)}")
            kind = kinds[0]
            at = self.time(item, where, previous_end, events[-1].at if events else 0.0)
            event = self.event(kind, item, at, where, by_name, present)
            events.append(event)
            previous_end = at + event.duration
        return tuple(events)

    def time(self, item: dict[str, Any], where: str, previous_end: float, last_at: float) -> float:
        if "at" in item and "after" in item:
            raise self.fail(f"{where} has both at and after")
        if "at" in item:
            at = item["at"]
            if not isinstance(at, int | float) or at < 0:
                raise self.fail(f"{where}.at must be a number >= 0")
            if at < last_at:
                raise self.fail(f"{where}.at is earlier than the previous event")
            return float(at)
        after = item.get("after", DEFAULT_GAP_S)
        if not isinstance(after, int | float) or after < 0:
            raise self.fail(f"{where}.after must be a number >= 0")
        return round(previous_end + float(after), 3)

    def event(
        self,
        kind: EventKind,
        item: dict[str, Any],
        at: float,
        where: str,
        by_name: dict[str, ScriptParticipant],
        present: set[str],
    ) -> ScriptEvent:
        if kind == "end":
            value = item["end"]
            sub_code = "call_ended_by_host" if value is True else value
            if not isinstance(sub_code, str) or not sub_code:
                raise self.fail(f"{where}.end must be true or a call_ended sub_code")
            return ScriptEvent(at=at, kind="end", sub_code=sub_code)
        if kind in ("join", "leave"):
            who = self.who(item[kind], where, by_name)
            if kind == "join" and who.name in present:
                raise self.fail(f"{where}: {who.name} joins but is already in the meeting")
            if kind == "leave" and who.name not in present:
                raise self.fail(f"{where}: {who.name} leaves but is not in the meeting")
            (present.add if kind == "join" else present.discard)(who.name)
            return ScriptEvent(at=at, kind=kind, who=who)
        who = self.who(item.get("who"), where, by_name)
        if who.name not in present:
            raise self.fail(f"{where}: {who.name} is not in the meeting")
        text = item[kind]
        if not isinstance(text, str) or not text.strip():
            raise self.fail(f"{where}.{kind} must be a non-empty string")
        if kind == "chat":
            to = item.get("to", "everyone")
            if to not in CHAT_RECIPIENTS:
                raise self.fail(f"{where}.to must be one of {', '.join(CHAT_RECIPIENTS)}")
            return ScriptEvent(at=at, kind="chat", who=who, text=text, to=to)
        duration = item.get("duration", speech_duration(text))
        if not isinstance(duration, int | float) or duration <= 0:
            raise self.fail(f"{where}.duration must be a positive number")
        return ScriptEvent(at=at, kind="say", who=who, text=text, duration=float(duration))

    def who(
        self, value: Any, where: str, by_name: dict[str, ScriptParticipant]
    ) -> ScriptParticipant:
        if not isinstance(value, str) or value not in by_name:
            raise self.fail(f"{where} names an unknown participant {value!r}")
        return by_name[value]
