"""session_events.kind and delivery_id wide enough on PostgreSQL

``status_unverified`` has 17 characters and ``kind`` allowed 16; polled statuses make delivery
ids of up to ~140. SQLite never enforced the declared lengths, so only PostgreSQL changes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column("session_events", "kind", type_=sa.String(32), existing_type=sa.String(16))
    op.alter_column(
        "session_events", "delivery_id", type_=sa.String(255), existing_type=sa.String(128)
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column(
        "session_events", "delivery_id", type_=sa.String(128), existing_type=sa.String(255)
    )
    op.alter_column("session_events", "kind", type_=sa.String(16), existing_type=sa.String(32))
