"""Typed results of the API. Attributes are snake_case; the wire format (and ``to_json()``) is
the API's camelCase. Unknown fields from a newer server are kept, not rejected."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

Order = Literal["asc", "desc"]
TranscriptFormat = Literal["json", "text", "markdown", "vtt", "srt"]
RecordingAction = Literal["start", "stop", "pause", "resume"]
ReplyMode = Literal["chat", "voice", "both"]

JOINED_STATUSES = frozenset({"in_call", "recording"})
"""Session statuses in which the delegate is in the call."""
FINAL_STATUSES = frozenset({"ended", "failed"})
"""Session statuses after which nothing more happens."""


class Model(BaseModel):
    """Base of every result: snake_case attributes, camelCase on the wire."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    def to_json(self) -> dict[str, Any]:
        """The record as the API sends it (camelCase, JSON-ready)."""
        return self.model_dump(mode="json", by_alias=True)


class IdResult(Model):
    """What create, update and delete answer."""

    id: str

    @property
    def warning(self) -> str | None:
        """What a saved record still lacks (an integration without a bot or an API key
        cannot send a delegate yet); the API sends it only then."""
        value = (self.model_extra or {}).get("warning")
        return value if isinstance(value, str) else None


class SetupResult(Model):
    """What ``setup`` answers: where Recall now sends the integration's status webhooks."""

    id: str
    webhook_url: str


class VerifyCheck(Model):
    """One check of ``verify``: ``level`` is "ok", "warning" or "error"."""

    name: str
    ok: bool
    level: Literal["ok", "warning", "error"]
    message: str


class Verification(Model):
    """What ``verify`` answers: ``ok`` is False when a check failed (warnings allowed)."""

    id: str
    ok: bool
    checks: list[VerifyCheck]


class _Named(Model):
    """What bots, datasets and integrations share: an id, an optional ``@alias``, a name, a
    description, free ``meta`` and when it was created and last changed (epoch ms)."""

    id: str
    alias: str | None = None
    name: str = ""
    description: str = ""
    meta: dict[str, Any] | None = None
    created_at: int
    updated_at: int


class Bot(_Named):
    """A configured bot: a backstory (system prompt) and a model."""

    backstory: str = ""
    model: str = ""
    reply_mode: ReplyMode = "chat"
    """How its delegates answer: ``chat``, ``voice`` (spoken aloud) or ``both``."""
    voice: str | None = None
    """``engine`` or ``engine:name``; None: the server's default voice."""
    commanders: list[str] = Field(default_factory=lambda: ["host"])
    """Who may give its delegates meeting commands: ``host``, ``everyone``, names, emails."""
    dataset_id: str | None = None
    """The dataset (knowledge base) its delegates answer from."""


class IndexProgress(Model):
    """How far indexing of a dataset's records has come (pending ones are found by words)."""

    records: int
    indexed: int
    pending: int
    failed: int
    done: bool


class Dataset(_Named):
    """A knowledge base: records of text a bot with its ``dataset_id`` answers from."""

    index: IndexProgress | None = None
    """Present on fetch (not in lists)."""


class DatasetRecord(Model):
    """One passage of a dataset: ``pending`` until indexed, then ``indexed`` (or ``failed``)."""

    id: str
    dataset_id: str
    text: str
    source: str = ""
    meta: dict[str, Any] | None = None
    status: str
    error: str | None = None
    created_at: int
    updated_at: int


class FoundRecord(Model):
    """A record found by a search, with its similarity of meaning (``score``)."""

    id: str
    text: str
    source: str = ""
    meta: dict[str, Any] | None = None
    score: float


class SearchResult(Model):
    id: str
    records: list[FoundRecord]


class UploadResult(Model):
    """The records a file was split into (indexed in the background)."""

    id: str
    records: list[str]


class RecallIntegration(_Named):
    """A Recall integration. Secrets are write-only: only whether they are set is returned."""

    bot_id: str | None = None
    region: str = "us-east-1"
    api_key_set: bool = False
    webhook_secret_set: bool = False


class InitiateResult(Model):
    """A delegate on its way into a meeting. ``bot`` is Recall's bot object, untouched."""

    id: str = Field(description="The integration id")
    bot: dict[str, Any]
    session_id: str


class Participant(Model):
    id: int
    name: str
    is_host: bool = False
    is_bot: bool = False
    present: bool = True
    email: str | None = None


