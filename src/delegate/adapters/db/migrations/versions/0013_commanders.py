"""Who may command a bot's delegate in a meeting (NULL: the host only)

Revision ID: 0013_commanders
Revises: 0012_knowledge
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_commanders"
down_revision = "0012_knowledge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bots") as batch:
        batch.add_column(sa.Column("commanders", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bots") as batch:
        batch.drop_column("commanders")
