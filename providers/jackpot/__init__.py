"""Jackpot operator API, jackpot's document: ``POST {base}/be/tickets`` creates a jackpot ticket.

From the seed: ``operator``, ``token`` (the player's token: the bot's account), ``price`` in cents,
ISO 4217 ``currency``, ``atag``, ``source``, ``type`` "jackpot", ``odds_diff`` (the largest odds
move still accepted; 0 = none, "Ticket odds changed"), ``events`` of ``id``/``bet``/``odds`` (two
decimals), ``betcard_code``, ``prize`` and ``bonus_prizes``; the answer's ``stake``,
``gross_payout``, ``net_payout``, ``wht``/``wht_amount``, ``ext``/``ext_amount``/``ext_type`` (all
money in cents), ``created`` in UTC as ``2024-01-28T14:33:01.000000``; statuses 200, 400 (error
code in the body), 403, 422.

What the adapter needs beyond that one operation, and where it gets it:
- The betcards on sale (codes, events, bets, odds, prize, price): from the banca's draws file
  (``JACKPOT_DRAWS_FILE``, ``providers.http.draws_file``), since the seed lists none.
- ``approved: false`` in the answer is not a sale (``ErrorCode.NOT_APPROVED``).
- "Ticket odds changed" is recognised by its text anywhere in an error body
  (``providers.jackpot.errors``).
- A lost create answer cannot be looked up with the seed's operation alone: the answer of each
  create is kept in the journal, and a create without one stays pending (``OutcomeUnknown``)
  for a person to check with the operator; nothing is ever sent twice.

Assumptions kept for operators that offer more (shared with the simulator,
``tests/fakes/providers/jackpot.py``); where the operator answers 404/405 they are not used:
- ``GET /be/betcards?operator=…`` (only without a draws file) and ``GET /be/tickets?operator=…``
  with ``Authorization: Bearer <token>`` list the open betcards (``code``, ``name``, ``status``,
  ``closes``, ``price`` of one line, ``prize``, ``bonus_prizes``, ``wht``, ``ext``, ``ext_type``,
  ``events`` of ``id``/``name``/``starts``/``bets`` of ``id``/``name``/``odds``) and the player's
  tickets, newest first, in the create answer's shape plus the ``events`` they were bought with.
- A 400 answers ``{"detail": {"code", "message"}}`` with codes BETCARD_NOT_FOUND, BETCARD_CLOSED,
  INVALID_CURRENCY, INVALID_PRICE, INCOMPLETE_BETCARD, INVALID_BET, ODDS_CHANGED ("Ticket odds
  changed"), PRIZE_CHANGED, INSUFFICIENT_FUNDS; a 422 is FastAPI's ``{"detail": [{"loc", "msg"}]}``;
  a 403 (token or operator refused) books nothing.
- Taxes: with ``ext_type`` "price" the excise is taken from the price (``stake = price −
  ext_amount``); ``gross_payout`` is the betcard prize; ``wht_amount`` is ``wht``% of
  ``gross_payout − stake``; ``net_payout = gross_payout − wht_amount``. ``result`` "won"/"lost".
- There is no cancel, results or pay operation (prizes go to the player's wallet).

Our reference has no field at the operator: a create is journalled (betcard, price, picks, when)
and ``find_ticket`` takes the oldest listed ticket with exactly that content, created from 2 minutes
before the send to ``match_window`` after, that no other reference has claimed (same residual risk
as banklot: two identical selections without an answer may swap owners).
"""

from providers.jackpot.adapter import JackpotProvider, OddsChanged
from providers.jackpot.models import Bet, Betcard, JackpotEvent, Pick, Quote, picks_of, wager_for

__all__ = [
    "Bet",
    "Betcard",
    "JackpotEvent",
    "JackpotProvider",
    "OddsChanged",
    "Pick",
    "Quote",
    "picks_of",
    "wager_for",
]
