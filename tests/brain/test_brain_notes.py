"""Offline notes: decisions, action items with owners, a short summary."""

from __future__ import annotations

import re

import pytest

from delegate.domain.meeting import ActionItem
from delegate.domain.notes import decision_in, extract_action_items, extract_notes
from tests.brain.meeting_script import PARTICIPANTS, build_turns, chat, speech
from tests.brain.synthetic import meeting


def items(*texts: tuple[str, str]) -> list[ActionItem]:
    turns = [speech(i + 1, who, text, 10.0 * i) for i, (who, text) in enumerate(texts)]
    return extract_action_items(turns, PARTICIPANTS)


def test_realistic_meeting_notes() -> None:
    notes = extract_notes(build_turns(), PARTICIPANTS)
    assert notes.decisions == [
        "We decided to launch on March 3rd.",
        "Let's go with the phased rollout, ten percent first.",
    ]
    assert notes.action_items == [
        ActionItem("Fix the login bug before Thursday", "Sam Okafor"),
        ActionItem("Send the pricing draft by Friday", "Priya Raman"),
        ActionItem("Update the roadmap slide", "Sam Okafor"),
        ActionItem("Book the user interviews by next Wednesday", "Priya Raman"),
    ]
    assert notes.summary.startswith(
        "Dana Whitfield, Priya Raman, Sam Okafor and Lee Chen met for about 1 min"
    )
    assert "The main topics were" in notes.summary
    assert "pricing" in notes.summary


def test_named_owner_will() -> None:
    assert items(("Dana", "Priya will send the draft by Friday.")) == [
        ActionItem("Send the draft by Friday", "Priya Raman")
    ]


def test_first_person_commitment_belongs_to_the_speaker() -> None:
    assert items(("Sam", "Okay, I'll update the roadmap.")) == [
        ActionItem("Update the roadmap", "Sam Okafor")
    ]


def test_explicit_action_item_with_and_without_owner() -> None:
    assert items(
        ("Dana", "Action item: check the vendor contract."),
        ("Dana", "Action item for Priya: circulate the notes."),
        ("Dana", "To-do: Sam to rerun the load test"),
    ) == [
        ActionItem("Check the vendor contract", None),
        ActionItem("Circulate the notes", "Priya Raman"),
        ActionItem("Rerun the load test", "Sam Okafor"),
    ]


def test_request_to_a_named_person() -> None:
    assert items(
        ("Dana", "Priya, can you book the user interviews by next Wednesday?"),
        ("Priya", "Could you send me the logs, Sam?"),
    ) == [
        ActionItem("Book the user interviews by next Wednesday", "Priya Raman"),
        ActionItem("Send me the logs", "Sam Okafor"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "I'll be honest, the numbers look weak.",
        "Can you hear me?",
        "Sure, I'll do it.",
        "I'll say this once more.",
        "They will probably push back.",
        "Will this work on Android?",
        "We should think about it.",
    ],
)
def test_chatter_is_not_an_action_item(text: str) -> None:
    assert items(("Sam", text)) == []


def test_owner_less_we_needs_a_deadline() -> None:
    assert items(("Dana", "We need to finalize the budget by next week.")) == [
        ActionItem("Finalize the budget by next week", None)
    ]
    assert items(("Dana", "We need to be careful here.")) == []


def test_duplicates_collapse_and_the_longer_phrasing_wins() -> None:
    assert items(
        ("Dana", "Priya will send the draft."),
        ("Priya", "Yes, I will send the draft by Friday."),
        ("Dana", "Priya will send the draft by Friday."),
    ) == [ActionItem("Send the draft by Friday", "Priya Raman")]


@pytest.mark.parametrize(
    ("sentence", "decision"),
    [
        ("We decided to drop the legacy API.", "We decided to drop the legacy API."),
        ("Okay so let's go with vendor B.", "Let's go with vendor B."),
        ("Decision: ship on Monday.", "Decision: ship on Monday."),
        ("Agreed: the free tier stays.", "Agreed: the free tier stays."),
        ("We all agreed on a two week sprint.", "We all agreed on a two week sprint."),
        ("Agreed.", None),
        ("Have we decided on the vendor?", None),
        ("I like the blue one.", None),
    ],
)
def test_decisions(sentence: str, decision: str | None) -> None:
    assert decision_in(sentence) == decision


def test_decisions_are_deduplicated() -> None:
    turns = [
        speech(1, "Dana", "We decided to launch on March 3rd.", 1.0),
        chat(2, "Priya", "we decided to launch on March 3rd", 5.0),
    ]
    assert extract_notes(turns, PARTICIPANTS).decisions == ["We decided to launch on March 3rd."]


def test_empty_meeting() -> None:
    notes = extract_notes([], PARTICIPANTS)
    assert "Nothing was said" in notes.summary
    assert notes.decisions == []
    assert notes.action_items == []


def test_bot_turns_are_ignored() -> None:
    turns = [chat(1, "Ada Notes", "Action item: Sam to update the roadmap.", 1.0, by_bot=True)]
    assert extract_notes(turns, PARTICIPANTS).action_items == []


@pytest.mark.parametrize(
    "text",
    [
        "I'll send the updated proposal by Wednesday, and Sam will check the SAML requirements.",
        "I'll send the updated proposal by Wednesday; Sam will check the SAML requirements.",
        "I'll send the updated proposal by Wednesday, Sam will check the SAML requirements.",
    ],
)
def test_two_commitments_in_one_sentence_get_their_own_owners(text: str) -> None:
    assert items(("Dana", text)) == [
        ActionItem("Send the updated proposal by Wednesday", "Dana Whitfield"),
        ActionItem("Check the SAML requirements", "Sam Okafor"),
    ]


def test_a_clause_without_an_owner_stays_in_its_item() -> None:
    assert items(("Priya", "I'll review the draft, and then send it to legal.")) == [
        ActionItem("Review the draft, and then send it to legal", "Priya Raman")
    ]


def test_a_commitment_after_a_statement() -> None:
    text = "SAML is on our roadmap for September. I'll confirm the exact date with product."
    assert items(("Dana", text)) == [
        ActionItem("Confirm the exact date with product", "Dana Whitfield")
    ]


def test_request_to_a_person_named_inside_the_sentence() -> None:
    text = "Before we go, Priya, can you include a quote for two hundred seats as well?"
    assert items(("Sam", text)) == [
        ActionItem("Include a quote for two hundred seats as well", "Priya Raman")
    ]


def test_summary_is_bounded_for_a_three_hour_meeting() -> None:
    summary = extract_notes(meeting(minutes=180), PARTICIPANTS).summary
    # A few sentences, not a list of quotes.
    assert 2 <= len(re.split(r"(?<=[.!?])\s+", summary)) <= 5
    assert len(summary) <= 1500
