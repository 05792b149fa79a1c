"""Meeting notes: written once by the brain when the call has ended, served by ``/notes``."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from delegate.domain.errors import UpstreamFailed
from delegate.domain.live import notes_event
from delegate.domain.meeting import MeetingNotes, NotesContext
from delegate.domain.sessions import NotesStatus, SessionChanges
from delegate.services.context import MeetingPorts
from delegate.services.drain import Drain
from delegate.services.webhook_events import notes_ready, publish

log = logging.getLogger(__name__)


def notes_to_dict(notes: MeetingNotes) -> dict[str, Any]:
    return {
        "summary": notes.summary,
        "decisions": list(notes.decisions),
        "actionItems": [asdict(item) for item in notes.action_items],
    }


async def write_notes_if_due(ports: MeetingPorts, drain: Drain) -> None:
    """Write the notes of an ended session that has none yet (idempotent)."""
    session, bot = drain.session, drain.bot
    if not drain.notes_due:
        return
    ctx = NotesContext(
        bot_name=session.bot_name,
        backstory=bot.backstory if bot else "",
        instruction=session.instruction,
        participants=drain.participants,
        turns=drain.turns,
        model=bot.model if bot else "",
    )
    try:
        notes = await ports.brain.write_notes(ctx)
    except Exception as exc:
        if ports.fallback_brain is None:
            raise
        # A model outage is logged by the brain, once, with its URL and cause.
        level = logging.DEBUG if isinstance(exc, UpstreamFailed) else logging.WARNING
        log.log(level, "brain failed writing notes (%s); using the fallback", type(exc).__name__)
        notes = await ports.fallback_brain.write_notes(ctx)
    stored = {**notes_to_dict(notes), "createdAt": ports.clock.now_ms()}
    async with ports.uow() as tx:
        await tx.sessions.update(
            session.id, SessionChanges(notes=stored, notes_status=NotesStatus.READY)
        )
        await publish(tx, ports.clock, ports.webhooks, session.id, [notes_ready(stored)])
    await ports.live.publish(session.id, notes_event())
