"""Persistence: SQLAlchemy models, repositories, engine/sessions, migrations.

Entry points: :func:`storage.db.make_engine`, :func:`storage.db.make_sessionmaker`,
:func:`storage.db.migrate`; repositories under :mod:`storage.repositories`. aiogram's FSM storage
on these tables is :mod:`bot.fsm_storage` (storage imports no aiogram).
"""

from storage.db import make_engine, make_sessionmaker, migrate

__all__ = ["make_engine", "make_sessionmaker", "migrate"]
