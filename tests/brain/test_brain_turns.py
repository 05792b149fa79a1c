"""Final fragments become turns: one per run of speech by one speaker."""

from __future__ import annotations

from delegate.domain.meeting import TurnSource
from delegate.domain.turns import Fragment, assemble, chat_turn
from tests.brain.meeting_script import build_turns


def frag(speaker_id: int, name: str, text: str, start: float, end: float) -> Fragment:
    return Fragment(speaker_id, name, text, start, end)


def test_first_fragment_starts_a_turn() -> None:
    turn, new = assemble(None, frag(1, "Dana", "Okay, let's start.", 2.0, 3.4), next_seq=1)
    assert new
    assert (turn.seq, turn.speaker, turn.text, turn.start_s, turn.end_s) == (
        1,
        "Dana",
        "Okay, let's start.",
        2.0,
        3.4,
    )
    assert turn.source is TurnSource.SPEECH


def test_same_speaker_after_a_short_gap_extends_the_turn() -> None:
    first, _ = assemble(None, frag(1, "Dana", "First item is", 2.0, 3.0), 1)
    turn, new = assemble(first, frag(1, "Dana", "the launch date.", 3.8, 5.0), 2)
    assert not new
    assert turn.seq == 1
    assert turn.text == "First item is the launch date."
    assert (turn.start_s, turn.end_s) == (2.0, 5.0)


def test_a_pause_ends_the_turn() -> None:
    first, _ = assemble(None, frag(1, "Dana", "Any questions?", 2.0, 3.0), 1)
    turn, new = assemble(first, frag(1, "Dana", "Okay, moving on.", 6.0, 7.0), 2)
    assert new
    assert (turn.seq, turn.text) == (2, "Okay, moving on.")


def test_pause_threshold_is_configurable_and_exclusive() -> None:
    first, _ = assemble(None, frag(1, "Dana", "One", 0.0, 1.0), 1)
    assert assemble(first, frag(1, "Dana", "two", 2.5, 3.0), 2)[1]  # gap 1.5 == pause: new
    assert not assemble(first, frag(1, "Dana", "two", 2.5, 3.0), 2, pause_s=2.0)[1]


def test_another_speaker_starts_a_new_turn_even_without_a_gap() -> None:
    first, _ = assemble(None, frag(1, "Dana", "What do you think,", 0.0, 1.0), 1)
    turn, new = assemble(first, frag(2, "Priya", "I think it's fine.", 1.0, 2.0), 2)
    assert new
    assert turn.speaker == "Priya"


def test_same_name_but_different_id_is_a_different_speaker() -> None:
    first, _ = assemble(None, frag(1, "Alex", "Hi", 0.0, 1.0), 1)
    assert assemble(first, frag(2, "Alex", "Hello", 1.2, 2.0), 2)[1]


def test_without_ids_the_name_decides() -> None:
    first, _ = assemble(None, Fragment(None, "Guest", "hello", 0.0, 1.0), 1)
    assert not assemble(first, Fragment(None, "Guest", "there", 1.1, 2.0), 2)[1]
    assert assemble(first, Fragment(None, "Other guest", "hi", 1.1, 2.0), 2)[1]


def test_overlapping_fragment_still_extends() -> None:
    first, _ = assemble(None, frag(1, "Sam", "The build", 10.0, 12.0), 1)
    turn, new = assemble(first, frag(1, "Sam", "is green", 11.5, 13.0), 2)
    assert not new
    assert turn.end_s == 13.0


def test_chat_is_never_extended_by_speech() -> None:
    message = chat_turn(1, 1, "Dana", "link in chat", 5.0)
    turn, new = assemble(message, frag(1, "Dana", "as I said", 5.1, 6.0), 2)
    assert new
    assert turn.source is TurnSource.SPEECH


def test_bot_speech_and_human_speech_do_not_merge() -> None:
    bot, _ = assemble(None, Fragment(99, "Ada", "Here is the summary.", 0.0, 2.0, by_bot=True), 1)
    assert bot.by_bot
    assert assemble(bot, Fragment(99, "Ada", "thanks", 2.1, 3.0), 2)[1]


def test_realistic_script_groups_by_speaker_and_pause() -> None:
    turns = build_turns()
    assert [t.seq for t in turns] == list(range(1, len(turns) + 1))
    assert turns[0].text == (
        "Okay, let's get started. First item is the launch date for the mobile app."
    )
    assert turns[2].speaker == "Sam Okafor"
    assert "I'll fix the login bug before Thursday." in turns[2].text
    assert sum(t.source is TurnSource.CHAT for t in turns) == 2
