"""Users: registration, roles, preferences, and atomic money movements.

Money movements are single conditional UPDATE statements, so two concurrent sales can never
spend the same balance (or credit) twice, on SQLite or PostgreSQL, without explicit locks. Each
one that moves money appends its ledger row (``entry`` says why) in the same transaction: these
are the only writers of ``balance`` and ``credit_used``, so both stay the sums of their ledger
accounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from speed.orm_sync import attach_loaded, autoflush, loaded, refresh_loaded
from speed.prepared import Prepared, run_core
from storage.models import Account, User, UserRole
from storage.repositories import ledger
from storage.repositories._dialect import id_chunks, upsert_insert
from storage.repositories.ledger import ADJUSTMENT, Entry
from storage.types import utcnow


def _check_amount(amount: int) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError(f"amount must be a positive integer of minor units, got {amount!r}")


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    """``session.get(User, user_id)``, the row read straight on the driver: every update loads
    its user."""
    user = loaded(session, User, user_id)
    if user is None:
        await autoflush(session)
        row = (await run_core(session, _BY_ID, {"user_id": user_id})).first()
        user = None if row is None else attach_loaded(session, User, row._asdict())
    return user


_BY_ID = Prepared(select(*User.__table__.c).where(User.id == bindparam("user_id")))


async def ensure_user(
    session: AsyncSession,
    user_id: int,
    *,
    currency: str,
    first_name: str | None = None,
    last_name: str | None = None,
    username: str | None = None,
    locale: str = "es",
    role: UserRole = UserRole.PLAYER,
    now: datetime | None = None,
) -> User:
    """Return the user, creating it on first contact; refresh changed Telegram names.

    ``currency``, ``locale`` and ``role`` apply only when the row is created. Safe when two
    updates from a new user race (``INSERT … ON CONFLICT DO NOTHING``), and it does not write
    when nothing changed (a write per update would serialise SQLite for nothing).
    """
    user = await get_user(session, user_id)
    if user is None:
        at = now or utcnow()
        stmt = upsert_insert(session, User).values(
            id=user_id,
            role=role,
            locale=locale,
            first_name=first_name,
            last_name=last_name,
            username=username,
            currency=currency,
            created_at=at,
            updated_at=at,
        )
        await session.execute(stmt.on_conflict_do_nothing(index_elements=[User.id]))
        user = await session.get(User, user_id, populate_existing=True)
        assert user is not None
        return user
    names = {"first_name": first_name, "last_name": last_name, "username": username}
    if any(getattr(user, k) != v for k, v in names.items()):
        for k, v in names.items():
            setattr(user, k, v)
        if now is not None:
            user.updated_at = now
        await session.flush()
    return user


async def list_users(
    session: AsyncSession,
    *,
    role: UserRole | None = None,
    active: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[User]:
    stmt = select(User).order_by(User.id).limit(limit).offset(offset)
    if role is not None:
        stmt = stmt.where(User.role == role)
    if active is not None:
        stmt = stmt.where(User.is_active == active)
    return (await session.scalars(stmt)).all()


async def _set(session: AsyncSession, user_id: int, **values: object) -> bool:
    result = await run_core(
        session,
        update(User)
        .where(User.id == user_id)
        .values(**values)
        .execution_options(synchronize_session=False)
        .returning(User.id)
    )
    found = result.scalar_one_or_none() is not None
    if found:
        refresh_loaded(session, User, user_id, **values)
    return found


async def set_role(session: AsyncSession, user_id: int, role: UserRole) -> bool:
    """Returns False when the user does not exist (likewise for the setters below)."""
    return await _set(session, user_id, role=role)


async def set_locale(session: AsyncSession, user_id: int, locale: str) -> bool:
    return await _set(session, user_id, locale=locale)


async def set_active(session: AsyncSession, user_id: int, active: bool) -> bool:
    return await _set(session, user_id, is_active=active)


async def set_last_lottery(session: AsyncSession, user_id: int, lottery_id: str | None) -> bool:
    return await _set(session, user_id, last_lottery_id=lottery_id)


async def set_commission(session: AsyncSession, user_id: int, commission_bp: int | None) -> bool:
    """Commission in basis points (1000 = 10 %); None falls back to the market default."""
    if commission_bp is not None and not 0 <= commission_bp <= 10_000:
        raise ValueError(f"commission out of range: {commission_bp} basis points")
    return await _set(session, user_id, commission_bp=commission_bp)


async def set_credit_limit(session: AsyncSession, user_id: int, limit: int) -> bool:
    """Set a seller's *cupo*. Lowering it below what is already used is allowed: further
    sales are then refused until ``credit_used`` comes down."""
    if limit < 0:
        raise ValueError("credit limit cannot be negative")
    return await _set(session, user_id, credit_limit=limit)


# Built once: every player's sale runs it.
_DEBIT = Prepared(
    update(User)
    .where(User.id == bindparam("user_id"), User.currency == bindparam("in_currency"),
           User.balance >= bindparam("amount"))
    .values(balance=User.balance - bindparam("amount"), updated_at=bindparam("now"))
    .execution_options(synchronize_session=False)
    .returning(User.balance)
)


async def debit_balance(
    session: AsyncSession, user_id: int, amount: int, currency: str, entry: Entry = ADJUSTMENT
) -> bool:
    """Take ``amount`` from the player's balance if it covers it.

    False when the balance is short, the user is unknown, or the currency differs: the balance
    never goes negative, even with concurrent debits.
    """
    _check_amount(amount)
    result = await run_core(
        session, _DEBIT,
        {"user_id": user_id, "in_currency": currency, "amount": amount, "now": utcnow()},
    )
    new_balance = result.scalar_one_or_none()
    if new_balance is None:
        return False
    refresh_loaded(session, User, user_id, balance=new_balance)
    await ledger.append(session, user_id, Account.BALANCE, -amount, currency, entry)
    return True


async def credit_balance(
    session: AsyncSession, user_id: int, amount: int, currency: str, entry: Entry = ADJUSTMENT
) -> int:
    """Add ``amount`` to the balance and return the new balance.

    Raises ``LookupError`` when the user does not exist or holds another currency.
    """
    _check_amount(amount)
    result = await run_core(
        session,
        update(User)
        .where(User.id == user_id, User.currency == currency)
        .values(balance=User.balance + amount)
        .execution_options(synchronize_session=False)
        .returning(User.balance)
    )
    new_balance = result.scalar_one_or_none()
    if new_balance is None:
        raise LookupError(f"no user {user_id} holding {currency}")
    refresh_loaded(session, User, user_id, balance=new_balance)
    await ledger.append(session, user_id, Account.BALANCE, amount, currency, entry)
    return new_balance


async def reserve_credit(
    session: AsyncSession, user_id: int, amount: int, currency: str, entry: Entry = ADJUSTMENT
) -> bool:
    """Use ``amount`` of a seller's *cupo* if ``credit_used + amount <= credit_limit``."""
    _check_amount(amount)
    result = await run_core(session, _RESERVE_CREDIT, {
        "user_id": user_id, "in_currency": currency, "amount": amount, "now": utcnow(),
    })
    used = result.scalar_one_or_none()
    if used is None:
        return False
    refresh_loaded(session, User, user_id, credit_used=used)
    await ledger.append(session, user_id, Account.SELLER, amount, currency, entry)
    return True


