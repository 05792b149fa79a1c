"""The running summary: salient points kept, bounded, restartable."""

from __future__ import annotations

from delegate.domain.summary import RunningSummary, is_decision, salience, split_sentences
from tests.brain.meeting_script import build_turns, chat
from tests.brain.synthetic import meeting


def test_keeps_decisions_commitments_and_questions() -> None:
    summary = RunningSummary()
    summary.extend(build_turns())
    text = summary.text()
    assert "we decided to launch on March 3rd" in text
    assert "Let's go with the phased rollout" in text
    assert "Priya will send the pricing draft by Friday" in text
    assert "Do we keep the free tier?" in text
    assert text.startswith("Speakers: Dana Whitfield, Priya Raman, Sam Okafor")
    assert "pricing" in summary.topics()


def test_filler_is_not_a_point() -> None:
    summary = RunningSummary()
    summary.add(chat(1, "Sam", "ok", 1.0))
    summary.add(chat(2, "Sam", "um yeah", 2.0))
    assert summary.points() == []


def test_bot_turns_are_not_summarised() -> None:
    summary = RunningSummary()
    summary.add(chat(1, "Ada Notes", "We decided to launch on March 3rd.", 1.0, by_bot=True))
    assert summary.points() == []
    assert summary.speakers == []


def test_least_salient_points_are_evicted_first() -> None:
    summary = RunningSummary(max_points=3)
    summary.add(chat(1, "Dana", "We decided to ship the beta to all testers next week.", 1.0))
    for i in range(10):
        summary.add(chat(2 + i, "Sam", f"Can we look at dashboard number {i} together?", 2.0 + i))
    points = summary.points()
    assert len(points) == 3
    assert points[0].text.startswith("We decided to ship the beta")
    # Among equals the newest stay.
    assert points[-1].text == "Can we look at dashboard number 9 together?"


def test_size_is_bounded_for_a_three_hour_meeting() -> None:
    summary = RunningSummary()
    summary.extend(meeting(minutes=180))
    assert len(summary.points()) <= summary.max_points
    assert len(summary.text(max_chars=1200)) <= 1200
    assert len(summary.to_dict()["topics"]) <= 400  # type: ignore[arg-type]


def test_state_round_trips_and_continues() -> None:
    turns = build_turns()
    whole = RunningSummary()
    whole.extend(turns)
    first = RunningSummary()
    first.extend(turns[:6])
    resumed = RunningSummary.from_dict(first.to_dict())
    resumed.extend(turns[6:])
    assert resumed.text() == whole.text()


def test_damaged_state_starts_fresh() -> None:
    assert RunningSummary.from_dict({"version": 1, "points": "nope"}).points() == []
    assert RunningSummary.from_dict({"version": 99}).turns_seen == 0


def test_sentence_rules() -> None:
    assert split_sentences("One. Two?  Three!\nFour") == ["One.", "Two?", "Three!", "Four"]
    assert is_decision("Decision: we ship on Monday.")
    assert is_decision("Agreed, the phased rollout it is.")
    assert not is_decision("I agreed to the terms yesterday")
    assert salience("Okay.") == 0
    assert salience("We decided to hire two engineers.") > salience("The weather was nice.")


def test_numbers_times_and_filler_are_not_topics() -> None:
    summary = RunningSummary()
    summary.extend(
        [
            chat(1, "Grace", "We're at one hundred and eighty seats today.", 1.0),
            chat(2, "Grace", "We expect two hundred and fifty seats by the end of the year.", 2.0),
            chat(3, "Dana", "Forty dollars per seat per month for two years.", 3.0),
            chat(4, "Dana", "Above two hundred seats the price drops, and the pricing holds.", 4.0),
            chat(5, "Sam", "We need SAML before October, and SAML by Monday next week.", 5.0),
        ]
    )
    topics = summary.topics()
    assert topics[0] == "seats"  # "seat" and "seats" are one subject, shown as said most
    assert "price" in topics or "pricing" in topics
    assert not {"price", "pricing"} <= set(topics)
    assert "saml" in topics
    for filler in ("hundred", "forty", "fifty", "year", "years", "month", "dollars", "today"):
        assert filler not in topics


def test_pleasantries_are_not_points() -> None:
    assert salience("Hi Sam, hi Grace, thanks for making time.") == 0
    assert salience("Hi all, Raj from Acme IT, sorry for joining late.") == 0
    assert salience("Sorry I can't join, but the pricing page copy is ready for review.") > 0
    assert salience("Thanks, I'll send the deck by Friday.") > 0


def test_private_chats_to_the_bot_are_not_points_or_topics() -> None:
    summary = RunningSummary()
    text = "Ada, please keep the pricing details out of the shared notes, thanks"
    summary.add(chat(1, "Sam", text, 1.0, to_bot=True))
    summary.add(chat(2, "Sam", text, 2.0, to_bot=True))
    assert summary.points() == []
    assert summary.topics() == []
    assert summary.speakers == ["Sam Okafor"]
