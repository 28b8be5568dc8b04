"""The server-rendered pages: search, article, stories, story, claim, conflicts, outlets, map,
analyze, the API's docs, and the static assets.

Templates are Jinja2 with autoescaping on; the article macros come from the
HTML report's templates (``claimtrace/report/templates/annotated.html``).
Links to an article's URL are drawn only for http(s) URLs. The one script
(the map) is a static file; pages work without it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from claimtrace.errors import ClaimtraceError, InputError
from claimtrace.model import SOURCE_KINDS, Article
from claimtrace.readers.formats import decode_text, normalize_date, records_from_bytes
from claimtrace.report.html import article_context
from claimtrace.report.rows import frame_text
from claimtrace.store import Store
from claimtrace.web import views
from claimtrace.web.access import MAX_TEXT_CHARS, app_version, cached, check_token, reader, settings_of
from claimtrace.web.api import (
    Date,
    Limit,
    Offset,
    Search,
    Text,
    all_stories,
    analyse,
    conflict_index,
    ingest,
    map_events,
    map_places,
    outlet_names,
    outlet_profiles,
)
from claimtrace.web.assets import assets
from claimtrace.web.timeline import lay_out

router = APIRouter(include_in_schema=False)

MAX_STORY_CLAIMS = 200  # claims per page of a story's timeline (in time order); its CSV has all
UPLOAD_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".csv")


def _environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([PackageLoader("claimtrace.web", "templates"),
                             PackageLoader("claimtrace.report", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["http_url"] = http_url
    env.filters["percent"] = lambda v: "" if v is None else f"{v:.0%}"
    env.filters["frame_text"] = frame_text
    env.globals.update(version=app_version(), source_kinds=SOURCE_KINDS)
    return env


def http_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL with a host, else None (no javascript:, data: or relative links)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


templates = Jinja2Templates(env=_environment())


def render(request: Request, name: str, status: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    context.setdefault("allow_ingest", settings_of(request).allow_ingest)
    return templates.TemplateResponse(request, name, context, status_code=status, headers=headers)


def error_page(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    return render(request, "error.html", status=status, headers=headers, status_code=status, message=message)


def query_string(request: Request, **changes: Any) -> str:
    """The current query string with ``changes`` applied (None removes a key)."""
    params = dict(request.query_params)
    params.update({k: str(v) for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        params.pop(key, None)
    return urlencode({k: v for k, v in params.items() if v != ""})


@router.get("/static/{name:path}")
def static(name: str) -> Response:
    asset = assets().get(name)
    if asset is None:
        raise HTTPException(404, "no such file")
    return Response(asset.body, media_type=asset.media_type, headers={"cache-control": "public, max-age=3600"})


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, params: Search) -> HTMLResponse:
    store = reader(request)
    searched = any([params.q, params.outlet, params.source_kind, params.place, params.since, params.until,
                    params.story])
    articles = views.find_articles(store, params) if searched else None
    claims = views.find_claims(store, params) if searched else None
    stories = None if searched else views.sliced(all_stories(request), 10, 0)
    return render(request, "search.html", params=params, articles=articles, claims=claims, stories=stories,
                  outlets=outlet_names(request),
                  counts=None if searched else cached(request, ("counts",), store.counts),
                  next_query=query_string(request, offset=params.offset + params.limit),
                  prev_query=query_string(request, offset=max(params.offset - params.limit, 0)),
                  csv_articles=query_string(request, format="csv", offset=None),
                  csv_claims=query_string(request, format="csv", offset=None))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: int) -> HTMLResponse:
    view = views.article_view(reader(request), article_id)
    return render(request, "article.html", **view)


@router.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request, limit: Limit = 50, offset: Offset = 0) -> HTMLResponse:
    page = views.sliced(all_stories(request), limit, offset)
    return render(request, "stories.html", page=page, next_query=query_string(request, offset=offset + limit),
                  prev_query=query_string(request, offset=max(offset - limit, 0)))


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: int, offset: Offset = 0) -> HTMLResponse:
    limit = MAX_STORY_CLAIMS
    view = cached(request, ("story page", story_id, limit, offset),
                  lambda: story_view(reader(request), story_id, limit, offset), page=True)
    return render(request, "story.html", **view, limit=limit,
                  next_query=query_string(request, offset=offset + limit),
                  prev_query=query_string(request, offset=max(offset - limit, 0)))


def story_view(store: Store, story_id: int, limit: int, offset: int) -> dict[str, Any]:
    """One page of a story's timeline (``limit`` claims from ``offset`` in time order), laid out."""
    story = store.story_timeline(story_id, limit=limit, offset=offset)
    shown = story["claims"]
    return {"story": story, "shown": shown, "timeline": lay_out(shown), "by_id": {c["id"]: c for c in shown},
            "more": offset + len(shown) < story["total_claims"]}


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(request: Request, claim_id: int) -> HTMLResponse:
    return render(request, "claim.html", claim=views.claim_view(reader(request), claim_id))


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(request: Request, outlet: Text = None, since: Date = None, until: Date = None,
                   limit: Limit = views.DEFAULT_LIMIT, offset: Offset = 0) -> HTMLResponse:
    store = reader(request)
    page = views.conflicts(store, conflict_index(request), outlet, since, until, limit, offset)
    return render(request, "conflicts.html", page=page, outlet=outlet, since=since, until=until,
                  outlets=outlet_names(request), next_query=query_string(request, offset=offset + limit),
                  prev_query=query_string(request, offset=max(offset - limit, 0)),
                  csv_query=query_string(request, format="csv", offset=None))


