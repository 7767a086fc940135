""""Sell what is available": a preview's plays with each over-the-tope one cut to what is free.

A seller who writes ``555 x200`` where the tope per number is Bs. 100 wants, most of the time,
the Bs. 100 that can be sold: the preview offers that ticket behind one button. An amount is cut
down to the catalog's betting step and never below its minimum bet; a play with nothing free
stays out.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from lottery.catalog import Catalog
from lottery.money import from_minor
from services.draft import SaleDraft, new_reference
from services.sales import Preview


def fitted_draft(preview: Preview, catalog: Catalog) -> SaleDraft | None:
    """The preview's sellable plays plus its over-the-tope plays cut to what is free; None when
    no play would be cut (nothing to offer)."""
    limits = catalog.limits
    cut = []
    for wager, rejection in preview.rejected:
        if not rejection.available or rejection.cap is None:
            continue
        amount = _fit(from_minor(rejection.available, catalog.currency), limits.amount_step)
        if amount <= 0 or (limits.min_bet is not None and amount < limits.min_bet):
            continue
        if amount < wager.amount:
            cut.append(wager._replace(amount=amount))
    if not cut:
        return None
    kept = preview.draft.wagers if preview.draft is not None else ()
    customer = preview.draft.customer_name if preview.draft is not None else None
    wagers = tuple(sorted((*kept, *cut), key=lambda w: w.line))
    return SaleDraft(new_reference(), wagers, catalog.currency, customer)


def _fit(amount: Decimal, step: Decimal | None) -> Decimal:
    if step is None or step <= 0:
        return amount
    return (amount / step).to_integral_value(rounding=ROUND_FLOOR) * step