# Built once: every seller's sale runs it.
_RESERVE_CREDIT = Prepared(
    update(User)
    .where(
        User.id == bindparam("user_id"),
        User.currency == bindparam("in_currency"),
        User.credit_used + bindparam("amount") <= User.credit_limit,
    )
    .values(credit_used=User.credit_used + bindparam("amount"), updated_at=bindparam("now"))
    .execution_options(synchronize_session=False)
    .returning(User.credit_used)
)


async def release_credit(
    session: AsyncSession, user_id: int, amount: int, currency: str, entry: Entry = ADJUSTMENT
) -> bool:
    """Take ``amount`` off what a seller owes (a voided sale, a prize paid from their till, cash
    handed to the banca). It may go below zero: then the banca owes the seller. False (nothing
    changed) when the user is unknown or holds another currency."""
    _check_amount(amount)
    return await move_seller(session, user_id, -amount, currency, entry)


async def move_seller(
    session: AsyncSession, user_id: int, amount: int, currency: str, entry: Entry
) -> bool:
    """Add the signed ``amount`` to what a seller owes, with its ledger row; no cap (the cupo
    caps sales only, :func:`reserve_credit`)."""
    result = await run_core(
        session,
        update(User)
        .where(User.id == user_id, User.currency == currency)
        .values(credit_used=User.credit_used + amount)
        .execution_options(synchronize_session=False)
        .returning(User.credit_used)
    )
    used = result.scalar_one_or_none()
    if used is None:
        return False
    refresh_loaded(session, User, user_id, credit_used=used)
    await ledger.append(session, user_id, Account.SELLER, amount, currency, entry)
    return True


async def set_seller(session: AsyncSession, user_id: int, seller_id: int | None) -> bool:
    """Attach a player to a seller (None: to nobody, the admins)."""
    return await _set(session, user_id, seller_id=seller_id)


async def players_of(session: AsyncSession, seller_id: int) -> Sequence[User]:
    stmt = select(User).where(User.seller_id == seller_id).order_by(User.id)
    return (await session.scalars(stmt)).all()


async def users_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, User]:
    """The users among ``ids`` that exist, by id."""
    found: dict[int, User] = {}
    for chunk in id_chunks(sorted(set(ids))):
        for user in (await session.scalars(select(User).where(User.id.in_(chunk)))).all():
            found[user.id] = user
    return found


async def get_user_by_username(session: AsyncSession, username: str) -> User | None:
    """Telegram usernames are case-insensitive; `@` is optional."""
    name = username.lstrip("@").lower()
    return await session.scalar(select(User).where(func.lower(User.username) == name).limit(1))
