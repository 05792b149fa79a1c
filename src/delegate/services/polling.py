"""Status polling: the fallback that makes sure a call end is never missed, even when Recall's
status webhooks are not configured or do not arrive."""

from __future__ import annotations

import logging
import math
from collections import Counter

from delegate.domain.sessions import MeetingSession, SessionChanges, without_url_tokens
from delegate.services.context import MeetingPorts
from delegate.services.ports import RecallError
from delegate.services.processing import record_polled_changes

log = logging.getLogger(__name__)


def polls_per_round(max_per_minute: int, round_every_s: float) -> int:
    """How many sessions of one integration a polling round may fetch."""
    return max(1, math.ceil(max_per_minute * round_every_s / 60))


async def poll_active_sessions(
    ports: MeetingPorts, interval_s: float, per_integration: int = 50
) -> int:
    """Fetch the bot of each active session not polled for ``interval_s`` (those waiting
    longest first, at most ``per_integration`` per integration: Recall's rate limit is per
    workspace); a status we have not seen becomes an event of the session. Returns how many
    sessions were polled."""
    now = ports.clock.now_ms()
    async with ports.uow() as tx:
        candidates = await tx.sessions.due_for_polling(
            now - int(interval_s * 1000), 10 * per_integration
        )
    taken: Counter[str] = Counter()
    due = []
    for session in candidates:
        if taken[session.integration_id] < per_integration:
            taken[session.integration_id] += 1
            due.append(session)
    failed = 0
    for session in due:
        try:
            await _poll_one(ports, session, now)
        except Exception:
            # One account's unusable key or one row that cannot be recorded must not stop the
            # round for every other account: logged, counted, and tried again next round.
            failed += 1
            log.exception("polling session %s failed", session.id)
    if failed:
        log.warning("polling round: %d of %d sessions failed", failed, len(due))
    return len(due)


async def _poll_one(ports: MeetingPorts, session: MeetingSession, now: int) -> None:
    async with ports.uow() as tx:
        integration = await tx.integrations.get_by_id(session.integration_id)
        await tx.sessions.update(session.id, SessionChanges(last_polled_at=now))
    if integration is None or session.recall_bot_id is None:
        return
    try:
        bot = await (await ports.gateway(integration)).get_bot(session.recall_bot_id)
    except (RecallError, ValueError) as exc:
        log.info("polling session %s failed: %s", session.id, exc)
        return
    if bot.status is None or bot.status.code == session.status_code:
        return
    async with ports.uow() as tx:
        new = await record_polled_changes(tx, ports, session, bot.status_changes)
        snapshot = SessionChanges(bot_snapshot=without_url_tokens(bot.raw))
        await tx.sessions.update(session.id, snapshot)
    if new:
        await ports.dispatcher.kick(session.id)
