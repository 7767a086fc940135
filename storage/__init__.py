"""Persistence: SQLAlchemy models, repositories, engine/sessions, FSM storage, migrations.

Entry points: :func:`storage.db.make_engine`, :func:`storage.db.make_sessionmaker`,
:func:`storage.db.migrate`; repositories under :mod:`storage.repositories`; the aiogram FSM
storage in :mod:`storage.fsm` (the only module here that imports aiogram).
"""

from storage.db import make_engine, make_sessionmaker, migrate

__all__ = ["make_engine", "make_sessionmaker", "migrate"]
