"""The demo's renewal call, sentence for sentence: who the delegate answers, what it says
and the notes it writes. Each test pins a problem seen in a run of ``delegate demo``."""

from __future__ import annotations

import pytest

from delegate.adapters.llm.offline import OfflineBrain
from delegate.domain.addressing import Reason, is_addressed
from delegate.domain.context import build_context
from delegate.domain.meeting import Action, ActionItem, BrainContext, NotesContext, SendChat, Turn
from delegate.domain.notes import extract_notes
from delegate.domain.summary import RunningSummary
from tests.brain.customer_call import BOT, PEOPLE, bot_reply, customer_call, turn

CALL = customer_call()


def _find(text: str) -> Turn:
    return next(t for t in CALL if text in t.text)


def context(trigger: Turn, before: list[Turn] | None = None) -> BrainContext:
    earlier = [t for t in CALL if t.seq < trigger.seq] if before is None else before
    running = RunningSummary()
    running.extend(earlier)
    return build_context(
        bot_name=BOT,
        backstory="",
        instruction="Keep notes of the renewal call and answer questions.",
        participants=PEOPLE,
        summary=running.text(),
        key_points=running.key_turns(),
        recent=earlier,
        trigger=trigger,
    )


async def reply(trigger: Turn, before: list[Turn] | None = None) -> list[Action]:
    return await OfflineBrain().respond(context(trigger, before))


def text_of(actions: list[Action]) -> str:
    assert len(actions) == 1 and isinstance(actions[0], SendChat), actions
    return actions[0].text


# Addressing


@pytest.mark.parametrize(
    "text",
    [
        "Before we go, Dana, can you include a quote for two hundred and fifty seats as well?",
        "Dana, can you include a quote for two hundred and fifty seats as well?",
        "Can you include a quote for two hundred and fifty seats as well, Dana?",
        "That works, right, Dana?",
        "Okay. So Dana, what does the renewal cost?",
    ],
)
def test_a_question_put_to_another_person_by_name_is_not_a_follow_up(text: str) -> None:
    answer = bot_reply(16, 136.0, "Raj, in the meeting now: Dana Lee (host), Sam Ortiz.")
    question = turn(17, 140.0, "Raj", "say", text)
    assert is_addressed(question, BOT, answer, participants=PEOPLE) is None


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, Dana. What are the action items?",
        "Can you ask Dana about the quote?",
        "and what did Dana say about pricing?",
    ],
)
def test_a_name_that_is_not_spoken_to_keeps_the_follow_up(text: str) -> None:
    answer = bot_reply(16, 136.0, "Raj, in the meeting now: Dana Lee (host), Sam Ortiz.")
    question = turn(17, 140.0, "Raj", "say", text)
    assert is_addressed(question, BOT, answer, participants=PEOPLE) is Reason.FOLLOW_UP


# Replies


async def test_a_greeting_at_the_end_of_a_sentence_gets_a_short_hello() -> None:
    greeting = _find("Hello Ada.")
    assert is_addressed(greeting, BOT, CALL[0], participants=PEOPLE) is Reason.NAMED
    assert text_of(await reply(greeting)) == "Hi Sam!"


async def test_being_brought_along_is_not_a_request() -> None:
    mention = _find("I brought Ada along")
    # Talking about the bot is not talking to it: not even taken as meant for it.
    assert is_addressed(mention, BOT, None, participants=PEOPLE) is None
    assert await reply(mention) == []


async def test_summarize_what_we_agreed_gives_the_summary_so_far() -> None:
    message = text_of(await reply(_find("can you summarize what we agreed so far?")))
    lines = message.splitlines()
    assert lines[0] == "Raj, here's the summary so far:"
    # Commitments first, then the main points, each with its speaker.
    assert lines[1] == "- Dana Lee: I'll confirm the exact date with product."
    assert lines[2].startswith("- Dana Lee: On pricing: for the renewal we can keep you at forty")
    assert "- Sam Ortiz: We need SAML before the security review in October." in lines
    assert "decisions" not in message
    # Pleasantries, the bot's name and the question itself are not points.
    for said in ("Hi Sam", "I brought Ada", "sorry for joining late", "summarize"):
        assert said not in message
    assert len(lines) <= 8 and len(message) <= 1000


