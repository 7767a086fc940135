"""Names people read: games, zodiac signs, ticket states and animals, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping

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
