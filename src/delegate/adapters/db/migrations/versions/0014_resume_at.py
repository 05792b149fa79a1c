"""Timed pauses: when a paused recording resumes, and the spans that went unrecorded

Revision ID: 0014_resume_at
Revises: 0013_commanders
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_resume_at"
down_revision = "0013_commanders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_sessions") as batch:
        batch.add_column(sa.Column("resume_at", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("unrecorded_spans", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_sessions") as batch:
        batch.drop_column("unrecorded_spans")
        batch.drop_column("resume_at")
