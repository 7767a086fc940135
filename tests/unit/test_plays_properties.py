"""Properties of the parser over generated text (Hypothesis, 2000 examples each).

Any text up to Telegram's 4096 characters gets a result and never an exception; the same text
always gives the same result; a line with an error yields no wagers; rendering the wagers and
parsing that again gives the same wagers; the fast tokenizer agrees with the reference one.
The v2 words are in all of them (day words, hour phrases, game words, currencies), and: a line
naming another currency sells nothing; a day line dates every wager under it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lottery.catalog import Lottery
from lottery.plays import ERROR_CODES, parse_message
from lottery.plays.lexer import positions, tokenize, tokenize_reference
from lottery.plays.normalize import fold_line
from lottery.plays.vocab import tables_for
from lottery.render import render_wagers
from tests.unit.plays_helpers import catalog

PROPERTY = settings(max_examples=2000, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NOWS = {
    "ve": [datetime.fromisoformat(t) for t in (
        "2026-11-23T09:30:00-04:00", "2026-11-23T13:10:00-04:00", "2026-11-29T11:05:00-04:00",
        "2026-11-23T19:30:00-04:00")],
    "cr": [datetime.fromisoformat(t) for t in (
        "2026-11-23T11:00:00-06:00", "2026-11-23T13:30:00-06:00", "2026-11-29T08:00:00-06:00")],
}

WORDS = [
    "123", "456", "007", "07", "5", "05", "0", "00", "36", "37", "1234", "99999999999999999999",
    "x5", "x", "X 5", "*5", "×5", "x0", "x-5", "x1e9", "2,50", "1.000", "1.000,50", "0,50", "mil",
    "2mil", "bs", "bs.5", "5bs", "con", "por", "a", "las", "de", "del", "al", "zulia", "tz",
    "triple zulia", "zamorano", "zamorrano", "zuli", "caracas", "chance", "tachira", "lotto",
    "lotto activo", "activo", "la granjita", "granjita", "tica", "tiempos", "monazo", "nt",
    "12:45", "4:45", "16:45", "4:45pm", "4pm", "4 pm", "10am", "10 a.m.", "12m", "7:05 pm", "25:00",
    "todos", "todas", "todo el dia", "ari", "tau", "leo", "géminis", "123-ari", "123-05", "45esc",
    "123-13", "000-999", "07-99", "123 - 456", "p123", "p 12", "perm", "permuta", "100 al 109",
    "corrida", "tripleta", "leon", "león", "tigre", "ballena", "r500", "rev", "reventado",
    "colones", "total", "total:", "-----", "🙏", "c/u", "zodiaco", "todos los signos", "ÁÉÍ", "ß",
    "İ", "١٢٣", "²", "\x00", "\u200b", "½", "...", "_", "(", ")",
    # v2: day words, hour phrases, game words, currencies
    "hoy", "mañana", "MAÑANA", "manana", "pasado mañana", "lunes", "sábado", "domingo",
    "para mañana:", "para el viernes", "de la tarde", "4 de la tarde", "10:30 de la mañana",
    "7 de la noche", "12 de la noche", "en la mañana", "noche", "terminal", "triple", "triples",
    "terminales", "$", "20$", "$20", "us$", "€", "usd", "dolares", "verdes", "pesos", "₡",
    "₡500", "500₡", "bolos", "bsf", "bolivar", "colon", "a las", "a la",
]
SEPARATORS = [" ", " ", " ", "  ", ", ", "\t", "\n", "\r\n", "", "-", ";", "/", "|", "+", ".", ":"]

plays_like = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=60,
).map(lambda pairs: "".join(word + sep for word, sep in pairs))
long_plays_like = st.builds(lambda text, times: (text * times)[:4096], plays_like,
                            st.integers(min_value=1, max_value=400))
any_text = st.one_of(
    st.text(max_size=4096), plays_like, long_plays_like,
    st.text(alphabet=st.sampled_from(list("0123456789 x-.,:\n")), max_size=4096),
)
markets = st.sampled_from(["ve", "cr"])


@PROPERTY
@given(text=any_text, market=markets, which=st.integers(min_value=0, max_value=2))
def test_any_text_gets_a_result_never_an_exception(text: str, market: str, which: int) -> None:
    lines = len(text[:4096].split("\n"))
    result = parse_message(text, catalog(market), NOWS[market][which])
    for error in result.errors:
        assert error.code in ERROR_CODES
        assert 0 < error.line <= lines
        assert isinstance(error.message, str) and error.message
    bad_lines = {e.line for e in result.errors}
    for wager in result.wagers:
        assert wager.line not in bad_lines  # a line with an error yields no wagers
        assert wager.amount > 0 and wager.amount.as_tuple().exponent == -2
        assert wager.draw.tzinfo is not None


@PROPERTY
@given(text=st.one_of(plays_like, st.text(max_size=1000)), market=markets)
def test_parsing_is_deterministic(text: str, market: str) -> None:
    now = NOWS[market][0]
    first = parse_message(text, catalog(market), now)
    second = parse_message(text, catalog(market), now)
    assert first.wagers == second.wagers
    assert [(e.line, e.code, e.text, e.message) for e in first.errors] == [
        (e.line, e.code, e.text, e.message) for e in second.errors]


@cache
def _play(lottery: Lottery) -> st.SearchStrategy[str]:
    """A play this lottery sells, written in one of the ways people write it."""
    games = lottery.games
    options: list[st.SearchStrategy[str]] = []
    three = st.integers(0, 999).map(lambda n: f"{n:03d}")
    two = st.integers(0, 99).map(lambda n: f"{n:02d}")
    sign = st.sampled_from(["ari", "TAU", "géminis", "leo", "Esc", "piscis"])
    if "triple" in games:
        options += [three, three.map(lambda n: f"p{n}"),
                    st.integers(0, 980).map(lambda n: f"{n:03d} al {n + 12:03d}")]
    if "terminal" in games:
        options += [two, two.map(lambda n: f"perm {n}")]
    if "triple_sign" in games:
        options += [st.builds(lambda n, s: f"{n}-{s}", three, sign),
                    st.builds(lambda n, s, t: f"{n} {s} {t}", three, sign, sign),
                    st.builds(lambda n, c: f"{n}-{c:02d}", three, st.integers(1, 12))]
    if "terminal_sign" in games:
        options += [st.builds(lambda n, s: f"{n}{s}", two, sign)]
    if "triple_ab" in games:
        options += [st.builds(lambda a, b: f"{a}-{b}", three, three)]
    if "terminal_ab" in games:
        options += [st.builds(lambda a, b: f"{a}-{b}", two, two)]
    if "animal" in games:
        names = sorted({n for names in lottery.animals.values() for n in names})
        options += [st.sampled_from(sorted(lottery.animals)), st.sampled_from(names)]
    if "tripleta" in games:
        options += [st.lists(st.sampled_from(sorted(lottery.animals)), min_size=3, max_size=3,
                             unique=True).map(lambda a: "tripleta " + " ".join(a))]
    if "tiempo" in games:
        width = lottery.digits or 2
        options += [st.integers(0, 10**width - 1).map(lambda n: f"{n:0{width}d}")]
    return st.one_of(options)


amounts = st.one_of(st.integers(1, 5000).map(str),
                    st.sampled_from(["2,50", "0,50", "1.000", "1.5"]))


#: the units each market writes after an amount (v2), and another market's
UNITS = {"ve": ["", "", " bs", " bolos", " bsf", " bolivares"],
         "cr": ["", "", " colones", " colon", "₡", " ₡"]}
FOREIGN = {"ve": ["$", " usd", " dolares", " €", " colones", "₡", " pesos", " verdes"],
           "cr": ["$", " usd", " euros", " bs", " bolos", " bolivares", " pesos"]}


DAY_WORDS = ["hoy", "mañana", "manana", "pasado mañana", "lunes", "miércoles", "sabado",
             "domingo"]


def _hour_phrase(hour: int, minute: int) -> str:
    """A draw time as people say it: ``4:45 de la tarde``, ``10:00 de la mañana``."""
    part = "mañana" if hour < 12 else "tarde" if hour < 19 else "noche"
    return f"{hour % 12 or 12}:{minute:02d} de la {part}"


@st.composite
def lines_of(draw: st.DrawFn, market: str, days: bool = True) -> str:
    """A valid-looking play line, written with the first version's words or the v2 ones (a
    game word before its numbers, an hour phrase, the catalog's unit, a day word)."""
    lot = draw(st.sampled_from(catalog(market).lotteries))
    games = [g for g in ("triple", "terminal") if g in lot.games]
    if games and draw(st.booleans()):
        game = draw(st.sampled_from(games))
        width = 3 if game == "triple" else 2
        numbers = draw(st.lists(st.integers(0, 10**width - 1).map(lambda n: f"{n:0{width}d}"),
                                min_size=1, max_size=3))
        plays = [draw(st.sampled_from([game, game + ("s" if game == "triple" else "es")]))
                 + " " + " ".join(numbers)]
    else:
        plays = draw(st.lists(_play(lot), min_size=1, max_size=4))
    line = " ".join(plays) + " x" + draw(amounts) + draw(st.sampled_from(UNITS[market]))
    if "reventado" in lot.games and draw(st.booleans()):
        line += " r" + draw(amounts)
    spec = draw(st.sampled_from(lot.aliases))
    choice = draw(st.integers(0, 3))
    if choice == 1 and lot.times:
        t = draw(st.sampled_from(lot.times))
        spec += f" {t.hour}:{t.minute:02d}"
    elif choice == 2:
        spec += " todos"
    elif choice == 3 and lot.times:
        t = draw(st.sampled_from(lot.times))
        spec += " " + _hour_phrase(t.hour, t.minute)
    if days and draw(st.integers(0, 2)) == 0:
        spec += " " + draw(st.sampled_from(DAY_WORDS))
    return f"{line} {spec}" if draw(st.booleans()) else f"{spec} {line}"


