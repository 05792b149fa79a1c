"""Sending a delegate into a meeting, and steering it from the API."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from delegate.domain.errors import Conflict, InvalidInput, NotFound, Unavailable, UpstreamFailed
from delegate.domain.events import SessionStatus
from delegate.domain.ids import new_id, secret_digest
from delegate.domain.live import reply_event
from delegate.domain.meeting_urls import InvalidMeetingUrl, parse_meeting_url
from delegate.domain.records import Bot, Integration, ListQuery, Page
from delegate.domain.sessions import (
    MeetingSession,
    Reply,
    ReplyStatus,
    SessionChanges,
    without_url_tokens,
)
from delegate.domain.validation import check_chat_recipient, check_join_at, check_page_url
from delegate.domain.voice import ReplyMode, SpokenMode, effective_reply_mode, parse_reply_mode
from delegate.services.context import MeetingPorts
from delegate.services.pausing import record_paused, record_resumed
from delegate.services.ports import (
    BotSnapshot,
    BotSpec,
    RecallError,
    RecallGateway,
    RecallNotFound,
    RecallRejected,
    RecallUnauthorized,
    RecallUnavailable,
)
from delegate.services.voices import check_reply_voice
from delegate.services.webhook_events import publish, session_created

IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000
CONFLICT_STATUS = 409
TOO_MANY_REQUESTS = 429
OUTCOME_UNKNOWN = "recall_outcome_unknown"
"""``statusReason`` of a session whose bot Recall may or may not have created."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Initiated:
    integration_id: str
    session_id: str
    bot: dict[str, Any]


def request_digest(
    meeting_url: str,
    text: str,
    bot_name: str | None,
    join_at: int | None,
    reply_mode: str | None = None,
    voice: str | None = None,
) -> str:
    """What an ``initiate`` asked for, so a reused Idempotency-Key can be told from a retry."""
    parts = [meeting_url, text, bot_name or "", str(join_at or "")]
    if reply_mode or voice:
        parts += [reply_mode or "", voice or ""]
    canonical = "\x1f".join(parts)
    return hashlib.sha256(canonical.encode()).hexdigest()


def realtime_path(integration_id: str, session_id: str) -> str:
    return f"/v1/integration/recall/{integration_id}/session/{session_id}/realtime"


def recall_failure(exc: RecallError, action: str) -> Exception:
    """Recall's own words for the user: 400 when the request was refused for what it asked
    (a 4xx), 409 when the bot is gone, 502 only when Recall itself failed."""
    if isinstance(exc, RecallUnavailable) or not isinstance(exc, RecallRejected):
        return UpstreamFailed(f"Recall is unavailable ({action}): {exc.detail}")
    if exc.code == "cannot_command_completed_bot":
        return Conflict(f"The meeting bot has already left the call: {exc.detail}")
    if isinstance(exc, RecallNotFound):
        return Conflict(f"Recall no longer knows the meeting bot ({action}): {exc.detail}")
    if isinstance(exc, RecallUnauthorized):
        return InvalidInput(f'Recall refused the integration\'s "apiKey" ({action}): {exc.detail}')
    return InvalidInput(f"Recall refused to {action}: {exc.detail}")


async def _integration_with_bot(
    ports: MeetingPorts, account_id: str, ref: str
) -> tuple[Integration, Bot, str]:
    async with ports.uow() as tx:
        integration = await tx.integrations.get(account_id, ref)
        if integration is None:
            raise NotFound("Recall integration not found")
        if not integration.bot_id:
            raise InvalidInput("Recall integration does not have a bot configured (botId)")
        bot = await tx.bots.get(account_id, integration.bot_id)
        secrets_ = await tx.integrations.secrets(integration.id)
    if not secrets_.api_key:
        raise InvalidInput("Recall integration does not have an API key configured (apiKey)")
    assert bot is not None  # the foreign key keeps bot_id pointing at an existing bot
    return integration, bot, secrets_.api_key


def _spoken_mode(
    ports: MeetingPorts,
    bot: Bot,
    platform: str,
    reply_mode: str | None,
    voice: str | None,
) -> tuple[SpokenMode, str | None]:
    """How this meeting answers (initiate's choice over the bot's) and with which voice,
    checked before any bot is sent."""
    asked = parse_reply_mode(reply_mode) or ReplyMode(bot.reply_mode)
    chosen = voice if voice is not None else bot.voice
    catalog = ports.voice.catalog if ports.voice else None
    checked = check_reply_voice(catalog, asked, chosen) if asked.speaks or voice else chosen
    return effective_reply_mode(asked, platform), checked


