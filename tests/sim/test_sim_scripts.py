"""The script format: shipped scripts, timing rules, and the errors a script author sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from simkit import TINY_SCRIPT

from delegate.sim import ScriptError, expand, load_script, parse_script, shipped_scripts
from delegate.sim.scripts import SECONDS_PER_WORD


def test_three_realistic_scripts_are_shipped() -> None:
    assert {"standup", "planning", "customer-call"} <= set(shipped_scripts())
    for name in shipped_scripts():
        script = load_script(name)
        assert script.length_s >= 150, name
        assert len(script.participants) >= 3
        assert any(p.is_host for p in script.participants)


def test_planning_has_decisions_and_owned_action_items() -> None:
    texts = [e.text or "" for e in load_script("planning").events]
    assert any("we decided" in t.lower() for t in texts)
    assert any("let's go with" in t.lower() for t in texts)
    assert any("Priya will" in t and "Friday" in t for t in texts)


def test_customer_call_addresses_the_bot_in_speech_and_chat() -> None:
    events = load_script("customer-call").events
    said = [e.text or "" for e in events if e.kind == "say"]
    chats = [e for e in events if e.kind == "chat"]
    assert any(t.startswith("{bot}, can you summarize what we agreed so far?") for t in said)
    assert any(t == "{bot}, what are the action items?" for t in said)
    assert any(c.text == "{bot}, what did Dana say about pricing?" for c in chats)
    assert any(c.to == "only_bot" for c in chats)
    assert any(c.text == "who is here?" for c in chats)
    pricing = [t for t in said if "dollars per seat" in t]
    assert pricing
    assert {
        e.who.name for e in events if e.kind == "say" and "dollars" in (e.text or "") and e.who
    } == {"Dana Lee"}


def test_after_counts_from_the_end_of_the_previous_speech() -> None:
    script = parse_script(
        """
        title = "t"
        [[participants]]
        id = 1
        name = "Kim"
        [[events]]
        at = 2
        who = "Kim"
        say = "one two three four five"
        [[events]]
        after = 1.5
        who = "Kim"
        chat = "next"
        [[events]]
        who = "Kim"
        chat = "default gap"
        """
    )
    say, chat, second = script.events
    assert say.duration == pytest.approx(5 * SECONDS_PER_WORD)
    assert chat.at == pytest.approx(2 + 5 * SECONDS_PER_WORD + 1.5)
    assert second.at == pytest.approx(chat.at + 1.0)


def test_bot_placeholder_is_filled_in_speech_and_chat() -> None:
    moments = expand(parse_script(TINY_SCRIPT), "Ada")
    texts = {m.text for m in moments if m.text} | {
        " ".join(w.text for w in m.words) for m in moments if m.event == "transcript.data"
    }
    assert texts == {"hi Ada", "Hello Ada how are you"}


def test_speech_becomes_speech_on_partials_final_and_speech_off() -> None:
    moments = [m for m in expand(parse_script(TINY_SCRIPT), "Ada") if m.index == 0]
    assert [m.event for m in moments] == [
        "participant_events.speech_on",
        "transcript.partial_data",
        "transcript.data",
        "participant_events.speech_off",
    ]
    assert moments[0].at == 1.0
    assert moments[-1].at == 3.0


def test_load_script_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(TINY_SCRIPT)
    assert load_script(path).name == "mine"
    assert load_script(str(path)).title == "Tiny"


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ('[[events]]\nwho = "Nobody"\nsay = "hi"', "unknown participant"),
        ('[[events]]\nat = 1\nafter = 1\nwho = "Kim"\nsay = "hi"', "both at and after"),
        ('[[events]]\nwho = "Kim"\nsay = "hi"\nchat = "hi"', "exactly one of"),
        (
            '[[events]]\nend = true\n[[events]]\nwho = "Kim"\nsay = "late"',
            "after the meeting ended",
        ),
        ('[[events]]\njoin = "Kim"', "already in the meeting"),
        ('[[events]]\nleave = "Lou"', "not in the meeting"),
        ('[[events]]\nwho = "Lou"\nsay = "hi"', "not in the meeting"),
        ('[[events]]\nwho = "Kim"\nchat = "hi"\nto = "host"', "to must be one of"),
        ("[[events]]\nat = 5\nend = true\n", ""),
        ('[[events]]\nat = 5\nwho = "Kim"\nsay = "a"\n[[events]]\nat = 1\nend = true', "earlier"),
    ],
)
def test_script_errors_name_the_problem(events: str, message: str) -> None:
    text = (
        'title = "t"\n[[participants]]\nid = 1\nname = "Kim"\n'
        '[[participants]]\nid = 2\nname = "Lou"\npresent = false\n' + events
    )
    if not message:
        assert parse_script(text, "ok").events[-1].sub_code == "call_ended_by_host"
        return
    with pytest.raises(ScriptError) as caught:
        parse_script(text, "broken")
    assert str(caught.value).startswith("broken: ")
    assert message in str(caught.value)


def test_unknown_shipped_script_lists_the_known_ones() -> None:
    with pytest.raises(ScriptError, match="standup"):
        load_script("nope")
    with pytest.raises(ScriptError, match="title"):
        parse_script("x = 1")
    with pytest.raises(ScriptError, match="not valid TOML"):
        parse_script("title = ")