class Reply(Model):
    """Something the delegate sent or is about to send (chat message, action)."""

    id: str
    kind: str
    payload: dict[str, Any] = Field(default_factory=dict)
    status: str
    turn_seq: int | None = None
    created_at: int
    sent_at: int | None = None


class MeetingSession(Model):
    """One delegate in one meeting. ``participants`` and ``replies`` come with fetch only."""

    id: str
    integration_id: str
    bot_id: str | None = None
    recall_bot_id: str | None = None
    status: str
    status_code: str | None = None
    status_reason: str | None = None
    platform: str | None = None
    meeting_url: str
    bot_name: str = ""
    text: str = ""
    join_at: int | None = None
    recording_paused: bool = False
    resume_at: int | None = None
    """When a pause asked for in the meeting ends by itself (epoch ms; None: no timer)."""
    reply_mode: ReplyMode = "chat"
    voice: str | None = None
    reply_notice: str | None = None
    """Why the session answers otherwise than asked (Webex has no output audio: chat)."""
    notes_ready: bool = False
    created_at: int
    updated_at: int
    ended_at: int | None = None
    deliveries_refused: int = 0
    """Recall deliveries for this session the server refused (wrong signature or token)."""
    refused_reason: str | None = None
    """Why the last of them was refused (``bad signature``, ``wrong token``)."""
    no_transcript_reason: str | None = None
    """For a session that ended with no transcript, once its notes are written: why."""
    participants: list[Participant] | None = None
    replies: list[Reply] | None = None

    @property
    def joined(self) -> bool:
        """The delegate is in the call."""
        return self.status in JOINED_STATUSES

    @property
    def finished(self) -> bool:
        """The session ended or failed."""
        return self.status in FINAL_STATUSES


class TranscriptItem(Model):
    """One turn: what one speaker said (or wrote in the chat) without interruption."""

    seq: int
    speaker_id: int | None = None
    speaker: str
    text: str
    source: str
    start_s: float
    end_s: float
    to_bot: bool = False
    by_bot: bool = False


class Transcript(Model):
    id: str
    items: list[TranscriptItem]


class ActionItem(Model):
    text: str
    owner: str | None = None
    due: str | None = None


class UnrecordedSpan(Model):
    """A stretch the recording was paused: nothing said then is in the notes."""

    from_: int = Field(alias="from")
    to: int | None = None
    """Resumed at, or the end of the meeting."""
    by: str | None = None
    """Who asked for the pause in the meeting."""


class Notes(Model):
    """Meeting notes; ``status`` is ``ready``, ``pending`` or ``not_ended``."""

    id: str
    status: str
    summary: str | None = None
    decisions: list[str] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    no_transcript_reason: str | None = None
    """Why there is no transcript, when there is none (refused deliveries, ...)."""
    unrecorded_spans: list[UnrecordedSpan] = Field(default_factory=list)
    created_at: int | None = None


class ActionResult(Model):
    """What a session action answers (message sent, recording paused, ...)."""

    id: str
    action: str | None = None
    message: str | None = None
    to: str | None = None
    url: str | None = None


class Webhook(Model):
    """A webhook endpoint of the account. Its signing secret is shown only at create and
    rotation (``WebhookSecret``)."""

    id: str
    url: str
    description: str = ""
    events: list[str] = Field(default_factory=list)
    enabled: bool = True
    disabled_reason: str | None = None
    failing_since: int | None = None
    created_at: int
    updated_at: int


class WebhookSecret(Model):
    """What create and secret rotation answer: the endpoint and its signing secret
    (``whsec_...``), shown only this once."""

    id: str
    secret: str


class WebhookDelivery(Model):
    """One event on its way to an endpoint: ``pending``, ``succeeded`` or ``failed``."""

    id: str
    webhook_id: str
    event_id: str
    event_type: str
    session_id: str | None = None
    status: str
    attempts: int = 0
    next_attempt_at: int | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    latency_ms: int | None = None
    created_at: int
    finished_at: int | None = None


class DeliveryQueued(Model):
    """What test-send and redeliver answer: the webhook and the new delivery's id."""

    id: str
    delivery_id: str


T = TypeVar("T", bound=Model)


class Page(Model, Generic[T]):
    """One page of a list; pass ``cursor`` to the next ``list`` call to continue."""

    items: list[T]
    cursor: str | None = None
