"""Reconciling what we store with what Recall has: sessions whose bot Recall may or may not
have created (an answer lost, a process killed mid-initiate), and bots at Recall carrying our
metadata for a session we do not have."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from delegate.domain.events import SessionStatus
from delegate.domain.sessions import KEEP, MeetingSession, SessionChanges, without_url_tokens
from delegate.services.context import MeetingPorts
from delegate.services.meetings import OUTCOME_UNKNOWN
from delegate.services.ports import BotSnapshot, RecallError, RecallGateway, RecallNotFound
from delegate.services.processing import record_polled_changes
from delegate.services.webhook_events import publish, session_created

NEVER_CREATED = "recall_bot_never_created"
"""``statusReason`` of a session whose initiate never got a bot: Recall has none for it."""
GONE_CODES = ("cannot_command_completed_bot",)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reconciled:
    adopted: int = 0
    failed: int = 0
    left_unknown: int = 0


async def reconcile_unknown_sessions(
    ports: MeetingPorts, older_than_s: float, limit: int = 20
) -> Reconciled:
    """For each active session without a bot ``older_than_s`` after its initiate (so an
    initiate in flight is not raced): adopt the bot Recall has with its metadata, or mark it
    failed when Recall has none and it is still ``created``. When Recall cannot be asked,
    it waits for the next round; one session's failure never stops the others."""
    now = ports.clock.now_ms()
    async with ports.uow() as tx:
        unknown = await tx.sessions.without_bot(now - int(older_than_s * 1000), limit)
    adopted = failed = waiting = 0
    for session in unknown:
        try:
            outcome = await _reconcile(ports, session)
        except Exception:
            log.exception("reconciling session %s failed", session.id)
            outcome = None
        if outcome is True:
            adopted += 1
        elif outcome is False:
            failed += 1
        else:
            waiting += 1
    return Reconciled(adopted, failed, waiting)


async def _reconcile(ports: MeetingPorts, session: MeetingSession) -> bool | None:
    """True: its bot was adopted; False: marked failed; None: left for the next round."""
    async with ports.uow() as tx:
        integration = await tx.integrations.get_by_id(session.integration_id)
    if integration is None:
        return None
    gateway = await ports.gateway(integration)
    try:
        bots = await gateway.list_bots(metadata={"sessionId": session.id})
    except (RecallError, ValueError) as exc:
        log.info("session %s: Recall could not be asked about its bot: %s", session.id, exc)
        return None
    if not bots:
        if session.status is not SessionStatus.CREATED:
            return None  # its bot spoke to us, so Recall has it: ask again next round
        await _never_created(ports, session)
        return False
    await _adopt(ports, session, bots[0])
    for extra in bots[1:]:
        await _tell_to_leave(gateway, ports, extra)
    return True


async def _never_created(ports: MeetingPorts, session: MeetingSession) -> None:
    now = ports.clock.now_ms()
    async with ports.uow() as tx:
        await tx.sessions.update(
            session.id,
            SessionChanges(
                status=SessionStatus.FAILED,
                status_reason=NEVER_CREATED,
                ended_at=now,
                updated_at=now,
            ),
        )
    log.warning("session %s: Recall never created its bot; marked failed", session.id)


async def _adopt(ports: MeetingPorts, session: MeetingSession, bot: BotSnapshot) -> None:
    """Record the bot as the session's, as initiate would have. A session its bot's realtime
    deliveries moved on keeps its status; one still ``created`` is joining (or scheduled)."""
    status = session.status
    if status is SessionStatus.CREATED:
        status = SessionStatus.SCHEDULED if session.join_at else SessionStatus.JOINING
    async with ports.uow() as tx:
        changes = SessionChanges(
            recall_bot_id=bot.id,
            bot_snapshot=without_url_tokens(bot.raw),
            status=status,
            status_reason=None if session.status_reason == OUTCOME_UNKNOWN else KEEP,
            platform=bot.platform or session.platform,
            updated_at=ports.clock.now_ms(),
        )
        await tx.sessions.update(session.id, changes)
        known = await tx.sessions.get_by_id(session.id)
        assert known is not None
        await record_polled_changes(tx, ports, known, bot.status_changes)
        created = session_created(known, status)
        await publish(tx, ports.clock, ports.webhooks, session.id, [created])
    await ports.dispatcher.kick(session.id)
    log.warning("session %s: adopted Recall bot %s found by its metadata", session.id, bot.id)


