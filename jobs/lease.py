"""Background work that runs in one process at a time, under a lease in the database.

Every bot process (webhook workers, or the one polling process) starts the same background work:
the draws job, the results feed and reconciliation (``jobs.loop``), the broadcast worker and the
outbox's sender. Each runs only in the process that holds its lease (``storage.models.Lease``):
the holder renews it every ``ttl / 3`` and stops the work as soon as a renewal fails; the others
try to take it at the same pace, and get it once it expired (``ttl`` after the holder died on
another host) or at once when the holder was a process of this host that no longer exists
(``kill -9``, a crash). A clean stop gives the lease back. So at most one process does each piece
of work, and another picks it up within seconds.

The wall clock (not the app's clock, which tests stop) says when a lease expires: hosts that
share a database keep their clocks in sync (NTP) to well under ``ttl``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import leases as repo

log = logging.getLogger(__name__)

#: A piece of background work: runs until the event is set (the lease was lost or the bot stops).
Work = Callable[[asyncio.Event], Awaitable[None]]

def holder_id(nonce: str | None = None) -> str:
    """``host:pid:nonce``: unique per lease keeper (a random nonce unless given)."""
    return f"{socket.gethostname()}:{os.getpid()}:{nonce or secrets.token_hex(4)}"


def dead_local_holder(holder: str) -> bool:
    """True when ``holder`` names a process of this host that no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return _zombie(pid)


def _zombie(pid: int) -> bool:
    """A killed child its parent has not reaped yet is dead for our purpose."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return False


class Lease:
    """One named lease as seen from this process."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], name: str, *, ttl: float,
        holder: str | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.name = name
        self.ttl = ttl
        self.holder = holder or holder_id()
        self.held = False

    async def take(self) -> bool:
        """Take or renew the lease; False when another live process holds it. A database error
        counts as not holding it (the work must stop: another process may take over)."""
        try:
            self.held = await self._take()
        except Exception:
            log.warning("lease %s: the database did not answer; not holding it", self.name,
                        exc_info=True)
            self.held = False
        return self.held

    async def _take(self) -> bool:
        now = datetime.now(UTC)
        async with self.sessionmaker() as session, session.begin():
            current = await repo.holder_of(session, self.name)
            dead = None
            if current is not None and current[0] != self.holder and current[1] > now:
                if not dead_local_holder(current[0]):
                    return False
                dead = current[0]
            return await repo.take(session, self.name, self.holder, now=now,
                                   ttl=timedelta(seconds=self.ttl), replacing=dead)

    async def current_holder(self) -> str | None:
        """The live holder (another process's or ours), or None when the lease is free."""
        async with self.sessionmaker() as session:
            current = await repo.holder_of(session, self.name)
        if current is None or current[1] <= datetime.now(UTC) or dead_local_holder(current[0]):
            return None
        return current[0]

    async def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            async with self.sessionmaker() as session, session.begin():
                await repo.release(session, self.name, self.holder)
        except Exception:
            log.warning("lease %s not given back; it expires in %s s", self.name, self.ttl,
                        exc_info=True)


async def _stop(task: asyncio.Task[None] | None, lost: asyncio.Event) -> None:
    lost.set()
    if task is not None:
        with suppress(asyncio.CancelledError):
            await task


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _keep(lease: Lease, work: Work, stop: asyncio.Event, first: asyncio.Event) -> None:
    """Run ``work`` while ``lease`` is ours, until ``stop``; give the lease back at the end."""
    task: asyncio.Task[None] | None = None
    lost = asyncio.Event()
    try:
        while not stop.is_set():
            if await lease.take():
                if task is None or task.done():
                    lost = asyncio.Event()
                    log.info("lease taken: %s runs here", lease.name,
                             extra={"lease": lease.name, "pid": os.getpid()})
                    task = asyncio.create_task(work(lost), name=f"leased-{lease.name}")
            elif task is not None:
                log.warning("lease lost: %s stops here", lease.name, extra={"lease": lease.name})
                await _stop(task, lost)
                task = None
            first.set()
            await _wait(stop, lease.ttl / 3)
    finally:
        first.set()
        await _stop(task, lost)
        await lease.release()


@asynccontextmanager
async def leased(
    sessionmaker: async_sessionmaker[AsyncSession], works: dict[str, Work], *, ttl: float
) -> AsyncIterator[dict[str, Lease]]:
    """Keep one lease per entry of ``works`` and run each work where its lease is held; the
    first attempt at each is made before this yields (a lone process starts its work at once).
    On the way out every work is stopped and every lease held given back."""
    stop = asyncio.Event()
    leases = {name: Lease(sessionmaker, name, ttl=ttl) for name in works}
    firsts = {name: asyncio.Event() for name in works}
    tasks = [asyncio.create_task(_keep(leases[n], works[n], stop, firsts[n]), name=f"lease-{n}")
             for n in works]
    try:
        await asyncio.gather(*(f.wait() for f in firsts.values()))
        yield leases
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