async def initiate_meeting(
    ports: MeetingPorts,
    account_id: str,
    integration_ref: str,
    meeting_url: str,
    text: str,
    bot_name: str | None = None,
    join_at: datetime | None = None,
    idempotency_key: str | None = None,
    reply_mode: str | None = None,
    voice: str | None = None,
) -> Initiated:
    """Create a session and send a Recall bot into the meeting.

    With an ``idempotency_key`` seen in the last 24 hours, the first result is returned and no
    second bot is sent; the same key with a different request is a Conflict. An empty key is no
    key. The session is stored before Recall is called. A Recall refusal, or a failure after
    which Recall has no bot with this session's metadata, leaves nothing stored; a bot Recall
    created although its answer was unusable is found that way and kept.
    """
    try:
        parsed = parse_meeting_url(meeting_url)
    except InvalidMeetingUrl as exc:
        raise InvalidInput(f'"meetingUrl" is not a supported meeting link: {exc.reason}') from exc
    if not text.strip():
        raise InvalidInput('"text" must not be empty')
    join_at = check_join_at(join_at, datetime.fromtimestamp(ports.clock.now_ms() / 1000, UTC))
    integration, bot, api_key = await _integration_with_bot(ports, account_id, integration_ref)
    bot_id, default_name = bot.id, bot.name
    spoken, voice = _spoken_mode(ports, bot, parsed.platform, reply_mode, voice)
    now = ports.clock.now_ms()
    idempotency_key = (idempotency_key or "").strip() or None
    join_at_ms = int(join_at.timestamp() * 1000) if join_at else None
    asked = request_digest(
        meeting_url.strip(), text.strip(), bot_name, join_at_ms, reply_mode, voice
    )
    if idempotency_key:
        replay = await _replay(ports, integration.id, idempotency_key, asked, now)
        if replay is not None:
            return replay

    session_id = new_id()
    secret = secrets.token_urlsafe(32)
    name = (bot_name or "").strip() or default_name or "Meeting Assistant"
    session = MeetingSession(
        id=session_id,
        account_id=account_id,
        integration_id=integration.id,
        bot_id=bot_id,
        recall_bot_id=None,
        status=SessionStatus.CREATED,
        status_code=None,
        status_reason=None,
        ever_in_call=False,
        platform=parsed.platform,
        meeting_url=meeting_url.strip(),
        bot_name=name[:100],
        instruction=text.strip(),
        join_at=join_at_ms,
        bot_snapshot=None,
        summary=None,
        cursor=0,
        next_turn_seq=1,
        recording_paused=False,
        notes=None,
        notes_status=None,
        last_polled_at=None,
        created_at=now,
        updated_at=now,
        ended_at=None,
        reply_mode=spoken.mode.value,
        voice=voice,
        reply_notice=spoken.notice,
    )
    async with ports.uow() as tx:
        await tx.sessions.add(
            session, secret_digest(secret), idempotency_key, asked if idempotency_key else None
        )

    receiver = f"{ports.public_url}{realtime_path(integration.id, session_id)}"
    spec = BotSpec(
        meeting_url=meeting_url.strip(),
        bot_name=session.bot_name,
        realtime_url=f"{receiver}?token={secret}",
        metadata={"integrationId": integration.id, "sessionId": session_id},
        transcript_provider=ports.transcript_provider,
        transcript_language=ports.transcript_language,
        join_at=join_at,
        audio_output=spoken.mode.speaks,
    )
    gateway = ports.recall.gateway(api_key, integration.region)
    try:
        recall_bot = await gateway.create_bot(spec, idempotency_key=session_id)
    except RecallError as exc:
        found = await _bot_sent_anyway(ports, gateway, session_id, exc)
        if found is None:
            async with ports.uow() as tx:
                await tx.sessions.delete(session_id)
            if isinstance(exc, RecallRejected):
                raise InvalidInput(f"Recall rejected the bot: {exc.detail}") from exc
            if isinstance(exc, RecallUnavailable) and exc.retry_after_s is not None:
                raise Unavailable(
                    f"Recall asked to come back later, no bot was sent: {exc.detail}",
                    exc.retry_after_s,
                ) from exc
            raise UpstreamFailed(f"Recall is unavailable, no bot was sent: {exc.detail}") from exc
        recall_bot = found

    if spoken.mode.speaks and ports.voice is not None:
        ports.voice.warm_up(voice)
    status = SessionStatus.SCHEDULED if join_at else SessionStatus.JOINING
    snapshot = without_url_tokens(recall_bot.raw)
    async with ports.uow() as tx:
        sent = SessionChanges(
            recall_bot_id=recall_bot.id,
            bot_snapshot=snapshot,
            status=status,
            status_code=recall_bot.status.code if recall_bot.status else None,
            platform=recall_bot.platform or parsed.platform,
            updated_at=ports.clock.now_ms(),
        )
        await tx.sessions.update(session_id, sent)
        created = session_created(session, status)
        await publish(tx, ports.clock, ports.webhooks, session_id, [created])
    return Initiated(integration.id, session_id, snapshot)


