"""The context for one reply: bounded parts, newest turns first, flat cost."""

from __future__ import annotations

from delegate.domain.context import build_context, context_tokens, estimate_tokens
from delegate.domain.meeting import Participant
from delegate.domain.summary import RunningSummary
from tests.brain.meeting_script import BOT, PARTICIPANTS, build_turns, chat
from tests.brain.synthetic import meeting

BACKSTORY = "You are a careful note taker for the product team. " * 40


def context_for(turns: list, budget: int = 3000):  # type: ignore[no-untyped-def]
    summary = RunningSummary()
    summary.extend(turns)
    trigger = chat(len(turns) + 1, "Dana", "Ada, what did we decide?", turns[-1].end_s + 1)
    return build_context(
        bot_name=BOT,
        backstory=BACKSTORY,
        instruction="Take notes and answer questions about the launch.",
        participants=PARTICIPANTS,
        summary=summary.text(),
        recent=turns,
        trigger=trigger,
        token_budget=budget,
    )


def test_recent_turns_are_the_newest_in_order_and_the_trigger_is_kept() -> None:
    turns = build_turns()
    ctx = context_for(turns, budget=700)
    assert ctx.trigger.text == "Ada, what did we decide?"
    assert ctx.recent, "some recent turns fit"
    assert ctx.recent[-1] == turns[-1]
    seqs = [t.seq for t in ctx.recent]
    assert seqs == sorted(seqs)
    assert seqs == list(range(seqs[0], turns[-1].seq + 1))  # a contiguous tail
    assert context_tokens(ctx) <= 700


def test_small_meeting_fits_entirely() -> None:
    turns = build_turns()
    ctx = context_for(turns, budget=6000)
    assert ctx.recent == turns


def test_each_part_is_bounded() -> None:
    huge = chat(2, "Dana", "word " * 20_000, 10.0)
    ctx = build_context(
        bot_name=BOT,
        backstory="b" * 100_000,
        instruction="i" * 100_000,
        participants=[Participant(i, f"Guest number {i}") for i in range(500)],
        summary="s" * 100_000,
        recent=[huge],
        trigger=chat(3, "Dana", "Ada " + "please " * 10_000, 11.0),
        token_budget=2000,
    )
    assert context_tokens(ctx) <= 2000
    assert estimate_tokens(ctx.backstory) <= 500
    assert len(ctx.participants) <= 50
    assert ctx.trigger.text.startswith("…")
    assert ctx.recent and ctx.recent[0].text.startswith("…")


def test_trigger_is_not_repeated_in_recent() -> None:
    turns = build_turns()
    ctx = build_context(
        bot_name=BOT,
        backstory="",
        instruction="",
        participants=PARTICIPANTS,
        summary="",
        recent=turns,
        trigger=turns[-1],
    )
    assert turns[-1].seq not in [t.seq for t in ctx.recent]


def test_present_participants_come_first() -> None:
    ctx = context_for(build_turns())
    assert [p.present for p in ctx.participants] == sorted(
        (p.present for p in ctx.participants), reverse=True
    )


def test_five_minutes_and_three_hours_give_the_same_bounded_size() -> None:
    """Benchmark-style property: the cost of a reply does not grow with the meeting."""
    budget = 3000
    short, half_hour, long = meeting(minutes=5), meeting(minutes=30), meeting(minutes=180)
    assert len(long) > 20 * len(short)
    contexts = [context_for(turns, budget) for turns in (short, half_hour, long)]
    for ctx in contexts:
        assert context_tokens(ctx) <= budget
        assert len(ctx.summary) <= budget * 4 * 0.2
        assert len(ctx.recent) <= 200
    small, medium, large = contexts
    assert small.recent[-1] == short[-1]
    # Once the budget is full, more meeting means the same size, not more.
    assert abs(context_tokens(medium) - context_tokens(large)) <= 0.05 * budget
    assert len(large.recent) < len(long) // 10
