"""Index on turns (session_id, reply_state)

Every drain checks whether the session has a turn waiting for an answer; with only the
(session_id, seq) and (session_id, start_s) indexes that check read every turn of the session,
so a drain at the third hour of a meeting cost twice one at its start.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_turns_session_reply_state", "turns", ["session_id", "reply_state"])


def downgrade() -> None:
    op.drop_index("ix_turns_session_reply_state", table_name="turns")
