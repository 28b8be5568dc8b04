"""The corpus store: analyses, claims, relations, stories and skipped inputs.

:class:`Store` (in :mod:`claimtrace.store.protocol`) is the interface every backend implements
(SQLite now in :mod:`claimtrace.store.sqlite`, PostgreSQL later); all SQL lives in the backend
module. The records it hands to linking are in :mod:`claimtrace.store.records`.
:func:`open_store` opens the default backend.
"""

from __future__ import annotations

from pathlib import Path

from claimtrace.store.protocol import DEFAULT_DB, ClaimFilter, EventFilter, Store, StoredArticle


def open_store(path: str | Path = DEFAULT_DB, *, create: bool = True) -> Store:
    """Open (creating and migrating when ``create``) the SQLite store at ``path``."""
    from claimtrace.store.sqlite import SQLiteStore

    return SQLiteStore(path, create=create)


__all__ = ["DEFAULT_DB", "ClaimFilter", "EventFilter", "Store", "StoredArticle", "open_store"]
