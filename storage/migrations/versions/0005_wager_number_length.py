"""Wider wager numbers: a jackpot ticket's wager holds its whole selection.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

``wagers.number`` grows from 16 to 1,024 characters (``101:1001@2.10,102:1013@3.50,…``: a
15-event card with long ids fits). SQLite does not enforce VARCHAR lengths, but the batch copy
keeps both databases' schema equal to the models.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("wagers") as batch:
        batch.alter_column(
            "number", existing_type=sa.String(length=16), type_=sa.String(length=1024),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("wagers") as batch:
        batch.alter_column(
            "number", existing_type=sa.String(length=1024), type_=sa.String(length=16),
            existing_nullable=False,
        )
