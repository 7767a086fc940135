"""Each role's commands menu leaves out what its banca's provider has no use for."""

from __future__ import annotations

from bot.commands import commands_for
from storage.models import UserRole


def _names(provider: str, role: UserRole) -> set[str]:
    return {c.command for c in commands_for("es", provider, role)}


def test_an_admin_of_a_plays_banca_reads_the_risk_and_a_jackpot_one_does_not() -> None:
    assert {"riesgo", "resultado", "sorteos"} <= _names("house", UserRole.ADMIN)
    assert "riesgo" in _names("soportex", UserRole.ADMIN) - {"resultado"}
    assert not {"riesgo", "sorteos", "resultado"} & _names("jackpot", UserRole.ADMIN)
    assert "riesgo" not in _names("house", UserRole.SELLER) | _names("house", UserRole.PLAYER)
