"""The delegate's answers: ask the brain about each addressed turn, store its actions in an
outbox, then perform them through Recall.

Outbox rows make replies exactly-once in practice: a turn's actions are stored in the same
transaction that marks the turn decided, and each send is claimed (``sending``) before the
Recall call. A process that dies between claim and confirmation leaves the row ``unknown``
and never sends it again, so a restart cannot post a duplicate.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from delegate.domain.addressing import is_addressed
from delegate.domain.commanders import DEFAULT_COMMANDERS, Refusal, Screened, screen_actions
from delegate.domain.context import build_context
from delegate.domain.errors import UpstreamFailed
from delegate.domain.ids import new_id
from delegate.domain.knowledge import Knowledge, question_text
from delegate.domain.live import reply_event
from delegate.domain.meeting import (
    Action,
    ActionKind,
    BrainContext,
    LeaveMeeting,
    PauseRecording,
    ResumeRecording,
    SendChat,
    StartScreenshare,
    StopScreenshare,
    Turn,
    action_record,
    recorded_action,
)
from delegate.domain.pause import pause_length, paused_message
from delegate.domain.sessions import MeetingSession, Reply, ReplyStatus
from delegate.domain.summary import RunningSummary
from delegate.services.context import MeetingPorts
from delegate.services.drain import Drain
from delegate.services.knowledge import passages
from delegate.services.pausing import record_paused, record_resumed
from delegate.services.ports import RecallError, RecallGateway, RecallUnavailable, UnitOfWorkFactory
from delegate.services.speaking import deliver_chat_reply
from delegate.services.webhook_events import publish, reply_sent

log = logging.getLogger(__name__)

RECENT_TURNS = 60
MAX_SEND_ATTEMPTS = 5


class SessionSearch:
    """Lets the brain look further back than its context, one bounded query at a time."""

    def __init__(self, uow: UnitOfWorkFactory, session_id: str) -> None:
        self._uow = uow
        self._session_id = session_id

    async def search(self, speaker: str | None, terms: list[str], limit: int) -> list[Turn]:
        async with self._uow() as tx:
            return await tx.turns.search(self._session_id, speaker, terms, limit)


def with_citations(actions: list[Action], knowledge: Knowledge | None) -> list[Action]:
    """Chat replies with the knowledge base records they cite (``[1]``), kept on the reply."""
    if knowledge is None or not knowledge.passages:
        return actions
    return [
        replace(a, records=tuple((p.record_id, p.source) for p in knowledge.cited(a.text)))
        if isinstance(a, SendChat)
        else a
        for a in actions
    ]


async def _context(
    ports: MeetingPorts, drain: Drain, turn: Turn
) -> tuple[BrainContext, tuple[str, ...]]:
    """What the brain sees, and who may command the delegate (the bot as this drain read it,
    so a change to the bot holds from the next drain on)."""
    session, bot, participants = drain.session, drain.bot, drain.participants
    async with ports.uow() as tx:
        recent = await tx.turns.recent(session.id, turn.seq, RECENT_TURNS)
    summary = RunningSummary.from_dict(session.summary) if session.summary else RunningSummary()
    commanders = bot.commanders if bot else DEFAULT_COMMANDERS
    # Asked again rather than stored: the model is told why the turn reached it.
    reason = is_addressed(
        turn,
        session.bot_name,
        recent[-1] if recent else None,
        participants=participants,
        answered=recent[-2] if len(recent) > 1 else None,
    )
    knowledge = await _knowledge(
        ports, bot.dataset_id if bot else None, question_text(turn.text, session.bot_name)
    )
    ctx = build_context(
        bot_name=session.bot_name,
        backstory=bot.backstory if bot else "",
        instruction=session.instruction,
        participants=[p for p in drain.participants if p.present],
        summary=summary.text(),
        recent=recent,
        trigger=turn,
        token_budget=ports.context_tokens,
        model=bot.model if bot else "",
        search=SessionSearch(ports.uow, session.id).search,
        reason=reason.value if reason else "",
        knowledge=knowledge,
        key_points=summary.key_turns(),
    )
    return ctx, commanders


async def _knowledge(
    ports: MeetingPorts, dataset_id: str | None, question: str
) -> Knowledge | None:
    """The bot's dataset passages for the turn (the dataset is the bot's own: same account)."""
    if dataset_id is None or ports.knowledge is None:
        return None
    try:
        found = await passages(ports.knowledge, dataset_id, question, ports.knowledge_passages)
    except UpstreamFailed as exc:
        # An embeddings server down must not silence the delegate: it answers without.
        log.warning("knowledge search failed: %s", exc.message)
        found = []
    return Knowledge(found, ports.knowledge.answer_threshold)


async def _decide(ports: MeetingPorts, ctx: BrainContext) -> list[Action]:
    try:
        return await ports.brain.respond(ctx)
    except Exception as exc:
        if ports.fallback_brain is None:
            raise
        # A model outage is logged by the brain, once, with its URL and cause.
        level = logging.DEBUG if isinstance(exc, UpstreamFailed) else logging.WARNING
        log.log(level, "brain failed (%s); answering with the fallback brain", type(exc).__name__)
        return await ports.fallback_brain.respond(ctx)


async def _answer(ports: MeetingPorts, drain: Drain, turn: Turn) -> Screened:
    """The brain's actions for ``turn``, less the commands its speaker may not give."""
    session = drain.session
    if not session.status.active:
        return Screened([], [])
    ctx, commanders = await _context(ports, drain, turn)
    actions = with_citations(await _decide(ports, ctx), ctx.knowledge)
    speaker = next((p for p in ctx.participants if p.id == turn.speaker_id), None)
    screened = screen_actions(actions, commanders, speaker, turn.speaker)
    for refusal in screened.refused:
        log.info(
            "session %s: refused %s (%s)",
            session.id,
            type(refusal.action).__name__,
            "page rule" if refusal.page_problem else "not allowed to command",
        )
    return screened


