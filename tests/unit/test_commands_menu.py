"""Each role's commands menu leaves out what its banca's provider does not offer."""

from __future__ import annotations

from collections import Counter

from bot.commands import commands_for
from handlers import DECLARED
from providers.banklot import BanklotProvider
from providers.base import Capability
from providers.house import HouseProvider
from providers.jackpot import JackpotProvider
from providers.soportex import SoportexProvider
from storage.models import UserRole

HOUSE = HouseProvider.capabilities
SOPORTEX = SoportexProvider.capabilities
JACKPOT = JackpotProvider.capabilities


def _names(offers: frozenset[Capability], role: UserRole) -> set[str]:
    return {c.command for c in commands_for("es", offers, role)}


def test_an_admin_of_a_plays_banca_reads_the_risk_and_a_jackpot_one_does_not() -> None:
    assert {"riesgo", "resultado", "sorteos"} <= _names(HOUSE, UserRole.ADMIN)
    assert "riesgo" in _names(SOPORTEX, UserRole.ADMIN) - {"resultado"}
    assert not {"riesgo", "sorteos", "resultado"} & _names(JACKPOT, UserRole.ADMIN)
    assert "riesgo" not in _names(HOUSE, UserRole.SELLER) | _names(HOUSE, UserRole.PLAYER)


def test_each_roles_menu_in_order_and_in_each_language() -> None:
    everyone = ["start", "help", "tickets", "ultimo", "saldo", "movimientos", "sorteos",
                "resultados", "premio", "pagar", "verificar", "idioma"]
    player = [*everyone[:5], "reportar", "retiro", *everyone[5:]]  # players' money in and out
    sellers = ["ventas", "cuadre", "pendientes", "invitar", "jugadores", "abonar"]
    admins = ["ventas", "cuadre", "utilidad", "exportar", "pendientes", "jugadores", "riesgo",
              "resultado", "recargar", "cupo", "pagado", "rol", "mover", "cobro", "pagovendedor",
              "difundir", "limites"]
    assert [c.command for c in commands_for("es", HOUSE)] == player
    assert [c.command for c in commands_for("en", HOUSE, UserRole.SELLER)] == [*everyone,
                                                                               *sellers]
    assert [c.command for c in commands_for("es", HOUSE, UserRole.ADMIN)] == [*everyone, *admins]
    banklot = [c.command for c in commands_for("es", BanklotProvider.capabilities,
                                               UserRole.ADMIN)]
    assert banklot == [*everyone, *(c for c in admins if c not in ("resultado", "limites"))]
    assert [c.command for c in commands_for("es", JACKPOT)] == [
        "start", "help", "jackpot", *(c for c in player[2:] if c != "sorteos")]
    seller = {c.command: c.description for c in commands_for("es", HOUSE, UserRole.SELLER)}
    admin = {c.command: c.description for c in commands_for("en", HOUSE, UserRole.ADMIN)}
    assert seller["ventas"] == "Mis ventas y mi comisión"
    assert admin["ventas"] == "Sales report of the banca"


def test_no_two_declarations_answer_to_one_command() -> None:
    """A name declared twice is routed to whichever module comes first: /cierre (the closing
    minutes) was once also the cuadre's, and the admin setting the minutes got the cuadre."""
    names = Counter(name for spec in DECLARED for name in spec.names)
    assert [name for name, n in names.items() if n > 1] == []