def _live(ports: MeetingPorts, bot: BotSnapshot) -> bool:
    if bot.status is None:
        return True
    status = ports.inbound.bot_status(bot.status.code)
    return status is None or status.active


async def _tell_to_leave(gateway: RecallGateway, ports: MeetingPorts, bot: BotSnapshot) -> None:
    """Remove a bot nobody can see: deleted when it has not joined yet, else told to leave."""
    try:
        if bot.status is None or bot.status.code == "ready":
            try:
                await gateway.delete_bot(bot.id)
                return
            except RecallError as exc:
                if isinstance(exc, RecallNotFound):
                    return
        await gateway.leave_call(bot.id)
    except RecallError as exc:
        if isinstance(exc, RecallNotFound) or exc.code in GONE_CODES:
            return
        raise


async def dismiss_orphaned_bots(ports: MeetingPorts, limit: int = 20) -> int:
    """Tell each live bot at Recall that carries our metadata but no session we have to
    leave (its session was deleted, or its row never committed), at most ``limit`` per
    integration. One integration's failure never stops the others. Returns how many bots
    were dismissed."""
    async with ports.uow() as tx:
        integration_ids = await tx.integrations.all_ids()
    dismissed = 0
    for integration_id in integration_ids:
        try:
            dismissed += await _dismiss_in(ports, integration_id, limit)
        except Exception:
            log.exception("orphaned bot sweep of integration %s failed", integration_id)
    return dismissed


async def _dismiss_in(ports: MeetingPorts, integration_id: str, limit: int) -> int:
    async with ports.uow() as tx:
        integration = await tx.integrations.get_by_id(integration_id)
        secrets = await tx.integrations.secrets(integration_id) if integration else None
    if integration is None or secrets is None or not secrets.api_key:
        return 0
    gateway = ports.gateway_with(integration, secrets)
    bots = await gateway.list_bots(metadata={"integrationId": integration_id})
    live: dict[str, list[BotSnapshot]] = {}
    for bot in bots:
        session_id = bot.metadata.get("sessionId", "")
        if session_id and _live(ports, bot):
            live.setdefault(session_id, []).append(bot)
    if not live:
        return 0
    async with ports.uow() as tx:
        known = await tx.sessions.known_ids(list(live))
        # a session still created without a bot is the unknown-session reconcile's to adopt
    orphans = [bot for sid, found in live.items() if sid not in known for bot in found]
    dismissed = 0
    for bot in orphans[:limit]:
        await _tell_to_leave(gateway, ports, bot)
        log.warning("integration %s: orphaned Recall bot %s told to leave", integration_id, bot.id)
        dismissed += 1
    return dismissed


class Reconciler:
    """One round of reconciling, run from the status-polling loop: unknown sessions every
    round, the orphaned-bot sweep once every ``orphan_every_s``."""

    def __init__(
        self, ports: MeetingPorts, grace_s: float, orphan_every_s: float, limit: int = 20
    ) -> None:
        self.ports = ports
        self.grace_s = grace_s
        self.orphan_every_s = orphan_every_s
        self.limit = limit
        self._last_sweep_ms: int | None = None

    async def __call__(self) -> None:
        try:
            await reconcile_unknown_sessions(self.ports, self.grace_s, self.limit)
        except Exception:
            log.exception("reconciling unknown sessions failed")
        now = self.ports.clock.now_ms()
        if self._last_sweep_ms is None or now - self._last_sweep_ms >= self.orphan_every_s * 1000:
            self._last_sweep_ms = now
            await dismiss_orphaned_bots(self.ports, self.limit)
