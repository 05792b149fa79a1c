"""When is the delegate addressed? Cheap rules, before any model."""

from __future__ import annotations

import pytest

from delegate.domain.addressing import Reason, is_addressed, is_question, mentions, name_variants
from delegate.domain.meeting import Participant
from tests.brain.meeting_script import BOT, PARTICIPANTS, chat, speech


def test_chat_sent_only_to_the_bot() -> None:
    turn = chat(5, "Dana", "can you send me the notes afterwards", 60.0, to_bot=True)
    assert is_addressed(turn, BOT, None, 60.0) is Reason.DIRECT_CHAT


@pytest.mark.parametrize(
    "text",
    [
        "Ada, what did we decide about pricing?",
        "ada what's the summary so far",
        "Thanks Ada.",
        "@Ada Notes can you list the action items",
        "Hey Ada Notes!",
        "I think Ada's notes will have it, Ada can you check",
        "ADA: leave the call please",
        "Ada\u2019s summary please",
        "adanotes are you there",
        "okay ada notes summarize",
    ],
)
def test_naming_the_bot_in_chat_or_speech(text: str) -> None:
    assert is_addressed(chat(5, "Dana", text, 60.0), BOT, None) is Reason.NAMED
    assert is_addressed(speech(5, "Dana", text, 60.0), BOT, None) is Reason.NAMED


def test_speech_recognition_splitting_a_name_still_counts() -> None:
    turn = speech(5, "Dana", "note taker can you recap the last ten minutes", 60.0)
    assert is_addressed(turn, "NoteTaker", None) is Reason.NAMED
    joined = speech(6, "Dana", "notetaker please recap", 61.0)
    assert is_addressed(joined, "Note Taker", None) is Reason.NAMED


@pytest.mark.parametrize(
    "text",
    [
        "Adam, can you share your screen?",
        "Our office in Canada is closed on Monday.",
        "We need an adaptive layout for tablets.",
        "The adapter pattern keeps this clean.",
        "Nada, nothing new from my side.",
        "Let's check the notes from last week.",
    ],
)
def test_similar_names_and_names_inside_words_do_not_count(text: str) -> None:
    assert is_addressed(speech(5, "Dana", text, 60.0), BOT, None) is None


def test_generic_words_of_the_name_do_not_count_alone() -> None:
    assert "meeting" not in name_variants("Meeting Bot")
    turn = speech(5, "Dana", "This meeting is running long.", 60.0)
    assert is_addressed(turn, "Meeting Bot", None) is None
    assert is_addressed(speech(6, "Dana", "Meeting Bot, recap please", 61.0), "Meeting Bot", None)


def test_a_human_sharing_the_bots_first_name_disables_the_short_name() -> None:
    people = [*PARTICIPANTS, Participant(7, "Ada Lovelace")]
    turn = speech(5, "Dana", "Ada, can you walk us through the numbers?", 60.0)
    assert is_addressed(turn, BOT, None, participants=people) is None
    full = speech(6, "Dana", "Ada Notes, can you recap?", 61.0)
    assert is_addressed(full, BOT, None, participants=people) is Reason.NAMED


def test_the_bots_own_turns_are_never_addressed() -> None:
    own = chat(5, BOT, "Ada Notes here: what else can I help with?", 60.0, by_bot=True)
    assert is_addressed(own, BOT, None) is None


def test_question_right_after_the_bot_spoke_is_a_follow_up() -> None:
    answer = chat(4, BOT, "Dana, decisions so far: launch on March 3rd.", 50.0, by_bot=True)
    follow = speech(5, "Dana", "and who owns the launch checklist?", 58.0)
    assert is_addressed(follow, BOT, answer) is Reason.FOLLOW_UP
    spoken = speech(6, "Dana", "can you also list the action items", 59.0)
    assert is_addressed(spoken, BOT, answer) is Reason.FOLLOW_UP


def test_follow_up_window_expires() -> None:
    answer = chat(4, BOT, "Here is the summary.", 50.0, by_bot=True)
    late = speech(5, "Dana", "what about the budget?", 95.0)
    assert is_addressed(late, BOT, answer) is None
    assert is_addressed(late, BOT, answer, now_s=60.0) is Reason.FOLLOW_UP


def test_statement_after_the_bot_spoke_is_not_a_follow_up() -> None:
    answer = chat(4, BOT, "Here is the summary.", 50.0, by_bot=True)
    assert is_addressed(speech(5, "Dana", "Great, thanks.", 52.0), BOT, answer) is None
    assert is_addressed(speech(5, "Sam", "The build is green now.", 52.0), BOT, answer) is None


def test_question_to_another_person_after_the_bot_spoke_is_not_for_the_bot() -> None:
    answer = chat(4, BOT, "Here is the summary.", 50.0, by_bot=True)
    to_priya = speech(5, "Dana", "Priya, can you take the pricing draft?", 52.0)
    assert is_addressed(to_priya, BOT, answer, participants=PARTICIPANTS) is None
    to_sam = speech(6, "Dana", "does that work for you, Sam?", 52.0)
    assert is_addressed(to_sam, BOT, answer, participants=PARTICIPANTS) is None


def test_a_name_that_is_also_a_word_does_not_hide_a_follow_up() -> None:
    people = [*PARTICIPANTS, Participant(8, "Will Turner")]
    answer = chat(4, BOT, "Here is the summary.", 50.0, by_bot=True)
    turn = speech(5, "Dana", "will you also list the decisions?", 52.0)
    assert is_addressed(turn, BOT, answer, participants=people) is Reason.FOLLOW_UP


def test_questions_between_participants_stay_quiet() -> None:
    previous = speech(4, "Priya", "The beta feedback was positive.", 40.0)
    question = speech(5, "Sam", "What was the crash rate?", 45.0)
    assert is_addressed(question, BOT, previous) is None
    assert is_addressed(speech(6, "Dana", "Okay, moving on.", 50.0), BOT, question) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What did we decide?", True),
        ("so what did we decide", True),
        ("um could you repeat that", True),
        ("please list the action items", True),
        ("is there anything else", True),
        ("that sounds good", False),
        ("we can revisit that next week", False),
        ("", False),
    ],
)
def test_is_question(text: str, expected: bool) -> None:
    assert is_question(text) is expected


def test_mentions_needs_whole_tokens() -> None:
    variants = name_variants("Ada")
    assert mentions("ask Ada", variants)
    assert not mentions("a da", variants)
    assert not mentions("adaline", variants)
    assert not mentions("anything", set())
