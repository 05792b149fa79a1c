"""What the brain sees for one reply, within a fixed token budget.

Every part is bounded: backstory, instruction, participants, running summary and the trigger
each get a share of the budget, and the recent transcript fills what is left, newest turn
first. So the cost of a reply is the same in minute 5 and in hour 3. Tokens are estimated at
about four characters each, which is close enough for English and errs long for code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from delegate.domain.knowledge import Knowledge
from delegate.domain.meeting import BrainContext, Participant, SearchTurns, Turn
from delegate.domain.summary import clip

CHARS_PER_TOKEN = 4
TURN_OVERHEAD_TOKENS = 4
"""Per-message framing a chat model adds (role, name, separators)."""
MAX_RECENT_TURNS = 200
MAX_PARTICIPANTS = 50
MAX_NAME_CHARS = 80
_MIN_BUDGET = 400

# Shares of the budget. They add up to less than 1 so that recent turns always get room.
_BACKSTORY_SHARE = 0.25
_INSTRUCTION_SHARE = 0.10
_SUMMARY_SHARE = 0.20
_PARTICIPANTS_SHARE = 0.05
_TRIGGER_SHARE = 0.10


def estimate_tokens(text: str) -> int:
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def turn_tokens(turn: Turn) -> int:
    return estimate_tokens(f"{turn.speaker}: {turn.text}") + TURN_OVERHEAD_TOKENS


def _bounded(text: str, tokens: int) -> str:
    return clip(text.strip(), max(0, tokens) * CHARS_PER_TOKEN)


def _clip_turn(turn: Turn, tokens: int) -> Turn:
    """``turn`` with its text cut to fit ``tokens``, keeping the end (the freshest words)."""
    room = max(0, tokens - estimate_tokens(turn.speaker) - TURN_OVERHEAD_TOKENS - 1)
    chars = room * CHARS_PER_TOKEN
    if len(turn.text) <= chars:
        return turn
    tail = turn.text[len(turn.text) - max(0, chars - 1) :]
    if " " in tail:
        tail = tail[tail.find(" ") + 1 :]
    return replace(turn, text="…" + tail)


def _participants(participants: Sequence[Participant], tokens: int) -> list[Participant]:
    # Present people first: they are the ones who can be answered.
    ordered = sorted(participants, key=lambda p: (not p.present, p.is_bot))
    kept: list[Participant] = []
    used = 0
    for person in ordered[:MAX_PARTICIPANTS]:
        cost = estimate_tokens(person.name) + 2
        if used + cost > tokens:
            break
        kept.append(person)
        used += cost
    return kept


def build_context(
    *,
    bot_name: str,
    backstory: str,
    instruction: str,
    participants: Sequence[Participant],
    summary: str,
    recent: Sequence[Turn],
    trigger: Turn,
    token_budget: int = 3000,
    model: str = "",
    search: SearchTurns | None = None,
    reason: str = "",
    knowledge: Knowledge | None = None,
    key_points: Sequence[Turn] = (),
) -> BrainContext:
    """A context for answering ``trigger`` that fits ``token_budget``.

    ``recent`` is the transcript before the trigger, oldest first; only its tail is read,
    newest turn first, until the budget is spent, so passing a long list costs no more than
    what fits. The trigger is always included (cut if enormous).
    """
    budget = max(token_budget, _MIN_BUDGET)
    bot_name = clip(bot_name.strip(), MAX_NAME_CHARS)
    trigger = _clip_turn(trigger, int(budget * _TRIGGER_SHARE))
    kept_backstory = _bounded(backstory, int(budget * _BACKSTORY_SHARE))
    kept_instruction = _bounded(instruction, int(budget * _INSTRUCTION_SHARE))
    kept_summary = _bounded(summary, int(budget * _SUMMARY_SHARE))
    kept_participants = _participants(participants, int(budget * _PARTICIPANTS_SHARE))

    used = (
        estimate_tokens(bot_name)
        + estimate_tokens(kept_backstory)
        + estimate_tokens(kept_instruction)
        + estimate_tokens(kept_summary)
        + sum(estimate_tokens(p.name) + 2 for p in kept_participants)
        + turn_tokens(trigger)
    )
    left = budget - used
    picked: list[Turn] = []
    for index in range(len(recent) - 1, -1, -1):
        if len(picked) >= MAX_RECENT_TURNS or left <= TURN_OVERHEAD_TOKENS:
            break
        turn = recent[index]
        if turn.seq >= trigger.seq:
            continue  # the trigger itself (or a later turn) must not appear twice
        cost = turn_tokens(turn)
        if cost > left:
            if not picked:
                # The newest turn alone is too long: keep its end rather than nothing.
                picked.append(_clip_turn(turn, left))
            break
        picked.append(turn)
        left -= cost
    picked.reverse()
    return BrainContext(
        bot_name=bot_name,
        backstory=kept_backstory,
        instruction=kept_instruction,
        participants=kept_participants,
        summary=kept_summary,
        recent=picked,
        trigger=trigger,
        model=model,
        search=search,
        reason=reason,
        knowledge=knowledge,
        key_points=list(key_points),
    )


def context_tokens(ctx: BrainContext) -> int:
    """Estimated size of a context, with the same arithmetic ``build_context`` budgets with."""
    return (
        estimate_tokens(ctx.bot_name)
        + estimate_tokens(ctx.backstory)
        + estimate_tokens(ctx.instruction)
        + estimate_tokens(ctx.summary)
        + sum(estimate_tokens(p.name) + 2 for p in ctx.participants)
        + sum(turn_tokens(t) for t in ctx.recent)
        + turn_tokens(ctx.trigger)
    )
