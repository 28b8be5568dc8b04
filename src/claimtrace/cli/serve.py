"""``claimtrace serve [--db PATH] [--host 127.0.0.1] [--port 8000]``: browse a store in a web browser.

Thin over :func:`claimtrace.web.create_app`: parses the flags, prints where to
go (and the ingest token when writes are allowed), and runs uvicorn.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimtrace import settings as claimtrace_settings
from claimtrace.errors import ClaimtraceError
from claimtrace.store import DB_VARIABLE, DEFAULT_DB, default_location, url_scheme

TOKEN_VARIABLE = claimtrace_settings.TOKEN_ENV


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="browse a store in a web browser (search, articles, stories, conflicts, outlets, map)",
        description="Serve a local web app over a store, opened read-only. Binds to 127.0.0.1 unless told "
        "otherwise; writing (pasting or uploading articles into the store) needs --allow-ingest and a token.",
    )
    parser.add_argument("--db", default=None, metavar="PATH|URL",
                        help=f"the store: a file or postgresql://USER@HOST/DB (default: ${DB_VARIABLE}, else {DEFAULT_DB})")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--allow-ingest", action="store_true",
                        help=f"allow storing pasted or uploaded articles, with a token (${TOKEN_VARIABLE}, else a "
                        "random one printed at start)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from claimtrace.web import Settings, create_app
    except ImportError as exc:
        raise ClaimtraceError(f"serve needs the web extra ({exc.name} is missing): pip install 'claimtrace[web]'") from None
    # imported here, not at the top: it pulls the SQLite store and numpy into every command's start
    from claimtrace.store.postgres import display_url

    if not 0 < args.port < 65536:
        raise ClaimtraceError(f"--port must be between 1 and 65535, not {args.port}")
    location = args.db or default_location()
    settings = Settings(db=location if url_scheme(location) else Path(location), allow_ingest=args.allow_ingest)
    token = claimtrace_settings.current().token
    if token:
        settings.token = token
    if args.host not in settings.hosts:
        settings.hosts.append(args.host if args.host not in ("0.0.0.0", "::") else "*")
        print(f"claimtrace: warning: serving on {args.host}: other machines can read this store", file=sys.stderr)
    app = create_app(settings)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"claimtrace: serving {display_url(str(location))} (read-only) at http://{shown}:{args.port}/  (Ctrl-C stops)", file=sys.stderr)
    if settings.allow_ingest:
        print(f"claimtrace: ingest is enabled; token: {settings.token}", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return 0
