"""Processing one session's stored events, one at a time and in order.

Phase 1 applies events to the session's state (participants, turns, status) and advances the
cursor in the same transaction, so a crash repeats at most an uncommitted batch. Then the
turns that address the delegate get their replies (``services/replies.py``) and, when the call
has ended, the notes (``services/notes.py``). No network call happens inside a transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

import structlog

from delegate.domain.addressing import is_addressed
from delegate.domain.events import (
    ChatReceived,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantUpdated,
    SessionStatus,
    Speaker,
    StatusChanged,
    TranscriptFinal,
    next_status,
)
from delegate.domain.live import LiveEvent, participant_event, status_changed_event, turn_event
from delegate.domain.meeting import Participant, Turn
from delegate.domain.pause import closed, open_since
from delegate.domain.sessions import (
    KEEP,
    MeetingSession,
    NotesStatus,
    ReplyState,
    SessionChanges,
    SessionProgress,
    StoredEvent,
)
from delegate.domain.summary import RunningSummary
from delegate.domain.turns import Fragment, assemble, chat_turn
from delegate.domain.voice import is_own_speech
from delegate.services.context import MeetingPorts
from delegate.services.ports import BotStatus, RecallError, UnitOfWork, UnitOfWorkFactory
from delegate.services.session_state import SessionState
from delegate.services.webhook_events import (
    PendingEvent,
    participant_change,
    publish,
    status_changes,
    turn_closed,
)

log = structlog.stdlib.get_logger(__name__)

BATCH = 200


@dataclass
class _State:
    session: SessionProgress
    known: SessionState
    own_texts: set[str] | None = None
    """The delegate's recent chat lines, read when the batch holds a chat message."""
    changes: SessionChanges = field(default_factory=SessionChanges)
    confirm_status: bool = False
    summary_changed: bool = False
    webhooks: list[PendingEvent] = field(default_factory=list)
    """Events for the account's webhook endpoints, written with the batch."""
    live: list[LiveEvent] = field(default_factory=list)
    """What watchers of the meeting are told once the batch has committed."""

    @property
    def status(self) -> SessionStatus:
        status = self.changes.status
        return self.session.status if status is KEEP else status

    @property
    def ever_in_call(self) -> bool:
        ever = self.changes.ever_in_call
        return self.session.ever_in_call if ever is KEEP else ever

    @property
    def unrecorded_spans(self) -> list[dict[str, Any]] | None:
        spans = self.changes.unrecorded_spans
        return self.session.unrecorded_spans if spans is KEEP else spans


async def process_session_events(ports: MeetingPorts, session_id: str) -> None:
    """Drain everything pending for the session: events, replies, notes."""
    from delegate.services.drain import read_drain
    from delegate.services.notes import write_notes_if_due
    from delegate.services.replies import (
        respond_to_turns,
        retire_stale_claims,
        send_pending_replies,
    )

    if session_id not in ports.recovered:
        await retire_stale_claims(ports, session_id)
        ports.recovered.add(session_id)
    while True:
        applied, confirm, follow_up = await _apply_batch(ports, session_id)
        if confirm:
            await _confirm_status_with_recall(ports, session_id)
            continue
        if applied < BATCH:
            break
    # Most events (partials, speech on/off) leave nothing to do: then the drain ends here.
    if not follow_up:
        return
    drain = await read_drain(ports, session_id)
    if drain is None:
        return
    await respond_to_turns(ports, drain)
    await send_pending_replies(ports, drain)
    await write_notes_if_due(ports, drain)


async def sessions_with_work(uow: UnitOfWorkFactory, waking_events: Collection[str]) -> list[str]:
    """Sessions the sweep kicks: unprocessed events that matter, or notes due."""
    async with uow() as tx:
        # Partials and speech on/off alone need no drain: the next event that matters
        # steps over them.
        pending = await tx.sessions.with_unprocessed_events(500, waking_events)
        notes = await tx.sessions.needing_notes(100)
    return list(dict.fromkeys([*pending, *notes]))


