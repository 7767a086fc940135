"""Soportex, soportex's document ("API Chance v3.0"): ``POST {base}/monitor/<operation>`` with JSON
bodies.

From the seed: ``token`` in every body (empty = test mode: tickets go to the provider's test
environment; ``taquilla run`` refuses it unless ``SOPORTEX_TEST_ENVIRONMENT`` is set),
``ticket`` = the caller's ticket id (the seed's ``"12345678"``: we send an eight-digit number,
unique, kept per reference in the journal, so consultarticket finds the sale), ``jugadas`` of
``codigo``/``numero``/``monto`` with amounts as strings (``"5.00"``), numbers
``123-ARI``/``123-01``, ``23-ARI``, ``000-000``, ``00-00``, registrarticket all or nothing,
registrarticketparcial with the valid plays, and errors -1…-4 (read per jugada in
``jugadas[].id`` and as the top-level ``respuesta``: either refuses the ticket).

Assumptions where the seed is silent (shared with the simulator,
``tests/fakes/providers/soportex.py``):
- ``respuesta``: "0" done; "1" ticket refused (see the plays); "2" token refused; "3" a ticket with
  that id exists; "4" no such ticket; "5" ticket cannot be reversed; "9" malformed request.
- Each answered jugada's ``id`` is its stored id ("0" in test mode or when the ticket was refused)
  or, when negative, its error code -1…-4.
- ``statusTicket``: "0" valid, "1" reversed, "2" winner, "3" paid, "4" loser. consultarticket adds
  ``fechaTicket`` ("YYYY-MM-DD HH:MM:SS", market time) and ``premioTicket``.
- sorteos (POST, body ``{"token"}``) lists today's sorteos, read in any plausible shape (see
  ``board``); when it cannot be read, the banca's draws file (``SOPORTEX_DRAWS_FILE``) gives
  the codes. Only today's draws are sold. simbolos lists signs (by code, any-case name, or
  01–12) and animals.
- resultados with ``"sorteo": ""`` answers every result of the day: ``{"resultados": [{"codigo",
  "numero"}]}``. ventas answers ``{"ventas": [{"fecha", "producto", "nombreProducto", "venta",
  "anulado", "premios"}]}`` where ``venta`` excludes reversed tickets.
- Reversal is allowed while every draw of the ticket is open; there is no pay operation.
"""

from providers.soportex.adapter import SoportexProvider

__all__ = ["SoportexProvider"]
