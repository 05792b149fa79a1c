"""Timed pauses: a recording paused from the meeting resumes by itself.

While Recall's recording is paused it sends nothing, chat included, so "resume" said in the
meeting is never heard. A pause therefore carries ``resume_at``; the periodic sweep (which runs
in every dispatcher: in-process on SQLite, the procrastinate workers' periodic task on
PostgreSQL) resumes the sessions that are due. Each pause and resume also keeps the session's
``unrecorded_spans`` so the notes can say which part of the meeting is missing.
"""

from __future__ import annotations

import logging

from delegate.domain.errors import DelegateError
from delegate.domain.pause import RESUMED_MESSAGE, closed, opened
from delegate.domain.sessions import MeetingSession, NotesStatus, SessionChanges
from delegate.services.context import MeetingPorts
from delegate.services.ports import RecallError, UnitOfWork
from delegate.services.speaking import deliver_chat_reply

log = logging.getLogger(__name__)


async def record_paused(
    tx: UnitOfWork, session_id: str, now_ms: int, resume_at: int | None, by: str | None
) -> None:
    """The session's recording is paused from ``now_ms`` (until ``resume_at``, if set)."""
    session = await _locked(tx, session_id)
    if session is None:
        return
    if not session.status.active:
        # The call ended while the pause was being made: nothing is left to resume, and only
        # the stretch up to the end went unrecorded (notes already written are re-written).
        end = session.ended_at
        if end is not None and end > now_ms:
            spans = closed(opened(session.unrecorded_spans, now_ms, by), end)
            late = SessionChanges(unrecorded_spans=spans, notes_status=NotesStatus.PENDING)
            await tx.sessions.update(session_id, late)
        return
    changes = SessionChanges(
        recording_paused=True,
        resume_at=resume_at,
        unrecorded_spans=opened(session.unrecorded_spans, now_ms, by),
        updated_at=now_ms,
    )
    await tx.sessions.update(session_id, changes)


async def record_resumed(tx: UnitOfWork, session_id: str, now_ms: int) -> None:
    """The session's recording runs again from ``now_ms``; any timer is cleared."""
    session = await _locked(tx, session_id)
    if session is None:
        return
    changes = SessionChanges(
        recording_paused=False,
        resume_at=None,
        unrecorded_spans=closed(session.unrecorded_spans, now_ms),
        updated_at=now_ms,
    )
    await tx.sessions.update(session_id, changes)


async def _locked(tx: UnitOfWork, session_id: str) -> MeetingSession | None:
    """The session read under its row lock: a drain applying a status change (Recall's own
    resume, the end of the call) either sees this write or is seen by it, never overwritten."""
    if await tx.sessions.lock(session_id) is None:
        return None
    return await tx.sessions.get_by_id(session_id)


async def resume_due_recordings(ports: MeetingPorts, limit: int = 100) -> int:
    """Resume every paused recording whose time has come; returns how many were resumed.

    Each is taken by a conditional update on its ``resume_at`` first, so two workers sweeping
    at once resume it once; should Recall fail, the timer is put back for the next sweep."""
    now = ports.clock.now_ms()
    async with ports.uow() as tx:
        due = await tx.sessions.due_to_resume(now, limit)
    resumed = 0
    for session in due:
        if session.resume_at is None or session.recall_bot_id is None:
            continue
        async with ports.uow() as tx:
            taken = await tx.sessions.take_resume(session.id, session.resume_at)
            integration = await tx.integrations.get_by_id(session.integration_id)
        if not taken or integration is None:
            continue
        try:
            gateway = await ports.gateway(integration)
            await gateway.resume_recording(session.recall_bot_id)
        except (RecallError, DelegateError) as exc:
            log.info("resuming session %s failed: %s", session.id, exc)
            async with ports.uow() as tx:
                await _put_back_timer(tx, session.id, session.resume_at)
            continue
        async with ports.uow() as tx:
            await record_resumed(tx, session.id, ports.clock.now_ms())
        resumed += 1
        try:
            await deliver_chat_reply(
                ports.uow, ports.voice, gateway, session, RESUMED_MESSAGE, "everyone"
            )
        except RecallError as exc:
            log.info("telling session %s it resumed failed: %s", session.id, exc)
    return resumed


async def _put_back_timer(tx: UnitOfWork, session_id: str, resume_at: int) -> None:
    """The timer again, for the next sweep, unless the pause has ended meanwhile (resumed by
    the owner or the host, or the call is over)."""
    session = await _locked(tx, session_id)
    if session is not None and session.recording_paused and session.status.active:
        await tx.sessions.update(session_id, SessionChanges(resume_at=resume_at))