@router.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request) -> HTMLResponse:
    return render(request, "outlets.html", outlets=outlet_profiles(request))


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, since: Date = None, until: Date = None) -> HTMLResponse:
    places = map_places(request, since, until)
    events = map_events(request, since, until)
    return render(request, "map.html", since=since or "", until=until or "", top=places[:40], total=len(places),
                  top_events=events[:20], total_events=len(events), events=sum(p["events"] for p in events),
                  api_query=query_string(request))


@router.get("/analyze", response_class=HTMLResponse)
def analyze_form(request: Request) -> HTMLResponse:
    return render(request, "analyze.html", form={}, result=None)


@router.post("/analyze", response_class=HTMLResponse)
async def analyze_submit(request: Request) -> HTMLResponse:
    settings = settings_of(request)
    form = await request.form(max_files=1, max_fields=10, max_part_size=settings.max_body_bytes)
    fields = {k: str(form.get(k) or "").strip() for k in ("text", "title", "published", "outlet", "url", "token")}
    store_it = form.get("store") == "on"
    if store_it:
        check_token(request, fields["token"])
    upload = form.get("file")
    try:
        article = await _article_from_form(fields, upload)
        if store_it:
            analysis, article_id, added = await run_in_threadpool(ingest, request, article)
        else:
            analysis, article_id, added = await run_in_threadpool(analyse, article), None, False
    except ClaimtraceError as exc:
        return render(request, "analyze.html", status=400, form=fields, result=None, message=str(exc))
    fields.pop("token")
    return render(request, "analyze.html", form=fields, result=article_context(analysis), stored_id=article_id,
                  added=added)


async def _article_from_form(fields: dict[str, str], upload: Any) -> Article:
    """The pasted text, or the uploaded file read in memory (its name only gives the format)."""
    text, title = fields["text"], fields["title"] or None
    if upload is not None and getattr(upload, "filename", None):
        suffix = "." + upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ".txt"
        if suffix not in UPLOAD_SUFFIXES:
            raise InputError(f"cannot read {suffix} files (use {', '.join(UPLOAD_SUFFIXES)})")
        records = list(records_from_bytes(await upload.read(), "upload", suffix))  # nothing is opened
        if not records or isinstance(records[0][1], Exception):
            raise records[0][1] if records else InputError("the upload holds no article")
        uploaded = records[0][1]
        text, title = uploaded.text, title or uploaded.title
    elif text:
        text = decode_text(text.encode("utf-8"), "the pasted text")
    if not text.strip():
        raise InputError("paste a text or choose a file")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"the text is too long ({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})")
    published = normalize_date(fields["published"]) if fields["published"] else None
    return Article(text=text, title=title, published=published, outlet=fields["outlet"] or None,
                   url=fields["url"] or None)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    routes = [
        {"method": method.upper(), "path": path, "summary": op.get("summary", ""),
         "params": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                     "description": p.get("description") or p.get("schema", {}).get("description", "")}
                    for p in op.get("parameters", [])],
         "body": "requestBody" in op}
        for path, methods in spec["paths"].items() for method, op in methods.items()
    ]
    return render(request, "api_docs.html", routes=routes, spec=spec)

