"""Outbound webhooks: endpoints, the events written for them, and their deliveries.

Revision ID: 0009_webhooks
Revises: 0008_participant_email
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_webhooks"
down_revision = "0008_participant_email"
branch_labels = None
depends_on = None

ID = sa.String(24)
EVENT_ID = sa.String(32)


def _fk(table: str, column: str, target: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", ondelete="CASCADE", name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", ID, primary_key=True),
        sa.Column(
            "account_id", ID, _fk("webhook_endpoints", "account_id", "accounts"), nullable=False
        ),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("events", sa.JSON, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("failing_since", sa.BigInteger),
        sa.Column("secret_enc", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_webhook_endpoints_account_created",
        "webhook_endpoints",
        ["account_id", "created_at", "id"],
    )
    op.create_table(
        "webhook_events",
        sa.Column("id", EVENT_ID, primary_key=True),
        sa.Column(
            "account_id", ID, _fk("webhook_events", "account_id", "accounts"), nullable=False
        ),
        sa.Column("session_id", ID, _fk("webhook_events", "session_id", "meeting_sessions")),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "account_id", ID, _fk("webhook_deliveries", "account_id", "accounts"), nullable=False
        ),
        sa.Column(
            "endpoint_id",
            ID,
            _fk("webhook_deliveries", "endpoint_id", "webhook_endpoints"),
            nullable=False,
        ),
        sa.Column(
            "event_id",
            EVENT_ID,
            _fk("webhook_deliveries", "event_id", "webhook_events"),
            nullable=False,
        ),
        sa.Column("lane", ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.BigInteger, nullable=False),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("latency_ms", sa.Integer),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("finished_at", sa.BigInteger),
        sa.UniqueConstraint("id", name="uq_webhook_deliveries_id"),
    )
    op.create_index(
        "ix_webhook_deliveries_lane",
        "webhook_deliveries",
        ["endpoint_id", "status", "lane", "seq"],
    )
    op.create_index(
        "ix_webhook_deliveries_endpoint_created",
        "webhook_deliveries",
        ["endpoint_id", "created_at", "id"],
    )
    op.create_index("ix_webhook_deliveries_event", "webhook_deliveries", ["event_id"])


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_events")
    op.drop_table("webhook_endpoints")
