"""Error messages of the plays language: English msgids, shown in the current locale.

An error stores its msgid and parameters; the text is produced when it is read, so the same error
can be shown in Spanish (the default, and the contract of ``taquilla parse``) or in English.
Parameter values that need the locale (amounts, times, game names, dates) are wrapped here and
formatted at that moment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from lottery.i18n import N_, current_locale, gettext

# unknown_token
UNKNOWN = N_("I did not understand «{text}».")
UNKNOWN_SUGGEST = N_("I did not understand «{text}». Did you mean «{suggestion}»?")
NOT_A_PLAY = N_("«{text}» is not a play: write 2 digits for a terminal or 3 for a triple, "
                "e.g. 123 x5.")
BAD_SIGN_CODE = N_("«{text}»: a sign number goes from 01 to 12 after a triple, e.g. 123-05 (Leo), "
                   "or write the sign: 123-LEO.")
BAD_PAIR = N_("«{text}»: write a sign (123-ARI) or an A+B pair of equal lengths (000-999, 00-99).")
LOOSE_SIGN = N_("The sign «{text}» must come right after its number, e.g. 123-ARI or 123 ari.")
HOUR_FORMAT = N_("«{text}»: write the time with am/pm or as HH:MM, e.g. 7pm or 19:00.")
BAD_TIME = N_("«{text}» is not a valid time; write e.g. 4:45pm or 16:45.")
MARKER_NO_AMOUNT = N_("«{text}» needs an amount after it, e.g. x5.")
UNIT_NO_NUMBER = N_("«{text}» needs a number before it, e.g. 5 bs.")
PERM_NO_NUMBER = N_("«{text}»: write the number to permute, e.g. p123.")
SERIES_FORMAT = N_("«{text}»: write a series as 100 al 109.")
TRIPLETA_COUNT = N_("«{text}»: a tripleta takes exactly three animals, e.g. tripleta 5 10 20 x2.")
TOTAL_PLACE = N_("«{text}»: write the total on a line of its own, e.g. total 30.")
REV_PLACE = N_("«{text}»: the reventado goes right after the play's amount, e.g. 25 x1000 r500.")
DASH_SPACES = N_("«{text}»: is it one A+B play or two plays? Write {joined} for A+B, "
                 "or leave out the dash.")
AT_NO_TIME = N_("«{text}»: at what time? Write the draw's time after it, e.g. a las 4pm, "
                "or leave it out for the next draw.")
DAYPART_NO_HOUR = N_("«{text}»: at what time? Write the hour before it, e.g. 4 de la tarde.")
TIME_CLASH = N_("«{text}»: the am/pm and the part of the day do not match; write e.g. "
                "4pm or 4 de la tarde.")
GAME_NO_PLAYS = N_("«{text}» needs its numbers right after it, e.g. {example}.")
GAME_BEFORE_LOTTERY = N_("«{text}»: the word «{game}» goes right before its numbers, "
                         "e.g. {example}.")
# ambiguous
AMBIGUOUS_COMMA = N_("«{text}»: are those the plays {plays} or the amount {text}? "
                     "Write the amount with x, e.g. x{text}.")
ALLDAY_AND_TIMES = N_("«{text}»: write either times or «todos», not both.")
LOTTERY_AMBIGUOUS = N_("«{text}» could be {options}; write the name in full.")
HOUR_AMBIGUOUS = N_("«{text}» matches several draws of {lottery} ({times}); "
                    "write the exact time.")
NIGHT_HOUR = N_("«{text}» is in the small hours, when there are no draws; write the draw's "
                "time, e.g. 7 de la noche, or 12m for noon.")
SYMBOL_BETWEEN = N_("«{text}»: which number is the amount? Write ₡ next to it, e.g. {example}.")
TWO_DAYS = N_("«{text}»: which day? Write only one: today, tomorrow or a weekday.")
UNUSED_SPEC = N_("«{text}» has no plays to go with; write the plays under it "
                 "(or on the same line).")
# missing_lottery
MISSING_LOTTERY = N_("Which lottery? Write it on this line or on a line above, e.g. {example}.")
TIMES_ONLY = N_("«{text}»: which lottery? Write it with the time, e.g. {example}.")
BROKEN_SOURCE = N_("This line takes its draw from line {source}, which has an error; "
                   "fix that line.")
# missing_amount
MISSING_AMOUNT = N_("Missing the amount for «{text}»: for example {example} x5.")
AMOUNT_OR_PLAY = N_("Missing the amount for «{text}»: is {last} a play or the amount? "
                    "Write the amount with x, e.g. {example}.")
AMOUNT_NO_PLAYS = N_("The amount «{text}» has no plays before it.")
# invalid_number
AMOUNT_ZERO = N_("«{text}»: the amount must be greater than 0.")
AMOUNT_DECIMALS = N_("«{text}»: an amount has at most two decimals, e.g. 2,50.")
AMOUNT_TOO_BIG = N_("«{text}» is too large an amount.")
ANIMAL_NUMBER = N_("«{text}» is not an animal of {lottery}: they go from 0 and 00 to {top}.")
SINGLE_DIGIT = N_("«{text}» is not a play of {lottery}: write 2 digits for a terminal "
                  "(0{text}) or 3 for a triple.")
TIEMPO_DIGITS = N_("«{text}» is not a number of {lottery}: write up to {digits} digits.")
SIGN_NUMBER = N_("«{text}»: a sign goes with a triple or a terminal, e.g. 123-ARI.")
SERIES_RANGE = N_("«{text}»: a series goes from a smaller to a larger number with the same "
                  "digits, e.g. 100 al 109.")
SERIES_ZERO = N_("«{text}»: on {lottery} 0 and 00 are different animals; write them one by one.")
TRIPLETA_SAME = N_("«{text}»: the three animals of a tripleta must be different.")
TRIPLE_DIGITS = N_("«{text}» is not a triple: a triple has 3 digits.")
TERMINAL_DIGITS = N_("«{text}» is not a terminal: a terminal has 2 digits.")
# not_sold
NOT_SOLD = N_("{lottery} does not sell {game}: «{text}».")
NOT_SOLD_ANIMAL = N_("«{text}» is an animal, and {lottery} does not sell animals.")
# closed_draw
CLOSED_DRAW = N_("{lottery} {time} closed at {closed}; the next open draw is {next}.")
CLOSED_DRAW_NO_NEXT = N_("{lottery} {time} closed at {closed}.")
ALLDAY_CLOSED = N_("{lottery} has no more open draws today; the next is {next}.")
# no_such_draw
NO_SUCH_DRAW = N_("{lottery} has no draw at «{text}»; its draws are at {times}.")
NO_DRAWS_TODAY = N_("{lottery} has no draws today; the next is {next}.")
NO_DRAWS = N_("{lottery} has no upcoming draws.")
NO_DRAWS_ON_DAY = N_("{lottery} has no draws {day}; the next is {next}.")
# wrong_currency
WRONG_CURRENCY = N_("«{text}»: here you play in {currency} only; write the amount without "
                    "another currency, e.g. {example}.")
# too_many
TOO_MANY = N_("The series «{text}» has {count} numbers; the most is {max}.")
# total_mismatch
TOTAL_MISMATCH = N_("The plays add up to {actual}, not {stated}.")
TOTAL_MISSING = N_("«{text}»: write the total amount, e.g. total 30.")
TOO_LONG = N_("The message is longer than {limit} characters; this line and the ones after it "
              "were not read. Send them in another message.")
# the command line's own input
INPUT_NOT_JSON = N_("This input line is not a JSON object.")
INPUT_NO_TEXT = N_("The input has no «text» string.")
INPUT_BAD_NOW = N_("«{text}» is not an ISO-8601 date and time with its offset.")
INTERNAL = N_("Something went wrong reading this message; please write it again.")

TODAY_AT = N_("today at {time}")
TODAY = N_("today")
TOMORROW = N_("tomorrow")
ON_DAY = N_("on {weekday} {date}")
TOMORROW_AT = N_("tomorrow at {time}")
DATE_AT = N_("{date} at {time}")

#: The currencies a banca sells in, as a person reads them in an error (ISO code otherwise).
CURRENCY_NAMES = {"VES": N_("bolívares (Bs.)"), "CRC": N_("colones (₡)")}
#: An amount as people write it in each currency (for examples in errors).
CURRENCY_EXAMPLES = {"VES": "x5", "CRC": "x500"}

GAME_NAMES = {
    "triple": N_("triples"),
    "terminal": N_("terminals"),
    "triple_sign": N_("triples with sign"),
    "terminal_sign": N_("terminals with sign"),
    "triple_ab": N_("A+B triples"),
    "terminal_ab": N_("A+B terminals"),
    "animal": N_("animals"),
    "tripleta": N_("tripletas"),
    "tiempo": N_("tiempos"),
    "reventado": N_("reventados"),
}


@dataclass(frozen=True, slots=True)
class Game:
    """A game id shown as its localized plural name."""

    game: str


@dataclass(frozen=True, slots=True)
class DayName:
    """A day shown relative to today: today, tomorrow, or its weekday and date."""

    day: date
    today: date


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO currency code shown as its localized name."""

    code: str


