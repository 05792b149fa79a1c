"""Reading what a session produced: its transcript in several formats, and its notes."""

from __future__ import annotations

from typing import Any

from delegate.domain.sessions import NotesStatus
from delegate.domain.transcript_format import render, to_dicts
from delegate.services.context import MeetingPorts
from delegate.services.meetings import fetch_session


async def session_transcript(
    ports: MeetingPorts, account_id: str, integration_ref: str, session_id: str, fmt: str
) -> dict[str, Any] | str:
    """The transcript as ``{id, items}`` (json) or rendered text (text, markdown, vtt, srt)."""
    session = await fetch_session(ports, account_id, integration_ref, session_id)
    async with ports.uow() as tx:
        turns = await tx.turns.all(session.id)
    if fmt == "json":
        return {"id": session.id, "items": to_dicts(turns)}
    return render(turns, fmt)


async def session_notes(
    ports: MeetingPorts, account_id: str, integration_ref: str, session_id: str
) -> dict[str, Any]:
    session = await fetch_session(ports, account_id, integration_ref, session_id)
    if session.notes_status is NotesStatus.READY and session.notes:
        return {"id": session.id, "status": NotesStatus.READY.value, **session.notes}
    pending = session.notes_status is NotesStatus.PENDING
    status = NotesStatus.PENDING.value if pending else "not_ended"
    return {"id": session.id, "status": status}
