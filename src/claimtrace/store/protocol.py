"""The interface of a corpus store: :class:`Store`, which every backend implements, and its arguments.

Queries return plain JSON-ready dicts so the CLI, the web app and users'
scripts render them however they like.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from claimtrace.model import Analysis
from claimtrace.store.records import ArticleRecord, ClaimRecord, Relation

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
    outlet: str | None = None  # the article's outlet, exactly
    story_id: int | None = None
    article_id: int | None = None
    order: str = "time"  # "time": the claim's time, newest first; "published": its article's, newest first (fast)
    limit: int | None = 100
    offset: int = 0


@dataclass
class ArticleFilter:
    """Filters of :meth:`Store.find_articles`; ``None`` means no filter."""

    search: str | None = None  # FTS5 query over title and text
    outlet: str | None = None
    source_kind: str | None = None  # the article has a claim by a source of this kind
    place: str | None = None  # the article names this place (name, mention or id; case-insensitive)
    since: str | None = None  # ISO date, inclusive, on the publication date
    until: str | None = None
    story_id: int | None = None
    limit: int | None = 50
    offset: int = 0


@dataclass
class ConflictFilter:
    """Filters of :meth:`Store.conflicts` and :meth:`Store.relations`: an outlet on either side, a date
    range on the newer side, a page."""

    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int | None = None
    offset: int = 0


@dataclass
class EventFilter:
    """Filters of :meth:`Store.find_events`; ``None`` means no filter."""

    place: str | None = None  # place name, words or id of one of the event's places (case-insensitive)
    category: str | None = None  # PLOVER category
    country: str | None = None  # ISO alpha-3 of a source or target actor
    since: str | None = None  # ISO date, inclusive, on the event's date (else the article's publication)
    until: str | None = None
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
    def sidecar(self, name: str) -> Path | None: ...

    # reading: queries
    def analysis(self, article_id: int) -> Analysis: ...
    def counts(self) -> dict[str, int]: ...
    def stories(self) -> list[dict[str, Any]]: ...
    def story_timeline(self, story_id: int) -> dict[str, Any]: ...
    def find_claims(self, filters: ClaimFilter) -> list[dict[str, Any]]: ...
    def find_events(self, filters: EventFilter) -> list[dict[str, Any]]: ...
    def casualty_figures(self, kind: str | None = None, since: str | None = None) -> list[dict[str, Any]]: ...
    def conflicts(self, limit: int | None = None, filters: ConflictFilter | None = None) -> list[dict[str, Any]]: ...
    def relations(self, kind: str | None = None, limit: int | None = None) -> list[dict[str, Any]]: ...
    def outlets(self) -> list[dict[str, Any]]: ...

    # reading: what the web app browses
    def article(self, article_id: int) -> dict[str, Any]: ...
    def find_articles(self, filters: ArticleFilter) -> list[dict[str, Any]]: ...
    def claim(self, claim_id: int) -> dict[str, Any]: ...
    def claim_relations(self, claim_ids: list[int]) -> dict[int, list[dict[str, Any]]]: ...
    def outlet_names(self) -> list[str]: ...
    def outlet_source_kinds(self) -> list[dict[str, Any]]: ...
    def outlet_contradictions(self) -> list[dict[str, Any]]: ...
    def map_places(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]: ...
    def skips(self) -> list[dict[str, Any]]: ...
    def iter_article_ids(self) -> Iterator[int]: ...
