"""The corpus store: analyses, claims, relations, stories and skipped inputs.

:class:`Store` (in :mod:`claimtrace.store.protocol`) is the interface every backend implements
(SQLite now in :mod:`claimtrace.store.sqlite`, PostgreSQL later); all SQL lives in the backend
module. The records it hands to linking are in :mod:`claimtrace.store.records`.
:func:`open_store` opens the default backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from claimtrace.errors import ClaimtraceError
from claimtrace.store.protocol import DEFAULT_DB, ClaimFilter, EventFilter, Store, StoredArticle


def open_store(location: str | Path = DEFAULT_DB, *, create: bool = True, readonly: bool = False) -> Store:
    """Open the store at ``location``: creating and migrating it when ``create``, for queries only
    (never written, never migrated) when ``readonly``.

    A file path is a SQLite store; a URL (``scheme://...``) opens the backend registered for its
    scheme in :data:`BACKENDS`, and any other scheme is refused before anything is created.
    """
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


# scheme -> opener(location, create=..., readonly=...); backends beside SQLite register here
BACKENDS: dict[str, Callable[..., Store]] = {}
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")


__all__ = ["BACKENDS", "DEFAULT_DB", "ClaimFilter", "EventFilter", "Store", "StoredArticle", "open_store"]
