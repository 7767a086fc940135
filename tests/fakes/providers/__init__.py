"""Simulators of the provider APIs in ``/work/shared/seeds``, over real HTTP on 127.0.0.1.

    async with SoportexSimulator(clock=clock) as sim:   # seed 000
        provider = SoportexProvider(base_url=sim.base_url, ...)
        sim.faults.set(Fault.LOST, op="registrarticket")
        ...
        await sim.idle()
        assert len(sim.tickets) == 1

``BanklotSimulator`` (seeds 001/002) and ``JackpotSimulator`` (seed 003) work the same way; faults
are in ``faults``, the server machinery in ``server``, and ``harness`` pairs each simulator with its
adapter for the contract and fault tests.
"""

from tests.fakes.providers.banklot import BanklotSimulator
from tests.fakes.providers.faults import FakeClock, Fault
from tests.fakes.providers.jackpot import JackpotSimulator
from tests.fakes.providers.soportex import SoportexSimulator

__all__ = ["BanklotSimulator", "FakeClock", "Fault", "JackpotSimulator", "SoportexSimulator"]
