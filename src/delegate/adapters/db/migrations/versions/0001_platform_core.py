"""Platform core: accounts, API tokens, bots, Recall integrations.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(24)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("name", name="uq_accounts_name"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", ID, primary_key=True),
        sa.Column(
            "account_id",
            ID,
            sa.ForeignKey(
                "accounts.id", ondelete="CASCADE", name="fk_api_tokens_account_id_accounts"
            ),
            nullable=False,
        ),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("hint", sa.String(16), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("digest", name="uq_api_tokens_digest"),
    )
    op.create_table(
        "bots",
        sa.Column("id", ID, primary_key=True),
        sa.Column(
            "account_id",
            ID,
            sa.ForeignKey("accounts.id", ondelete="CASCADE", name="fk_bots_account_id_accounts"),
            nullable=False,
        ),
        sa.Column("alias", sa.String(128)),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("backstory", sa.Text, nullable=False),
        sa.Column("model", sa.String(512), nullable=False),
        sa.Column("meta", sa.JSON),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("account_id", "alias", name="uq_bots_account_alias"),
    )
    op.create_index("ix_bots_account_created", "bots", ["account_id", "created_at", "id"])
    op.create_table(
        "recall_integrations",
        sa.Column("id", ID, primary_key=True),
        sa.Column(
            "account_id",
            ID,
            sa.ForeignKey(
                "accounts.id",
                ondelete="CASCADE",
                name="fk_recall_integrations_account_id_accounts",
            ),
            nullable=False,
        ),
        sa.Column(
            "bot_id",
            ID,
            sa.ForeignKey(
                "bots.id", ondelete="SET NULL", name="fk_recall_integrations_bot_id_bots"
            ),
        ),
        sa.Column("alias", sa.String(128)),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("api_key_enc", sa.Text),
        sa.Column("webhook_secret_enc", sa.Text),
        sa.Column("region", sa.String(32)),
        sa.Column("meta", sa.JSON),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("account_id", "alias", name="uq_recall_integrations_account_alias"),
    )
    op.create_index(
        "ix_recall_integrations_account_created",
        "recall_integrations",
        ["account_id", "created_at", "id"],
    )


def downgrade() -> None:
    op.drop_table("recall_integrations")
    op.drop_table("bots")
    op.drop_table("api_tokens")
    op.drop_table("accounts")
