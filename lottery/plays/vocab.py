"""The words of the plays language, and the per-catalog lookup tables built from them once.

Every word is looked up in one dictionary (``Tables.words``); phrases (multi-word lottery aliases,
``todos los signos``, ``todo el dia``, ``por favor``) in a dictionary keyed by their first word.
Tables are built once per catalog object and cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lottery.catalog import Catalog, Lottery, fold_name
from lottery.plays.typos import DeletionIndex, distance, within_one_edit


class W:
    """What a word is (plain ints: an ``IntEnum`` costs 3x per comparison in the hot loop)."""

    FILLER = 1
    LAS = 2  # las / la: filler, and the start of a time (a las 4pm)
    X = 3  # x: amount marker
    A = 4  # a: amount marker, or "a las" before a time
    CON = 5
    POR = 6
    BS = 7  # bs: unit after a number, marker when glued before one (bs5, bs.5)
    UNIT = 8  # bolivares, colones
    MIL = 9
    MILUNIT = 10  # milbs, milcolones...
    ALLDAY = 11  # todos / todas / todo el dia
    PERM = 12
    AL = 13
    CORRIDA = 14
    TRIPLETA = 15
    REV = 16
    TOTAL = 17
    SIGN = 18
    ALLSIGNS = 19  # todos los signos / zodiaco
    ANIMAL = 20
    LOTTERY = 21
    PART = 22  # only meaningful inside a phrase (signos, favor, dia, todo)
    DAY = 23  # hoy, mañana, pasado mañana, lunes … domingo (v2): the day a draw spec names
    GAME = 24  # triple(s) / terminal(es) before plays (v2): the game of the numbers after it
    FOREIGN = 25  # a currency the banca does not sell in ($, usd, €, the other market's unit)
    SYMBOL = 26  # the catalog's currency sign (₡): before or after the number
    DAYPART = 27  # tarde / noche (and "la mañana"): only after an hour (4 de la tarde)


SIGNS = ("ARI", "TAU", "GEM", "CAN", "LEO", "VIR", "LIB", "ESC", "SAG", "CAP", "ACU", "PIS")
SIGN_NAMES = ("aries", "tauro", "geminis", "cancer", "leo", "virgo", "libra", "escorpio",
              "sagitario", "capricornio", "acuario", "piscis")
#: Two-digit sign codes, only after a triple and a dash (123-05 = 123 LEO).
SIGN_CODES = {f"{i:02d}": code for i, code in enumerate(SIGNS, start=1)}

FILLERS = ("de", "del", "el", "los", "para", "y", "e", "en", "cada", "uno", "sorteo", "loteria",
           "jugar", "quiero", "pf")
#: Each currency's words (folded). Amounts are in the catalog's currency; a line naming any
#: other is an error, never a sale in the wrong money (docs/plays.md). ``bs`` is also a
#: marker when glued before its number (``bs5``); ``₡`` goes before or after it.
CURRENCY_WORDS: dict[str, tuple[str, ...]] = {
    "VES": ("bs", "bsf", "bss", "bsd", "bolivar", "bolivares", "bolos", "bolo"),
    "CRC": ("colones", "colon", "₡"),
    "USD": ("$", "usd", "dolar", "dolares", "verdes"),
    "EUR": ("€", "eur", "euro", "euros"),
    "pesos": ("pesos",),
}
#: A catalog without a known currency reads the units of the first version.
_LEGACY_UNITS = ("bs", "bolivares", "bolivar", "colones")
#: Day words (v2): days from today, or 10 + the ISO weekday.
DAYS = {"hoy": 0, "manana": 1, "lunes": 11, "martes": 12, "miercoles": 13, "jueves": 14,
        "viernes": 15, "sabado": 16, "domingo": 17}
#: Game words (v2) and the game they state.
GAME_WORDS = {"triple": "triple", "triples": "triple", "terminal": "terminal",
              "terminales": "terminal"}

_FIXED: dict[str, tuple[int, object]] = {
    **{w: (W.FILLER, None) for w in FILLERS},
    "las": (W.LAS, None), "la": (W.LAS, None),
    "x": (W.X, None), "a": (W.A, None), "con": (W.CON, None), "por": (W.POR, None),
    "mil": (W.MIL, None),
    **{w: (W.DAY, key) for w, key in DAYS.items()},
    **{w: (W.GAME, game) for w, game in GAME_WORDS.items()},
    "tarde": (W.DAYPART, "pm"), "noche": (W.DAYPART, "pm"),
    "todos": (W.ALLDAY, None), "todas": (W.ALLDAY, None),
    "p": (W.PERM, None), "perm": (W.PERM, None), "permuta": (W.PERM, None),
    "al": (W.AL, None), "corrida": (W.CORRIDA, None),
    "tripleta": (W.TRIPLETA, None),
    "r": (W.REV, None), "rev": (W.REV, None), "reventado": (W.REV, None),
    "total": (W.TOTAL, None),
    "zodiaco": (W.ALLSIGNS, None),
    **{w: (W.PART, None) for w in ("signos", "favor", "dia", "todo")},
    **{code.lower(): (W.SIGN, code) for code in SIGNS},
    **{name: (W.SIGN, code) for name, code in zip(SIGN_NAMES, SIGNS, strict=True)},
}
_FIXED_PHRASES: list[tuple[tuple[str, ...], tuple[int, object]]] = [
    (("todos", "los", "signos"), (W.ALLSIGNS, None)),
    (("todos", "signos"), (W.ALLSIGNS, None)),
    (("todo", "el", "dia"), (W.ALLDAY, None)),
    (("todo", "dia"), (W.ALLDAY, None)),
    (("por", "favor"), (W.FILLER, None)),
    (("pasado", "manana"), (W.DAY, 2)),
]
#: Keywords worth suggesting when a word is a near miss.
_SUGGESTIBLE = ("tripleta", "permuta", "perm", "reventado", "corrida", "todos", "todas", "zodiaco",
                "total", "signos", "manana", "lunes", "martes", "miercoles", "jueves", "viernes",
                "sabado", "domingo", "terminal", "terminales", "triples")
TYPO_MIN_LETTERS = 5
_WORD_CACHE_LIMIT = 10_000


@dataclass(eq=False)
class Tables:
    words: dict[str, tuple[int, object]]
    phrases: dict[str, list[tuple[tuple[str, ...], tuple[int, object]]]]
    alias_index: DeletionIndex
    alias_owner: dict[str, str]
    suggest_index: DeletionIndex
    #: Shown in messages as an example of a draw spec ("zulia 12:45").
    example_spec: str
    example_lottery: str
    #: the catalog's currency (ISO code), named when a line is in another one
    currency: str = ""
    lottery_names: dict[str, str] = field(default_factory=dict)
    phrase_starts: frozenset[str] = frozenset()
    #: for each phrase's first word, the words that may follow it in some phrase
    phrase_next: dict[str, frozenset[str]] = field(default_factory=dict)
    #: first words of multi-word aliases that mean nothing alone ("triple" of "triple zulia")
    alias_heads: frozenset[str] = frozenset()
    #: the catalog's lotteries by id (a plain dict: looked up for every play line)
    lotteries: dict[str, Lottery] = field(default_factory=dict)
    #: answers already worked out for words seen before (bounded)
    typo_cache: dict[str, tuple[str, ...]] = field(default_factory=dict)
    suggestion_cache: dict[str, str | None] = field(default_factory=dict)
    #: tokens of each whitespace-free chunk already read with these words (see lexer.tokenize)
    chunk_cache: dict[str, tuple[object, ...]] = field(default_factory=dict)

    def typo_lotteries(self, word: str) -> list[str]:
        """Lotteries whose alias (5+ letters) is one typo from ``word`` (also 5+ letters)."""
        if len(word) < TYPO_MIN_LETTERS:
            return []
        known = self.typo_cache.get(word)
        if known is None:
            if len(self.typo_cache) >= _WORD_CACHE_LIMIT:
                self.typo_cache.clear()
            known = self.typo_cache[word] = self._typo_lotteries(word)
        return list(known)

    def _typo_lotteries(self, word: str) -> tuple[str, ...]:
        owners: list[str] = []
        for alias in sorted(self.alias_index.candidates(word)):
            if within_one_edit(word, alias):
                owner = self.alias_owner[alias]
                if owner not in owners:
                    owners.append(owner)
        return tuple(owners)

    def suggestion(self, word: str) -> str | None:
        """The closest known word (at most one edit, two for long words), if any."""
        if len(word) < 3:
            return None
        if word in self.suggestion_cache:
            return self.suggestion_cache[word]
        if len(self.suggestion_cache) >= _WORD_CACHE_LIMIT:
            self.suggestion_cache.clear()
        found = self.suggestion_cache[word] = self._suggestion(word)
        return found

    def _suggestion(self, word: str) -> str | None:
        limit = 1 if len(word) < 5 else 2
        best: tuple[int, int, str] | None = None
        for cand in self.suggest_index.candidates(word):
            d = distance(word, cand, limit)
            if d <= limit and (best is None or (d, -len(cand), cand) < best):
                best = (d, -len(cand), cand)
        return best[2] if best else None


def tables_for(catalog: Catalog) -> Tables:
    """The parser's tables for a catalog, built on first use and kept with the catalog."""
    tables = catalog.derived.get("plays")
    if tables is None:
        tables = catalog.derived["plays"] = _build(catalog)
    return tables  # type: ignore[no-any-return]


