"""The banca's controls (topes, blocked numbers, sellers' limits, suspensions, payouts, alerts),
each seller's running total per number, and the payout stored with each wager.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-06

Hand-checked against ``storage.models.BancaControl``, ``SellerNumberSales`` and
``Wager.payout``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def TS() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "banca_controls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("lottery_id", sa.String(length=32), nullable=True),
        sa.Column("game", sa.String(length=32), nullable=True),
        sa.Column("number", sa.String(length=16), nullable=True),
        sa.Column("draw_at", TS(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("ended_at", TS(), nullable=True),
        sa.Column("ended_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_banca_controls")),
    )
    op.create_index(op.f("ix_banca_controls_ended_at"), "banca_controls", ["ended_at"])
    op.create_table(
        "seller_number_sales",
        sa.Column("seller_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("game", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("sign", sa.String(length=16), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("seller_id", "draw_id", "game", "number", "sign",
                                name=op.f("pk_seller_number_sales")),
    )
    with op.batch_alter_table("wagers") as batch:
        batch.add_column(sa.Column("payout", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wagers") as batch:
        batch.drop_column("payout")
    op.drop_table("seller_number_sales")
    op.drop_index(op.f("ix_banca_controls_ended_at"), table_name="banca_controls")
    op.drop_table("banca_controls")