def _ambiguous(exc: RecallError) -> bool:
    """Whether Recall may have created the bot although the call failed: a timeout, a 5xx
    after the work, an answer we could not read, or 409 "a request with this key is still in
    progress". Other 4xx are definite refusals, 429 ("too many requests") among them: Recall
    throttled the request before doing anything."""
    if exc.status == TOO_MANY_REQUESTS:
        return False
    return not isinstance(exc, RecallRejected) or exc.status == CONFLICT_STATUS


async def _bot_sent_anyway(
    ports: MeetingPorts, gateway: RecallGateway, session_id: str, exc: RecallError
) -> BotSnapshot | None:
    """The bot Recall created for this session despite ``exc``, found by our metadata; None
    when Recall has none. When Recall cannot even be asked, the session is kept (status
    ``created``, reason ``recall_outcome_unknown``) rather than lose track of a bot that may
    be in the meeting, and the request fails."""
    if not _ambiguous(exc):
        return None
    try:
        bots = await gateway.list_bots(metadata={"sessionId": session_id})
    except RecallError as listing:
        async with ports.uow() as tx:
            await tx.sessions.update(session_id, SessionChanges(status_reason=OUTCOME_UNKNOWN))
        raise UpstreamFailed(
            f"Recall's answer could not be used ({exc.detail}) and it could not be asked "
            f"whether the bot exists ({listing.detail}); session {session_id} is kept"
        ) from exc
    if bots:
        log.warning("session %s: Recall created the bot although the create failed", session_id)
    return bots[0] if bots else None


async def _replay(
    ports: MeetingPorts, integration_id: str, key: str, asked: str, now: int
) -> Initiated | None:
    async with ports.uow() as tx:
        earlier = await tx.sessions.find_by_idempotency_key(integration_id, key)
        if earlier is None:
            return None
        if earlier.created_at < now - IDEMPOTENCY_WINDOW_MS:
            await tx.sessions.clear_idempotency_key(earlier.id)
            return None
        first = await tx.sessions.idempotency_digest(earlier.id)
    if first is not None and first != asked:
        raise Conflict(
            "This Idempotency-Key was used for a different request; use a new key for a new meeting"
        )
    if earlier.recall_bot_id is None:
        raise Conflict("A request with this Idempotency-Key is still in progress")
    return Initiated(
        integration_id, earlier.id, earlier.bot_snapshot or {"id": earlier.recall_bot_id}
    )


async def _session(
    ports: MeetingPorts, account_id: str, integration_ref: str, session_id: str
) -> tuple[Integration, MeetingSession]:
    async with ports.uow() as tx:
        integration = await tx.integrations.get(account_id, integration_ref)
        if integration is None:
            raise NotFound("Recall integration not found")
        session = await tx.sessions.get(account_id, integration.id, session_id)
    if session is None:
        raise NotFound("Meeting session not found")
    return integration, session


async def fetch_session(
    ports: MeetingPorts, account_id: str, integration_ref: str, session_id: str
) -> MeetingSession:
    return (await _session(ports, account_id, integration_ref, session_id))[1]


async def list_sessions(
    ports: MeetingPorts, account_id: str, integration_ref: str, query: ListQuery
) -> Page[MeetingSession]:
    async with ports.uow() as tx:
        integration = await tx.integrations.get(account_id, integration_ref)
        if integration is None:
            raise NotFound("Recall integration not found")
        return await tx.sessions.list_page(account_id, integration.id, query)


async def session_details(
    ports: MeetingPorts, session: MeetingSession
) -> tuple[list[Any], list[Reply]]:
    """Participants and replies of a session, for its fetch view."""
    async with ports.uow() as tx:
        return (
            await tx.participants.in_session(session.id),
            await tx.replies.for_session(session.id),
        )


