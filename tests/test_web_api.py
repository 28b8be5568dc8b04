"""The web app through FastAPI's test client: pages, the JSON/CSV API, and its safety rules."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from claimtrace.errors import ClaimtraceError  # noqa: E402
from claimtrace.store import open_store  # noqa: E402
from claimtrace.web import Settings, create_app  # noqa: E402
from web_store import HOSTILE_OUTLET, HOSTILE_PLACE, HOSTILE_REASON, HOSTILE_TITLE, build_web_store  # noqa: E402

PAGES = ["/", "/?q=warehouses", "/stories", "/conflicts", "/outlets", "/map", "/analyze", "/api/docs"]


@pytest.fixture(scope="module")
def store_ids(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "store.db"
    return path, build_web_store(path)


@pytest.fixture(scope="module")
def client(store_ids):
    path, _ = store_ids
    return TestClient(create_app(Settings(db=path)))


@pytest.fixture(scope="module")
def ids(store_ids):
    return store_ids[1]


def _all_pages(ids: dict[str, int]) -> list[str]:
    return PAGES + [f"/articles/{ids['governor_article']}", f"/articles/{ids['hostile_article']}",
                    f"/stories/{ids['story']}", f"/stories/{ids['hostile_story']}", f"/claims/{ids['governor_claim']}",
                    f"/claims/{ids['hostile_claim']}", "/?q=found", "/map?since=2024-05-01"]


def test_every_page_renders(client, ids):
    for url in _all_pages(ids):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")


def test_article_page_groups_claims_by_source_with_relations(client, ids):
    page = client.get(f"/articles/{ids['governor_article']}").text
    assert "The regional governor" in page and "government" in page and "witness" in page
    assert "for Odesa Port Authority (organization)" in page  # the source's affiliation
    assert "contradicts" in page and "polarity flip: affirms vs denies" in page
    assert "no warehouses were destroyed" in page  # the other claim of the relation
    assert "class='content affirms stated'" in page  # the report's highlight macros


def test_story_timeline_draws_claims_and_relations(client, ids):
    page = client.get(f"/stories/{ids['story']}").text
    assert page.count("<circle") == 5  # five claims in the three port articles
    assert 'class="link contradicts"' in page and 'class="link updates"' in page
    assert "17 days apart: a later state" in page
    assert page.index("2024-05-02") < page.index("2024-05-20")


def test_claim_page_shows_both_sides_and_the_reason(client, ids):
    page = client.get(f"/claims/{ids['denial_claim']}").text
    assert "three warehouses at the Odesa grain port were destroyed overnight" in page
    assert "the Odesa grain port had reopened after repairs" in page
    assert "17 days apart" in page and "updates" in page


def test_search_filters(client):
    def article_titles(**params):
        return [a["title"] for a in client.get("/api/articles", params=params).json()["items"]]

    assert set(article_titles(q="Odesa port")) == {
        "Shelling hits grain port in Odesa", "Officials deny damage at Odesa port", "Odesa port reopens"}
    assert article_titles(q="warehouses", outlet="Steppe Daily") == ["Officials deny damage at Odesa port"]
    assert article_titles(q="port", source_kind="government") == ["Shelling hits grain port in Odesa"]
    assert article_titles(since="2024-05-10") == ["Odesa port reopens"]
    assert article_titles(until="2024-05-02") == ["Shelling hits grain port in Odesa"]
    assert HOSTILE_TITLE in article_titles(place="Lviv")
    assert len(article_titles(story="1")) == 3
    claims = client.get("/api/claims", params={"q": "warehouses", "source_kind": "organization"}).json()["items"]
    assert [c["content"] for c in claims] == ["no warehouses were destroyed at the Odesa grain port"]


def test_search_words_are_not_query_syntax(client):
    for text in ['"unbalanced', "port AND OR NOT", "NEAR(", "*", "'; DROP TABLE articles; --"]:
        assert client.get("/api/articles", params={"q": text}).status_code == 200
        assert client.get("/", params={"q": text}).status_code == 200


def test_snippet_marks_hits(client):
    page = client.get("/", params={"q": "warehouses"}).text
    assert "<mark>warehouses</mark>" in page


def test_pagination(client):
    first = client.get("/api/articles", params={"limit": 2}).json()
    second = client.get("/api/articles", params={"limit": 2, "offset": 2}).json()
    assert first["more"] and not second["more"]
    assert len(first["items"]) == 2 and len(second["items"]) == 2
    assert not {a["id"] for a in first["items"]} & {a["id"] for a in second["items"]}
    assert client.get("/api/articles", params={"limit": 0}).status_code == 422
    assert client.get("/api/articles", params={"limit": 10_000}).status_code == 422


@pytest.mark.parametrize("url", ["/api/articles", "/api/claims?q=port", "/api/stories", "/api/stories/1",
                                 "/api/conflicts", "/api/outlets", "/api/places", "/api/event-places"])
def test_every_list_exports_csv(client, url):
    response = client.get(url, params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows, url


def test_conflicts_newest_first_and_filtered(client):
    pairs = client.get("/api/conflicts").json()["items"]
    assert len(pairs) == 2
    newest = [max(p["a"]["published"], p["b"]["published"]) for p in pairs]
    assert newest == sorted(newest, reverse=True)
    only = client.get("/api/conflicts", params={"outlet": "Steppe Daily"}).json()["items"]
    assert [p["reason"] for p in only] == ["polarity flip: affirms vs denies"]
    assert client.get("/api/conflicts", params={"since": "2024-06-01"}).json()["items"] == []


def test_outlets_mix_and_who_contradicts(client):
    outlets = {o["outlet"]: o for o in client.get("/api/outlets").json()["items"]}
    gazette = outlets["Harbor Gazette"]
    assert {k["kind"] for k in gazette["source_kinds"]} == {"government", "witness", "organization"}
    assert abs(sum(k["share"] for k in gazette["source_kinds"]) - 1) < 1e-9
    assert {b["outlet"] for b in gazette["contradicted_by"]} == {"Steppe Daily", HOSTILE_OUTLET}


def test_places_for_the_map(client):
    places = client.get("/api/places").json()["items"]
    odesa = next(p for p in places if p["name"] == "Odesa")
    assert odesa["mentions"] == 3 and odesa["articles"] == 3 and odesa["lat"] == pytest.approx(46.48)
    assert {p["name"] for p in client.get("/api/places", params={"since": "2024-05-04"}).json()["items"]} == {
        "Odesa", HOSTILE_PLACE}
    late = client.get("/api/places", params={"since": "2024-05-10"}).json()["items"]
    assert [(p["name"], p["mentions"]) for p in late] == [("Odesa", 1)]


def test_event_places_for_the_map(client):
    places = client.get("/api/event-places").json()["items"]
    assert [(p["name"], p["events"]) for p in places] == [("Odesa", 2), (HOSTILE_PLACE, 1)]  # the negated one left out
    assert places[0]["categories"] == [{"category": "ASSAULT", "events": 1}, {"category": "COOPERATE", "events": 1}]
    late = client.get("/api/event-places", params={"since": "2024-05-10"}).json()["items"]
    assert [(p["name"], p["categories"]) for p in late] == [("Odesa", [{"category": "COOPERATE", "events": 1}])]
    page = client.get("/map").text
    assert "3 events at 2 located places" in page and "assault 1, cooperate 1" in page
    assert 'data-events="/api/event-places?"' in page
    assert "1 event at 1 located place," in client.get("/map", params={"since": "2024-05-10"}).text
    assert "/api/event-places?since=2024-05-10&amp;format=csv" in client.get("/map?since=2024-05-10").text


def test_unknown_ids_are_404_in_html_and_json(client):
    assert client.get("/articles/999").status_code == 404
    assert client.get("/api/claims/999").json() == {"detail": "no claim with id 999"}
    assert client.get("/stories/999").status_code == 404
    assert client.get("/?since=last-week").status_code == 422


def test_openapi_and_docs(client):
    spec = client.get("/api/openapi.json").json()
    assert {"/api/articles", "/api/claims", "/api/conflicts", "/api/outlets", "/api/places", "/api/event-places",
            "/api/stories", "/api/analyze", "/api/ingest"} <= set(spec["paths"])
    assert "/api/claims/{claim_id}" in client.get("/api/docs").text


# -- safety -------------------------------------------------------------------------------------


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


def test_hostile_text_is_always_escaped(client, ids):
    for url in _all_pages(ids) + ["/?q=alert", "/?outlet=" + HOSTILE_OUTLET]:
        page = client.get(url).text
        assert "<script>alert" not in page and "<script>window" not in page, url
        assert "<img src=x" not in page and '<img src="http' not in page and "<svg onload" not in page, url
        assert not re.search(r"href=[\"']?\s*javascript:", page, re.I), url
        assert not _INLINE_SCRIPT.search(page), url
        assert HOSTILE_REASON not in page, url
    article = client.get(f"/articles/{ids['hostile_article']}").text
    assert "&lt;script&gt;" in article  # shown as text, not dropped
    assert "javascript:alert(&#39;url&#39;)" in article  # the URL shown as text, never as a link


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_foreign_host_header_is_refused(client):
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400


def test_static_assets_come_from_the_package_only(client):
    assert client.get("/static/vendor/leaflet/leaflet.js").headers["content-type"].startswith("text/javascript")
    world = client.get("/static/world.geojson").json()
    assert world["type"] == "FeatureCollection" and len(world["features"]) > 150
    for name in ["../app.py", "..%2Fapp.py", "/etc/passwd", "%2e%2e/%2e%2e/store/sqlite.py", "vendor/README.md"]:
        assert client.get(f"/static/{name}").status_code == 404, name


def test_writes_are_refused_without_allow_ingest(client, store_ids):
    path, _ = store_ids
    before = open_store(path, readonly=True).counts()
    body = {"text": "The mayor said that the bridge reopened."}
    response = client.post("/api/ingest", json=body, headers={"authorization": "Bearer anything"})
    assert response.status_code == 403 and "--allow-ingest" in response.json()["detail"]
    form = client.post("/analyze", data={"text": body["text"], "store": "on", "token": "anything"})
    assert form.status_code == 403
    for method in ("put", "delete", "patch"):
        assert getattr(client, method)("/api/articles/1").status_code == 405
    assert open_store(path, readonly=True).counts() == before


def test_ingest_needs_the_token(store_ids):
    path, _ = store_ids
    app = create_app(Settings(db=path, allow_ingest=True, token="s3cret-token"))
    client = TestClient(app)
    body = {"text": "The mayor said that the bridge reopened."}
    assert client.post("/api/ingest", json=body).status_code == 403
    assert client.post("/api/ingest", json=body, headers={"authorization": "Bearer wrong"}).status_code == 403
    assert client.post("/analyze", data={"text": body["text"], "store": "on", "token": "wrong"}).status_code == 403


def test_the_store_is_opened_read_only(store_ids):
    path, _ = store_ids
    store = open_store(path, readonly=True)
    with pytest.raises(ClaimtraceError, match="read-only"):
        store.set_setting("x", "y")
    store.close()
    with pytest.raises(ClaimtraceError, match="no store here"):
        open_store(path.with_name("missing.db"), readonly=True)


def test_request_bodies_are_size_limited(store_ids):
    path, _ = store_ids
    client = TestClient(create_app(Settings(db=path, max_body_bytes=1000)))
    assert client.post("/api/analyze", json={"text": "x" * 5000}).status_code == 413
    upload = client.post("/analyze", files={"file": ("a.txt", b"Title\n" + b"word " * 2000)})
    assert upload.status_code == 413


# -- analysis through the app (the real pipeline) -------------------------------------------------

TEXT = "Bridge reopens in Lyon\nThe mayor of Lyon said on Monday that the bridge over the Rhone had reopened."


def test_analyze_shows_the_analysis_without_storing(client, store_ids, full_nlp):
    path, _ = store_ids
    before = open_store(path, readonly=True).counts()
    data = client.post("/api/analyze", json={"text": TEXT.split("\n", 1)[1], "published": "2024-06-03"}).json()
    assert data["claims"] and data["claims"][0]["source"]["text"].lower().startswith("the mayor")
    page = client.post("/analyze", files={"file": ("bridge.txt", TEXT.encode())}).text
    assert "Bridge reopens in Lyon" in page and "class='source'" in page
    assert client.post("/analyze", files={"file": ("x.exe", b"MZ")}).status_code == 400
    assert open_store(path, readonly=True).counts() == before


def test_ingest_with_the_token_stores_and_links(tmp_path, full_nlp):
    path = tmp_path / "store.db"
    build_web_store(path)
    client = TestClient(create_app(Settings(db=path, allow_ingest=True, token="s3cret-token")))
    response = client.post("/api/ingest", json={"text": TEXT, "outlet": "Rhone Post", "published": "2024-06-03"},
                           headers={"authorization": "Bearer s3cret-token"})
    assert response.status_code == 201
    article_id = response.json()["id"]
    assert client.get(f"/api/articles/{article_id}").json()["article"]["outlet"] == "Rhone Post"
    again = client.post("/api/ingest", json={"text": TEXT, "outlet": "Rhone Post"},
                        headers={"authorization": "Bearer s3cret-token"})
    assert again.status_code == 200 and again.json()["id"] == article_id and again.json()["added"] is False


def test_a_long_story_is_paged(client, ids, monkeypatch):
    from claimtrace.web import pages

    monkeypatch.setattr(pages, "MAX_STORY_CLAIMS", 2)
    story = f"/stories/{ids['story']}"
    page = client.get(story).text
    assert page.count("<circle") == 2 and "Showing claims 1–2 of 5 in time order" in page
    assert 'href="?offset=2" rel="next"' in page and 'rel="prev"' not in page
    last = client.get(story, params={"offset": 4}).text
    assert last.count("<circle") == 1 and "Showing claims 5–5 of 5" in last and 'href="?offset=2" rel="prev"' in last
    assert 'rel="next"' not in last
    assert "17 days apart: a later state" in last  # the update, hung on the later claim, drawn on its page
    api = f"/api/stories/{ids['story']}"
    assert len(client.get(api).json()["claims"]) == 5
    paged = client.get(api, params={"limit": 2, "offset": 2}).json()
    assert len(paged["claims"]) == 2 and paged["total_claims"] == 5 and paged["offset"] == 2


def test_cached_pages_follow_the_store(tmp_path):
    """A story page is cached until the store changes (a write from another process included)."""
    path = tmp_path / "store.db"
    ids = build_web_store(path)
    client = TestClient(create_app(Settings(db=path)))
    story = f"/stories/{ids['story']}"
    assert "Odesa grain port" in client.get(story).text
    with open_store(path) as store:
        store.set_stories({}, {ids["story"]: "Renamed port story"})
    assert "Renamed port story" in client.get(story).text
    assert "Renamed port story" in client.get("/stories").text  # the cached list of stories too


# -- the same app over a PostgreSQL store ---------------------------------------------------------


def test_the_app_over_postgresql(postgres_location, monkeypatch):
    """Every page, article search with snippets and filters, the map's places and events, on PostgreSQL;
    with a pool of two connections, so a request that kept its connection would soon block the rest."""
    monkeypatch.setenv("CLAIMTRACE_PG_POOL", "2")
    ids = build_web_store(postgres_location)
    client = TestClient(create_app(Settings(db=postgres_location)))
    for url in _all_pages(ids) * 3:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script>alert" not in response.text and not _INLINE_SCRIPT.search(response.text), url
    assert "<mark>warehouses</mark>" in client.get("/", params={"q": "warehouses"}).text

    def titles(**params):
        return [a["title"] for a in client.get("/api/articles", params=params).json()["items"]]

    assert set(titles(q="Odesa port")) == {
        "Shelling hits grain port in Odesa", "Officials deny damage at Odesa port", "Odesa port reopens"}
    assert titles(q="warehouses", outlet="Steppe Daily") == ["Officials deny damage at Odesa port"]
    assert titles(q="port", source_kind="government") == ["Shelling hits grain port in Odesa"]
    assert titles(q="port", since="2024-05-10") == ["Odesa port reopens"]
    assert titles(q="'; DROP TABLE articles; --") == []
    assert [(p["name"], p["events"]) for p in client.get("/api/event-places").json()["items"]] == [
        ("Odesa", 2), (HOSTILE_PLACE, 1)]
    assert {p["name"] for p in client.get("/api/places").json()["items"]} == {"Odesa", HOSTILE_PLACE}
    assert client.get("/api/stories/1", params={"limit": 2}).json()["total_claims"] == 5
    with open_store(postgres_location) as store:  # a write: cached pages follow it
        store.set_stories({}, {ids["story"]: "Renamed port story"})
    assert "Renamed port story" in client.get(f"/stories/{ids['story']}").text


def test_serve_takes_the_store_from_the_environment_or_a_url(store_ids, monkeypatch, capsys):
    import uvicorn

    from claimtrace.cli import main

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(app.state.settings.db))
    path, _ = store_ids
    monkeypatch.setenv("CLAIMTRACE_DB", str(path))
    assert main(["serve", "--port", "8123"]) == 0
    assert started == [path] and f"serving {path} (read-only)" in capsys.readouterr().err
    assert main(["serve", "--db", "postgresql://me:secret@/nowhere?host=/nonexistent"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect to PostgreSQL" in err and "secret" not in err  # a URL, not mangled into a path
