"""Participants' email addresses

Recall sends a participant's email when the meeting platform knows it; it was dropped.

Revision ID: 0008_participant_email
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_participant_email"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("email", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("email")
