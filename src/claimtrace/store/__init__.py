"""The corpus store: analyses, claims, relations, stories and skipped inputs.

:class:`Store` is the interface every backend implements (SQLite now in
:mod:`claimtrace.store.sqlite`, PostgreSQL later); all SQL lives in the
backend module. :func:`open_store` opens the default backend.

Queries return plain JSON-ready dicts so the CLI, the web app and users'
scripts render them however they like.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from claimtrace.corpus.records import ArticleRecord, ClaimRecord, Relation
from claimtrace.errors import ClaimtraceError
from claimtrace.model import Analysis

DEFAULT_DB = "claimtrace.db"


@dataclass
class ClaimFilter:
    """Filters of :meth:`Store.find_claims`; ``None`` means no filter."""

    about: str | None = None  # canonical entity name in the claim's sentence (case-insensitive)
    place: str | None = None  # place name or id in the claim's sentence (case-insensitive)
    source_kind: str | None = None
    source: str | None = None  # words of the source's text or canonical name (case-insensitive)
    since: str | None = None  # ISO date, inclusive, on the claim's time
    until: str | None = None  # ISO date, inclusive, on the claim's time
    search: str | None = None  # FTS5 query over claim content and source
    limit: int | None = 100


@dataclass
class StoredArticle:
    """What :meth:`Store.add_analysis` returns: the article's id and whether it was new."""

    id: int
    added: bool


@runtime_checkable
class Store(Protocol):
    """A corpus store; every write method commits unless inside :meth:`transaction`."""

    # writing: ingest
    def transaction(self) -> AbstractContextManager[Any]: ...
    def has_hash(self, content_hash: str) -> bool: ...
    def add_analysis(
        self,
        analysis: Analysis,
        content_hash: str,
        path: str | None = None,
        embeddings: list[Any] | None = None,
        article_embedding: Any = None,
    ) -> StoredArticle: ...
    def add_skip(self, path: str, reason: str) -> None: ...
    def close(self) -> None: ...

    # the linking interface
    def claim_records(self, article_ids: list[int] | None = None) -> list[ClaimRecord]: ...
    def article_records(self, article_ids: list[int] | None = None) -> list[ArticleRecord]: ...
    def save_embeddings(self, items: list[tuple[int, Any]]) -> None: ...
    def save_article_embeddings(self, items: list[tuple[int, Any]]) -> None: ...
    def has_embeddings(self) -> bool: ...
    def clear_embeddings(self) -> None: ...
    def setting(self, key: str) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...
    def add_relations(self, relations: list[Relation]) -> None: ...
    def set_stories(self, assignments: dict[int, int], labels: dict[int, str]) -> None: ...
    def mark_linked(self, article_ids: list[int]) -> None: ...
    def unlinked_article_ids(self) -> list[int]: ...

    # reading: queries
    def analysis(self, article_id: int) -> Analysis: ...
    def counts(self) -> dict[str, int]: ...
    def stories(self) -> list[dict[str, Any]]: ...
    def story_timeline(self, story_id: int) -> dict[str, Any]: ...
    def find_claims(self, filters: ClaimFilter) -> list[dict[str, Any]]: ...
    def conflicts(self, limit: int | None = None) -> list[dict[str, Any]]: ...
    def outlets(self) -> list[dict[str, Any]]: ...
    def skips(self) -> list[dict[str, Any]]: ...
    def iter_article_ids(self) -> Iterator[int]: ...


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


__all__ = ["BACKENDS", "DEFAULT_DB", "ClaimFilter", "Store", "StoredArticle", "open_store"]
