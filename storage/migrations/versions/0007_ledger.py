"""The money ledger, players' top-up requests and withdrawals, players' sellers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Hand-checked against ``storage.models.money`` and ``User``. Today's balances become opening
rows (``users.balance`` on the ``balance`` account, ``users.credit_used`` on the ``seller``
account), so every balance is the sum of its rows from the first day. ``credit_used`` loses its
``>= 0`` check: a seller who paid prizes from their till may be owed by the banca.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ACCOUNTS = ("balance", "seller", "held")
REASONS = (
    "opening", "sale", "refund", "prize", "prize_cash", "top_up", "top_up_cash", "withdraw_hold",
    "withdraw_release", "withdraw_paid", "collection", "payout", "adjustment",
)
STATES = ("pending", "approved", "rejected")


def TS() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def _append_only(table: str) -> None:
    """As 0001 does for the activity log (its PostgreSQL function is reused)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION taquilla_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION taquilla_refuse_change()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {event} refused'); END"
        )


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_credit_used_not_negative"), type_="check")
        batch.add_column(sa.Column("seller_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(op.f("fk_users_seller_id_users"), "users", ["seller_id"], ["id"])

    op.create_table(
        "ledger_entries",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("account", _enum("ledger_account", *ACCOUNTS), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", _enum("ledger_reason", *REASONS), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("at", TS(), nullable=False),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_ledger_entries_amount_not_zero")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_ledger_entries_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index(op.f("ix_ledger_entries_user_id_account_id"), "ledger_entries",
                    ["user_id", "account", "id"])
    op.create_index(op.f("ix_ledger_entries_at"), "ledger_entries", ["at"])
    _append_only("ledger_entries")

    op.create_table(
        "topup_requests",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("decider_id", sa.BigInteger(), nullable=True),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("photo_file_id", sa.String(length=256), nullable=True),
        sa.Column("state", _enum("request_state", *STATES), server_default="pending",
                  nullable=False),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", TS(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_topup_requests_amount_positive")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_topup_requests_user_id_users")),
        sa.ForeignKeyConstraint(["decider_id"], ["users.id"],
                                name=op.f("fk_topup_requests_decider_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topup_requests")),
    )
    op.create_index(op.f("ix_topup_requests_state_created_at"), "topup_requests",
                    ["state", "created_at"])
    op.create_index("uq_topup_requests_approved_reference", "topup_requests",
                    ["method", "reference"], unique=True,
                    sqlite_where=sa.text("state = 'approved'"),
                    postgresql_where=sa.text("state = 'approved'"))

    op.create_table(
        "withdrawals",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("state", _enum("request_state", *STATES), server_default="pending",
                  nullable=False),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", TS(), nullable=True),
        sa.Column("paid_reference", sa.String(length=64), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_withdrawals_amount_positive")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_withdrawals_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawals")),
    )
    op.create_index(op.f("ix_withdrawals_state_created_at"), "withdrawals",
                    ["state", "created_at"])

    # Today's balances, carried as opening rows.
    for account, column in (("balance", "balance"), ("seller", "credit_used")):
        op.execute(
            "INSERT INTO ledger_entries (user_id, account, currency, amount, reason, at) "
            f"SELECT id, '{account}', currency, {column}, 'opening', CURRENT_TIMESTAMP "
            f"FROM users WHERE {column} <> 0"
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_withdrawals_state_created_at"), table_name="withdrawals")
    op.drop_table("withdrawals")
    op.drop_index("uq_topup_requests_approved_reference", table_name="topup_requests")
    op.drop_index(op.f("ix_topup_requests_state_created_at"), table_name="topup_requests")
    op.drop_table("topup_requests")
    op.drop_index(op.f("ix_ledger_entries_at"), table_name="ledger_entries")
    op.drop_index(op.f("ix_ledger_entries_user_id_account_id"), table_name="ledger_entries")
    op.drop_table("ledger_entries")  # its triggers go with it
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("fk_users_seller_id_users"), type_="foreignkey")
        batch.drop_column("seller_id")
        batch.create_check_constraint("credit_used_not_negative", sa.text("credit_used >= 0"))