def _refused_reply(
    session_id: str, seq: int, position: int, refusal: Refusal, requested_by: str, now: int
) -> Reply:
    kind, payload = action_record(refusal.action)
    record = {**payload, "reason": refusal.reason, "requestedBy": requested_by}
    return Reply(
        new_id(), session_id, seq, position, kind, record, ReplyStatus.REFUSED, 0, now, None
    )


async def respond_to_turns(ports: MeetingPorts, drain: Drain) -> None:
    """Ask the brain about every turn waiting for a reply, oldest first; the actions decided
    join ``drain.pending`` (the refused ones are only recorded)."""
    session = drain.session
    for turn in drain.waiting:
        screened = await _answer(ports, drain, turn)
        actions = screened.actions
        now = ports.clock.now_ms()
        replies = [
            Reply(
                new_id(),
                session.id,
                turn.seq,
                position,
                kind,
                {**payload, "requestedBy": turn.speaker}
                if kind == ActionKind.PAUSE_RECORDING
                else payload,
                ReplyStatus.PENDING,
                0,
                now,
                None,
            )
            for position, (kind, payload) in enumerate(map(action_record, actions))
        ]
        async with ports.uow() as tx:
            if not await tx.turns.finish_pending(session.id, turn.seq):
                continue  # answered meanwhile by another drain of this session
            for reply in replies:
                await tx.replies.add(reply)
            for position, refusal in enumerate(screened.refused, start=len(actions)):
                await tx.replies.add(
                    _refused_reply(session.id, turn.seq, position, refusal, turn.speaker, now)
                )
        drain.pending += replies
    drain.waiting = []


