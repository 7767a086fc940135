"""Provider journal: the creates sent to a remote provider, per reference (exactly-once).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Hand-checked against ``storage.models.ProviderJournalEntry``; a new table only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "provider_journal",
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("content", JSON, nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("extra", JSON, nullable=True),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_provider_journal")),
        sa.UniqueConstraint(
            "provider", "provider_id", name=op.f("uq_provider_journal_provider_provider_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("provider_journal")
