"""The JSON API under ``/api``: every list paginated (``limit``, ``offset``) and exportable as CSV
(``format=csv``); the OpenAPI description at ``/api/openapi.json``, readable at ``/api/docs``.

Reads use the read-only store. ``POST /api/analyze`` analyses a text without storing it;
``POST /api/ingest`` stores one, and only when the server runs with ``--allow-ingest`` and the
request carries its token (``Authorization: Bearer TOKEN``).
"""

from __future__ import annotations

import io
import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from claimtrace.model import SOURCE_KINDS, Analysis, Article
from claimtrace.readers.formats import normalize_date
from claimtrace.report.rows import flat_conflict, relations_text, write_csv
from claimtrace.web import views
from claimtrace.web.access import MAX_TEXT_CHARS, bearer, cached, check_token, reader

router = APIRouter(prefix="/api", tags=["api"])

_DATE = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"
_KIND = "^(|" + "|".join(SOURCE_KINDS) + ")$"
Date = Annotated[str | None, Query(pattern=_DATE, description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive")]
Limit = Annotated[int, Query(ge=1, le=views.MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
Text = Annotated[str | None, Query(max_length=500)]
_ANALYSIS_LOCK = threading.Lock()  # one analysis at a time: it is CPU-bound and the pipeline is shared


def search_params(
    q: Text = None,
    outlet: Text = None,
    source_kind: Annotated[str | None, Query(pattern=_KIND, description="kind of source of a claim")] = None,
    place: Text = None,
    since: Date = None,
    until: Date = None,
    story: Annotated[str | None, Query(pattern=r"^\d{0,9}$", description="story id")] = None,
    limit: Limit = views.DEFAULT_LIMIT,
    offset: Offset = 0,
) -> views.SearchParams:
    """The search form's parameters (empty fields mean no filter)."""
    return views.SearchParams(q=q, outlet=outlet, source_kind=source_kind, place=place, since=since, until=until,
                              story=int(story) if story else None, limit=limit, offset=offset)


Search = Annotated[views.SearchParams, Depends(search_params)]


def listing(page: views.Page, fmt: str, name: str, flat: list[dict[str, Any]] | None = None) -> Response:
    """A page of a list as JSON (items, limit, offset, more) or as a CSV download of its rows."""
    if fmt == "csv":
        return csv_response(flat if flat is not None else page.items, name)
    return JSONResponse(page.as_json())


def csv_response(rows: list[dict[str, Any]], name: str) -> Response:
    out = io.StringIO()
    write_csv(rows, ["id"], out)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="claimtrace-{name}.csv"'})


def all_stories(request: Request) -> list[dict[str, Any]]:
    return cached(request, ("stories",), lambda: reader(request).stories())


def outlet_profiles(request: Request) -> list[dict[str, Any]]:
    return cached(request, ("outlets",), lambda: views.outlet_profiles(reader(request)))


def outlet_names(request: Request) -> list[str]:
    return cached(request, ("outlet names",), lambda: reader(request).outlet_names())


def conflict_index(request: Request) -> list[tuple[int, int, str, str | None, str | None]]:
    """Every contradicting pair, newest first, sorted once per change of the store."""
    return cached(request, ("conflicts",), lambda: reader(request).relation_index("contradicts"))


def map_places(request: Request, since: str | None, until: str | None) -> list[dict[str, Any]]:
    since, until = views.first_day(since), views.last_day(until)
    return cached(request, ("places", since, until), lambda: reader(request).map_places(since, until))


def map_events(request: Request, since: str | None, until: str | None) -> list[dict[str, Any]]:
    since, until = views.first_day(since), views.last_day(until)
    return cached(request, ("event places", since, until), lambda: reader(request).map_events(since, until))


@router.get("/articles", summary="Search articles (full text and filters)")
def api_articles(request: Request, params: Search, format: Format = "json") -> Response:
    page = views.find_articles(reader(request), params)
    flat = [{k: v for k, v in item.items() if k != "snippet_parts"} |
            {"snippet": "".join(t for t, _ in item["snippet_parts"])} for item in page.items]
    return listing(page, format, "articles", flat)


@router.get("/articles/{article_id}", summary="One article: metadata, analysis, claims with relations")
def api_article(request: Request, article_id: int) -> JSONResponse:
    store = reader(request)
    return JSONResponse({"article": store.article(article_id), "analysis": store.analysis(article_id).to_dict(),
                         "claims": views.article_claims(store, article_id)})


@router.get("/claims", summary="Search claims (full text and filters)")
def api_claims(request: Request, params: Search, format: Format = "json") -> Response:
    page = views.find_claims(reader(request), params)
    return listing(page, format, "claims", [{k: v for k, v in c.items() if k != "claim"} for c in page.items])


@router.get("/claims/{claim_id}", summary="One claim with its relations and the other claims")
def api_claim(request: Request, claim_id: int) -> JSONResponse:
    return JSONResponse(views.claim_view(reader(request), claim_id))


@router.get("/stories", summary="Stories, the most recent first")
def api_stories(request: Request, limit: Limit = views.DEFAULT_LIMIT, offset: Offset = 0,
                format: Format = "json") -> Response:
    return listing(views.sliced(all_stories(request), limit, offset), format, "stories")


@router.get("/stories/{story_id}", summary="A story's timeline: claims by date and outlet, with relations")
def api_story(request: Request, story_id: int, format: Format = "json",
              limit: Annotated[int | None, Query(ge=1, le=10_000, description="claims per page (default: all)")] = None,
              offset: Offset = 0) -> Response:
    story = reader(request).story_timeline(story_id, limit=limit, offset=offset)
    if format == "csv":
        flat = [{k: v for k, v in c.items() if k != "claim"} | {"relations": relations_text(c["relations"])}
                for c in story["claims"]]
        return csv_response(flat, f"story-{story_id}")
    return JSONResponse(story)


@router.get("/conflicts", summary="Contradicting claim pairs, newest first")
def api_conflicts(request: Request, outlet: Text = None, since: Date = None, until: Date = None,
                  limit: Limit = views.DEFAULT_LIMIT, offset: Offset = 0, format: Format = "json") -> Response:
    page = views.conflicts(reader(request), conflict_index(request), outlet, since, until, limit, offset)
    return listing(page, format, "conflicts", [flat_conflict(r) for r in page.items])


@router.get("/outlets", summary="Per outlet: source-kind mix, how often contradicted and by whom")
def api_outlets(request: Request, limit: Limit = views.MAX_LIMIT, offset: Offset = 0,
                format: Format = "json") -> Response:
    return listing(views.sliced(outlet_profiles(request), limit, offset), format, "outlets")


@router.get("/places", summary="Located places with mentions and articles (for the map)")
def api_places(request: Request, since: Date = None, until: Date = None,
               limit: Annotated[int, Query(ge=1, le=50_000)] = 20_000, offset: Offset = 0,
               format: Format = "json") -> Response:
    return listing(views.sliced(map_places(request, since, until), limit, offset), format, "places")


@router.get("/event-places", summary="Located places of events (PLOVER), with events per category (for the map)")
def api_event_places(request: Request, since: Date = None, until: Date = None,
                     limit: Annotated[int, Query(ge=1, le=50_000)] = 20_000, offset: Offset = 0,
                     format: Format = "json") -> Response:
    page = views.sliced(map_events(request, since, until), limit, offset)
    flat = [{k: v for k, v in p.items() if k != "categories"} |
            {"categories": "; ".join(f"{c['category']} {c['events']}" for c in p["categories"])} for p in page.items]
    return listing(page, format, "event-places", flat)


class ArticleIn(BaseModel):
    """An article to analyse: its text and optional metadata."""

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    title: str | None = Field(default=None, max_length=1000)
    published: str | None = Field(default=None, pattern=_DATE)
    outlet: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=2000)

    def article(self) -> Article:
        return Article(text=self.text, title=self.title or None,
                       published=normalize_date(self.published) if self.published else None,
                       outlet=self.outlet or None, url=self.url or None)


def analyse(article: Article) -> Analysis:
    """The analysis of one article (not stored)."""
    from claimtrace.pipeline import analyze_article

    with _ANALYSIS_LOCK:
        return analyze_article(article)


def ingest(request: Request, article: Article) -> tuple[Analysis, int, bool]:
    """Analyse, store and link one article; returns the analysis, its id and whether it was new."""
    from claimtrace.ingest import ingest_article

    stores = request.app.state.stores
    with _ANALYSIS_LOCK, stores.write_lock:
        store = stores.writer()
        try:
            analysis, stored = ingest_article(article, store)
        finally:
            store.close()
    return analysis, stored.id, stored.added


@router.post("/analyze", summary="Analyse a text (nothing is stored)")
def api_analyze(body: ArticleIn) -> JSONResponse:
    return JSONResponse(analyse(body.article()).to_dict())


def require_token(request: Request) -> None:
    """Refuse (403) before reading the body unless ingest is on and the bearer token matches."""
    check_token(request, bearer(request))


@router.post("/ingest", summary="Analyse and store a text (needs --allow-ingest and the token)",
             dependencies=[Depends(require_token)])
def api_ingest(request: Request, body: ArticleIn) -> JSONResponse:
    analysis, article_id, added = ingest(request, body.article())
    return JSONResponse({"id": article_id, "added": added, "claims": len(analysis.claims)},
                        status_code=201 if added else 200)
