"""Meetings where the delegate is asked things aloud, in the simulator's script format."""

from __future__ import annotations

from delegate.sim import parse_script

_PEOPLE = """
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

_ASKED = f"""
{_PEOPLE}
[[events]]
at = 1.0
who = "Kim Tran"
say = "Let's review the budget for the offsite."

[[events]]
who = "Lee Park"
say = "I will book the venue by Friday."

[[events]]
who = "Kim Tran"
say = "{{bot}}, who is here?"
"""

ASKED_ALOUD = parse_script(
    f"""
title = "Asked aloud"
{_ASKED}
[[events]]
after = 60.0
end = true
"""
)

ASKED_ALOUD_LONG = parse_script(
    f"""
title = "Asked aloud, then a long quiet"
{_ASKED}
[[events]]
after = 3600.0
end = true
"""
)
"""The same question with an hour of quiet after it: long enough for any answer to be spoken
whole on a slow machine; the test ends the meeting itself."""

TALKED_OVER = parse_script(
    f"""
title = "Talked over"
{_PEOPLE}
[[events]]
at = 1.0
who = "Kim Tran"
say = "Let's review the budget for the offsite."

[[events]]
who = "Lee Park"
say = "I will book the venue by Friday, and Kim will send the agenda."

[[events]]
who = "Kim Tran"
say = "{{bot}}, what is the summary so far?"

[[events]]
after = 15.0
end = true

[[on_bot_speech]]
after = 0.3
who = "Lee Park"
say = "Hold on, one moment please."
"""
)
