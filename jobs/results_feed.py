"""Provider mode: results fetched from the lottery system after each draw, then settled and told
to subscribers and winners exactly as an admin's ``/resultado`` is in house mode.

Each run (the job loop calls :func:`run_results_feed_once` once per tick):

1. The *due* draws: every draw of the catalog whose time plus ``delay`` has passed, within the
   last ``lookback`` (today's, and yesterday's late ones after midnight).
2. One short read of what is stored for their days. Nothing missing → the provider is not asked.
3. Otherwise the provider is asked once per local day that has a missing draw, with no database
   transaction open meanwhile. Its results for due draws are compared with what is stored: a new
   one is entered, a different one is the provider's correction; both go through
   :func:`services.settlement.enter_and_settle` (a correction is refused once a prize on the draw
   was paid), each draw in its own unit of work together with what it queues.
4. For every new revision: the subscribers' results broadcast (with the image of the lottery's
   results of the day) and the winners' notices (in the outbox: prize news must arrive), keyed
   like the admin path's, so they are queued once. A run that finds the result already stored
   (another process, the previous tick) writes and queues nothing; two processes entering the
   same result at once are serialized by the settlement's lock of the draw's day, and the
   second one sees the first's revision.

What comes back incomplete (a triple without its sign yet, an unknown animal) is left for the
next tick. A provider failure (unreachable, an answer of the wrong shape) is logged and retried
on the next tick; nothing in here ever stops the bot.

A result stored more than ``announce_within`` after its draw (the bot was down, the provider
late, the first start in provider mode) still settles and tells its winners, but is not pushed to
subscribers: a backlog of old results in every subscriber's chat is noise, not news.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import Catalog, Lottery, fold_name
from lottery.plays.vocab import SIGN_CODES, SIGN_NAMES, SIGNS
from lottery.schedule import draws_on, local_date
from lottery.settlement import AB_GAMES, ANIMAL_GAMES, SIGN_GAMES, result_problem
from providers.base import Capability, DrawResult, Provider
from providers.house.results import InvalidResult, results_on
from services.outbox import queue_texts
from services.settlement import SettlementError, enter_and_settle
from services.subscriptions import queue_result
from services.winner_notices import winner_notices

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)

#: How long after a draw's time its result is first asked for (providers publish a little late,
#: and a triple's sign can follow its number by a minute or two).
RESULTS_DELAY = timedelta(minutes=2)
#: How far back due draws are looked at: yesterday's evening draws are still fetched after
#: midnight, and a bot that was down catches up on the last day.
LOOKBACK = timedelta(hours=24)
#: An incomplete result (a triple still without its sign) is waited for quietly this long, then
#: logged as a problem on every tick.
INCOMPLETE_WARN_AFTER = timedelta(minutes=30)
#: Results stored later than this after their draw are not pushed to subscribers (see above).
ANNOUNCE_WITHIN = timedelta(hours=3)

DrawKey = tuple[str, datetime]


@dataclass
class FeedSummary:
    """What one run did (for the log and the tests)."""

    due: int = 0  # due draws without a stored result before the run
    asked: list[date] = field(default_factory=list)  # days the provider was asked about
    entered: list[tuple[str, datetime, int]] = field(default_factory=list)  # new revisions
    announced: int = 0  # results broadcasts queued to subscribers
    notified: int = 0  # winners told (one message per buyer)
    problems: list[str] = field(default_factory=list)  # logged, retried on the next tick


@dataclass(frozen=True)
class _Due:
    lottery: Lottery
    at: datetime


async def fetch_due_results(
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    provider: Provider,
    now: datetime,
    *,
    locale: str,
    delay: timedelta = RESULTS_DELAY,
    lookback: timedelta = LOOKBACK,
    announce_within: timedelta = ANNOUNCE_WITHIN,
    wake: Callable[[], None] | None = None,
) -> FeedSummary:
    """Fetch, store, settle and queue the news of every due draw's result (see the module doc).

    ``locale`` is the language of the subscribers' broadcast (the bot's default); ``wake`` is
    called after a commit that queued something (the broadcast worker sends it at once)."""
    summary = FeedSummary()
    due = _due_draws(catalog, now, delay, lookback)
    if not due:
        return summary
    stored = await _stored(sessionmaker, due)
    missing = [d for key, d in due.items() if key not in stored]
    summary.due = len(missing)
    if not missing:
        return summary
    for day, lottery_id in _questions(missing):
        summary.asked.append(day)
        try:
            results = await provider.results(day, lottery_id)
        except Exception as exc:  # unreachable, refused, or an answer the adapter cannot read
            _problem(summary, "provider failed", provider=provider.name, day=day.isoformat(),
                     error=f"{type(exc).__name__}: {exc}")
            continue
        if not isinstance(results, list):
            _problem(summary, "malformed answer from the provider", provider=provider.name,
                     day=day.isoformat())
            continue
        for result in results:
            await _take(sessionmaker, catalog, provider.name, result, due, stored, now, locale,
                        announce_within, summary)
    if wake is not None and (summary.announced or summary.notified):
        wake()
    return summary


async def run_results_feed_once(app: AppContext) -> None:
    """One tick of the feed, for a provider that feeds results (the house's are typed in by an
    admin).

    Never raises: a failure is logged and the next tick tries again."""
    provider = app.provider
    if Capability.FEEDS_RESULTS not in provider.capabilities:
        return
    try:
        summary = await fetch_due_results(
            app.sessionmaker, app.catalog, provider, app.clock(),
            locale=app.settings.default_locale, wake=app.wake_broadcaster)
    except Exception:
        log.exception("results feed failed; retrying on the next tick")
        return
    if summary.entered:
        log.info("results fetched", extra={
            "provider": provider.name,
            "results": ",".join(f"{lot}@{at.isoformat()}#{rev}"
                                for lot, at, rev in summary.entered),
            "announced": summary.announced, "winners_told": summary.notified})


# --- what is due, what is stored ----------------------------------------------------------------


def _due_draws(
    catalog: Catalog, now: datetime, delay: timedelta, lookback: timedelta
) -> dict[DrawKey, _Due]:
    """Every draw whose result may be asked for now, keyed by (lottery id, instant)."""
    found: dict[DrawKey, _Due] = {}
    for lottery in catalog.lotteries:
        today = local_date(lottery, now)
        for day in (today - timedelta(days=1), today):
            for draw in draws_on(lottery, day):
                if now - lookback <= draw.at <= now - delay:
                    found[(lottery.id, draw.at)] = _Due(lottery, draw.at)
    return found


async def _stored(
    sessionmaker: async_sessionmaker[AsyncSession], due: Mapping[DrawKey, _Due]
) -> dict[DrawKey, dict[str, str]]:
    """The current stored values of the due draws that have a result (one short read)."""
    days = sorted({d.at.astimezone(d.lottery.timezone).date() for d in due.values()})
    found: dict[DrawKey, dict[str, str]] = {}
    async with sessionmaker() as session:
        for day in days:
            for result in await results_on(session, day):
                key = (result.lottery, result.draw)
                if key in due:
                    found[key] = dict(result.values)
    return found


def _questions(missing: Iterable[_Due]) -> list[tuple[date, str | None]]:
    """One provider question per local day: about the one lottery missing, else all of them."""
    by_day: dict[date, set[str]] = {}
    for d in missing:
        by_day.setdefault(d.at.astimezone(d.lottery.timezone).date(), set()).add(d.lottery.id)
    return [(day, next(iter(ids)) if len(ids) == 1 else None)
            for day, ids in sorted(by_day.items())]


# --- one result ---------------------------------------------------------------------------------


async def _take(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog, provider_name: str,
    result: object, due: Mapping[DrawKey, _Due], stored: Mapping[DrawKey, dict[str, str]],
    now: datetime, locale: str, announce_within: timedelta, summary: FeedSummary,
) -> None:
    """Enter one of the provider's results if it is due, complete and not stored as it is."""
    if not (isinstance(result, DrawResult) and isinstance(result.draw, datetime)
            and result.draw.tzinfo is not None and isinstance(result.values, Mapping)):
        _problem(summary, "malformed result from the provider", provider=provider_name,
                 result=repr(result)[:200])
        return
    key = (result.lottery, result.draw)
    draw = due.get(key)
    if draw is None:  # not ours, not drawn yet (+ delay), or older than the lookback
        return
    values = _result_values(draw.lottery, result.values)
    if result_problem(draw.lottery, values) is not None:  # e.g. the number is out, its sign not
        if now - draw.at > INCOMPLETE_WARN_AFTER:
            _problem(summary, "incomplete result from the provider", lottery=draw.lottery.id,
                     draw_at=draw.at.isoformat(), values=dict(result.values))
        return
    if stored.get(key) == values:
        return
    source = f"provider:{provider_name}"
    try:
        async with sessionmaker() as session, session.begin():
            settled = await enter_and_settle(session, catalog, draw.lottery.id, draw.at, values,
                                             now=now, actor_id=None, source=source)
            if not settled.new_revision:
                return  # stored meanwhile by another process, which queued the news
            announced = None
            if now - draw.at <= announce_within:
                announced = await queue_result(
                    session, catalog, draw.lottery, settled.summary.draw_at, values,
                    revision=settled.revision, now=now, locale=locale)
            notices = dict(await winner_notices(session, catalog, settled.summary))
            if notices:
                await queue_texts(session, messages=notices, now=now,
                                  key=f"winners:{settled.draw_id}:{settled.revision}")
    except SettlementError as exc:  # CorrectionRefused (a prize was paid), a broken result
        _problem(summary, "result not entered", lottery=draw.lottery.id,
                 draw_at=draw.at.isoformat(), values=values, reason=exc.message)
        return
    except InvalidResult as exc:
        _problem(summary, "result not entered", lottery=draw.lottery.id,
                 draw_at=draw.at.isoformat(), values=values, reason=str(exc))
        return
    except SQLAlchemyError as exc:  # a lock wait that timed out, a lost connection
        _problem(summary, "result not stored", lottery=draw.lottery.id,
                 draw_at=draw.at.isoformat(), error=f"{type(exc).__name__}: {exc}")
        return
    summary.entered.append((draw.lottery.id, draw.at, settled.revision))
    summary.announced += announced is not None
    summary.notified += len(notices)


