"""Speed tricks that ``bench/sale_cpu.py`` shows paying for themselves, kept in one place.

Everything here makes the same thing happen faster; nothing here decides anything. What each
one saves, and how it keeps the result the same as plain SQLAlchemy and aiogram, is on
``docs/speed.md``. Code outside this package uses plain SQLAlchemy and aiogram, except where it
imports from here; this package imports none of the bot's own packages.
"""
