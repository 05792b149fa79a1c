"""Voice replies: how bots and sessions answer (chat, voice or both) and with which voice

Revision ID: 0010_voice_replies
Revises: 0009_webhooks
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_voice_replies"
down_revision = "0009_webhooks"
branch_labels = None
depends_on = None


def _reply_columns() -> list[sa.Column[str]]:
    return [
        sa.Column("reply_mode", sa.String(8), nullable=False, server_default="chat"),
        sa.Column("voice", sa.String(128), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("bots") as batch:
        for column in _reply_columns():
            batch.add_column(column)
    with op.batch_alter_table("meeting_sessions") as batch:
        for column in _reply_columns():
            batch.add_column(column)
        batch.add_column(sa.Column("reply_notice", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_sessions") as batch:
        for name in ("reply_notice", "voice", "reply_mode"):
            batch.drop_column(name)
    with op.batch_alter_table("bots") as batch:
        for name in ("voice", "reply_mode"):
            batch.drop_column(name)
