"""Every inline button's callback data, as aiogram ``CallbackData`` factories.

A button is built with ``Factory(...).pack()`` and its handler registered with
``Factory.filter()``, so the data is written and read in one place. Unpacking validates it:
a press whose data no keyboard of ours sent (a forged or truncated ``tk:o:abc``, an id beyond
what the database can hold, an unknown prefix) matches no handler, and the catch-all at the end
of the routers (``handlers.start.make_fallback_router``) answers it with :func:`answer_stale`.

The packed strings are the ones the f-strings made before (``tk:o:42``, ``sub:zulia``,
``jp:bet:3:7``, ``sale:ok:REF``…), so buttons already sent to people keep working. ``pack()``
refuses data over Telegram's 64 bytes, and a value holding the ``:`` separator.
"""

from __future__ import annotations

import enum
from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery
from pydantic import BeforeValidator, Field

from lottery.i18n import _

INT64_MAX = 2**63 - 1
"""The largest id a BIGINT column (and SQLite's INTEGER) holds."""


def _plain_digits(value: object) -> object:
    """Only what ``str(int)`` writes: pydantic alone would also read ``12.0``, ``+5``, ``1_0``."""
    if isinstance(value, str):
        digits = value.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError("not a whole number written in digits")
    return value


_Digits = BeforeValidator(_plain_digits)
RowId = Annotated[int, _Digits, Field(ge=1, le=INT64_MAX)]
"""A row of ours (a ticket): positive and within BIGINT."""
Offset = Annotated[int, _Digits, Field(ge=0, le=INT64_MAX)]
"""How many rows a page skips."""
ForeignId = Annotated[int, _Digits, Field(ge=-INT64_MAX - 1, le=INT64_MAX)]
"""An id a provider gave (a jackpot's event or bet): any signed 64-bit integer."""
Reference = Annotated[str, Field(pattern=r"^[0-9A-Za-z_-]{1,40}$")]
"""A sale's reference (``services.draft.new_reference``: 16 hex characters)."""


class TicketAction(enum.StrEnum):
    OPEN = "o"
    REPRINT = "r"
    CANCEL = "x"
    REPEAT = "p"


class TicketButton(CallbackData, prefix="tk"):
    """``tk:o:42``: an action on one ticket of /tickets or /ultimo."""

    action: TicketAction
    ticket: RowId


class TicketPage(CallbackData, prefix="tk"):
    """``tk:l:10``: /tickets from its ``offset``-th newest ticket."""

    page: Literal["l"] = "l"
    offset: Offset


class CancelAnswer(CallbackData, prefix="tk"):
    """``tk:y:42`` / ``tk:n:42``: the answer to "cancel ticket …?" asked by its Cancel button."""

    answer: Literal["y", "n"]
    ticket: RowId


class LanguageButton(CallbackData, prefix="lang"):
    """``lang:es``: /idioma's choice (checked against the languages offered by the handler)."""

    code: str


class AnnounceAction(enum.StrEnum):
    SEND = "send"
    PAID = "paid"
    NO = "no"


class AnnounceButton(CallbackData, prefix="bc"):
    """``bc:send``: the answer to /difundir's confirmation."""

    action: AnnounceAction


class SubscriptionButton(CallbackData, prefix="sub"):
    """``sub:zulia``: subscribe to (or leave) a lottery's results."""

    lottery: Annotated[str, Field(min_length=1)]


class JackpotCard(CallbackData, prefix="jp"):
    """``jp:card:CODE``: a betcard chosen from /jackpot's list."""

    step: Literal["card"] = "card"
    code: Annotated[str, Field(min_length=1)]


class JackpotBet(CallbackData, prefix="jp"):
    """``jp:bet:EVENT:BET``: one outcome picked for one event."""

    step: Literal["bet"] = "bet"
    event: ForeignId
    bet: ForeignId


class JackpotNav(CallbackData, prefix="jp"):
    """``jp:back`` and ``jp:quit``."""

    step: Literal["back", "quit"]


class JackpotLines(CallbackData, prefix="jp"):
    """``jp:lines:5``: a quick price, as a number of lines (at most 1000)."""

    step: Literal["lines"] = "lines"
    lines: Annotated[int, _Digits, Field(ge=1, le=1000)]


class JackpotSummaryButton(CallbackData, prefix="jp"):
    """``jp:ok:REF`` confirms the summary with that reference, ``jp:no:REF`` drops it."""

    step: Literal["ok", "no"]
    reference: Reference


class SaleAction(enum.StrEnum):
    CONFIRM = "ok"
    CORRECT = "fix"
    CANCEL = "no"
    SELL_OPEN = "open"  # after a confirm found a draw closed: sell the plays still open
    MOVE = "move"  # … or move the closed ones to their lottery's next draw


class SaleButton(CallbackData, prefix="sale"):
    """``sale:ok:REF`` sells the preview with that reference, ``sale:fix:REF`` asks how to
    correct it, ``sale:no:REF`` drops it; after a confirm refused for a closed draw,
    ``sale:open:REF`` sells the plays still open and ``sale:move:REF`` moves the closed ones."""

    action: SaleAction
    reference: Reference


class SplitButton(CallbackData, prefix="split"):
    """``split:REF`` sells the preview with that reference as several tickets (a big order)."""

    reference: Reference


def stale_text() -> str:
    return _("This button is no longer valid.")


async def answer_stale(query: CallbackQuery) -> None:
    """Stop the button's spinner and say the button means nothing now."""
    await query.answer(stale_text(), show_alert=True)


class MoneyAction(enum.StrEnum):
    APPROVE = "ok"
    REJECT = "no"


class TopUpButton(CallbackData, prefix="tu"):
    """``tu:ok:12`` approves top-up request 12, ``tu:no:12`` rejects it."""

    action: MoneyAction
    request: RowId


class WithdrawalButton(CallbackData, prefix="wd"):
    """``wd:no:12`` rejects withdrawal 12 (paying needs its reference: ``/pagado 12 REF``)."""

    action: Literal["no"] = "no"
    withdrawal: RowId


class StatementPage(CallbackData, prefix="st"):
    """``st:42:10``: the statement of user 42 from its 10th newest row."""

    owner: RowId
    offset: Offset
