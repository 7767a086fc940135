"""Gettext for code that must not import aiogram (the domain, services, the CLI).

The bot's i18n middleware sets ``current_locale`` for each update, so domain messages come out
in the user's language; outside the bot (``taquilla parse``) the default is Spanish.
Catalogs live in ``locales/<lang>/LC_MESSAGES/messages.mo`` and are the same ones aiogram's
I18n reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.support import LazyProxy, NullTranslations, Translations

import locales

LOCALES_DIR = Path(locales.__file__).resolve().parent
DOMAIN = "messages"
SUPPORTED_LOCALES = ("es", "en")
DEFAULT_LOCALE = "es"

current_locale: ContextVar[str] = ContextVar("taquilla_locale", default=DEFAULT_LOCALE)


@contextmanager
def in_locale(locale: str) -> Iterator[None]:
    """Write in ``locale`` inside the block (a message for someone other than the sender,
    e.g. a notice queued for a buyer)."""
    token = current_locale.set(locale)
    try:
        yield
    finally:
        current_locale.reset(token)


@cache
def translations(locale: str) -> NullTranslations:
    return Translations.load(str(LOCALES_DIR), [locale], domain=DOMAIN)


def gettext(message: str, locale: str | None = None) -> str:
    return translations(locale or current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int, locale: str | None = None) -> str:
    return translations(locale or current_locale.get()).ngettext(singular, plural, n)


def lazy_gettext(message: str) -> LazyProxy:
    """For module-level strings: translated when used, in the locale of that moment."""
    return LazyProxy(gettext, message, enable_cache=False)


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; translate it where it is shown."""
    return message


_ = gettext
