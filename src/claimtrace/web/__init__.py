"""``claimtrace serve``: a local web app to explore a store.

Server-rendered pages (FastAPI + Jinja2, one small script for the map) over
the store's query API: search, article, story timeline, claim, conflicts,
outlets, map, analyze; and the same data as JSON and CSV under ``/api``.
Every asset ships in the package (Leaflet and its cluster plugin vendored,
the base map drawn from the Natural Earth outlines of ``claimtrace.geo``),
so it works with no network. Safe by default: see :mod:`claimtrace.web.app`.

It shows what the store holds and no more: a claim's relations are those
linking found; a place is on the map only when it was resolved to
coordinates. Latency under load: ``benchmarks/web.py``, figures in
``docs/benchmarks_web.md``.
"""

from __future__ import annotations

from claimtrace.web.access import Settings
from claimtrace.web.app import create_app

__all__ = ["Settings", "create_app"]