def _currency_words(currency: str) -> dict[str, tuple[int, object]]:
    """The catalog's units, and every other currency's words as foreign."""
    own = CURRENCY_WORDS.get(currency, _LEGACY_UNITS)
    words: dict[str, tuple[int, object]] = {}
    for code, names in CURRENCY_WORDS.items():
        for name in names:
            words[name] = (W.FOREIGN, code)
            if name.isalpha():
                words["mil" + name] = (W.FOREIGN, code)
    for name in own:
        words[name] = (W.BS if name == "bs" else W.UNIT if name.isalpha() else W.SYMBOL, None)
        if name.isalpha():
            words["mil" + name] = (W.MILUNIT, None)
    return words


def _build(catalog: Catalog) -> Tables:
    words = dict(_FIXED)
    words.update(_currency_words(catalog.currency))
    phrases: dict[str, list[tuple[tuple[str, ...], tuple[int, object]]]] = {}
    for phrase, meaning in _FIXED_PHRASES:
        phrases.setdefault(phrase[0], []).append((phrase, meaning))
    animal_names: set[str] = set()
    for members in catalog.animal_sets.values():
        for names in members.values():
            animal_names.update(fold_name(n) for n in names)
    for name in animal_names:
        if " " in name:
            parts = tuple(name.split())
            phrases.setdefault(parts[0], []).append((parts, (W.ANIMAL, name)))
        else:
            words.setdefault(name, (W.ANIMAL, name))
    alias_owner: dict[str, str] = {}
    for lot in catalog.lotteries:
        for alias in lot.aliases:
            parts = tuple(alias.split())
            if len(parts) > 1:
                phrases.setdefault(parts[0], []).append((parts, (W.LOTTERY, lot.id)))
            else:
                # a lottery's own alias wins over any fixed meaning of the same word
                words[alias] = (W.LOTTERY, lot.id)
            if len(parts) == 1 and len(alias) >= TYPO_MIN_LETTERS:
                alias_owner[alias] = lot.id
    for options in phrases.values():
        options.sort(key=lambda item: -len(item[0]))
    suggestible = {w for w in words if len(w) >= 3 and words[w][0] in (W.SIGN, W.ANIMAL, W.LOTTERY)}
    suggestible.update(_SUGGESTIBLE)
    suggestible.update(w for w, meaning in words.items()
                       if meaning[0] == W.UNIT and len(w) >= 5 and not w.startswith("mil"))
    suggestible.update(a for lot in catalog.lotteries for a in lot.aliases if " " not in a)
    first = catalog.lotteries[0]
    example_time = f"{first.times[0].hour}:{first.times[0].minute:02d}" if first.times else ""
    return Tables(
        words=words,
        phrases=phrases,
        alias_index=DeletionIndex(alias_owner, depth=1),
        alias_owner=alias_owner,
        suggest_index=DeletionIndex(suggestible, depth=2),
        example_spec=f"{first.aliases[0]} {example_time}".strip(),
        example_lottery=first.aliases[0],
        currency=catalog.currency,
        lottery_names={lot.id: lot.name for lot in catalog.lotteries},
        phrase_starts=frozenset(phrases),
        phrase_next={first: frozenset(words[1] for words, _ in options)
                     for first, options in phrases.items()},
        lotteries={lot.id: lot for lot in catalog.lotteries},
        alias_heads=frozenset(a.split()[0] for lot in catalog.lotteries for a in lot.aliases
                              if " " in a and a.split()[0] not in words),
    )
