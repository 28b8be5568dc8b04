"""The FastAPI application: settings, store access, security headers, errors.

Safe by default: the store is opened read-only (one connection per worker
thread), every response carries a Content-Security-Policy that allows no
inline script, request bodies are size-limited, the Host header must name
this machine (no DNS rebinding), and writes (ingest) exist only when the
app is created with ``allow_ingest`` and are then checked against a token.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimtrace import __version__
from claimtrace.errors import ClaimtraceError
from claimtrace.store import Store, open_store

MAX_BODY_BYTES = 2 * 1024 * 1024  # a pasted or uploaded article; more is refused with 413
MAX_TEXT_CHARS = 200_000
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
       " font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1", "testserver"]
T = TypeVar("T")


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
            store = open_store(self.db, read_only=True)
            self._local.store = store
        return store

    def writer(self) -> Store:
        """A writable store for one ingest (hold :attr:`write_lock`, close it after)."""
        return open_store(self.db)


def create_app(settings: Settings) -> FastAPI:
    """The web app over the store ``settings.db`` (which must exist: it is opened read-only)."""
    from claimtrace.web import api, pages

    open_store(settings.db, read_only=True).close()  # fail now, with one line, if it is not a store
    app = FastAPI(title="claimtrace", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Browse a claimtrace store: articles, claims, stories, conflicts, outlets, places.")
    app.state.settings = settings
    app.state.stores = StoreAccess(settings.db)
    app.include_router(api.router)
    app.include_router(pages.router)
    _add_error_handlers(app)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.hosts)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app


def reader(request: Request) -> Store:
    """The calling thread's read-only store (call inside the route: routes run on worker threads)."""
    return request.app.state.stores.reader()


def cached(request: Request, key: tuple, compute: Callable[[], T]) -> T:
    """A whole-store aggregate, computed once per change of the store (see :class:`StoreAccess`)."""
    return request.app.state.stores.cached(key, compute)


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _add_error_handlers(app: FastAPI) -> None:
    from claimtrace.web.pages import error_page

    @app.exception_handler(ClaimtraceError)
    async def claimtrace_error(request: Request, exc: ClaimtraceError) -> Response:
        status = 404 if str(exc).startswith("no ") else 400
        return _error(request, status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return _error(request, 422, f"bad parameters ({problems})")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": message}, status_code=status, headers=headers)
        return error_page(request, status, message, headers)


class SecurityHeaders:
    """Adds the Content-Security-Policy and related headers to every response."""

    HEADERS = ((b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
               (b"cross-origin-opener-policy", b"same-origin"))

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` (413), by Content-Length and while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _too_large(self.max_bytes)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _BodyTooLarge:
            await _too_large(self.max_bytes)(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _too_large(limit: int) -> ASGIApp:
    return JSONResponse({"detail": f"request body too large (limit {limit // 1024} KiB)"}, status_code=413)


def check_token(request: Request, given: str | None) -> None:
    """Refuse a write unless ingest is enabled and ``given`` is the app's token (403 otherwise)."""
    from fastapi import HTTPException

    settings = settings_of(request)
    if not settings.allow_ingest:
        raise HTTPException(403, "writing is disabled: start 'claimtrace serve' with --allow-ingest")
    if not given or not secrets.compare_digest(given.encode(), settings.token.encode()):
        raise HTTPException(403, "a valid ingest token is required (printed by 'claimtrace serve --allow-ingest')")


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None

