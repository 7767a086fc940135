"""Broadcast queue: broadcasts and one delivery row per (broadcast, chat).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Hand-checked against ``storage.models.Broadcast`` and ``BroadcastDelivery``; types spelled out as
in 0001. New tables only, so no batch operation and no trigger to re-create.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def TS() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", ID, nullable=False),
        sa.Column("key", sa.String(length=128), nullable=True),
        sa.Column(
            "kind", _enum("broadcast_kind", "results", "announcement", "winner"), nullable=False
        ),
        sa.Column(
            "status",
            _enum("broadcast_status", "queued", "running", "done", "cancelled"),
            server_default="queued",
            nullable=False,
        ),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("image_file_id", sa.String(length=255), nullable=True),
        sa.Column("audience", JSON, nullable=False),
        sa.Column("paid", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("total", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("progress_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_locale", sa.String(length=8), nullable=True),
        sa.Column("progress_at", TS(), nullable=True),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("started_at", TS(), nullable=True),
        sa.Column("finished_at", TS(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.CheckConstraint("total >= 0", name=op.f("ck_broadcasts_total_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
        sa.UniqueConstraint("key", name=op.f("uq_broadcasts_key")),
    )
    op.create_index(op.f("ix_broadcasts_status_id"), "broadcasts", ["status", "id"])

    op.create_table(
        "broadcast_deliveries",
        sa.Column("id", ID, nullable=False),
        sa.Column("broadcast_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "state",
            _enum(
                "delivery_state",
                "pending",
                "sending",
                "sent",
                "failed",
                "blocked",
                "unknown",
                "cancelled",
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("claimed_at", TS(), nullable=True),
        sa.Column("finished_at", TS(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_broadcast_deliveries_broadcast_id_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_deliveries")),
        sa.UniqueConstraint(
            "broadcast_id", "chat_id", name=op.f("uq_broadcast_deliveries_broadcast_id_chat_id")
        ),
    )
    op.create_index(
        op.f("ix_broadcast_deliveries_broadcast_id_state"),
        "broadcast_deliveries",
        ["broadcast_id", "state"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_broadcast_deliveries_broadcast_id_state"), table_name="broadcast_deliveries"
    )
    op.drop_table("broadcast_deliveries")
    op.drop_index(op.f("ix_broadcasts_status_id"), table_name="broadcasts")
    op.drop_table("broadcasts")
