"""The FastAPI application: routers, security headers, body limits, errors.

Safe by default: the store is opened read-only (see :mod:`claimtrace.web.access`),
every response carries a Content-Security-Policy that allows no
inline script, request bodies are size-limited, the Host header must name
this machine (no DNS rebinding), and writes (ingest) exist only when the
app is created with ``allow_ingest`` and are then checked against a token.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimtrace.errors import ClaimtraceError
from claimtrace.store import open_store
from claimtrace.web import api, pages
from claimtrace.web.access import ReleaseStores, Settings, StoreAccess, app_version
from claimtrace.web.pages import error_page

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
       " font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def create_app(settings: Settings) -> FastAPI:
    """The web app over the store ``settings.db`` (which must exist: it is opened read-only)."""
    open_store(settings.db, readonly=True).close()  # fail now, with one line, if it is not a store
    app = FastAPI(title="claimtrace", version=app_version(), docs_url=None, redoc_url=None,
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
    app.add_middleware(ReleaseStores)
    return app


def _add_error_handlers(app: FastAPI) -> None:
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


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


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


