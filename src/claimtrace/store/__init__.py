"""The corpus store: analyses, claims, relations, stories and skipped inputs.

:class:`Store` (in :mod:`claimtrace.store.protocol`) is the interface every backend implements:
SQLite (the default, :mod:`claimtrace.store.sqlite`) and PostgreSQL (:mod:`claimtrace.store.postgres`,
sharing SQLite's queries); all SQL lives in the backend modules. The records it hands to linking are
in :mod:`claimtrace.store.records`. :func:`open_store` opens either from a file path or a
``postgresql://`` URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from claimtrace import settings
from claimtrace.errors import ClaimtraceError
from claimtrace.store.protocol import (
    DEFAULT_DB,
    ArticleFilter,
    ClaimFilter,
    ConflictFilter,
    EventFilter,
    Store,
    StoredArticle,
)

DB_VARIABLE = settings.DB_ENV  # the store when --db is not given: a file path or postgresql://...


def default_location() -> str:
    """Where the store is when ``--db`` is not given: ``CLAIMTRACE_DB``, else :data:`DEFAULT_DB`."""
    return settings.current().db or DEFAULT_DB


def open_store(location: str | Path | None = None, *, create: bool = True, readonly: bool = False) -> Store:
    """Open the store at ``location`` (``None``: :func:`default_location`): creating and migrating it
    when ``create``, for queries only (never written, never migrated) when ``readonly``.

    A file path is a SQLite store; a URL (``scheme://...``) opens the backend registered for its
    scheme in :data:`BACKENDS` (``postgresql://``), and any other scheme is refused before anything
    is created.
    """
    location = default_location() if location is None else location
    scheme = url_scheme(location)
    if scheme is not None:
        opener = BACKENDS.get(scheme)
        if opener is None:
            known = ", ".join(f"{name}://" for name in BACKENDS) or "none in this version"
            raise ClaimtraceError(f"{location}: no store backend for '{scheme}://' (a file path, or {known})")
        return opener(str(location), create=create, readonly=readonly)
    from claimtrace.store.sqlite import SQLiteStore

    return SQLiteStore(location, create=create, readonly=readonly)


def url_scheme(location: str | Path) -> str | None:
    """The scheme of a store URL ("postgresql" of "postgresql://..."), None for a file path."""
    match = _URL.match(str(location)) if isinstance(location, str) else None
    return match.group(1).lower() if match else None


def _open_postgres(location: str, *, create: bool, readonly: bool) -> Store:
    from claimtrace.store.postgres import PostgresStore  # psycopg is imported only for a PostgreSQL store

    return PostgresStore(location, create=create, readonly=readonly)


# scheme -> opener(location, create=..., readonly=...); backends beside SQLite register here
BACKENDS: dict[str, Callable[..., Store]] = {"postgresql": _open_postgres, "postgres": _open_postgres}
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")


__all__ = ["BACKENDS", "DB_VARIABLE", "DEFAULT_DB", "ArticleFilter", "ClaimFilter", "ConflictFilter", "EventFilter",
           "Store", "StoredArticle", "default_location", "open_store"]
