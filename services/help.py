"""Example plays that fit the catalog in use, so help never shows a game the banca does not sell."""

from __future__ import annotations

from lottery.catalog import Catalog
from lottery.i18n import _
from lottery.result_input import _example as result_example
from providers.base import Capability

_EXAMPLES: tuple[tuple[str, str, str], ...] = (
    # (game the lottery must sell, lottery alias to look for, example text with {alias})
    ("triple_sign", "zamorano", "123-ARI 5 {alias} 12pm"),
    ("triple", "zulia", "123 456 x10 {alias} 4:45"),
    ("animal", "lotto activo", "leon x10 {alias} 9am"),
    ("tripleta", "activo", "tripleta 5 10 20 x2 {alias}"),
    ("reventado", "tica", "25 x1000 r500 {alias}"),
    ("tiempo", "monazo", "123 x500 {alias}"),
)


def examples_for(catalog: Catalog) -> list[str]:
    out: list[str] = []
    for game, preferred, template in _EXAMPLES:
        sellers = [lot for lot in catalog.lotteries if game in lot.games]
        if not sellers:
            continue
        chosen = next((lot for lot in sellers if preferred in lot.aliases), sellers[0])
        alias = preferred if preferred in chosen.aliases else chosen.aliases[0]
        example = template.format(alias=alias)
        if example not in out:
            out.append(example)
    return out


#: An everyday stake per currency, so the amount examples look like what people bet there.
_STAKES = {"VES": 5, "CRC": 500}
#: The unit word written after the amount (``5bs``, ``500 colones``), by currency.
_UNITS = {"VES": "{amount}bs", "CRC": "{amount} colones"}


def amount_examples(catalog: Catalog) -> list[str]:
    """The ways to write an amount in the catalog's money: ``x5``, ``a 5``, ``5bs`` in
    Venezuela, ``x500``, ``a 500``, ``500 colones`` in Costa Rica (never bolívares there)."""
    amount = _STAKES.get(catalog.currency, 5)
    forms = [f"x{amount}", f"a {amount}"]
    if catalog.currency in _UNITS:
        forms.append(_UNITS[catalog.currency].format(amount=amount))
    return forms


def admin_examples(catalog: Catalog) -> dict[str, str]:
    """What /help's admin lines show, from the catalog in use: ``{lottery}`` (``zulia``,
    ``tica``) and ``{result}``, /resultado's arguments (``zulia 12:45 123 ACU``, ``tica 12:55
    25``)."""
    first = catalog.lotteries[0]
    return {"lottery": first.aliases[0], "result": result_example(first)}


def provider_help(offers: frozenset[Capability]) -> list[str]:
    """What /help adds for what the provider sells besides plays (betcards); also the answer
    to /sorteos and /riesgo where only betcards are sold."""
    if Capability.SELLS_BETCARDS in offers:
        return [_("🎯 /jackpot buys a jackpot ticket: choose a betcard, the outcome of each of its "
                  "events and your price; you see the payout and taxes before paying.")]
    return []