async def _apply_batch(ports: MeetingPorts, session_id: str) -> tuple[int, bool, bool]:
    """Apply up to BATCH events; returns (applied, needs a status confirmation, follow-up)."""
    async with ports.uow() as tx:
        # Locked: should two processes ever drain one session at once (a worker taken for
        # dead while still running), the second waits and starts from the first's cursor.
        session = await tx.sessions.lock(session_id)
        if session is None:
            ports.states.drop(session_id)
            return 0, False, False
        events = await tx.events.after(session_id, session.cursor, BATCH)
        if not events:
            return 0, False, await tx.sessions.has_follow_up(session_id)
        known = ports.states.take(session_id, session.cursor, session.next_turn_seq)
        state = _State(session, known or await _load_state(tx, session))
        for ev in events:
            await _apply(tx, ports, state, ev)
            if state.confirm_status:
                # Stop right before the unverified event; it is re-read once confirmed.
                state.known.cursor = ev.id
                break
        else:
            state.known.cursor = events[-1].id
        changes = state.changes
        changes.cursor = state.known.cursor
        if state.known.next_seq != session.next_turn_seq:
            changes.next_turn_seq = state.known.next_seq
        if state.summary_changed:
            changes.summary = state.known.summary.to_dict()
        changes.updated_at = ports.clock.now_ms()
        await tx.sessions.update(session_id, changes)
        await publish(tx, ports.clock, ports.webhooks, session_id, state.webhooks)
        follow_up = await tx.sessions.has_follow_up(session_id)
    ports.states.put(session_id, state.known)  # committed: the next batch starts from here
    for event in state.live:
        await ports.live.publish(session_id, event)
    return len(events), state.confirm_status, follow_up


async def _load_state(tx: UnitOfWork, session: SessionProgress) -> SessionState:
    last = await tx.turns.last(session.id)
    previous = await tx.turns.get(session.id, last.seq - 1) if last and last.seq > 1 else None
    stored = await tx.sessions.summary(session.id)
    summary = RunningSummary.from_dict(stored) if stored else RunningSummary()
    return SessionState(
        cursor=session.cursor,
        next_seq=session.next_turn_seq,
        summary=summary,
        participants={p.id: p for p in await tx.participants.in_session(session.id)},
        last_turn=last,
        previous_turn=previous,
    )


def _is_bot(state: _State, speaker: Speaker, text: str | None = None) -> bool:
    known = state.known.participants.get(speaker.id)
    if known is not None and known.is_bot:
        return True
    # Recall transcribes the bot's own speech too: never a participant's turn to answer.
    if is_own_speech(speaker.id, speaker.name, state.session.bot_name):
        return True
    return text is not None and state.own_texts is not None and text.strip() in state.own_texts


async def _apply(tx: UnitOfWork, ports: MeetingPorts, state: _State, ev: StoredEvent) -> None:
    event = ports.inbound.decode(ev)
    sid = state.session.id
    if isinstance(event, ParticipantJoined | ParticipantLeft | ParticipantUpdated):
        await _apply_participant(tx, state, event)
    elif isinstance(event, TranscriptFinal):
        if event.text.strip():
            speaker = await _note_speaker(tx, state, event.speaker)
            start, end = _placed(state, event)
            fragment = Fragment(
                speaker.id,
                speaker.name,
                event.text,
                start,
                end,
                by_bot=_is_bot(state, speaker),
            )
            turn, is_new = assemble(state.known.last_turn, fragment, state.known.next_seq)
            await _record_turn(tx, state, turn, is_new, piece=fragment.text)
    elif isinstance(event, ChatReceived):
        if event.text.strip():
            if state.own_texts is None:
                state.own_texts = {t.strip() for t in await tx.replies.recent_texts(sid, 50)}
            speaker = await _note_speaker(tx, state, event.speaker)
            turn = chat_turn(
                state.known.next_seq,
                speaker.id,
                speaker.name,
                event.text,
                event.at_s,
                to_bot=event.to_bot,
                by_bot=_is_bot(state, speaker, event.text),
            )
            await _record_turn(tx, state, turn, True, piece=turn.text)
    elif isinstance(event, StatusChanged):
        if not event.verified:
            state.confirm_status = True
            return
        _apply_status(ports, state, event, ev.id)


