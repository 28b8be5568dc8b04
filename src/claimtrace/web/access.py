"""What the web app's routes share: its settings, store access and the write check.

The store is opened read-only (SQLite: one connection per worker thread, routes
run on a thread pool; PostgreSQL: a pooled connection per request); what is costly
to read is cached until the store's change stamp changes. Writing needs
``allow_ingest`` and the token, compared in constant time.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from claimtrace.store import Store, open_store, url_scheme

MAX_BODY_BYTES = 2 * 1024 * 1024  # a pasted or uploaded article; more is refused with 413
MAX_TEXT_CHARS = 200_000
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1", "testserver"]
T = TypeVar("T")


def app_version() -> str:
    """The installed claimtrace's version (read from its metadata: the package's top imports the CLI)."""
    try:
        return metadata.version("claimtrace")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass
class Settings:
    """How the app was started: the store, and whether (and with which token) it may write."""

    db: str | Path  # a SQLite file or a postgresql:// URL
    allow_ingest: bool = False
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    hosts: list[str] = field(default_factory=lambda: list(LOCAL_HOSTS))
    max_body_bytes: int = MAX_BODY_BYTES


class StoreAccess:
    """Read-only store access for the routes, and a small cache of what is costly to read.

    A SQLite store is read through one connection per worker thread, kept open; a PostgreSQL store
    through a connection of its pool taken for one request and given back when the response is
    sent (:class:`ReleaseStores`), so the server never holds more connections than requests in flight.

    Cached values (whole-store aggregates, story pages) are kept under the store's
    :meth:`~claimtrace.store.Store.change_stamp` at the time they were read, and dropped when the
    stamp changes: after an ingest from here or from any other process, on either backend.
    """

    CACHE_SIZE = 64  # values per kind: whole-store aggregates, and pages (many, each read quickly) apart

    def __init__(self, db: str | Path) -> None:
        self.db = db
        self.per_thread = url_scheme(db) is None  # SQLite: a connection per thread
        self._local = threading.local()
        self.write_lock = threading.Lock()
        self._caches: dict[bool, OrderedDict[tuple, tuple[Any, Any]]] = {False: OrderedDict(), True: OrderedDict()}
        self._cache_lock = threading.Lock()

    def cached(self, store: Store, key: tuple, compute: Callable[[], T], page: bool = False) -> T:
        """``compute()``, remembered under ``key`` until ``store`` changes (callers must not mutate it).
        The least recently used of each kind (``page`` or aggregate) go first, so pages never push out
        an aggregate."""
        version = self.version(store)
        cache = self._caches[page]
        with self._cache_lock:
            hit = cache.get(key)
            if hit is not None and hit[0] == version:
                cache.move_to_end(key)
                return hit[1]
        value = compute()
        with self._cache_lock:
            cache[key] = (version, value)
            cache.move_to_end(key)
            while len(cache) > self.CACHE_SIZE:
                cache.popitem(last=False)
        return value

    def version(self, store: Store) -> Any:
        """The store's change stamp; for a SQLite store never written by a claimtrace that keeps one,
        the file's and its write-ahead log's size and modification time."""
        stamp = store.change_stamp()
        if stamp is not None or not self.per_thread:
            return stamp
        stamps = []
        for path in (Path(self.db), Path(f"{self.db}-wal")):
            try:
                stat = path.stat()
                stamps.append((stat.st_mtime_ns, stat.st_size))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def reader(self, scope: dict[str, Any]) -> Store:
        """The read-only store of the calling thread (SQLite) or of the request ``scope`` (PostgreSQL)."""
        if self.per_thread:
            store = getattr(self._local, "store", None)
            if store is None:
                store = self._local.store = open_store(self.db, readonly=True)
            return store
        store = scope.get(_SCOPE_STORE)
        if store is None:
            store = scope[_SCOPE_STORE] = open_store(self.db, readonly=True)
        return store

    def writer(self) -> Store:
        """A writable store for one ingest (hold :attr:`write_lock`, close it after)."""
        return open_store(self.db)


_SCOPE_STORE = "claimtrace.store"  # where a request's PostgreSQL store is kept until the response is sent


class ReleaseStores:
    """Gives a request's PostgreSQL connection back to the pool once its response is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            store = scope.pop(_SCOPE_STORE, None)
            if store is not None:
                await run_in_threadpool(store.close)


def reader(request: Request) -> Store:
    """The request's read-only store (call inside the route: routes run on worker threads)."""
    return request.app.state.stores.reader(request.scope)


def cached(request: Request, key: tuple, compute: Callable[[], T], page: bool = False) -> T:
    """A value read from the store, computed once per change of the store (see :class:`StoreAccess`)."""
    return request.app.state.stores.cached(reader(request), key, compute, page)


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def check_token(request: Request, given: str | None) -> None:
    """Refuse a write unless ingest is enabled and ``given`` is the app's token (403 otherwise)."""
    settings = settings_of(request)
    if not settings.allow_ingest:
        raise HTTPException(403, "writing is disabled: start 'claimtrace serve' with --allow-ingest")
    if not given or not secrets.compare_digest(given.encode(), settings.token.encode()):
        raise HTTPException(403, "a valid ingest token is required (printed by 'claimtrace serve --allow-ingest')")


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None
