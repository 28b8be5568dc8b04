"""What the web app's routes share: its settings, store access and the write check.

The store is opened read-only, one connection per worker thread (routes run
on a thread pool); aggregates over the whole store are cached until the store
file changes. Writing needs ``allow_ingest`` and the token, compared in
constant time.
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

from claimtrace.store import Store, open_store

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

    db: Path
    allow_ingest: bool = False
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    hosts: list[str] = field(default_factory=lambda: list(LOCAL_HOSTS))
    max_body_bytes: int = MAX_BODY_BYTES


class StoreAccess:
    """One read-only store connection per thread, opened on first use, and a small cache of the
    aggregates that read the whole store (outlets, places, stories), dropped whenever the store
    file changes (an ingest from here or from another process)."""

    CACHE_SIZE = 64

    def __init__(self, db: Path) -> None:
        self.db = db
        self._local = threading.local()
        self.write_lock = threading.Lock()
        self._cache: OrderedDict[tuple, tuple[tuple, Any]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def cached(self, key: tuple, compute: Callable[[], T]) -> T:
        """``compute()``, remembered under ``key`` until the store changes (callers must not mutate it)."""
        version = self._version()
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                self._cache.move_to_end(key)
                return hit[1]
        value = compute()
        with self._cache_lock:
            self._cache[key] = (version, value)
            while len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    def _version(self) -> tuple:
        """The store file's and its write-ahead log's size and modification time."""
        stamps = []
        for path in (self.db, self.db.with_name(self.db.name + "-wal")):
            try:
                stat = path.stat()
                stamps.append((stat.st_mtime_ns, stat.st_size))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def reader(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db, readonly=True)
            self._local.store = store
        return store

    def writer(self) -> Store:
        """A writable store for one ingest (hold :attr:`write_lock`, close it after)."""
        return open_store(self.db)


def reader(request: Request) -> Store:
    """The calling thread's read-only store (call inside the route: routes run on worker threads)."""
    return request.app.state.stores.reader()


def cached(request: Request, key: tuple, compute: Callable[[], T]) -> T:
    """A whole-store aggregate, computed once per change of the store (see :class:`StoreAccess`)."""
    return request.app.state.stores.cached(key, compute)


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