def _result_values(lottery: Lottery, values: Mapping[object, object]) -> dict[str, str]:
    """The provider's values reduced to what a result of this lottery is made of (what an admin
    would type, plus the sign draw's own triple, which the sign games settle on): a list the
    lottery does not sell (soportex's second triple on Triple Zulia) arriving later must not
    look like a correction."""
    text = {str(k): str(v).strip() for k, v in values.items() if v is not None}
    games = set(lottery.games)
    if games & ANIMAL_GAMES:
        animal = text.get("animal", "")
        return {"animal": lottery.animal_number(animal) or animal} if animal else {}
    keys = ["number"]
    if "tiempo" in games:
        keys.append("reventado")
    else:
        if games & SIGN_GAMES:
            keys += ["sign", "sign_number"]
        if games & AB_GAMES:
            keys.append("number_b")
    out = {k: text[k] for k in keys if text.get(k)}
    if "sign" in out:
        out["sign"] = _sign_code(out["sign"])
    return out


def _sign_code(written: str) -> str:
    """``ACU``, ``acuario`` or soportex's ``11`` → ``ACU`` (anything else is left to fail)."""
    folded = fold_name(written)
    if folded.upper() in SIGNS:
        return folded.upper()
    if folded in SIGN_NAMES:
        return SIGNS[SIGN_NAMES.index(folded)]
    return SIGN_CODES.get(folded, written)


def _problem(summary: FeedSummary, what: str, **details: object) -> None:
    log.warning("results feed: %s; retrying on the next tick", what, extra=details)
    summary.problems.append(what)
