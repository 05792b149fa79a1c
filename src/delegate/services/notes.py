"""Meeting notes: written by the brain when the call has ended, served by ``/notes``.

Recall still delivers transcript after ``call_ended`` (retries run for a minute, ``done`` comes
last): a turn recorded after the end sets the notes pending again and they are re-written."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from delegate.domain.errors import UpstreamFailed
from delegate.domain.live import notes_event
from delegate.domain.meeting import MeetingNotes, NotesContext
from delegate.domain.pause import UnrecordedSpan, spans_until, unrecorded_sentence
from delegate.domain.sessions import (
    NotesStatus,
    SessionChanges,
    no_transcript_reason,
)
from delegate.services.context import MeetingPorts
from delegate.services.drain import Drain
from delegate.services.webhook_events import notes_ready, publish

log = logging.getLogger(__name__)


def notes_to_dict(
    notes: MeetingNotes,
    no_transcript: str | None = None,
    unrecorded: Sequence[UnrecordedSpan] = (),
    ended_at: int | None = None,
) -> dict[str, Any]:
    said = unrecorded_sentence(list(unrecorded), ended_at)
    summary = f"{notes.summary.rstrip()} {said}".strip() if said else notes.summary
    return {
        "summary": summary,
        "decisions": list(notes.decisions),
        "actionItems": [asdict(item) for item in notes.action_items],
        "noTranscriptReason": no_transcript,
        "unrecordedSpans": [{"from": s.from_ms, "to": s.to_ms, "by": s.by} for s in unrecorded],
    }


async def write_notes_if_due(ports: MeetingPorts, drain: Drain) -> None:
    """Write the notes of an ended session that has none yet (idempotent)."""
    session, bot, turns = drain.session, drain.bot, drain.turns
    if not drain.notes_due:
        return
    last_turn = max(turns, key=lambda t: t.seq) if turns else None
    no_transcript = None if turns else no_transcript_reason(session)
    ctx = NotesContext(
        bot_name=session.bot_name,
        backstory=bot.backstory if bot else "",
        instruction=session.instruction,
        participants=drain.participants,
        turns=turns,
        model=bot.model if bot else "",
    )
    # Refused deliveries or no admission: no model can say more than why there is nothing,
    # and "nothing was said" would be a lie.
    lost = not turns and (session.deliveries_refused > 0 or not session.ever_in_call)
    try:
        notes = await _write(ports, ctx, no_transcript if lost else None)
    except Exception as exc:
        if ports.fallback_brain is None:
            raise
        # A model outage is logged by the brain, once, with its URL and cause.
        level = logging.DEBUG if isinstance(exc, UpstreamFailed) else logging.WARNING
        log.log(level, "brain failed writing notes (%s); using the fallback", type(exc).__name__)
        notes = await ports.fallback_brain.write_notes(ctx)
    unrecorded = spans_until(session.unrecorded_spans, session.ended_at)
    written = notes_to_dict(notes, no_transcript, unrecorded, session.ended_at)
    stored = {**written, "createdAt": ports.clock.now_ms()}
    async with ports.uow() as tx:
        # A late turn recorded while the brain wrote: the notes stay pending, to be re-written.
        changed = await tx.turns.last(session.id) != last_turn
        status = NotesStatus.PENDING if changed else NotesStatus.READY
        await tx.sessions.update(session.id, SessionChanges(notes=stored, notes_status=status))
        if not changed:
            await publish(tx, ports.clock, ports.webhooks, session.id, [notes_ready(stored)])
    if not changed:
        await ports.live.publish(session.id, notes_event())


async def _write(ports: MeetingPorts, ctx: NotesContext, lost: str | None) -> MeetingNotes:
    if lost is not None:
        return MeetingNotes(summary=lost)
    return await ports.brain.write_notes(ctx)
