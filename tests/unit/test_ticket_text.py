"""The sold ticket as a Telegram message (presentation.ticket.render_ticket_text), in es and en."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.i18n import current_locale, gettext
from presentation.labels import animal_name
from presentation.ticket import TicketLine, TicketView, group_lines, render_ticket_text

VE = load_catalog(bundled_catalog_path("ve"))
CR = load_catalog(bundled_catalog_path("cr"))
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=VE.timezone)
DEADLINE_MSGID = "You can cancel until {time}"
NEEDS_ES = pytest.mark.skipif(
    gettext(DEADLINE_MSGID, "es") == DEADLINE_MSGID, reason="needs es catalog"
)


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def wager(lottery: str, game: str, number: str, amount: str, *, draw: datetime = NOON,
          sign: str | None = None, prize: str | None = None) -> TicketLine:
    lot = VE.lottery(lottery)
    return TicketLine(
        lottery_name=lot.name, draw_at=draw, game=game, number=number, sign=sign,
        amount=Decimal(amount), prize=None if prize is None else Decimal(prize),
        animal=(animal_name(lot.animals, number) or None) if game == "animal" else None,
    )


def ve_ticket(**changes: object) -> TicketView:
    lines = (
        wager("zamorano", "triple_sign", "123", "5.00", sign="ARI"),
        wager("zamorano", "triple", "456", "10"),
        wager("activo", "animal", "3", "20.00", draw=NOON - timedelta(hours=1)),
        wager("tachira", "terminal", "07", "1234.50", draw=NOON + timedelta(hours=4)),
    )
    ticket = TicketView(
        brand="Taquilla La Suerte", serial="7K3M9Q2PXD", pin="01234567",
        issued_at=datetime(2026, 11, 23, 13, 30, tzinfo=UTC),  # 9:30 in Caracas
        timezone=VE.timezone, currency=VE.currency, market_locale=VE.locale,
        customer_name="Ana Pérez", seller_name="Pedro", lines=lines,
        total=sum((line.amount for line in lines), Decimal(0)),
        cancel_deadline=datetime(2026, 11, 23, 13, 33, tzinfo=UTC),
    )
    return replace(ticket, **changes)


def cr_ticket() -> TicketView:
    draw = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # 13:30 in Costa Rica
    line = TicketLine(lottery_name=CR.lottery("tica").name, draw_at=draw, game="tiempo",
                      number="25", amount=Decimal("1000"))
    return TicketView(
        brand="Tiempos Tico", serial="ABCDE23456", issued_at=draw - timedelta(hours=2),
        timezone=CR.timezone, currency=CR.currency, market_locale=CR.locale, lines=(line,),
        total=Decimal("1000"), cancel_deadline=draw - timedelta(hours=1, minutes=55),
    )


class _Tags(HTMLParser):
    """The tags a message uses, and whether they close in order (Telegram rejects it otherwise)."""

    def __init__(self) -> None:
        super().__init__()
        self.used: set[str] = set()
        self.open: list[str] = []
        self.balanced = True
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.used.add(tag)
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.balanced = self.balanced and bool(self.open) and self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(message: str) -> _Tags:
    tags = _Tags()
    tags.feed(message)
    tags.close()
    return tags


def visible(message: str) -> str:
    return plain("".join(parsed(message).text))


def test_english_ticket_shows_every_wager_total_serial_pin_and_deadline() -> None:
    text = visible(render_ticket_text(ve_ticket(), "en"))
    assert "Taquilla La Suerte" in text
    assert "Serial: 7K3M9-Q2PXD" in text
    assert "123 Aries · Triple with sign · Bs. 5.00" in text
    assert "456 · Triple · Bs. 10.00" in text
    assert "3 Ciempiés · Animal · Bs. 20.00" in text
    assert "07 · Terminal · Bs. 1,234.50" in text
    assert "Total: Bs. 1,269.50" in text
    assert "PIN: 01234567" in text
    assert "You can cancel until 9:33 AM" in text
    assert "Customer: Ana Pérez" in text
    assert "Seller: Pedro" in text


def test_a_venezuelan_ticket_read_in_english_keeps_caracas_time() -> None:
    text = visible(render_ticket_text(ve_ticket(), "en"))
    assert "Date: Mon, Nov 23, 2026, 9:30 AM" in text  # issued 13:30 UTC
    assert "Triple Zamorano · Mon, Nov 23, 12:00 PM" in text
    assert "1:33 PM" not in text


def test_a_costa_rican_ticket_uses_colones_and_costa_rica_time() -> None:
    english = visible(render_ticket_text(cr_ticket(), "en"))
    assert "Tica · Mon, Nov 23, 1:30 PM" in english
    assert "25 · Tiempo · ₡1,000.00" in english
    assert "You can cancel until 11:35 AM" in english
    spanish = visible(render_ticket_text(cr_ticket(), "es"))
    assert "Tica · lun, 23 nov, 1:30 p. m." in spanish
    assert "₡1 000,00" in spanish


def test_spanish_readers_get_venezuelan_numbers_and_dates() -> None:
    text = visible(render_ticket_text(ve_ticket(), "es"))
    assert "Triple Zamorano · lun, 23 nov., 12:00 p. m." in text
    assert "Bs. 1.234,50" in text
    assert "Bs. 1.269,50" in text
    assert "7K3M9-Q2PXD" in text
    assert "9:33 a. m." in text


@NEEDS_ES
def test_spanish_sentences_come_from_the_catalog() -> None:
    text = visible(render_ticket_text(ve_ticket(), "es"))
    assert "Puedes anular hasta las 9:33 a. m." in text
    assert "Total: Bs. 1.269,50" in text
    assert "Cliente: Ana Pérez" in text


def test_one_header_per_lottery_and_draw_in_draw_order() -> None:
    text = visible(render_ticket_text(ve_ticket(), "en"))
    headers = [line for line in text.splitlines() if " · Mon, Nov 23, " in line]
    assert headers == [
        "Lotto Activo · Mon, Nov 23, 11:00 AM",
        "Triple Zamorano · Mon, Nov 23, 12:00 PM",
        "Triple Táchira · Mon, Nov 23, 4:00 PM",
    ]
    assert [len(g.lines) for g in group_lines(ve_ticket())] == [1, 2, 1]


def test_user_text_is_escaped_and_the_markup_is_telegram_html() -> None:
    ticket = ve_ticket(customer_name="<b>Ana</b> & Co", seller_name="Pe<dro>",
                       provider_ref="<i>ref</i>")
    message = render_ticket_text(ticket, "en")
    assert "&lt;b&gt;Ana&lt;/b&gt; &amp; Co" in message
    assert "Pe&lt;dro&gt;" in message
    tags = parsed(message)
    assert tags.used <= {"b", "code"}
    assert tags.balanced and not tags.open
    assert "Customer: <b>Ana</b> & Co" in visible(message)


def test_lines_are_short_enough_for_a_phone() -> None:
    for language in ("en", "es"):
        lines = visible(render_ticket_text(ve_ticket(), language)).splitlines()
        assert max(len(line) for line in lines) <= 60


def test_copies_after_the_first_carry_no_pin() -> None:
    text = visible(render_ticket_text(ve_ticket(pin=None), "en"))
    assert "PIN" not in text
    assert "01234567" not in text


def test_a_void_ticket_shows_its_state_and_no_deadline() -> None:
    text = visible(render_ticket_text(ve_ticket(state="void", pin=None), "en"))
    assert "Status: VOID" in text
    assert "cancel" not in text
    assert "Status:" not in visible(render_ticket_text(ve_ticket(), "en"))


def test_a_winning_ticket_shows_the_prize_under_its_wager() -> None:
    lines = list(ve_ticket().lines)
    lines[0] = replace(lines[0], prize=Decimal("3000"))
    text = visible(render_ticket_text(ve_ticket(state="winner", lines=tuple(lines)), "en"))
    assert re.search(
        r"123 Aries · Triple with sign · Bs\. 5\.00\n\s*🏆 Prize: Bs\. 3,000\.00", text
    )
    assert "Status: WINNER" in text


def test_a_remote_provider_reference_is_shown() -> None:
    assert "Provider ref.: BNK-99812" in visible(
        render_ticket_text(ve_ticket(provider_ref="BNK-99812"), "en")
    )


def test_a_deadline_on_another_day_says_which_day() -> None:
    later = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    text = visible(render_ticket_text(ve_ticket(cancel_deadline=later), "en"))
    assert "You can cancel until Tue, Nov 24, 9:00 AM" in text


def test_rendering_leaves_the_callers_language_alone() -> None:
    token = current_locale.set("es")
    try:
        text = visible(render_ticket_text(ve_ticket(), "en"))
        assert "Triple with sign" in text
        assert current_locale.get() == "es"
    finally:
        current_locale.reset(token)


def test_naive_times_and_unknown_states_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ve_ticket(issued_at=datetime(2026, 11, 23, 9, 30))
    with pytest.raises(ValueError, match="timezone-aware"):
        wager("zulia", "triple", "123", "1", draw=datetime(2026, 11, 23, 12, 0))
    with pytest.raises(ValueError, match="state"):
        ve_ticket(state="lost")