@st.composite
def messages(draw: st.DrawFn, days: bool = True) -> tuple[str, str, datetime]:
    """A message of valid-looking play lines (some draws may be closed: those lines fail)."""
    market = draw(markets)
    now = draw(st.sampled_from(NOWS[market]))
    lines = draw(st.lists(lines_of(market, days), min_size=1, max_size=3))
    return market, "\n".join(lines), now


@PROPERTY
@given(message=messages())
def test_rendering_then_parsing_again_gives_the_same_wagers(
        message: tuple[str, str, datetime]) -> None:
    market, text, now = message
    first = parse_message(text, catalog(market), now)
    rendered = render_wagers(first.wagers, catalog(market), now=now)
    again = parse_message(rendered, catalog(market), now)
    assert not again.errors, (text, rendered, again.errors)
    assert Counter(w.key for w in again.wagers) == Counter(w.key for w in first.wagers), rendered


@PROPERTY
@given(text=st.one_of(plays_like, st.text(max_size=200)), market=markets)
def test_the_fast_tokenizer_agrees_with_the_reference(text: str, market: str) -> None:
    tables = tables_for(catalog(market))
    for line in text.split("\n"):
        folded = fold_line(line)[1]
        fast = tokenize(folded, tables.words, tables.chunk_cache)
        # read again, every chunk now known: the usual path gives the same tokens
        assert tokenize(folded, tables.words, tables.chunk_cache) == fast
        reference = [token for token, _, _ in tokenize_reference(folded, tables.words)]
        # "4 pm" is one token either way; only the spaces inside it may be written differently
        assert [(k, " ".join(t.split()), g, x) for k, t, g, x in fast] == [
            (k, " ".join(t.split()), g, x) for k, t, g, x in reference]
        assert positions(folded) == [(start, end) for _, start, end in
                                     tokenize_reference(folded, tables.words)]


