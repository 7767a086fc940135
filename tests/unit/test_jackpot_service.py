"""services/jackpot.py without a bot: the selection, the price a player writes, the summary's
figures and how it rides the standard sale path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from lottery import i18n
from lottery.catalog import bundled_catalog_path, load_catalog
from presentation import jackpot_text as jt
from providers.jackpot import Bet, Betcard, JackpotEvent, Quote, wager_for
from providers.jackpot.models import quote
from services import jackpot as jp
from storage.models import User, UserRole

VE = load_catalog(bundled_catalog_path("ve"))
CLOSES = datetime(2026, 11, 24, 13, 25, tzinfo=UTC)


def card(price: str = "1.00") -> Betcard:
    events = tuple(
        JackpotEvent(101 + i, name, CLOSES + timedelta(hours=i), (
            Bet(1001 + 10 * i, "1", Decimal("2.10")), Bet(1002 + 10 * i, "X", Decimal("3.20")),
            Bet(1003 + 10 * i, "2", Decimal("3.50"))))
        for i, name in enumerate(("Caracas FC - Deportivo Táchira", "Zamora - Carabobo")))
    return Betcard("JP3-001", "Jackpot Liga FUTVE", True, CLOSES, Decimal(price),
                   Decimal("500000.00"), (), Decimal("20"), Decimal("12.5"), "price", events)


def user(role: UserRole = UserRole.PLAYER, *, balance: int = 0, credit: int = 0,
         locale: str = "es", currency: str = "VES") -> User:
    return User(id=7, role=role, locale=locale, currency=currency, balance=balance,
                credit_limit=credit, credit_used=0)


def priced(price: str = "2.00", currency: str = "VES") -> Quote:
    made = quote(card(), {101: 1001, 102: 1013}, Decimal(price), currency)
    assert isinstance(made, Quote)
    return made


@pytest.fixture
def english() -> Iterator[None]:
    token = i18n.current_locale.set("en")
    yield
    i18n.current_locale.reset(token)


def test_picks_answer_the_current_event_in_order_and_go_back() -> None:
    betcard = card()
    picking = jp.Picking(betcard.code)
    assert picking.next_event(betcard).id == 101
    assert picking.choose(betcard, 102, 1011) is None  # not the question being asked
    assert picking.choose(betcard, 101, 9999) is None  # no such outcome
    first = picking.choose(betcard, 101, 1002)
    assert first is not None and first.next_event(betcard).id == 102
    both = first.choose(betcard, 102, 1013)
    assert both is not None and both.complete(betcard) and both.next_event(betcard) is None
    assert both.back() == first
    assert jp.Picking.from_data(both.to_data()) == both


@pytest.mark.parametrize(("written", "price"), [
    ("2", "2.00"), ("Bs 5", "5.00"), ("5bs", "5.00"), ("x10", "10.00"), ("3,00", "3.00"),
    ("$4", "4.00"), ("1.000", "1000.00"),
])
def test_a_written_price_is_read(written: str, price: str) -> None:
    assert jp.read_price(written, card(), VE, user(), "VES") == Decimal(price)


@pytest.mark.parametrize("written", ["123 x5 zulia 12:45", "hola", "leon x10", ""])
def test_text_that_is_not_an_amount_is_left_for_the_plays_reader(written: str) -> None:
    assert jp.read_price(written, card(), VE, user(), "VES") is None


@pytest.mark.parametrize(("written", "says"), [
    ("1,50", "múltiplo de una línea, Bs. 1,00"),
    ("0,50", "múltiplo"),
    ("0", "mayor que 0"),
    ("2,555", "decimales"),
])
def test_a_price_that_cannot_be_sold_is_explained(written: str, says: str) -> None:
    with pytest.raises(jp.JackpotError) as refused:
        jp.read_price(written, card(), VE, user(), "VES")
    assert says in str(refused.value)


def test_the_summary_keeps_the_quote_and_books_the_adapters_wager() -> None:
    q = priced("2.00")
    summary = jp.Summary.from_quote(q)
    assert (summary.price, summary.stake, summary.ext_amount) == (
        Decimal("2.00"), Decimal("1.75"), Decimal("0.25"))
    assert (summary.gross_payout, summary.wht_amount, summary.net_payout) == (
        Decimal("500000.00"), Decimal("99999.65"), Decimal("400000.35"))
    assert [(p.event, p.bet, p.odds) for p in summary.lines] == [
        ("Caracas FC - Deportivo Táchira", "1", Decimal("2.10")),
        ("Zamora - Carabobo", "2", Decimal("3.50"))]
    assert summary.wager() == wager_for(q)
    draft = summary.draft()
    assert draft.reference == summary.reference and draft.total == Decimal("2.00")
    assert jp.Summary.from_data(summary.to_data()) == summary
    assert jp.Summary.from_quote(q).reference != summary.reference  # each summary its own


def test_the_sale_catalog_files_the_betcard_without_touching_the_market() -> None:
    summary = jp.Summary.from_quote(priced())
    extended = jp.sale_catalog(VE, summary)
    lottery = extended.lottery("JP3-001")
    assert lottery.name == "Jackpot Liga FUTVE" and lottery.timezone == VE.timezone
    assert extended.cancel_seconds == 0  # the operator cannot cancel a jackpot ticket
    assert set(VE.lottery_ids) < set(extended.lottery_ids)
    assert VE.get_lottery("JP3-001") is None


def test_the_summary_shows_picks_payouts_and_taxes_in_spanish() -> None:
    summary = jp.Summary.from_quote(priced())
    text = jt.summary_text(summary, VE, user(balance=10_000))
    for shown in ("Caracas FC - Deportivo Táchira: <b>1</b> (2,10)", "Cuota total: 7,35",
                  "Precio: Bs. 2,00", "Impuesto especial (12,5 %): Bs. 0,25",
                  "Apuesta: Bs. 1,75", "Premio bruto: Bs. 500.000,00",
                  "Retención (20 %): Bs. 99.999,65", "Premio neto: Bs. 400.000,35", "Confirmar"):
        assert shown in text, shown


def test_an_english_reader_gets_english_words_and_numbers(english: None) -> None:
    summary = jp.Summary.from_quote(priced(currency="USD"))
    text = jt.summary_text(summary, VE, user(locale="en", currency="USD", balance=10_000))
    assert "Net payout: $400,000.35" in text and "Withholding tax (20 %): $99,999.65" in text


def test_who_can_pay_for_it() -> None:
    summary = jp.Summary.from_quote(priced("2.00"))
    assert jp.shortfall(user(balance=150), summary) == Decimal("0.50")
    assert jp.shortfall(user(balance=200), summary) is None
    assert jp.shortfall(user(UserRole.SELLER, credit=100), summary) == Decimal("1.00")
    assert jp.shortfall(user(UserRole.ADMIN), summary) is None  # the banca's own account
    assert jp.can_confirm(user(balance=200), summary)
    dollars = jp.Summary.from_quote(priced("2.00", currency="USD"))
    assert not jp.can_confirm(user(balance=100_000), dollars)  # a VES wallet cannot pay USD
    assert "USD" in jt.summary_text(dollars, VE, user(balance=100_000))


def test_changed_odds_show_before_and_now() -> None:
    before = jp.Summary.from_quote(priced())
    first = jp.PickLine(101, "Caracas FC - Deportivo Táchira", 1001, "1", Decimal("2.40"))
    now = replace(before, reference="r2", lines=(first, before.lines[1]))
    text = jt.summary_text(now, VE, user(balance=10_000), before=before)
    assert "cuotas cambiaron" in text and "<s>2,10</s> → <b>2,40</b>" in text
    assert "(3,50)" in text and "<s>3,50</s>" not in text  # an unchanged pick reads as before
