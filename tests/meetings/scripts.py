"""Small scripted meetings for tests, written in the simulator's TOML format."""

from __future__ import annotations

from delegate.sim import Script, parse_script

ASKS = parse_script(
    """
title = "Budget review"
[join]
joining_s = 0.5
waiting_room_s = 0
setup_s = 0.5

[[participants]]
id = 100
name = "Kim Tran"
is_host = true
email = "kim@example.com"

[[participants]]
id = 200
name = "Lee Park"

[[events]]
at = 1.0
who = "Kim Tran"
say = "Let's review the budget for the offsite."

[[events]]
who = "Lee Park"
say = "Sounds good, the numbers look fine to me."

[[events]]
who = "Kim Tran"
chat = "{bot}, who is here?"

[[events]]
after = 8.0
who = "Lee Park"
say = "I will book the venue by Friday."

[[events]]
who = "Kim Tran"
say = "{bot}, what are the action items?"

[[events]]
after = 8.0
who = "Lee Park"
chat = "summary so far please"
to = "only_bot"

[[events]]
after = 8.0
who = "Kim Tran"
say = "Great, thanks everyone. Talk soon."

[[events]]
after = 8.0
end = true
"""
)


def host_alone(*events: str) -> Script:
    """Kim Tran, the host, alone in a meeting with these ``[[events]]`` (TOML bodies)."""
    lines = [
        'title = "Kim alone"',
        "[join]\njoining_s = 0.5\nwaiting_room_s = 0\nsetup_s = 0.5",
        '[[participants]]\nid = 100\nname = "Kim Tran"\nis_host = true',
        *(f"[[events]]\n{event}" for event in events),
    ]
    return parse_script("\n\n".join(lines))


def long_meeting(minutes: int = 10) -> Script:
    """A plain meeting that lasts, so the API can steer the bot while it is in the call."""
    lines = [
        'title = "Long sync"',
        "[join]\njoining_s = 0.5\nwaiting_room_s = 0\nsetup_s = 0.5",
        '[[participants]]\nid = 100\nname = "Kim Tran"\nis_host = true',
        '[[participants]]\nid = 200\nname = "Lee Park"',
    ]
    for i in range(minutes * 4):
        who = "Kim Tran" if i % 2 else "Lee Park"
        lines.append(
            f'[[events]]\nafter = 10.0\nwho = "{who}"\nsay = "Status item number {i} is on track."'
        )
    lines.append("[[events]]\nend = true")
    return parse_script("\n\n".join(lines))


_KIM_AND_LEE = """
[join]
joining_s = 0.5
waiting_room_s = 0
setup_s = 0.5

[[participants]]
id = 100
name = "Kim Tran"
is_host = true

[[participants]]
id = 200
name = "Lee Park"
"""


def kim_and_lee(title: str, events: str) -> Script:
    """A quick-joining meeting of Kim Tran (the host) and Lee Park playing ``events``."""
    return parse_script(f'title = "{title}"\n{_KIM_AND_LEE}\n{events}')
