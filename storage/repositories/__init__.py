"""Repositories: small typed async functions over an ``AsyncSession``.

They never commit: the caller (one unit of work per update) decides. Functions whose name says
``reserve``/``debit``/``mark`` are single atomic statements, safe under concurrency on both
databases, and report failure by return value rather than by exception so a PostgreSQL
transaction is never left aborted.
"""
