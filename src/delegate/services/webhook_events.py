"""Events for the account's webhook endpoints, written in the unit of work of the change that
causes them (an outbox): a change that rolls back leaves no event, a committed one always has
its deliveries stored. Nothing here sends (``webhook_delivery.py`` does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from delegate.domain.events import SessionStatus
from delegate.domain.ids import new_id
from delegate.domain.meeting import Participant, Turn
from delegate.domain.sessions import MeetingSession, Reply
from delegate.domain.webhooks import SessionIds, WebhookEvent
from delegate.services.ports import Clock, Dispatcher, UnitOfWork


@dataclass(frozen=True)
class PendingEvent:
    """An event decided on, not yet written: its type and what it says beyond our ids."""

    type: str
    data: dict[str, Any]


def event_body(
    event_id: str, type_: str, ids: SessionIds | None, data: dict[str, Any], at_ms: int
) -> bytes:
    """The JSON a receiver gets (Standard Webhooks' ``type``/``timestamp``/``data`` shape)."""
    ours: dict[str, Any] = {}
    if ids is not None:
        ours = {
            "integrationId": ids.integration_id,
            "sessionId": ids.session_id,
            "botId": ids.bot_id,
            "recallBotId": ids.recall_bot_id,
        }
    return orjson.dumps(
        {
            "id": event_id,
            "type": type_,
            "timestamp": datetime.fromtimestamp(at_ms / 1000, UTC).isoformat(),
            "createdAt": at_ms,
            "data": {**ours, **data},
        }
    )


def new_event_id() -> str:
    return f"evt_{new_id()}"


async def publish(
    tx: UnitOfWork,
    clock: Clock,
    signal: Dispatcher | None,
    session_id: str,
    events: list[PendingEvent],
) -> None:
    """Write ``events`` of the session for every enabled endpoint of its account that wants
    them; once ``tx`` commits, ``signal`` is told which endpoints have work."""
    if not events:
        return
    ids = await tx.webhooks.session_ids(session_id)
    if ids is None:
        return
    endpoints = await tx.webhooks.enabled_endpoints(ids.account_id)
    if not endpoints:
        return
    now = clock.now_ms()
    touched: set[str] = set()
    for pending in events:
        targets = [e.id for e in endpoints if e.wants(pending.type)]
        if not targets:
            continue
        event_id = new_event_id()
        body = event_body(event_id, pending.type, ids, pending.data, now)
        event = WebhookEvent(event_id, pending.type, session_id, body, now)
        await tx.webhooks.add_event(ids.account_id, event, [(new_id(), t) for t in targets])
        touched.update(targets)
    if touched and signal is not None:
        tx.after_commit(lambda: kick_all(signal, touched))


async def kick_all(signal: Dispatcher, endpoint_ids: set[str]) -> None:
    for endpoint_id in sorted(endpoint_ids):
        await signal.kick(endpoint_id)


def session_created(session: MeetingSession, status: SessionStatus) -> PendingEvent:
    return PendingEvent(
        "session.created",
        {
            "status": status.value,
            "meetingUrl": session.meeting_url,
            "botName": session.bot_name,
            "platform": session.platform,
            "joinAt": session.join_at,
        },
    )


def status_changes(
    before: SessionStatus, after: SessionStatus, code: str, reason: str | None
) -> list[PendingEvent]:
    """``session.status_changed`` (with Recall's code and reason), and ``session.failed``."""
    data = {"status": after.value, "previousStatus": before.value, "code": code, "reason": reason}
    changed = [PendingEvent("session.status_changed", data)]
    if after is SessionStatus.FAILED:
        changed.append(PendingEvent("session.failed", {"code": code, "reason": reason}))
    return changed


def participant_change(before: Participant | None, after: Participant) -> list[PendingEvent]:
    """Joined or left, when presence changed (Recall repeats itself; we do not)."""
    if before is not None and before.present == after.present:
        return []
    kind = "session.participant_joined" if after.present else "session.participant_left"
    participant = {
        "id": after.id,
        "name": after.name,
        "isHost": after.is_host,
        "isBot": after.is_bot,
        "email": after.email,
    }
    return [PendingEvent(kind, {"participant": participant})]


def turn_closed(turn: Turn | None) -> list[PendingEvent]:
    """A turn of the transcript that is complete: the next turn began, or the call ended."""
    if turn is None:
        return []
    data = {
        "seq": turn.seq,
        "speaker": turn.speaker,
        "speakerId": turn.speaker_id,
        "text": turn.text,
        "source": turn.source.value,
        "startS": turn.start_s,
        "endS": turn.end_s,
        "toBot": turn.to_bot,
        "byBot": turn.by_bot,
    }
    return [PendingEvent("session.turn", {"turn": data})]


def reply_sent(reply: Reply, sent_at: int) -> PendingEvent:
    return PendingEvent(
        "session.reply_sent",
        {
            "reply": {
                "id": reply.id,
                "kind": reply.kind,
                "turnSeq": reply.turn_seq,
                **reply.payload,
                "sentAt": sent_at,
            }
        },
    )


def notes_ready(notes: dict[str, Any]) -> PendingEvent:
    return PendingEvent("session.notes_ready", {"notes": notes})
