"""Grupo Banklot, seeds 001 (English) and 002 (Spanish) of one REST API.

From the seeds: ``POST /auth/login`` with ``email``/``password`` answering ``x_auth_token``,
then the ``x-auth-token`` header on every call; ``GET /auth/logout``; ticket view
(``POST /user/ticket`` with ``ticket_number`` and ``date``), printed image
(``GET /user/ticket/image/<uuid>``), last ticket, lists (``POST /user/ticket/`` — trailing slash —
by ``between_created_at`` and ``status`` or ``transaction_type``), get-data limits, pay with PIN,
copy, cancel, revert, create, reports, results, valid plays, kiosk draws and products. Amounts
are integers, ``created_at`` a Unix timestamp, ``p_event_time`` like ``"12:00 pm"``, date ranges
local days in UTC (``…T04:00:00.000Z`` for Caracas). Every answer carries its own ``status`` in
the JSON body (201 view, 202 last, 409 closed events, 400 "no rows in result set", 401 "ticket
already rejected by user", 200 "not a winner").

No default host: ``BANKLOT_URL`` is required (001 names ``https://staging.loterias24.com/``, 002
``https://prueba.gatobets.com/``). ``/user/ticket/last`` and every POST go with
``Content-Type: application/json`` (an empty object where "no body is required").

Assumptions where the seeds are silent (shared with the simulator,
``tests/fakes/providers/banklot.py``):
- The real status is the one in the body, whatever HTTP says. A missing or expired token is an
  HTTP 401 (or 403) from the auth layer, before any handler runs — so a create refused that way
  was not booked; a 401/403 whose ``error`` is about something else (revert's "ticket already
  rejected by user") is a business answer (``session.token_refused``). Login answers
  ``x_auth_token`` at the top level or under ``response``.
- Create answers ``{"status": 201, "response": <the ticket as view shows it> + "ticket_uuid"}``;
  refusals: 409 "events are not open. closed events: [ids]", 400 "invalid wager: X",
  "invalid amount: X", "quota exceeded: X", "too many wagers", "no rows in result set" (no such
  event). Cancel/revert answer ``{"status": 200, "response": {"ticket_number", "status"}}``; cancel
  only within ``seconds_to_cancel``, revert while the draws are open; pay refuses with 400
  "invalid pin" / "ticket already paid" and answers the ``prize`` when paid.
- Wager statuses in a view: sold, canceled, winner, loser, paid (the ticket's state follows them).
- Game ids: 1 triple, 2 terminal, 3 triple + sign, 4 terminal + sign, 5 animal. Events: one per
  product, draw and list (1 = A, 3 = C zodiac; none for animals). Draws come from the kiosk
  search (today and tomorrow, status "open"; its answer, never shown by the seeds, read as events
  shaped like results), the products' own ``data`` (list A; closing the market's minutes
  before), and the banca's draws file (``BANKLOT_DRAWS_FILE``), see ``board``.
- Results: ``/gaming/result/0`` is every product's. Reports have no per-lottery split.

Our reference has no field at banklot. A create is journalled (its wagers as event, game, wager and
amount, and when it was sent) before it is sent, and creates run one at a time per process.
Right after a create without an answer, this terminal's last ticket is looked at first (nothing of
ours can have come after it); ``find_ticket`` (the reconciliation job's question) lists the tickets
created from 2 minutes before the send to ``match_window`` after and takes the oldest whose wagers
are exactly the journalled ones and that no other reference has claimed. Residual risk: two
references with exactly the same plays, both without an answer inside the window, and only one
booked (or several workers sharing one banklot account with separate journals) — the booked
ticket may go to the wrong one of the two references; totals stay right. After a restart, only a
persistent ``Journal`` lets the reconciliation job find tickets.
"""

from providers.banklot.adapter import BanklotProvider

__all__ = ["BanklotProvider"]
