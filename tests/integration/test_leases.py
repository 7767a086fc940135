"""Leases: one holder at a time; a dead holder of this host is replaced at once, one of another
host once its lease expired; a lease given back is free."""

from __future__ import annotations

import asyncio
import socket

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.lease import Lease, holder_id, leased


async def test_one_holder_at_a_time_and_takeovers(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first = Lease(sessionmaker, "jobs", ttl=30, holder=holder_id("first"))
    second = Lease(sessionmaker, "jobs", ttl=30, holder=holder_id("second"))
    assert await first.take()
    assert not await second.take()
    assert await first.take()  # renewed
    await first.release()
    assert await second.take()  # given back: free at once

    # a process of this host that no longer exists (pid beyond pid_max)
    dead = Lease(sessionmaker, "outbox", ttl=30, holder=f"{socket.gethostname()}:99999999:x")
    assert await dead.take()
    assert await Lease(sessionmaker, "outbox", ttl=30).take()

    # another host's holder: only once its lease expired
    far = Lease(sessionmaker, "broadcast", ttl=0.5, holder="elsewhere:1:x")
    assert await far.take()
    here = Lease(sessionmaker, "broadcast", ttl=30)
    assert not await here.take()
    await asyncio.sleep(0.6)
    assert await here.take()


async def test_leased_work_runs_in_one_of_two_and_moves_when_given_back(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    runs: list[str] = []

    def work(name: str):  # type: ignore[no-untyped-def]
        async def run(lost: asyncio.Event) -> None:
            runs.append(name)
            await lost.wait()
        return run

    async with (
        leased(sessionmaker, {"jobs": work("a")}, ttl=0.6) as a,
        leased(sessionmaker, {"jobs": work("b")}, ttl=0.6) as b,
    ):
        assert a["jobs"].held and not b["jobs"].held
        await asyncio.sleep(0.5)  # a renews its lease: b never gets it
        assert runs == ["a"] and not b["jobs"].held
    assert runs == ["a"]
    async with leased(sessionmaker, {"jobs": work("c")}, ttl=0.6) as c:
        assert c["jobs"].held and runs == ["a", "c"]