async def _live_session(
    ports: MeetingPorts, account_id: str, integration_ref: str, session_id: str
) -> tuple[Integration, MeetingSession, str]:
    integration, session = await _session(ports, account_id, integration_ref, session_id)
    if not session.status.active:
        raise Conflict(f"The meeting session has {session.status.value}; it takes no more actions")
    if session.recall_bot_id is None:
        raise Conflict("The meeting session has no Recall bot yet")
    return integration, session, session.recall_bot_id


async def send_message(
    ports: MeetingPorts,
    account_id: str,
    integration_ref: str,
    session_id: str,
    message: str,
    to: str = "everyone",
) -> dict[str, Any]:
    """Post a chat message in the meeting as the delegate."""
    if not message.strip():
        raise InvalidInput('"message" must not be empty')
    integration, session, bot_id = await _live_session(
        ports, account_id, integration_ref, session_id
    )
    to = check_chat_recipient(to, session.platform)
    gateway = await ports.gateway(integration)
    try:
        await gateway.send_chat_message(bot_id, message, to=to, platform=session.platform)
    except RecallError as exc:
        raise recall_failure(exc, "send the chat message") from exc
    now = ports.clock.now_ms()
    reply = Reply(
        id=new_id(),
        session_id=session.id,
        turn_seq=None,
        position=0,
        kind="chat",
        payload={"text": message, "to": to, "source": "api"},
        status=ReplyStatus.SENT,
        attempts=1,
        created_at=now,
        sent_at=now,
    )
    async with ports.uow() as tx:
        await tx.replies.add(reply)
    await ports.live.publish(session.id, reply_event(reply, ReplyStatus.SENT, now))
    return {"id": session.id, "message": message, "to": to}


@dataclass(frozen=True)
class _Control:
    verb: str
    """What the error says could not be done."""
    paused: bool | None
    """The recording is paused afterwards (True), running (False), or unchanged (None)."""


_CONTROLS = {
    "recording/start": _Control("start the recording", False),
    "recording/stop": _Control("stop the recording", True),
    "recording/pause": _Control("pause the recording", True),
    "recording/resume": _Control("resume the recording", False),
    "screenshare/stop": _Control("stop the screenshare", None),
    "leave": _Control("leave the meeting", None),
}

CONTROL_ACTIONS = tuple(_CONTROLS)


async def _perform_control(gateway: RecallGateway, bot_id: str, action: str) -> None:
    match action:
        case "recording/start":
            await gateway.start_recording(bot_id)
        case "recording/stop":
            await gateway.stop_recording(bot_id)
        case "recording/pause":
            await gateway.pause_recording(bot_id)
        case "recording/resume":
            await gateway.resume_recording(bot_id)
        case "screenshare/stop":
            await gateway.stop_screenshare(bot_id)
        case "leave":
            await gateway.leave_call(bot_id)


async def control_session(
    ports: MeetingPorts, account_id: str, integration_ref: str, session_id: str, action: str
) -> dict[str, Any]:
    """Recording start/stop/pause/resume, screenshare stop, or leave."""
    control = _CONTROLS[action]
    integration, session, bot_id = await _live_session(
        ports, account_id, integration_ref, session_id
    )
    gateway = await ports.gateway(integration)
    try:
        await _perform_control(gateway, bot_id, action)
    except RecallError as exc:
        raise recall_failure(exc, control.verb) from exc
    if control.paused is not None:
        now = ports.clock.now_ms()
        async with ports.uow() as tx:
            # The owner's pause lasts until the owner resumes it (no timer); any resume,
            # theirs included, clears a timer set in the meeting.
            if control.paused:
                await record_paused(tx, session.id, now, None, None)
            else:
                await record_resumed(tx, session.id, now)
    return {"id": session.id, "action": action}


async def start_screenshare(
    ports: MeetingPorts, account_id: str, integration_ref: str, session_id: str, url: str
) -> dict[str, Any]:
    """Show a web page as the delegate's screenshare."""
    url = check_page_url(url, "url")
    integration, session, bot_id = await _live_session(
        ports, account_id, integration_ref, session_id
    )
    gateway = await ports.gateway(integration)
    try:
        await gateway.start_screenshare(bot_id, url)
    except RecallError as exc:
        raise recall_failure(exc, "start the screenshare") from exc
    return {"id": session.id, "action": "screenshare/start", "url": url}
