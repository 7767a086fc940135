"""House bookings: the ledger of the embedded house provider (the bot is the banca).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Hand-checked against ``storage.models.HouseBooking``; types spelled out as in 0001. A new table
only, so no batch operation and no trigger to re-create.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def TS() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "house_bookings",
        sa.Column("id", ID, nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("serial", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "sold", "void", "winner", "loser", "paid", "expired",
                name="house_booking_state", native_enum=False, create_constraint=True, length=16,
            ),
            server_default="sold",
            nullable=False,
        ),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("customer_name", sa.String(length=128), nullable=True),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("wagers", JSON, nullable=False),
        sa.Column("first_draw_date", sa.Date(), nullable=False),
        sa.Column("last_draw_date", sa.Date(), nullable=False),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("cancel_deadline", TS(), nullable=False),
        sa.Column("voided_at", TS(), nullable=True),
        sa.Column("voided_by", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", TS(), nullable=False),
        sa.CheckConstraint("total > 0", name=op.f("ck_house_bookings_total_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_house_bookings")),
        sa.UniqueConstraint("reference", name=op.f("uq_house_bookings_reference")),
        sa.UniqueConstraint("serial", name=op.f("uq_house_bookings_serial")),
    )
    op.create_index(
        op.f("ix_house_bookings_first_draw_date"), "house_bookings", ["first_draw_date"]
    )
    op.create_index(op.f("ix_house_bookings_created_at"), "house_bookings", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_house_bookings_created_at"), table_name="house_bookings")
    op.drop_index(op.f("ix_house_bookings_first_draw_date"), table_name="house_bookings")
    op.drop_table("house_bookings")
