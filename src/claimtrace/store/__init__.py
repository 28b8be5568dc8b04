"""The corpus store: analyses, claims, relations, stories and skipped inputs.

:class:`Store` is the interface every backend implements: SQLite (the default,
:mod:`claimtrace.store.sqlite`) and PostgreSQL (:mod:`claimtrace.store.postgres`,
sharing SQLite's queries); all SQL lives in the backend modules.
:func:`open_store` opens either from a file path or a ``postgresql://`` URL.

Queries return plain JSON-ready dicts so the CLI, the web app and users'
scripts render them however they like.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from claimtrace.corpus.records import ArticleRecord, ClaimRecord, Relation
from claimtrace.errors import ClaimtraceError
from claimtrace.model import Analysis

DEFAULT_DB = "claimtrace.db"
DB_VARIABLE = "CLAIMTRACE_DB"  # the store when --db is not given: a file path or postgresql://...


@dataclass
class ClaimFilter:
    """Filters of :meth:`Store.find_claims`; ``None`` means no filter."""

    about: str | None = None  # canonical entity name in the claim's sentence (case-insensitive)
    place: str | None = None  # place name or id in the claim's sentence (case-insensitive)
    source_kind: str | None = None
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
