"""meeting_sessions.idempotency_digest: what the first request with an Idempotency-Key asked

A retry with the same key and the same request replays the first answer; the same key with a
different request is refused (409), as Stripe-style APIs do, instead of silently answering with
the first session. Sessions created before this revision have no digest and keep replaying.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("meeting_sessions", sa.Column("idempotency_digest", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("meeting_sessions") as batch:
        batch.drop_column("idempotency_digest")
