"""Who may command a bot's delegate in a meeting (NULL: the host only)

Revision ID: 0012_commanders
Revises: 0011_receiver_diagnostics
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_commanders"
down_revision = "0011_receiver_diagnostics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bots") as batch:
        batch.add_column(sa.Column("commanders", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bots") as batch:
        batch.drop_column("commanders")