def _placed(state: _State, event: TranscriptFinal) -> tuple[float, float]:
    """The fragment's times; one Recall sent without any (``relative: null``) goes where it
    arrived, after the last turn, rather than to the start of the meeting."""
    last = state.known.last_turn
    start = event.start_s if event.start_s is not None else (last.end_s if last else 0.0)
    return start, event.end_s if event.end_s is not None else start


async def _apply_participant(
    tx: UnitOfWork, state: _State, event: ParticipantJoined | ParticipantLeft | ParticipantUpdated
) -> None:
    known = state.known.participants.get(event.speaker.id)
    if isinstance(event, ParticipantUpdated):
        present = known.present if known else True
    else:
        present = isinstance(event, ParticipantJoined)
    await _learn(tx, state, event.speaker, present)


async def _note_speaker(tx: UnitOfWork, state: _State, sp: Speaker) -> Speaker:
    """The speaker as the session knows them: a first-seen speaker is added, and a name or
    email that arrives late replaces the placeholder."""
    known = state.known.participants.get(sp.id)
    if known is None or (sp.named and sp.name != known.name) or (sp.email and not known.email):
        known = await _learn(tx, state, sp, known.present if known else True)
    return replace(sp, name=known.name, email=known.email)


async def _learn(tx: UnitOfWork, state: _State, sp: Speaker, present: bool) -> Participant:
    """Store what this event says about the participant, keeping a known name over a
    placeholder; turns already said under a placeholder get the real name."""
    known = state.known.participants.get(sp.id)
    name = sp.name if sp.named or known is None else known.name
    email = sp.email or (known.email if known else None)
    p = Participant(sp.id, name, sp.is_host, _is_bot(state, sp), present, email)
    state.webhooks += participant_change(known, p)
    state.known.participants[sp.id] = p
    await tx.participants.upsert(state.session.id, p)
    state.live.append(participant_event(p))
    if known is not None and known.name != name:
        await tx.turns.rename_speaker(state.session.id, sp.id, name)
        state.known.rename(sp.id, name)
    return p


async def _record_turn(tx: UnitOfWork, state: _State, turn: Turn, is_new: bool, piece: str) -> None:
    previous = state.known.last_turn if is_new else state.known.previous_turn
    # What the bot answered last: the turn before its own, known only for a new turn.
    answered = state.known.previous_turn if is_new else None
    reply_state = None
    if state.status.active and is_addressed(
        turn,
        state.session.bot_name,
        previous,
        participants=list(state.known.participants.values()),
        answered=answered,
    ):
        reply_state = ReplyState.PENDING
    await tx.turns.save(state.session.id, turn, is_new, reply_state)
    if is_new and state.status.active:  # after the call ended, its last turn was sent
        state.webhooks += turn_closed(state.known.last_turn)
    if not state.status.active:
        state.changes.notes_status = NotesStatus.PENDING  # late transcript: notes re-written
    state.live.append(turn_event(turn))
    state.known.summary.add(replace(turn, text=piece))
    state.summary_changed = True
    if is_new:
        state.known.previous_turn, state.known.next_seq = state.known.last_turn, turn.seq + 1
    state.known.last_turn = turn


