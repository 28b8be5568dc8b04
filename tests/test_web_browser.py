"""The web app in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser).

Skipped when Playwright or /usr/bin/chromium is missing, unless CLAIMTRACE_REQUIRE_BROWSER is set
(as ``.ci/run`` does after installing both), where a missing browser fails.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
_missing = None
try:
    import uvicorn
    from playwright.sync_api import Page, sync_playwright
except ImportError as exc:  # pragma: no cover - depends on the machine
    _missing = f"{exc.name} is not installed"
if _missing is None and not Path(CHROMIUM).exists():
    _missing = f"{CHROMIUM} is missing (apt-get install chromium)"
if _missing and os.environ.get("CLAIMTRACE_REQUIRE_BROWSER"):
    raise RuntimeError(f"browser tests required but {_missing}")
pytestmark = pytest.mark.skipif(_missing is not None, reason=_missing or "")

from claimtrace.web import Settings, create_app  # noqa: E402
from web_store import build_web_store  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app over the hand-written store, served by uvicorn on a free loopback port."""
    path = tmp_path_factory.mktemp("browser") / "store.db"
    ids = build_web_store(path)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(db=path)), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}", ids
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


class Watch:
    """What a page did that it must not: dialogs, requests leaving the server, console errors."""

    def __init__(self, page: Page, base: str) -> None:
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.route("**/*", lambda route: self._route(route, base))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route, base: str) -> None:
        url = route.request.url
        if not url.startswith(base + "/") or urlsplit(url).path == "/x":
            self.foreign.append(url)
            route.abort()  # never leaves the machine
        else:
            route.continue_()


@pytest.fixture
def page(browser, site):
    base, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.watch = Watch(page, base)
    yield page
    context.close()


def _map_loaded(page: Page) -> int:
    page.wait_for_selector("#map[data-loaded]", timeout=20_000)
    return int(page.get_attribute("#map", "data-loaded"))


def _open_clusters(page: Page) -> None:
    """Click clusters (each zooms in) until every marker stands alone."""
    for _ in range(8):
        if not page.locator(".marker-cluster").count():
            return
        page.locator(".marker-cluster").first.click()
        page.wait_for_timeout(400)


def test_search_article_story_claim_map(page, site):
    base, ids = site
    page.goto(base + "/")
    page.fill("input[name=q]", "warehouses")
    page.click("form[role=search] button")
    page.click("text=Shelling hits grain port in Odesa")
    assert page.url.endswith(f"/articles/{ids['governor_article']}")
    assert page.locator(".text .source").first.inner_text() == "The regional governor"
    page.click("a:has-text('story: Odesa grain port')")
    assert page.url.endswith(f"/stories/{ids['story']}")
    assert page.locator("svg.timeline circle").count() == 5
    assert page.locator("svg.timeline path.link").count() >= 3
    page.click("ol.story-claims >> text=no warehouses were destroyed at the Odesa grain port")
    assert page.url.endswith(f"/claims/{ids['denial_claim']}")
    assert page.locator(".pair").count() == 2
    assert "polarity flip: affirms vs denies" in page.inner_text("main")
    page.click("nav >> text=Map")
    assert _map_loaded(page) == 2
    assert page.get_attribute("#map", "data-events-loaded") == "2"  # Odesa and Lviv, with their events
    toggles = page.locator(".map-toggles label")
    assert [t.strip() for t in toggles.all_inner_texts()] == ["Places named in articles", "Places of events"]
    markers = "path.leaflet-interactive, .marker-cluster"
    page.uncheck(".map-toggles input[name=place]")
    page.uncheck(".map-toggles input[name=events]")
    assert page.locator(markers).count() == 0
    page.check(".map-toggles input[name=events]")
    page.check(".map-toggles input[name=place]")
    assert page.locator(".leaflet-overlay-pane path").count() > 100  # the country outlines
    assert page.locator("path.leaflet-interactive, .marker-cluster").count() >= 1
    _open_clusters(page)
    page.locator("path.leaflet-interactive").first.click()
    page.locator(".leaflet-popup-content a").click()
    assert "/?place=" in page.url
    assert page.locator("ol.results li").count() >= 1
    assert page.watch.dialogs == [] and page.watch.foreign == [] and page.watch.errors == []


def test_keyboard_only(page, site):
    base, ids = site
    page.goto(base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("reopened")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=reopened*")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('ol.results a.title')"):
            break
    else:
        pytest.fail("no result link reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/articles/{ids['reopen_article']}")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline is not None


@pytest.mark.parametrize("path", ["/", "/?q=port", "/articles/1", "/stories/1", "/claims/1", "/conflicts",
                                  "/outlets", "/map", "/analyze", "/stories", "/api/docs"])
def test_a_390_pixel_phone_screen(browser, site, path):
    base, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(base + path)
    if path == "/map":
        _map_loaded(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width}px wide"
    assert page.locator("header nav a").first.is_visible()
    assert page.locator("h1").first.bounding_box()["width"] <= 390
    context.close()


def test_hostile_html_never_runs(page, site):
    base, ids = site
    paths = ["/", "/?q=alert", "/?q=found", f"/articles/{ids['hostile_article']}", f"/stories/{ids['hostile_story']}",
             f"/claims/{ids['hostile_claim']}", f"/claims/{ids['governor_claim']}", f"/articles/{ids['governor_article']}",
             "/conflicts", "/outlets", "/stories", "/map"]
    for path in paths:
        page.goto(base + path)
        if path == "/map":
            _map_loaded(page)
            _open_clusters(page)
            popups = []
            for i in range(page.locator("path.leaflet-interactive").count()):
                page.locator("path.leaflet-interactive").nth(i).click(force=True)
                page.wait_for_selector(".leaflet-popup-content a")
                popups += page.locator(".leaflet-popup-content").all_inner_texts()
                page.keyboard.press("Escape")  # closes the popup
            assert any("onerror=alert('place')" in text for text in popups), popups  # the name, shown as text
            assert any("coerce: 1" in text and "onerror=alert('place')" in text for text in popups), popups
        assert page.locator("a[href^='javascript']").count() == 0, path
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    page.goto(base + f"/articles/{ids['hostile_article']}")
    assert "<script>window.__pwned='title'" in page.inner_text("h1")  # shown as text
    assert page.watch.dialogs == []
    assert page.watch.foreign == []
    assert page.watch.errors == []