@pytest.mark.parametrize(
    "text",
    ["Ada, where are we?", "Ada, recap please", "Ada, what have we agreed so far?"],
)
async def test_other_ways_to_ask_for_the_summary(text: str) -> None:
    message = text_of(await reply(turn(99, 100.0, "Raj", "say", text), CALL[:6]))
    assert message.startswith("Raj, here's the summary so far:")
    assert "forty dollars per seat" in message


async def test_a_follow_up_for_the_room_is_left_to_the_room() -> None:
    summary = bot_reply(8, 72.0, "Raj, here's the summary so far: ...")
    question = _find("One more question about the contract")
    before = [*CALL[: question.seq - 1], summary]
    assert is_addressed(question, BOT, summary, participants=PEOPLE) is Reason.FOLLOW_UP
    assert await reply(question, before) == []


async def test_a_private_request_it_cannot_act_on_is_acknowledged_briefly() -> None:
    request = _find("please keep the pricing details out of the shared notes")
    assert request.to_bot
    assert text_of(await reply(request)) == (
        "Okay Sam, I'll leave the pricing details out of the notes."
    )


async def test_a_question_it_cannot_answer_gets_one_short_sentence() -> None:
    question = turn(99, 100.0, "Raj", "say", "Ada, what's the list price for the enterprise plan?")
    assert text_of(await reply(question)) == (
        "Raj, I can't answer that without a language model; ask me for a summary, action "
        "items, decisions, who said what, or who is here."
    )


async def test_a_task_it_cannot_do_says_so() -> None:
    task = turn(99, 100.0, "Raj", "chat", "Ada, can you email me the proposal?")
    assert text_of(await reply(task)).startswith("Raj, I can't do that without a language model;")


async def test_action_items_split_two_owners_in_one_sentence() -> None:
    message = text_of(await reply(_find("Ada, what are the action items?")))
    assert message.splitlines() == [
        "Grace, action items so far:",
        "- Dana Lee: Confirm the exact date with product",
        "- Dana Lee: Put that in writing in the proposal",
        "- Dana Lee: Send the updated proposal with the two year pricing by Wednesday",
        "- Sam Ortiz: Get the security requirements to you by next Monday",
        "- Sam Ortiz: Check the SAML requirements with the security team",
    ]


# Notes


async def test_notes_of_the_call() -> None:
    notes = await OfflineBrain().write_notes(
        NotesContext(bot_name=BOT, backstory="", instruction="", participants=PEOPLE, turns=CALL)
    )
    assert notes.decisions == []
    assert notes.action_items == [
        ActionItem("Confirm the exact date with product", "Dana Lee"),
        ActionItem("Put that in writing in the proposal", "Dana Lee"),
        # Dana's "Sam will check the SAML requirements" and Sam's "Yes, I'll get the security
        # requirements to you" are one commitment.
        ActionItem("Get the security requirements to you by next Monday", "Sam Ortiz"),
        ActionItem("Include a quote for two hundred and fifty seats as well", "Dana Lee"),
    ]
    assert notes.action_items[2].due == "next monday"
    summary = notes.summary
    assert summary.startswith("Dana Lee, Sam Ortiz, Grace Miller and Raj Patel met for about")
    assert "The main topics were seats, proposal, quote, rate, review and SAML." in summary
    assert "They agreed on 4 action items for Dana Lee and Sam Ortiz." in summary
    # Sam asked the bot privately to keep the pricing details out of the shared notes.
    assert "pricing" not in summary.lower()
    # What was asked of the bot, said to it privately, or said by it is not in the notes.
    for said in ("summarize", "action items?", "keep the pricing details", "Hello Ada"):
        assert said not in summary
    assert len(summary) <= 1200


def test_notes_ignore_questions_to_the_bot_and_its_answers() -> None:
    turns = [
        turn(1, 1.0, "Raj", "say", "Ada, can you summarize what we agreed so far?"),
        bot_reply(2, 5.0, "Raj, here's the summary so far: we decided to go with plan B."),
        turn(3, 9.0, "Grace", "say", "Ada, what are the action items?"),
        turn(4, 12.0, "Dana", "say", "Ada, action item for Sam: book the demo room."),
    ]
    # The bot is known by its name alone, not only as a participant.
    people = [p for p in PEOPLE if not p.is_bot]
    notes = extract_notes(turns, people, bot_name=BOT)
    assert notes.decisions == []
    assert notes.action_items == [ActionItem("Book the demo room", "Sam Ortiz")]
    assert "summarize" not in notes.summary and "plan B" not in notes.summary
