"""Initial schema.

Users, draws and results, tickets and wagers, number sales (tope), subscriptions, the
append-only activity log, processed updates, FSM states.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Hand-checked against ``storage.models``; the types are spelled out here (not imported from
``storage``) so this file keeps meaning the same thing when the models move on.
NOTE for later migrations: SQLite batch operations rebuild the table and lose its triggers; any
batch change to an append-only table must re-create them (see ``_append_only_sqlite``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("activity_log", "draw_results")

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def TS() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def _append_only_sqlite(table: str) -> None:
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {event} refused'); END"
        )


def _append_only_postgresql(table: str) -> None:
    op.execute(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION taquilla_refuse_change()"
    )
    op.execute(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION taquilla_refuse_change()"
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column(
            "role",
            _enum("user_role", "player", "seller", "admin"),
            server_default="player",
            nullable=False,
        ),
        sa.Column("locale", sa.String(length=8), server_default="es", nullable=False),
        sa.Column("first_name", sa.String(length=128), nullable=True),
        sa.Column("last_name", sa.String(length=128), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("credit_limit", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("credit_used", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("commission_bp", sa.Integer(), nullable=True),
        sa.Column("last_lottery_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_users_balance_not_negative")),
        sa.CheckConstraint("credit_used >= 0", name=op.f("ck_users_credit_used_not_negative")),
        sa.CheckConstraint("credit_limit >= 0", name=op.f("ck_users_credit_limit_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_role"), "users", ["role"])

    op.create_table(
        "draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lottery_id", sa.String(length=32), nullable=False),
        sa.Column("draw_at", TS(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("local_time", sa.Time(), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            _enum("draw_status", "open", "closed", "resulted"),
            server_default="open",
            nullable=False,
        ),
        sa.Column("reventado", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draws")),
        sa.UniqueConstraint("lottery_id", "draw_at", name=op.f("uq_draws_lottery_id_draw_at")),
    )
    op.create_index(op.f("ix_draws_status_draw_at"), "draws", ["status", "draw_at"])
    op.create_index(op.f("ix_draws_local_date"), "draws", ["local_date"])

    op.create_table(
        "draw_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("values", JSON, nullable=False),
        sa.Column("entered_by", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_at", TS(), nullable=False),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_draw_results_revision_positive")),
        sa.ForeignKeyConstraint(
            ["draw_id"], ["draws.id"], name=op.f("fk_draw_results_draw_id_draws")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_draw_results_entered_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draw_results")),
        sa.UniqueConstraint("draw_id", "revision", name=op.f("uq_draw_results_draw_id_revision")),
    )

    op.create_table(
        "tickets",
        sa.Column("id", ID, nullable=False),
        sa.Column("serial", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("provider_ticket_id", sa.String(length=64), nullable=True),
        sa.Column("buyer_id", sa.BigInteger(), nullable=False),
        sa.Column("seller_id", sa.BigInteger(), nullable=True),
        sa.Column("customer_name", sa.String(length=128), nullable=True),
        sa.Column(
            "status",
            _enum(
                "ticket_status",
                "pending",
                "sold",
                "rejected",
                "void",
                "winner",
                "loser",
                "paid",
                "expired",
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("cancel_deadline", TS(), nullable=True),
        sa.Column("voided_at", TS(), nullable=True),
        sa.Column("prize", sa.BigInteger(), nullable=True),
        sa.Column("paid_at", TS(), nullable=True),
        sa.Column("paid_by", sa.BigInteger(), nullable=True),
        sa.Column("paid_how", _enum("paid_how", "balance", "cash"), nullable=True),
        sa.Column("pin_failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("locked_until", TS(), nullable=True),
        sa.Column("updated_at", TS(), nullable=False),
        sa.CheckConstraint("total >= 0", name=op.f("ck_tickets_total_not_negative")),
        sa.CheckConstraint("pin_failures >= 0", name=op.f("ck_tickets_pin_failures_not_negative")),
        sa.ForeignKeyConstraint(["buyer_id"], ["users.id"], name=op.f("fk_tickets_buyer_id_users")),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["users.id"], name=op.f("fk_tickets_seller_id_users")
        ),
        sa.ForeignKeyConstraint(["paid_by"], ["users.id"], name=op.f("fk_tickets_paid_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("serial", name=op.f("uq_tickets_serial")),
        sa.UniqueConstraint("reference", name=op.f("uq_tickets_reference")),
        sa.UniqueConstraint(
            "provider", "provider_ticket_id", name=op.f("uq_tickets_provider_provider_ticket_id")
        ),
    )
    op.create_index(op.f("ix_tickets_buyer_id_created_at"), "tickets", ["buyer_id", "created_at"])
    op.create_index(op.f("ix_tickets_seller_id_created_at"), "tickets", ["seller_id", "created_at"])
    op.create_index(op.f("ix_tickets_status"), "tickets", ["status"])

    op.create_table(
        "wagers",
        sa.Column("id", ID, nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("lottery_id", sa.String(length=32), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("game", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("sign", sa.String(length=16), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("prize", sa.BigInteger(), nullable=True),
        sa.Column(
            "outcome",
            _enum("wager_outcome", "pending", "won", "lost", "void"),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("provider_wager_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_wagers_amount_positive")),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_wagers_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["draw_id"], ["draws.id"], name=op.f("fk_wagers_draw_id_draws")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wagers")),
        sa.UniqueConstraint("ticket_id", "position", name=op.f("uq_wagers_ticket_id_position")),
    )
    op.create_index(op.f("ix_wagers_draw_id"), "wagers", ["draw_id"])

    op.create_table(
        "number_sales",
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("game", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("sign", sa.String(length=16), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("total >= 0", name=op.f("ck_number_sales_total_not_negative")),
        sa.ForeignKeyConstraint(
            ["draw_id"], ["draws.id"], name=op.f("fk_number_sales_draw_id_draws")
        ),
        sa.PrimaryKeyConstraint("draw_id", "game", "number", "sign", name=op.f("pk_number_sales")),
    )

    op.create_table(
        "subscriptions",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("lottery_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", TS(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_subscriptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "lottery_id", name=op.f("pk_subscriptions")),
    )
    op.create_index(op.f("ix_subscriptions_lottery_id"), "subscriptions", ["lottery_id"])

    op.create_table(
        "activity_log",
        sa.Column("id", ID, nullable=False),
        sa.Column("at", TS(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_log")),
    )
    op.create_index(op.f("ix_activity_log_at"), "activity_log", ["at"])
    op.create_index(op.f("ix_activity_log_actor_id_at"), "activity_log", ["actor_id", "at"])
    op.create_index(
        op.f("ix_activity_log_target_type_target_id"), "activity_log", ["target_type", "target_id"]
    )

    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("processed_at", TS(), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_updates")),
    )
    op.create_index(
        op.f("ix_processed_updates_processed_at"), "processed_updates", ["processed_at"]
    )

    op.create_table(
        "fsm_states",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=255), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_fsm_states")),
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION taquilla_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$"
        )
        for table in APPEND_ONLY_TABLES:
            _append_only_postgresql(table)
    else:
        for table in APPEND_ONLY_TABLES:
            _append_only_sqlite(table)


def downgrade() -> None:
    # Dropping a table drops its triggers (both databases).
    op.drop_table("fsm_states")
    op.drop_index(op.f("ix_processed_updates_processed_at"), table_name="processed_updates")
    op.drop_table("processed_updates")
    op.drop_index(op.f("ix_activity_log_target_type_target_id"), table_name="activity_log")
    op.drop_index(op.f("ix_activity_log_actor_id_at"), table_name="activity_log")
    op.drop_index(op.f("ix_activity_log_at"), table_name="activity_log")
    op.drop_table("activity_log")
    op.drop_index(op.f("ix_subscriptions_lottery_id"), table_name="subscriptions")
    op.drop_table("subscriptions")
    op.drop_table("number_sales")
    op.drop_index(op.f("ix_wagers_draw_id"), table_name="wagers")
    op.drop_table("wagers")
    op.drop_index(op.f("ix_tickets_status"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_seller_id_created_at"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_buyer_id_created_at"), table_name="tickets")
    op.drop_table("tickets")
    op.drop_table("draw_results")
    op.drop_index(op.f("ix_draws_local_date"), table_name="draws")
    op.drop_index(op.f("ix_draws_status_draw_at"), table_name="draws")
    op.drop_table("draws")
    op.drop_index(op.f("ix_users_role"), table_name="users")
    op.drop_table("users")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION taquilla_refuse_change()")
