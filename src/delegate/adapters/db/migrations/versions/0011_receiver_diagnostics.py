"""What the receivers learn about a session: refused deliveries and the time of its status

``deliveries_refused`` counts deliveries for the session that were answered 401 (and why the
last one was), so a meeting lost to a wrong ``webhookSecret`` says so. ``status_at`` is
Recall's ``updated_at`` of the status applied last: status webhooks arrive out of order and an
older one must not move the session back.

Revision ID: 0011_receiver_diagnostics
Revises: 0010_voice_replies
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_receiver_diagnostics"
down_revision = "0010_voice_replies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_sessions") as batch:
        batch.add_column(
            sa.Column("deliveries_refused", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("refused_reason", sa.String(64), nullable=True))
        batch.add_column(sa.Column("status_at", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_sessions") as batch:
        batch.drop_column("status_at")
        batch.drop_column("refused_reason")
        batch.drop_column("deliveries_refused")
