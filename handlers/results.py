"""/resultados for everyone; /resultado for admins where they enter results (stores, settles,
notifies)."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.broadcast import subscription_buttons
from handlers.commands import ADMINS, CommandSpec, register
from handlers.filters import commands_only
from lottery.i18n import N_, _
from lottery.result_input import ResultInputError
from presentation.formatting import Formatter
from providers.base import Capability
from providers.house.results import InvalidResult
from services.publish import publish_result
from services.results import read_query, render_results, result_text, results_for
from services.settlement import SettledResult, SettlementError
from storage.models import User


async def show_results(
    message: Message, command: CommandObject, session: AsyncSession, user: User, app: AppContext
) -> None:
    query = read_query(app.catalog, command.args, app.clock())
    if query.problem:
        await message.answer(query.problem)
        return
    results, fresh = await results_for(session, app.provider, query)
    lotteries = [query.lottery] if query.lottery else list(app.catalog.lotteries)
    text = render_results(app.catalog, results, query, user)
    if not fresh:
        text = _(
            "⚠️ The lottery system is not answering; these are the results received so far."
        ) + "\n\n" + text
    await message.answer(
        text,
        reply_markup=await subscription_buttons(session, user, lotteries),
    )


RESULTS = CommandSpec(show_results, ("resultados", "results"), N_("Results of the day"), order=80)


def entered_text(
    settled: SettledResult, app: AppContext, user: User, values: dict[str, str]
) -> str:
    summary = settled.summary
    lottery = app.catalog.lottery(summary.lottery_id)
    fmt = Formatter.for_reader(user.locale, app.catalog)
    when = fmt.clock(summary.draw_at, lottery.timezone)
    prizes = fmt.money(summary.total_prizes.get(app.catalog.currency, Decimal(0)))
    title = (
        _("✅ Result entered")
        if settled.revision == 1 or not settled.new_revision
        else _("✏️ Result corrected (revision {revision})").format(revision=settled.revision)
    )
    return "\n".join(
        [
            title,
            f"<b>{escape(lottery.name)}</b> {when}: {escape(result_text(lottery, values))}",
            _("Winning tickets: {winners} · prizes {prizes}").format(
                winners=summary.winners, prizes=prizes
            ),
            _("Losing tickets: {losers} · waiting for other draws: {pending}").format(
                losers=summary.losers, pending=summary.pending
            ),
        ]
    )


async def enter(
    message: Message, command: CommandObject, session: AsyncSession, user: User, app: AppContext
) -> None:
    if not command.args:
        await message.answer(
            _("Usage: {usage}").format(
                usage="/resultado zulia 12:45 123 ACU · /resultado activo 10am leon · "
                "/resultado tica 12:55 25 reventado 5"
            )
        )
        return
    try:
        entry, settled = await publish_result(
            session, app.catalog, user, command.args, now=app.clock(),
            locale=app.settings.default_locale, wake=app.wake_broadcaster)
    except (ResultInputError, SettlementError) as exc:
        await message.answer("❌ " + exc.message)
        return
    except InvalidResult as exc:
        await message.answer("❌ " + str(exc))
        return
    await message.answer(entered_text(settled, app, user, dict(entry.values)))


async def results_are_fed(message: Message) -> None:
    """Where results come from the lottery system, not from the admins."""
    await message.answer(
        _("Results come from the lottery system in this mode; /resultados shows them.")
    )


ENTER = CommandSpec(
    enter, ("resultado", "result"), N_("Enter a draw's result"), roles=ADMINS, order=220,
    needs=Capability.ENTERS_RESULTS, otherwise=results_are_fed, help_order=254,
    help=N_("/resultado {result} enters a result: its tickets are settled and the "
            "winners told"),
)
COMMANDS = (RESULTS, ENTER)


def make_router(offers: frozenset[Capability]) -> Router:
    """/resultados; /resultado is on the admins' router (``handlers.admin_only``)."""
    return register(commands_only(Router(name="results")), COMMANDS, offers)
