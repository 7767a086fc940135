"""`taquilla run --workers N`: N webhook worker processes on one port, kept running.

Each worker is a whole bot process (``python -m bot.cli run``): it binds the same port with
``SO_REUSEPORT`` (the kernel spreads Telegram's connections over the workers), keeps the
conversations and each person's lock in Redis, and shares PostgreSQL; background work runs in
whichever worker holds its lease (``jobs.lease``). This process only starts them (after applying
the migrations once, so that N workers do not race to create tables), restarts one that dies,
and passes SIGTERM/SIGINT on. Systemd template units or a Procfile can start the same workers
one by one instead (docs/deploy.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from contextlib import suppress

from bot.settings import Settings
from storage.db import migrate

log = logging.getLogger(__name__)

#: Seconds before a worker that died is started again.
RESTART_AFTER = 1.0
#: Seconds a worker has to stop after SIGTERM before it is killed.
STOP_TIMEOUT = 20.0


async def _spawn(index: int) -> asyncio.subprocess.Process:
    env = {**os.environ, "TAQUILLA_WORKER": str(index)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=env
    )
    log.info("worker started", extra={"worker": index, "pid": process.pid})
    return process


async def _keep(index: int, stop: asyncio.Event, running: dict[int, asyncio.subprocess.Process]
                ) -> None:
    while not stop.is_set():
        process = running[index] = await _spawn(index)
        waiting = asyncio.ensure_future(process.wait())
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if stop.is_set():
            waiting.cancel()
            return
        log.warning("worker died; starting it again",
                    extra={"worker": index, "pid": process.pid, "code": process.returncode})
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RESTART_AFTER)


async def _stop_all(running: dict[int, asyncio.subprocess.Process]) -> None:
    for process in running.values():
        with suppress(ProcessLookupError):
            process.terminate()
    for process in running.values():
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            with suppress(ProcessLookupError):
                process.kill()
            await process.wait()


async def supervise(settings: Settings, workers: int) -> None:
    """Run ``workers`` webhook workers until SIGTERM or SIGINT."""
    await migrate(settings.database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    running: dict[int, asyncio.subprocess.Process] = {}
    keepers = [asyncio.create_task(_keep(i, stop, running)) for i in range(1, workers + 1)]
    try:
        await stop.wait()
    finally:
        stop.set()
        await asyncio.gather(*keepers, return_exceptions=True)
        await _stop_all(running)
