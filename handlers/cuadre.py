"""/cuadre [@vendedor|todos] [desde] [hasta]: a seller's cash close; an admin's: every seller's
balance and the banca's figure. /cobro and /pagovendedor: an admin records cash between the
banca and a seller."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.commands import ADMINS, STAFF, CommandSpec, register
from handlers.filters import commands_only
from handlers.sellers import who
from handlers.wallet import refusal_text
from lottery.i18n import N_, _
from presentation.formatting import Formatter
from providers.base import Capability
from services import cuadre as service
from services.money_words import Refusal
from services.reports.answer import problem_text
from services.reports.errors import ReportProblem
from services.reports.period import Period, parse_query
from services.reports.scope import resolve_scope
from storage.models import User, UserRole


def _period_text(period: Period, fmt: Formatter) -> str:
    if period.first == period.last:
        return fmt.date(period.first, year=True)
    return f"{fmt.date(period.first, year=True)} – {fmt.date(period.last, year=True)}"


def cuadre_text(c: service.Cuadre, fmt: Formatter) -> str:
    m = fmt.minor
    owes = (_("<b>Owes the banca: {amount}</b>") if c.closing >= 0
            else _("<b>The banca owes: {amount}</b>")).format(amount=m(abs(c.closing)))
    return "\n".join([
        _("<b>Cuadre of {who}</b> · {period}").format(who=who(c.seller),
                                                       period=_period_text(c.period, fmt)),
        _("Opening: {amount}").format(amount=m(c.opening)),
        _("+ Sales: {amount}").format(amount=m(c.sales)),
        _("− Voids: {amount}").format(amount=m(c.voids)),
        _("− Prizes paid in cash: {amount}").format(amount=m(c.cash_prizes)),
        _("− Commission: {amount}").format(amount=m(c.commission)),
        _("+ Cash top-ups for players: {amount}").format(amount=m(c.cash_top_ups)),
        _("− Collections: {amount}").format(amount=m(c.collections)),
        _("+ Paid to the seller: {amount}").format(amount=m(c.payments)),
        _("Closing: {amount}").format(amount=m(c.closing)),
        owes,
    ])


async def show_cuadre(message: Message, command: CommandObject, session: AsyncSession,
                      user: User, app: AppContext) -> None:
    fmt = Formatter.for_reader(user.locale, app.catalog)
    now = app.clock()
    try:
        query = parse_query(command.args, now.astimezone(app.catalog.timezone).date())
        scope = await resolve_scope(session, user, query)
    except ReportProblem as problem:
        await message.answer(problem_text(problem).replace("/ventas", "/cuadre"))
        return
    if scope.seller is not None:
        if scope.seller.role != UserRole.SELLER:
            await message.answer(_("{who} is not a seller.").format(who=who(scope.seller)))
            return
        close = await service.cuadre(session, app.catalog, scope.seller, query.period)
        await message.answer(cuadre_text(close, fmt))
        return
    closes = await service.all_sellers(session, app.catalog, query.period)
    _start, end = query.period.bounds(app.catalog.timezone)
    banca = await service.banca_owed_by_sellers(session, app.catalog, end)
    lines = [_("<b>Sellers' balances</b> · {period}").format(
        period=_period_text(query.period, fmt))]
    lines += [f"{who(c.seller)}: {fmt.minor(c.closing)}" for c in closes]
    lines.append(_("<b>Total owed by sellers: {amount}</b>").format(
        amount=fmt.minor(sum(c.closing for c in closes))))
    lines.append(_("Banca's books: {amount}").format(amount=fmt.minor(banca)))
    await message.answer("\n".join(lines))


CUADRE = CommandSpec(show_cuadre, ("cuadre",), roles=STAFF, order=201,
                     menu={UserRole.SELLER: N_("My cash close with the banca"),
                           UserRole.ADMIN: N_("Every seller's balance (cuadre)")},
                     help=N_("/cuadre [@seller] [from] [to] the cash close: what a seller owes"))


async def _record(message: Message, command: CommandObject, session: AsyncSession, user: User,
                  app: AppContext, *, collection: bool) -> None:
    done = await service.record(session, user, command.args, collection=collection,
                                now=app.clock())
    name = "/cobro" if collection else "/pagovendedor"
    if done.refusal is Refusal.USAGE:
        await message.answer(_("Usage: {command} @seller AMOUNT").format(command=name))
        return
    if done.refusal is Refusal.NOT_FOUND:
        await message.answer(_("I do not know that seller."))
        return
    if done.refusal is not None:
        await message.answer(refusal_text(done.refusal, app))
        return
    assert done.seller is not None and done.amount is not None
    fmt = Formatter.for_reader(user.locale, app.catalog)
    text = (_("Collected {amount} from {who}. They owe now: {owed}.") if collection
            else _("Paid {amount} to {who}. They owe now: {owed}."))
    close = await service.cuadre(session, app.catalog, done.seller, _today(app))
    await message.answer(text.format(amount=fmt.minor(done.amount), who=escape(
        done.seller.first_name or str(done.seller.id)), owed=fmt.minor(close.closing)))


def _today(app: AppContext) -> Period:
    today = app.clock().astimezone(app.catalog.timezone).date()
    return Period(today, today)


async def collect(message: Message, command: CommandObject, session: AsyncSession, user: User,
                  app: AppContext) -> None:
    await _record(message, command, session, user, app, collection=True)


async def pay_seller(message: Message, command: CommandObject, session: AsyncSession,
                     user: User, app: AppContext) -> None:
    await _record(message, command, session, user, app, collection=False)


COLLECT = CommandSpec(collect, ("cobro",), N_("Record cash a seller handed in"), roles=ADMINS,
                      order=256, help=N_("/cobro @seller AMOUNT records cash a seller handed in"))
PAY_SELLER = CommandSpec(pay_seller, ("pagovendedor",), N_("Record a payment to a seller"),
                         roles=ADMINS, order=257,
                         help=N_("/pagovendedor @seller AMOUNT records the banca paid a seller"))
COMMANDS = (CUADRE, COLLECT, PAY_SELLER)


def make_router(offers: frozenset[Capability]) -> Router:
    return register(commands_only(Router(name="cuadre")), COMMANDS, offers)
