"""Deleting what has bots in meetings: the bots are told to leave first, so nothing keeps
recording where nobody can see or stop it."""

from __future__ import annotations

import logging

from delegate.domain.errors import NotFound
from delegate.domain.events import SessionStatus
from delegate.domain.sessions import MeetingSession
from delegate.services.context import MeetingPorts
from delegate.services.meetings import recall_failure
from delegate.services.ports import RecallError, RecallGateway, RecallNotFound

log = logging.getLogger(__name__)

GONE_CODES = ("cannot_command_completed_bot",)
"""Recall's answer for a bot that has already left: nothing more to do."""


async def _dismiss(gateway: RecallGateway, session: MeetingSession, why: str) -> None:
    bot_id = str(session.recall_bot_id)
    try:
        if session.status is SessionStatus.SCHEDULED:
            await gateway.delete_bot(bot_id)  # not dispatched yet: it never joins
        else:
            await gateway.leave_call(bot_id)
    except RecallError as exc:
        if isinstance(exc, RecallNotFound) or exc.code in GONE_CODES:
            return
        raise recall_failure(exc, "tell the meeting bots to leave before deleting") from exc
    log.info("session %s: bot told to leave (%s is being deleted)", session.id, why)


async def delete_integration(ports: MeetingPorts, account_id: str, ref: str) -> str:
    """Delete an integration and its sessions once each live bot has been told to leave.
    When Recall cannot be reached, nothing is deleted (502) so the bots stay visible."""
    async with ports.uow() as tx:
        integration = await tx.integrations.get(account_id, ref)
        if integration is None:
            raise NotFound("Recall integration not found")
        live = await tx.sessions.live_in_integration(integration.id)
    if live:
        gateway = await ports.gateway(integration)
        for session in live:
            await _dismiss(gateway, session, "its integration")
    async with ports.uow() as tx:
        await tx.integrations.delete(account_id, integration.id)
    # Committed: no process may go on accepting its sessions' deliveries from its cache.
    await ports.auth.forget_integration(integration.id)
    return integration.id


async def delete_session(
    ports: MeetingPorts,
    account_id: str,
    integration_ref: str,
    session_id: str,
) -> str:
    """Delete one session and everything of it (events, turns, replies, participants, notes,
    webhook events) once its bot, if live, has been told to leave. When Recall cannot be
    reached the session is kept (502). Every process's receiver forgets the session's
    credentials, so its realtime deliveries are refused at once."""
    async with ports.uow() as tx:
        integration = await tx.integrations.get(account_id, integration_ref)
        if integration is None:
            raise NotFound("Recall integration not found")
        session = await tx.sessions.get(account_id, integration.id, session_id)
    if session is None:
        raise NotFound("Meeting session not found")
    if session.status.active and session.recall_bot_id:
        await _dismiss(await ports.gateway(integration), session, "it")
    async with ports.uow() as tx:
        await tx.sessions.delete(session.id)
    await ports.auth.forget_session(integration.id, session.id)
    ports.states.drop(session.id)
    return session.id
