"""Simulators of the provider APIs (docs/providers.md), over real HTTP on 127.0.0.1.

    async with SoportexSimulator(clock=clock) as sim:   # soportex's document
        provider = SoportexProvider(base_url=sim.base_url, ...)
        sim.faults.set(Fault.LOST, op="registrarticket")
        ...
        await sim.idle()
        assert len(sim.tickets) == 1

``BanklotSimulator`` (banklot's documents) and ``JackpotSimulator`` (jackpot's document) work the
same way; faults are in ``faults``, the server machinery in ``server``, and ``harness`` pairs each
simulator with its adapter for the contract and fault tests.
"""

from tests.fakes.providers.banklot import BanklotSimulator
from tests.fakes.providers.faults import FakeClock, Fault
from tests.fakes.providers.jackpot import JackpotSimulator
from tests.fakes.providers.soportex import SoportexSimulator

__all__ = ["BanklotSimulator", "FakeClock", "Fault", "JackpotSimulator", "SoportexSimulator"]
