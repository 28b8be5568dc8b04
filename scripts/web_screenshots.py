"""Screenshots of every page of ``claimtrace serve`` for the README, taken in headless Chromium.

    python scripts/web_screenshots.py --db STORE [--out docs/web] [--chromium /usr/bin/chromium]

Starts ``claimtrace serve`` on a free loopback port, opens each page with
Playwright (Debian's chromium, never a downloaded browser), writes
``<page>.png`` into ``--out`` and stops the server. Use a store of texts that
may be published (the README's come from ``examples/``).
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "claimtrace.cli", "serve", "--db", str(db), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_until_up(f"http://127.0.0.1:{port}/api/stories?limit=1", process)
    return process


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped: {process.stderr.read().strip() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer within {seconds:.0f} s")


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def pages(base: str) -> dict[str, str]:
    """The page of each kind to show: the story with the most articles, and its claim with the most relations."""
    stories = get_json(f"{base}/api/stories?limit=200")["items"]
    story = max(stories, key=lambda s: (s["articles"], s["claims"]))["id"]
    claims = get_json(f"{base}/api/stories/{story}")["claims"]
    busiest = max(claims, key=lambda c: len(c["relations"]))
    word = max(busiest["content"].split() or ["the"], key=len).strip(".,;:\"'")
    return {
        "search": f"/?q={word}", "article": f"/articles/{busiest['article_id']}", "story": f"/stories/{story}",
        "claim": f"/claims/{busiest['id']}", "conflicts": "/conflicts", "outlets": "/outlets", "map": "/map",
        "analyze": "/analyze",
    }


def shoot(base: str, out: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        for viewport, suffix in ((DESKTOP, ""), (PHONE, "-390px")):
            page = browser.new_page(viewport=viewport)
            for name, path in pages(base).items():
                if suffix and name not in ("article", "story"):
                    continue
                page.goto(base + path)
                if name == "map":
                    page.wait_for_selector("#map[data-loaded]", timeout=20_000)
                    page.wait_for_timeout(500)
                target = out / f"{name}{suffix}.png"
                page.screenshot(path=str(target), full_page=name not in ("article", "story", "map") or bool(suffix),
                                clip=None)
                written.append(target)
            page.close()
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="the store to show")
    parser.add_argument("--out", type=Path, default=Path("docs/web"), help="folder for the PNG files")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium executable")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_server(args.db, port)
    try:
        for path in shoot(f"http://127.0.0.1:{port}", args.out, args.chromium):
            print(path)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