@PROPERTY
@given(message=messages(), data=st.data())
def test_a_line_in_another_currency_sells_nothing(message: tuple[str, str, datetime],
                                                  data: st.DataObject) -> None:
    market, text, now = message
    lines = text.split("\n")
    k = data.draw(st.integers(0, len(lines) - 1))
    foreign = data.draw(st.sampled_from(FOREIGN[market]))
    words = lines[k].split(" ")
    at = data.draw(st.integers(0, len(words) - 1))
    words[at] += foreign  # after any word: "x5$", "5 usd", "zulia €"
    lines[k] = " ".join(words)
    result = parse_message("\n".join(lines), catalog(market), now)
    assert all(w.line != k + 1 for w in result.wagers), lines[k]
    assert [e.code for e in result.errors if e.line == k + 1] == ["wrong_currency"], lines[k]


@PROPERTY
@given(message=messages(days=False),
       day=st.sampled_from(["mañana", "pasado mañana", "el sábado"]),
       footer=st.booleans())
def test_a_day_line_dates_every_wager_of_the_lines_it_covers(
        message: tuple[str, str, datetime], day: str, footer: bool) -> None:
    market, text, now = message
    lines = text.split("\n")  # none names a day
    day_line = f"para {day}:"
    written = "\n".join([*lines, day_line] if footer else [day_line, *lines])
    result = parse_message(written, catalog(market), now)
    today = now.astimezone(catalog(market).timezone).date()
    if day == "el sábado":
        wanted = today + timedelta(days=(6 - today.isoweekday()) % 7)
    else:
        wanted = today + timedelta(days=1 if day == "mañana" else 2)
    assert {w.draw.date() for w in result.wagers} <= {wanted}, written
    # the day line is never left unread
    assert all(e.line != (len(lines) + 1 if footer else 1) for e in result.errors), written
