"""api_tokens.revoked_at: ``delegate token revoke`` keeps the row, so ``token list`` and an
audit can still tell which token it was; a revoked token no longer authenticates.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("api_tokens", sa.Column("revoked_at", sa.BigInteger))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("revoked_at")
