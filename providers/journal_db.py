"""The provider journal in the database: ``providers.http.exactly_once.Journal`` that survives a
restart and is shared by every worker process.

Banklot and jackpot have no field for our reference; they find a ticket by what it contains,
from the journalled content. With the in-memory journal a restart forgets it, and the
reconciliation job could then never settle a pending ticket. Each call uses its own short
session (never the caller's: an adapter calls this in the middle of a sale, with no transaction
of the bot open).

A claim is guarded by the unique ``(provider, provider_id)`` pair, so two processes sharing one
provider account cannot bind the same provider ticket to two references.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from providers.http.exactly_once import SentCreate
from storage.models import ProviderJournalEntry
from storage.repositories._dialect import upsert_insert

_E = ProviderJournalEntry


class DbJournal:
    """The journal of one provider (``provider`` is its name: ``banklot``, ``jackpot``…)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], provider: str) -> None:
        self._sessionmaker = sessionmaker
        self.provider = provider

    def __repr__(self) -> str:
        return f"DbJournal(provider={self.provider!r})"

    async def record(self, entry: SentCreate) -> None:
        """Remember a create before it is sent; a later record for the same reference replaces
        its content and time, but never drops a claim already made (a claim is final)."""
        table = _E.__table__
        async with self._sessionmaker() as session, session.begin():
            stmt = upsert_insert(session, table).values(
                reference=entry.reference,
                provider=self.provider,
                content=entry.content,
                sent_at=entry.sent_at,
                extra=entry.extra,
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=[table.c.reference],
                set_={
                    "content": stmt.excluded.content,
                    "sent_at": stmt.excluded.sent_at,
                    "extra": stmt.excluded.extra,
                },
            )
            await session.execute(stmt)
        if entry.provider_id is not None:
            await self.claim(entry.reference, entry.provider_id, entry.extra)

    async def get(self, reference: str) -> SentCreate | None:
        async with self._sessionmaker() as session:
            row = await session.scalar(
                select(_E).where(_E.reference == reference, _E.provider == self.provider)
            )
        if row is None or row.content is None or row.sent_at is None:
            return None  # never recorded (a bare claim), as the in-memory journal answers
        return SentCreate(
            reference=row.reference,
            content=row.content,
            sent_at=row.sent_at,
            provider_id=row.provider_id,
            extra=dict(row.extra) if row.extra is not None else None,
        )

    async def claim(
        self, reference: str, provider_id: str, extra: dict[str, Any] | None = None
    ) -> bool:
        """Bind the provider ticket to the reference; False when another reference holds it.
        Claiming again for the same reference merges ``extra``."""
        for _attempt in range(3):
            try:
                return await self._claim_once(reference, provider_id, extra)
            except IntegrityError:
                continue  # a concurrent claim of the same ticket (or reference) committed first
        return await self.owner_of(provider_id) == reference

    async def _claim_once(
        self, reference: str, provider_id: str, extra: dict[str, Any] | None
    ) -> bool:
        async with self._sessionmaker() as session, session.begin():
            owner = await session.scalar(
                select(_E.reference).where(
                    _E.provider == self.provider, _E.provider_id == provider_id
                )
            )
            if owner is not None and owner != reference:
                return False
            row = await session.scalar(select(_E).where(_E.reference == reference))
            if row is None:
                session.add(
                    _E(
                        reference=reference,
                        provider=self.provider,
                        content=None,
                        sent_at=None,
                        provider_id=provider_id,
                        extra=extra,
                    )
                )
                await session.flush()
                return True
            merged = {**(row.extra or {}), **(extra or {})} if (row.extra or extra) else None
            await session.execute(
                update(_E)
                .where(_E.reference == reference)
                .values(provider_id=provider_id, extra=merged)
                .execution_options(synchronize_session=False)
            )
            return True

    async def owner_of(self, provider_id: str) -> str | None:
        """The reference that claimed the provider ticket, if any."""
        async with self._sessionmaker() as session:
            return await session.scalar(
                select(_E.reference).where(
                    _E.provider == self.provider, _E.provider_id == provider_id
                )
            )
