"""The corpus store: analyses, claims, relations, stories and skipped inputs.

:class:`Store` (in :mod:`claimtrace.store.protocol`) is the interface every backend implements:
SQLite (the default, :mod:`claimtrace.store.sqlite`) and PostgreSQL (:mod:`claimtrace.store.postgres`,
sharing SQLite's queries); all SQL lives in the backend modules. The records it hands to linking are
in :mod:`claimtrace.store.records`. :func:`open_store` opens either from a file path or a
``postgresql://`` URL.
"""

from __future__ import annotations

import os
from pathlib import Path

from claimtrace.errors import ClaimtraceError
from claimtrace.store.protocol import DEFAULT_DB, ClaimFilter, Store, StoredArticle

DB_VARIABLE = "CLAIMTRACE_DB"  # the store when --db is not given: a file path or postgresql://...


def default_location() -> str:
    """Where the store is when ``--db`` is not given: ``CLAIMTRACE_DB``, else :data:`DEFAULT_DB`."""
    return os.environ.get(DB_VARIABLE) or DEFAULT_DB


def open_store(location: str | Path | None = None, *, create: bool = True) -> Store:
    """Open (creating and migrating when ``create``) the store at ``location``.

    ``postgresql://USER@HOST/DB`` (or ``postgres://``) opens a PostgreSQL store, any other URL
    (``scheme://...``) is refused, and anything else is the path of a SQLite file. ``None`` means
    :func:`default_location`.
    """
    location = default_location() if location is None else location
    if isinstance(location, str) and "://" in location:
        from claimtrace.store.postgres import SCHEMES, PostgresStore, is_postgres_url

        if not is_postgres_url(location):
            scheme = location.split("://", 1)[0]
            raise ClaimtraceError(f"--db {scheme}://...: unsupported store (use a file path or {SCHEMES[0]}...)")
        return PostgresStore(location, create=create)
    from claimtrace.store.sqlite import SQLiteStore

    return SQLiteStore(location, create=create)


__all__ = ["DB_VARIABLE", "DEFAULT_DB", "ClaimFilter", "Store", "StoredArticle", "default_location", "open_store"]
