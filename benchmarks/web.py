"""Latency of ``claimtrace serve`` under a bounded load on the loopback address.

Builds (or reuses, with ``--store``) a store of the shared news texts (the mix of
``benchmarks/ingest.py --mix news``, about 5,000 articles), starts ``claimtrace serve``
on 127.0.0.1, sends a fixed number of requests per page and API route (ids, words and
filters drawn with a fixed seed from the store) at a fixed concurrency, then stops the
server. Reports p50 / p95 latency per route, requests per second and errors.

    python benchmarks/web.py --data /work/shared/data [--store PATH] [--n 5000] [--requests 40]
                             [--concurrency 4] [--json]

JSON keys: p95_ms_max (the slowest page's p95), errors, requests_per_s (plus details).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import build_corpus  # noqa: E402

WORDS = ["ceasefire", "police", "killed", "president", "election", "Russia", "minister said", "troops",
         "attack", "government", "border", "officials", "protest", "court", "refugees", "missile"]
KINDS = ["government", "anonymous", "person", "organization", "media", "witness"]


def build_store(data: Path, n: int, store: Path, jobs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="claimtrace-web-bench-") as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        build_corpus(data, n, folder, "news")
        command = [sys.executable, "-m", "claimtrace.cli", "ingest", str(folder), "--db", str(store), "--jobs",
                   str(jobs), "--quiet"]
        subprocess.run(command, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})


def sample_ids(store: Path, k: int, seed: int) -> dict[str, list]:
    """Article, story and claim ids (claims with relations, stories of every size) and outlets, drawn at random."""
    rng = random.Random(seed)
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)

    def column(sql: str) -> list:
        return [r[0] for r in db.execute(sql)]

    found = {
        "article": column("SELECT id FROM articles"),
        "story": column("SELECT id FROM stories"),
        "claim": column("SELECT DISTINCT b FROM relations") or column("SELECT id FROM claims"),
        "outlet": column("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL"),
    }
    largest = column("SELECT story_id FROM articles WHERE story_id IS NOT NULL GROUP BY story_id"
                     " ORDER BY COUNT(*) DESC LIMIT 1")
    db.close()
    picked = {name: [rng.choice(values) for _ in range(k)] if values else [] for name, values in found.items()}
    picked["largest_story"] = largest
    return picked


def routes(ids: dict[str, list], rng: random.Random) -> dict[str, list[str]]:
    """Label -> the URLs to request (one per request); pages first, then the API (labels start with /api)."""
    k = len(ids["article"])

    def words() -> str:
        return quote(rng.choice(WORDS))

    def filtered() -> str:
        return urlencode({"q": rng.choice(WORDS), "source_kind": rng.choice(KINDS), "since": "1990-01-01"})

    outlets = ids["outlet"] or [""]
    return {
        "page /": ["/"] * k,
        "page /?q=": [f"/?q={words()}" for _ in range(k)],
        "page /?q=&filters": [f"/?{filtered()}" for _ in range(k)],
        "page /articles/{id}": [f"/articles/{i}" for i in ids["article"]],
        "page /stories": ["/stories"] * k,
        "page /stories/{id}": [f"/stories/{i}" for i in ids["story"]],
        "page /stories/{largest}": [f"/stories/{ids['largest_story'][0]}"] * k if ids["largest_story"] else [],
        # a new offset each time: never served from the page cache, so this is what a page costs to build
        "page /stories/{largest}?offset= (uncached)": ([f"/stories/{ids['largest_story'][0]}?offset={1 + i}"
                                                        for i in range(k)] if ids["largest_story"] else []),
        "page /claims/{id}": [f"/claims/{i}" for i in ids["claim"]],
        "page /conflicts": ["/conflicts"] * k,
        "page /conflicts?outlet=": [f"/conflicts?outlet={quote(rng.choice(outlets))}" for _ in range(k)],
        "page /outlets": ["/outlets"] * k,
        "page /map": ["/map"] * k,
        "page /map?since=": [f"/map?since={rng.choice(['2019', '2021-06', '2023-01-15'])}" for _ in range(k)],
        "page /analyze": ["/analyze"] * k,
        "/api/articles?q=": [f"/api/articles?q={words()}" for _ in range(k)],
        "/api/claims?q=": [f"/api/claims?q={words()}" for _ in range(k)],
        "/api/claims?q=&format=csv": [f"/api/claims?q={words()}&format=csv&limit=200" for _ in range(k)],
        "/api/articles/{id}": [f"/api/articles/{i}" for i in ids["article"]],
        "/api/claims/{id}": [f"/api/claims/{i}" for i in ids["claim"]],
        "/api/stories": ["/api/stories"] * k,
        "/api/stories/{id}": [f"/api/stories/{i}" for i in ids["story"]],
        "/api/conflicts": ["/api/conflicts"] * k,
        "/api/outlets": ["/api/outlets"] * k,
        "/api/places": ["/api/places"] * k,
        "/api/event-places": ["/api/event-places"] * k,
    }


def start_server(store: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "claimtrace.cli", "serve", "--db", str(store), "--port",
                                str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped: {process.stderr.read().strip()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("GET", "/api/stories?limit=1")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("the server did not answer within 300 s")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One keep-alive connection per worker thread, to 127.0.0.1 only."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def get(self, url: str) -> tuple[float, int]:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started = time.perf_counter()
        try:
            connection.request("GET", url)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.local.connection = None
            status = 0
        return (time.perf_counter() - started) * 1000, status


def run_load(port: int, plan: dict[str, list[str]], concurrency: int, seed: int) -> tuple[dict, float, dict]:
    client = Client(port)
    # warm-up: one request per route (templates, whole-store aggregates cached until the store changes),
    # timed apart and not counted in the percentiles
    first = {label: client.get(urls[0]) for label, urls in plan.items() if urls}
    jobs = [(label, url) for label, urls in plan.items() for url in urls]
    random.Random(seed).shuffle(jobs)
    results: dict[str, list[tuple[float, int]]] = defaultdict(list)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for (label, _), outcome in zip(jobs, pool.map(lambda job: client.get(job[1]), jobs), strict=True):
            results[label].append(outcome)
    return results, time.perf_counter() - started, first


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--store", type=Path, help="a store to reuse (built there from --data when missing)")
    parser.add_argument("--n", type=int, default=5000, help="news articles to ingest when building (default 5000)")
    parser.add_argument("--jobs", type=int, default=2, help="ingest processes when building")
    parser.add_argument("--requests", type=int, default=40, help="requests per route (default 40)")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight (default 4)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="claimtrace-web-") as tmp:
        store = args.store or Path(tmp) / "store.db"
        if not store.is_file():
            build_store(args.data, args.n, store, args.jobs)
        ids = sample_ids(store, args.requests, args.seed)
        plan = routes(ids, random.Random(args.seed))
        port = free_port()
        server = start_server(store, port)
        load = os.getloadavg()[0]
        try:
            results, seconds, first = run_load(port, plan, args.concurrency, args.seed)
        finally:
            server.terminate()
            server.wait(timeout=20)
        n_articles = sqlite3.connect(f"file:{store}?mode=ro", uri=True).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    table = {
        label: {"n": len(v), "p50_ms": round(statistics.median(ms for ms, _ in v), 1),
                "p95_ms": round(percentile([ms for ms, _ in v], 0.95), 1),
                "errors": sum(1 for _, status in v if status != 200), "first_ms": round(first[label][0], 1)}
        for label, v in results.items()
    }
    total = sum(row["n"] for row in table.values())
    figures = {
        "p95_ms_max": max(row["p95_ms"] for label, row in table.items() if label.startswith("page")),
        "errors": sum(row["errors"] for row in table.values()),
        "requests_per_s": round(total / seconds, 1),
        "requests": total, "concurrency": args.concurrency, "articles": n_articles,
        "load_average_1min": round(load, 1), "routes": table,
    }
    if args.json:
        print(json.dumps(figures))
        return 0
    width = max(len(label) for label in table)
    print(f"{'route':<{width}}  {'n':>4}  {'p50 ms':>8}  {'p95 ms':>8}  errors  {'first ms':>9}")
    for label, row in table.items():
        print(f"{label:<{width}}  {row['n']:>4}  {row['p50_ms']:>8}  {row['p95_ms']:>8}  {row['errors']:>6}  "
              f"{row['first_ms']:>9}")
    print(f"{total} requests at concurrency {args.concurrency} on {n_articles} articles: "
          f"{figures['requests_per_s']} requests/s, {figures['errors']} errors, slowest page p95 "
          f"{figures['p95_ms_max']} ms (load average {figures['load_average_1min']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