async def _perform(
    ports: MeetingPorts, gateway: RecallGateway, session: MeetingSession, reply: Reply
) -> dict[str, Any]:
    """Do what the reply says; returns its payload as it should be stored once sent."""
    bot_id = str(session.recall_bot_id)
    match recorded_action(reply.kind, reply.payload):
        case SendChat(text=text, to=to):
            spoken = await deliver_chat_reply(ports.uow, ports.voice, gateway, session, text, to)
            if spoken is not None:
                return {**reply.payload, "spoken": spoken.to_payload()}
        case StartScreenshare(url=url):
            await gateway.start_screenshare(bot_id, url)
        case StopScreenshare():
            await gateway.stop_screenshare(bot_id)
        case LeaveMeeting():
            await gateway.leave_call(bot_id)
        case PauseRecording(minutes=asked):
            await gateway.pause_recording(bot_id)
            now = ports.clock.now_ms()
            minutes = pause_length(asked, ports.pause_limit_min)
            resume_at = None if minutes is None else now + minutes * 60_000
            # Told by us, not the brain: only we know the limit and the time it ends.
            await deliver_chat_reply(
                ports.uow, ports.voice, gateway, session, paused_message(now, minutes), "everyone"
            )
            return {**reply.payload, "pausedAt": now, "resumeAt": resume_at}
        case ResumeRecording():
            await gateway.resume_recording(bot_id)
    return reply.payload


async def retire_stale_claims(ports: MeetingPorts, session_id: str) -> None:
    """Claims left ``sending`` by a process that died mid-call become ``unknown``: never
    re-sent, so a restart cannot post a duplicate."""
    async with ports.uow() as tx:
        await tx.replies.retire_claims(session_id)


async def send_pending_replies(ports: MeetingPorts, drain: Drain) -> None:
    """Perform stored actions in order; each is claimed before its Recall call."""
    session, pending = drain.session, drain.pending
    gateway = drain.gateway(ports) if pending else None
    if gateway is None:
        return
    drain.pending = []
    for reply in pending:
        async with ports.uow() as tx:
            claimed = await tx.replies.claim(reply.id)
        if not claimed:
            continue  # another drain of this session got there first; it sends, we do not
        try:
            payload = await _perform(ports, gateway, session, reply)
        except RecallError as exc:
            await _failed(ports, reply, exc)
            continue
        await _sent(ports, reply, payload)


async def _failed(ports: MeetingPorts, reply: Reply, exc: RecallError) -> None:
    """Back to pending for a retry while Recall is unavailable (raised: the dispatcher backs
    the session off), else failed for good."""
    retry = isinstance(exc, RecallUnavailable) and reply.attempts + 1 < MAX_SEND_ATTEMPTS
    async with ports.uow() as tx:
        await tx.replies.mark(
            reply.id,
            ReplyStatus.PENDING if retry else ReplyStatus.FAILED,
            error=exc.detail[:500],
        )
    log.warning("reply %s (%s) failed: %s", reply.id, reply.kind, exc.detail)
    if retry:
        raise exc
    await ports.live.publish(
        reply.session_id, reply_event(reply, ReplyStatus.FAILED, ports.clock.now_ms())
    )


async def _sent(ports: MeetingPorts, reply: Reply, payload: dict[str, Any]) -> None:
    sent_at = ports.clock.now_ms()
    session_id = reply.session_id
    action = recorded_action(reply.kind, reply.payload)
    async with ports.uow() as tx:
        sent: dict[str, Any] = {"sent_at": sent_at}
        if payload is not reply.payload:
            sent["payload"] = payload
        await tx.replies.mark(reply.id, ReplyStatus.SENT, **sent)
        await publish(tx, ports.clock, ports.webhooks, session_id, [reply_sent(reply, sent_at)])
        if isinstance(action, PauseRecording):
            by = payload.get("requestedBy")
            paused_at = int(payload.get("pausedAt") or sent_at)
            resume_at = payload.get("resumeAt")
            await record_paused(tx, session_id, paused_at, resume_at, by and str(by))
        elif isinstance(action, ResumeRecording):
            await record_resumed(tx, session_id, sent_at)
    await ports.live.publish(session_id, reply_event(reply, ReplyStatus.SENT, ports.clock.now_ms()))
