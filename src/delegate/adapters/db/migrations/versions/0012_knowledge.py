"""Knowledge bases: datasets, their records (embedding and words), a bot's dataset

Revision ID: 0012_knowledge
Revises: 0011_receiver_diagnostics
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0012_knowledge"
down_revision = "0011_receiver_diagnostics"
branch_labels = None
depends_on = None

ID = sa.String(24)


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("id", ID, primary_key=True),
        sa.Column(
            "account_id", ID, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("alias", sa.String(128)),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("meta", sa.JSON()),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("account_id", "alias", name="uq_datasets_account_alias"),
    )
    op.create_index("ix_datasets_account_created", "datasets", ["account_id", "created_at", "id"])
    op.create_table(
        "dataset_records",
        sa.Column("id", ID, primary_key=True),
        sa.Column(
            "account_id", ID, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "dataset_id", ID, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("meta", sa.JSON()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("embedding", sa.LargeBinary()),
        sa.Column("embedding_model", sa.String(128)),
        sa.Column("tsv", sa.Text().with_variant(TSVECTOR(), "postgresql")),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
    )
    op.create_index(
        "ix_dataset_records_dataset_created",
        "dataset_records",
        ["dataset_id", "created_at", "id"],
    )
    op.create_index(
        "ix_dataset_records_dataset_status", "dataset_records", ["dataset_id", "status"]
    )
    op.create_index("ix_dataset_records_tsv", "dataset_records", ["tsv"], postgresql_using="gin")
    if op.get_bind().dialect.name == "sqlite":
        # Words of each record for keyword search; kept in step by the repository.
        op.execute(
            "CREATE VIRTUAL TABLE dataset_records_fts USING fts5("
            "record_id UNINDEXED, dataset_id UNINDEXED, body, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    with op.batch_alter_table("bots") as batch:
        batch.add_column(sa.Column("dataset_id", ID, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bots") as batch:
        batch.drop_column("dataset_id")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE dataset_records_fts")
    op.drop_table("dataset_records")
    op.drop_table("datasets")
