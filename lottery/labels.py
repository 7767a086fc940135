"""Names people read: games, zodiac signs, ticket states and animals, in the reader's language."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime, tzinfo

from babel.dates import format_skeleton, format_time, get_datetime_format

from lottery.i18n import N_, gettext

GAMES = {
    "triple": N_("Triple"),
    "terminal": N_("Terminal"),
    "triple_sign": N_("Triple with sign"),
    "terminal_sign": N_("Terminal with sign"),
    "triple_ab": N_("Triple A+B"),
    "terminal_ab": N_("Terminal A+B"),
    "animal": N_("Animal"),
    "tripleta": N_("Tripleta"),
    "tiempo": N_("Tiempo"),
    "reventado": N_("Reventado"),
}

SIGNS = {
    "ARI": N_("Aries"), "TAU": N_("Taurus"), "GEM": N_("Gemini"), "CAN": N_("Cancer"),
    "LEO": N_("Leo"), "VIR": N_("Virgo"), "LIB": N_("Libra"), "ESC": N_("Scorpio"),
    "SAG": N_("Sagittarius"), "CAP": N_("Capricorn"), "ACU": N_("Aquarius"), "PIS": N_("Pisces"),
}

TICKET_STATES = {
    "pending": N_("pending"),
    "sold": N_("sold"),
    "rejected": N_("rejected"),
    "void": N_("void"),
    "winner": N_("winner"),
    "loser": N_("loser"),
    "paid": N_("paid"),
    "expired": N_("expired"),
}


def game_name(game: str) -> str:
    return gettext(GAMES[game]) if game in GAMES else game


def sign_name(sign: str) -> str:
    return gettext(SIGNS[sign]) if sign in SIGNS else sign


def state_name(state: str) -> str:
    return gettext(TICKET_STATES[state]) if state in TICKET_STATES else state


#: Catalogs list names as people type them (no accents); people read them spelled right.
_SPELLED = {
    "leon": "león", "raton": "ratón", "aguila": "águila", "caiman": "caimán",
    "delfin": "delfín", "alacran": "alacrán", "ciempies": "ciempiés",
}


def animal_name(animals: Mapping[str, tuple[str, ...]], number: str) -> str:
    """`5` → `León`: the accented spelling (the catalog's, else ours), capitalised."""
    names = animals.get(number, ())
    if not names:
        return ""
    name = next((n for n in names if not n.isascii()), _SPELLED.get(names[0], names[0]))
    return name[:1].upper() + name[1:]


# Babel reads its patterns again on every call; a booth prints the same draw times and amounts
# all day, so the texts are kept. They depend only on the minute, the zone and the locale (no
# format here shows seconds), so a sale's own instant is kept to the minute: the tickets sold in
# one minute share one text.
def format_clock(moment: datetime, tz: tzinfo, locale: str) -> str:
    """``9:33 a. m.``: a time of day on the lottery's clock, whoever reads it and wherever.

    The zone is always passed: Babel would otherwise fall back to the server's zone.
    """
    _require_aware(moment)
    return _format_clock(_minute(moment), tz, locale)


def format_day_time(moment: datetime, tz: tzinfo, locale: str, *, year: bool = False) -> str:
    """``lun, 23 nov., 12:00 p. m.`` / ``Mon, Nov 23, 12:00 PM``: a draw or a sale, on the
    lottery's clock, in the reader's style (CLDR's own way of joining a date and a time)."""
    _require_aware(moment)
    return _format_day_time(_minute(moment), tz, locale, year)


def format_day(day: date, locale: str) -> str:
    """``lun, 23 nov.`` / ``Mon, Nov 23``: a local day, as ``format_day_time`` writes it."""
    return _format_day(day, locale)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


@functools.lru_cache(maxsize=4096)
def _format_clock(moment: datetime, tz: tzinfo, locale: str) -> str:
    return format_time(moment, "short", tzinfo=tz, locale=locale)


@functools.lru_cache(maxsize=1024)
def _format_day(day: date, locale: str) -> str:
    return format_skeleton("MMMEd", day, locale=locale)


@functools.lru_cache(maxsize=4096)
def _format_day_time(moment: datetime, tz: tzinfo, locale: str, year: bool) -> str:
    day = format_skeleton("yMMMEd" if year else "MMMEd", moment, tzinfo=tz, locale=locale)
    clock = format_time(moment, "short", tzinfo=tz, locale=locale)
    joiner = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    return joiner.replace("{1}", day).replace("{0}", clock)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no place on a lottery's clock")