def _apply_status(ports: MeetingPorts, state: _State, event: StatusChanged, event_id: int) -> None:
    current, changes = state.status, state.changes
    last_at = state.session.status_at if changes.status_at is KEEP else changes.status_at
    if event.at_ms is not None and last_at is not None and event.at_ms < last_at:
        return  # older than the status applied last: Svix delivered it late
    if not current.active and not event.final:
        return  # a final state is never left, nor its code replaced by a late one
    if event.at_ms is not None:
        changes.status_at = event.at_ms
    new = next_status(current, event, state.ever_in_call)
    changes.status_code = event.code
    if event.sub_code or new is not current:
        changes.status_reason = event.sub_code
    if new in (SessionStatus.IN_CALL, SessionStatus.RECORDING):
        changes.ever_in_call = True
    paused_since = open_since(state.unrecorded_spans)
    if event.recording and (paused_since is None or (event.at_ms or paused_since) >= paused_since):
        # Recording again (the host resumed from the meeting, or our own resume): a status
        # Recall sent before the pause began is history and must not end it.
        _end_pause(state, ports.clock.now_ms())
    if new is not current:
        changes.status = new
        log.info(
            "session status changed",
            session_id=state.session.id,
            status=new.value,
            recall_code=event.code,
            reason=event.sub_code,
        )
        state.webhooks += status_changes(current, new, event.code, event.sub_code)
        if not new.active:
            state.webhooks += turn_closed(state.known.last_turn)
            changes.ended_at = ports.clock.now_ms()
            changes.notes_status = NotesStatus.PENDING
            _end_pause(state, changes.ended_at)
    state.live.append(
        status_changed_event(new.value, event.code, event.sub_code, ports.clock.now_ms(), event_id)
    )


def _end_pause(state: _State, at_ms: int) -> None:
    """Recall records again, or the call is over: the open unrecorded span ends at ``at_ms``
    (our clock, as its start) and no timer is left to resume a bot that records or is gone."""
    changes, stored = state.changes, state.session
    if open_since(state.unrecorded_spans) is not None:
        changes.unrecorded_spans = closed(state.unrecorded_spans, at_ms)
    changes.recording_paused = False
    if stored.resume_at is not None:
        changes.resume_at = None


async def _confirm_status_with_recall(ports: MeetingPorts, session_id: str) -> None:
    """An unsigned status webhook is only a hint: ask Recall for the bot's real status, store
    that as a polled event, and step past the hint."""
    async with ports.uow() as tx:
        session = await tx.sessions.get_by_id(session_id)
        integration = await tx.integrations.get_by_id(session.integration_id) if session else None
    if session is None or integration is None or session.recall_bot_id is None:
        return
    try:
        bot = await (await ports.gateway(integration)).get_bot(session.recall_bot_id)
    except RecallError as exc:
        log.warning("could not confirm session status", session_id=session_id, error=exc.detail)
        bot = None
    if bot is None or bot.status is None:
        return
    async with ports.uow() as tx:
        await record_polled_changes(tx, ports, session, bot.status_changes)


async def record_polled_changes(
    tx: UnitOfWork, ports: MeetingPorts, session: MeetingSession, changes: list[BotStatus]
) -> bool:
    """Store every status change Recall lists for the bot, not only the last: a poll that
    comes after ``done`` still brings ``call_ended`` and its reason. Changes stored before are
    deduplicated, and older ones than the status applied are skipped by the drain."""
    new = False
    for change in changes:
        stored = await record_polled_status(
            tx, ports, session, change.code, change.sub_code, change.created_at
        )
        new = new or stored
    return new


async def record_polled_status(
    tx: UnitOfWork,
    ports: MeetingPorts,
    session: MeetingSession,
    code: str,
    sub_code: str | None,
    at: str | None,
) -> bool:
    """Store a status read from Recall as an event of the session (deduplicated)."""
    if session.recall_bot_id is None:
        return False
    event = ports.inbound.polled(
        session.id, session.recall_bot_id, code, sub_code, at, ports.clock.now_ms()
    )
    stored = await tx.events.append([event])
    return stored[0]
