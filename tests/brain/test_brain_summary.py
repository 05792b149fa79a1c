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