@dataclass(frozen=True, slots=True)
class When:
    """A draw moment shown relative to the day it was asked about (today / tomorrow / date)."""

    at: datetime
    today: date


def clock(t: time | datetime) -> str:
    """``16:45`` → ``4:45 pm``: how players say draw times."""
    hour12 = t.hour % 12 or 12
    return f"{hour12}:{t.minute:02d} {'am' if t.hour < 12 else 'pm'}"


def amount_text(value: Decimal, locale: str | None = None) -> str:
    loc = locale or current_locale.get()
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    try:
        return format_decimal(value, format=pattern, locale=loc)
    except Exception:  # an unknown locale must not hide the error itself
        return str(value)


class _Values(dict[str, str]):
    """Leaves an unknown placeholder visible instead of failing to show the error at all."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class LocalizedError(Exception):
    """An error for a person: ``message`` is rendered when read, in the current locale, from
    ``msgid`` and ``params``."""

    def __init__(self, msgid: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = dict(params or {})

    @property
    def message(self) -> str:
        return render_message(self.msgid, self.params)

    def __str__(self) -> str:
        return self.message


def render_message(msgid: str, params: Mapping[str, Any], locale: str | None = None) -> str:
    values = _Values({k: _value(v, locale) for k, v in params.items()})
    try:
        return gettext(msgid, locale).format_map(values)
    except (IndexError, ValueError, AttributeError):  # a broken translation falls back to English
        return msgid.format_map(values)


def _value(value: Any, locale: str | None) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return amount_text(value, locale)
    if isinstance(value, Game):
        return gettext(GAME_NAMES.get(value.game, value.game), locale)
    if isinstance(value, DayName):
        days = (value.day - value.today).days
        if days in (0, 1):
            return gettext(TODAY if days == 0 else TOMORROW, locale)
        weekday = _weekday(value.day, locale or current_locale.get())
        return gettext(ON_DAY, locale).format(weekday=weekday, date=value.day.strftime("%d/%m"))
    if isinstance(value, Currency):
        name = CURRENCY_NAMES.get(value.code)
        return gettext(name, locale) if name else value.code
    if isinstance(value, When):
        days = (value.at.date() - value.today).days
        time_text = clock(value.at)
        if days == 0:
            return gettext(TODAY_AT, locale).format(time=time_text)
        if days == 1:
            return gettext(TOMORROW_AT, locale).format(time=time_text)
        return gettext(DATE_AT, locale).format(date=value.at.strftime("%d/%m"), time=time_text)
    if isinstance(value, time | datetime):
        return clock(value)
    if isinstance(value, list | tuple):
        return ", ".join(_value(v, locale) for v in value)
    return str(value)


def _weekday(day: date, locale: str) -> str:
    try:
        return str(format_date(day, "EEEE", locale=locale))
    except Exception:  # an unknown locale must not hide the error itself
        return str(format_date(day, "EEEE", locale="es"))
