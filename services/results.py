"""Results as people read them, and the admin's entry of a result (house mode)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog, Lottery
from lottery.day_input import parse_day
from lottery.i18n import _
from lottery.result_input import ResultEntry, parse_result_input
from presentation.formatting import Formatter
from presentation.labels import animal_name, sign_name
from providers.base import DrawResult, Provider, ProviderError
from providers.house.results import results_on
from services.settlement import SettledResult, enter_and_settle
from storage.models import User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResultsQuery:
    day: date
    lottery: Lottery | None
    problem: str | None = None


def read_query(catalog: Catalog, args: str | None, now: datetime) -> ResultsQuery:
    """`/resultados [lottery] [day]`, in either order; multi-word aliases allowed."""
    words = (args or "").split()
    today = now.astimezone(catalog.timezone).date()
    day, rest = today, words
    if words and (parsed := parse_day(words[-1], today)) is not None:
        day, rest = parsed, words[:-1]
    elif words and (parsed := parse_day(words[0], today)) is not None:
        day, rest = parsed, words[1:]
    if not rest:
        return ResultsQuery(day, None)
    lottery = catalog.get_lottery(" ".join(rest))
    if lottery is None:
        return ResultsQuery(
            day, None, _("I do not know the lottery «{name}».").format(name=escape(" ".join(rest)))
        )
    return ResultsQuery(day, lottery)


def result_text(lottery: Lottery, values: dict[str, str]) -> str:
    """`123 Acuario`, `5 León`, `A 123 · B 456`, `25 · reventado ×5`; `123 · 987 Acuario` when
    the sign was drawn with a triple of its own."""
    if "animal" in values:
        number = values["animal"]
        return f"{number} {animal_name(lottery.animals, number)}".strip()
    parts = [values["number"]] if values.get("number") else []
    if "number_b" in values:
        parts = [f"A {values.get('number', '')}", f"B {values['number_b']}"]
    own = values.get("sign_number")
    if own and own != values.get("number"):
        parts.append(own)  # the sign draw's own triple (only it is out yet, or it differs)
    text = " · ".join(parts)
    if values.get("sign"):
        text += f" {sign_name(values['sign'])}"
    if values.get("reventado"):
        text += " · " + _("reventado ×{multiplier}").format(multiplier=values["reventado"])
    return text


def render_results(
    catalog: Catalog, results: Sequence[DrawResult], query: ResultsQuery, user: User
) -> str:
    fmt = Formatter.for_reader(user.locale, catalog)
    title_day = fmt.date(query.day)
    if query.lottery is not None:
        header = _("<b>Results of {lottery}</b> · {day}").format(
            lottery=escape(query.lottery.name), day=title_day
        )
    else:
        header = _("<b>Results</b> · {day}").format(day=title_day)
    if not results:
        return header + "\n" + _("No results yet for that day.")
    lines = [header]
    current = None
    for result in results:
        lottery = catalog.get_lottery(result.lottery)
        if lottery is None:
            continue
        if lottery.id != current:
            lines.append(f"\n<b>{escape(lottery.name)}</b>")
            current = lottery.id
        when = fmt.clock(result.draw, lottery.timezone)
        lines.append(f"{when} · {escape(result_text(lottery, result.values))}")
    return "\n".join(lines)


async def results_for(
    session: AsyncSession, provider: Provider, query: ResultsQuery
) -> tuple[list[DrawResult], bool]:
    """The provider's results of the day, and True; when the provider cannot answer, the ones
    stored here (entered by an admin or fetched by the results feed), and False."""
    lottery_id = query.lottery.id if query.lottery else None
    try:
        return await provider.results(query.day, lottery_id), True
    except ProviderError as exc:
        log.warning("results: provider not answering; showing the stored ones",
                    extra={"provider": provider.name, "code": str(exc.code)})
    return await results_on(session, query.day, lottery_id), False


async def enter_result(
    session: AsyncSession, catalog: Catalog, admin: User, text: str, now: datetime
) -> tuple[ResultEntry, SettledResult]:
    """`/resultado zulia 12:45 123 ACU`: store and settle. Raises ResultInputError or
    SettlementError (with a localized `message`), or InvalidResult (localized `str()`)."""
    entry = parse_result_input(catalog, text, now)
    settled = await enter_and_settle(
        session, catalog, entry.lottery_id, entry.draw_at, entry.values, now=now, actor_id=admin.id
    )
    return entry, settled
