"""What reading a line yields, before any lottery is known.

Stream items are ``(kind, value, first, stop)`` tuples (the tokens ``first`` to ``stop - 1``
wrote them; errors turn that into the quoted text):
``PLAY`` (value: a play tuple, see below), ``RAW`` (a number that may be a play or the line's
amount), ``AMOUNT`` and ``REV`` (``Decimal``), ``GAME`` (a game word, ``"triple"`` or
``"terminal"``: the game of the plays after it, up to the next amount). Play tuples:
``("num", "123")``, ``("signs", "123", ("ARI", ...))``, ``("pair", "000", "999")``,
``("perm", "123")``, ``("series", "100", "109")``, ``("animal", "leon")``,
``("tripleta", (("num", "5"), ...))``, and ``("typed", "terminal", play)`` for a play under a
game word.
"""

from __future__ import annotations

PLAY, RAW, AMOUNT, REV, GAME = range(5)

Item = tuple[int, object, int, int]
Play = tuple[object, ...]
#: A draw time as a play writes it (``12pm``, ``9:30``): hour, minute or None, ``am``/``pm``/…
#: or None. Not the time source (that is ``lottery.clock.Clock``).
WrittenTime = tuple[int, int | None, str | None]
#: a written time and the tokens (first, stop) that wrote it
WrittenTimeSpan = tuple[WrittenTime, int, int]
