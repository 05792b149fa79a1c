"""SQLAlchemy tables (Core, dialect-neutral). Timestamps are epoch milliseconds (BIGINT)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy import Text as _Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.types import TypeDecorator


class Text(TypeDecorator[str]):
    """TEXT that PostgreSQL accepts whatever a participant typed: it rejects NUL characters
    (SQLite does not), and one in a chat message would stop its session for good."""

    impl = _Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value and dialect.name == "postgresql" and "\x00" in value:
            return value.replace("\x00", "\ufffd")
        return value


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(24)

accounts = Table(
    "accounts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", ID, primary_key=True),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
    Column("hint", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger),
)

bots = Table(
    "bots",
    metadata,
    Column("id", ID, primary_key=True),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("alias", String(128)),
    Column("name", Text, nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
    Column("backstory", Text, nullable=False, default=""),
    Column("model", String(512), nullable=False, default=""),
    Column("meta", JSON),
    Column("reply_mode", String(8), nullable=False, default="chat", server_default="chat"),
    Column("voice", String(128)),
    Column("commanders", JSON),
    # The knowledge base the bot answers from (ChatBotKit's datasetId); cleared when deleted.
    Column("dataset_id", ID),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    UniqueConstraint("account_id", "alias", name="uq_bots_account_alias"),
    Index("ix_bots_account_created", "account_id", "created_at", "id"),
)

recall_integrations = Table(
    "recall_integrations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("bot_id", ID, ForeignKey("bots.id", ondelete="SET NULL")),
    Column("alias", String(128)),
    Column("name", Text, nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
    Column("api_key_enc", Text),
    Column("webhook_secret_enc", Text),
    Column("region", String(32)),
    Column("meta", JSON),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    UniqueConstraint("account_id", "alias", name="uq_recall_integrations_account_alias"),
    Index("ix_recall_integrations_account_created", "account_id", "created_at", "id"),
)

meeting_sessions = Table(
    "meeting_sessions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column(
        "integration_id",
        ID,
        ForeignKey("recall_integrations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("bot_id", ID, ForeignKey("bots.id", ondelete="SET NULL")),
    Column("recall_bot_id", String(64)),
    Column("status", String(32), nullable=False),
    Column("status_code", String(64)),
    Column("status_reason", String(128)),
    Column("ever_in_call", Boolean, nullable=False, default=False),
    Column("platform", String(64)),
    Column("meeting_url", Text, nullable=False),
    Column("bot_name", Text, nullable=False),
    Column("instruction", Text, nullable=False),
    Column("join_at", BigInteger),
    Column("secret_digest", String(64), nullable=False),
    Column("idempotency_key", String(255)),
    Column("idempotency_digest", String(64)),
    Column("bot_snapshot", JSON),
    Column("summary", JSON),
    Column("cursor", BigInteger, nullable=False, default=0),
    Column("next_turn_seq", Integer, nullable=False, default=1),
    Column("recording_paused", Boolean, nullable=False, default=False),
    Column("notes", JSON),
    Column("notes_status", String(16)),
    Column("last_polled_at", BigInteger),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("ended_at", BigInteger),
    Column("reply_mode", String(8), nullable=False, default="chat", server_default="chat"),
    Column("voice", String(128)),
    Column("reply_notice", Text),
    Column("deliveries_refused", Integer, nullable=False, default=0, server_default="0"),
    Column("refused_reason", String(64)),
    Column("status_at", BigInteger),
    Column("resume_at", BigInteger),
    Column("unrecorded_spans", JSON),
    UniqueConstraint("integration_id", "idempotency_key", name="uq_sessions_idempotency"),
    Index("ix_sessions_integration_created", "integration_id", "created_at", "id"),
    Index("ix_sessions_recall_bot", "recall_bot_id"),
    Index("ix_sessions_status", "status"),
)

session_events = Table(
    "session_events",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("session_id", ID, ForeignKey("meeting_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("delivery_id", String(255), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("event", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", BigInteger, nullable=False),
    UniqueConstraint("session_id", "delivery_id", name="uq_session_events_delivery"),
    Index("ix_session_events_session_id", "session_id", "id"),
)

participants = Table(
    "participants",
    metadata,
    Column(
        "session_id",
        ID,
        ForeignKey("meeting_sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("participant_id", BigInteger, primary_key=True),
    Column("name", Text, nullable=False),
    Column("is_host", Boolean, nullable=False, default=False),
    Column("is_bot", Boolean, nullable=False, default=False),
    Column("present", Boolean, nullable=False, default=True),
    Column("first_seen_s", Float),
    Column("email", Text),
)

turns = Table(
    "turns",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("session_id", ID, ForeignKey("meeting_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("speaker_id", BigInteger),
    Column("speaker", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("source", String(16), nullable=False),
    Column("start_s", Float, nullable=False),
    Column("end_s", Float, nullable=False),
    Column("to_bot", Boolean, nullable=False, default=False),
    Column("by_bot", Boolean, nullable=False, default=False),
    Column("reply_state", String(16)),
    UniqueConstraint("session_id", "seq", name="uq_turns_session_seq"),
    Index("ix_turns_session_start", "session_id", "start_s"),
    # Every drain asks whether a turn is waiting for an answer: without this, a scan of all
    # the session's turns, which grows with the meeting.
    Index("ix_turns_session_reply_state", "session_id", "reply_state"),
)

replies = Table(
    "replies",
    metadata,
    Column("id", ID, primary_key=True),
    Column("session_id", ID, ForeignKey("meeting_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("turn_seq", Integer),
    Column("position", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("created_at", BigInteger, nullable=False),
    Column("sent_at", BigInteger),
    UniqueConstraint("session_id", "turn_seq", "position", name="uq_replies_turn_position"),
    Index("ix_replies_session_status", "session_id", "status"),
)

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", ID, primary_key=True),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("events", JSON, nullable=False),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("disabled_reason", Text),
    Column("failing_since", BigInteger),
    Column("secret_enc", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_webhook_endpoints_account_created", "account_id", "created_at", "id"),
)

webhook_events = Table(
    "webhook_events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("session_id", ID, ForeignKey("meeting_sessions.id", ondelete="CASCADE")),
    Column("type", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    # The order of a lane (one endpoint, one session): the order events were written in.
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("id", ID, nullable=False, unique=True),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column(
        "endpoint_id", ID, ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False
    ),
    Column(
        "event_id", String(32), ForeignKey("webhook_events.id", ondelete="CASCADE"), nullable=False
    ),
    # The session id, or "" for an event of no session (a test send).
    Column("lane", String(24), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", BigInteger, nullable=False),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("latency_ms", Integer),
    Column("created_at", BigInteger, nullable=False),
    Column("finished_at", BigInteger),
    Index("ix_webhook_deliveries_lane", "endpoint_id", "status", "lane", "seq"),
    Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at", "id"),
    Index("ix_webhook_deliveries_event", "event_id"),
)

datasets = Table(
    "datasets",
    metadata,
    Column("id", ID, primary_key=True),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("alias", String(128)),
    Column("name", Text, nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
    Column("meta", JSON),
    # Bumped by every change to the dataset's records: search caches its vectors by it.
    Column("version", BigInteger, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    UniqueConstraint("account_id", "alias", name="uq_datasets_account_alias"),
    Index("ix_datasets_account_created", "account_id", "created_at", "id"),
)

dataset_records = Table(
    "dataset_records",
    metadata,
    Column("id", ID, primary_key=True),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("dataset_id", ID, ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("source", Text, nullable=False, default=""),
    Column("meta", JSON),
    Column("status", String(16), nullable=False),
    Column("error", Text),
    # float32, L2-normalised; pgvector is not assumed (scores are computed in numpy).
    Column("embedding", LargeBinary),
    Column("embedding_model", String(128)),
    # PostgreSQL full-text (the 'simple' configuration: the records may be in any language).
    # On SQLite the words are in the FTS5 table dataset_records_fts (see migration 0012).
    Column("tsv", Text().with_variant(TSVECTOR(), "postgresql")),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_dataset_records_dataset_created", "dataset_id", "created_at", "id"),
    Index("ix_dataset_records_dataset_status", "dataset_id", "status"),
    Index("ix_dataset_records_tsv", "tsv", postgresql_using="gin"),
)
