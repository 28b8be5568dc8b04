"""Ingest throughput end to end (reading, analysis on --jobs processes, store, linking) and query time.

Builds a corpus of N news texts from the shared data folder (FNC-1 bodies, BASIL, PolNeAR, PTC
articles, interleaved) as .txt files with sidecar metadata in a temporary folder outside the repo,
runs ``claimtrace ingest`` on it as a user would, samples the resident memory of the whole process
tree (parent and workers) every 0.2 s, then times ``claimtrace conflicts --json`` on the store.

    python benchmarks/ingest.py --data /work/shared/data [--n 1000] [--jobs 2] [--json]

JSON keys: articles_per_s, peak_rss_mb, n_articles, conflicts_s (plus details).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

csv.field_size_limit(sys.maxsize)


def fnc_bodies(data: Path) -> Iterator[tuple[str, dict]]:
    seen: set[str] = set()
    for split in ("train", "dev"):
        path = data / "stance" / "fnc1" / split / "bodies.csv"
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["Body ID"] not in seen:
                    seen.add(row["Body ID"])
                    yield row["articleBody"], {}


def basil_articles(data: Path) -> Iterator[tuple[str, dict]]:
    for path in sorted((data / "basil" / "articles").glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [" ".join(p) for p in record.get("body-paragraphs", [])]
        meta = {"title": record.get("title"), "outlet": (record.get("source") or "").lower(),
                "published": record.get("date"), "url": record.get("url")}
        yield "\n\n".join(paragraphs), {k: v for k, v in meta.items() if v}


def polnear_articles(data: Path) -> Iterator[tuple[str, dict]]:
    for split in ("train", "dev"):
        for path in sorted((data / "polnear" / split / "text").glob("*.txt")):
            outlet, published = path.name.split("_")[:2]
            text = path.read_text(encoding="utf-8")
            title, _, body = text.partition("\n")
            yield body, {"title": title.strip(), "outlet": outlet, "published": published}


def ptc_articles(data: Path) -> Iterator[tuple[str, dict]]:
    for path in sorted((data / "persuasion" / "ptc" / "train" / "train-articles").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        yield body, {"title": title.strip()}


def conll_documents(data: Path) -> Iterator[tuple[str, dict]]:
    """Reuters stories of CoNLL-2003 (all three files), detokenized; the dateline gives the date."""
    for name in ("eng.train", "eng.testa", "eng.testb"):
        path = data / "conll2003" / name
        if not path.is_file():
            continue
        lines: list[list[str]] = []
        for raw in path.read_text(encoding="utf-8").splitlines() + ["-DOCSTART- -X- O O"]:
            if raw.startswith("-DOCSTART-"):
                if lines:
                    yield _conll_article(lines)
                lines = [[]]
            elif not raw.strip():
                if lines and lines[-1]:
                    lines.append([])
            elif lines:
                lines[-1].append(raw.split(" ")[0])


_SPACE_BEFORE = re.compile(r" ([,.;:!?%)\]}]|'s|n't|'re|'ll|'ve|'d)")
_SPACE_AFTER = re.compile(r"([(\[{$]) ")


def _detokenize(tokens: list[str]) -> str:
    return _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", " ".join(tokens)))


def _conll_article(sentences: list[list[str]]) -> tuple[str, dict]:
    sentences = [s for s in sentences if s]
    title = _detokenize(sentences[0]) if sentences else ""
    meta: dict = {"title": title.title() if title.isupper() else title, "outlet": "reuters"}
    for sentence in sentences[1:3]:
        found = re.search(r"\b(1996|1997)-(\d\d)-(\d\d)\b", " ".join(sentence))
        if found:
            meta["published"] = found.group(0)
            break
    return "\n".join(_detokenize(s) for s in sentences[1:]), meta


def geo_articles(data: Path) -> Iterator[tuple[str, dict]]:
    """GeoWebNews and TR-News articles (title, link and text elements)."""
    import xml.etree.ElementTree as ElementTree

    for name in ("GWN.xml", "TR-News.xml"):
        path = data / "geo" / name
        if not path.is_file():
            continue
        for article in ElementTree.parse(path).getroot().iter("article"):
            text = article.findtext("text") or ""
            meta = {"title": article.findtext("title"), "url": article.findtext("link")}
            yield text, {k: v.strip() for k, v in meta.items() if v and v.strip()}


def arc_bodies(data: Path) -> Iterator[tuple[str, dict]]:
    """ARC bodies: readers' comments on news debates, short (about 570 characters on average)."""
    path = data / "stance" / "arc" / "train" / "bodies.csv"
    if path.is_file():
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                yield row["articleBody"], {}


def ud_documents(data: Path) -> Iterator[tuple[str, dict]]:
    """Documents of UD English-EWT (web text: blogs, e-mails, reviews, answers) and GUM, from ``# text``."""
    paths = sorted((data / "ud-ewt").glob("*.conllu")) + sorted((data / "gum").glob("*.conllu"))
    for path in paths:
        sentences: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines() + ["# newdoc id = end"]:
            if line.startswith("# newdoc"):
                if sentences:
                    yield "\n".join(sentences), {}
                sentences = []
            elif line.startswith("# text = "):
                sentences.append(line[len("# text = "):])


def build_corpus(data: Path, n: int, folder: Path, mix: str = "news") -> int:
    """Write up to ``n`` articles (interleaving the sources) into ``folder``; return how many.

    ``news`` mixes news articles only; ``all`` adds ARC's short comments and UD's web documents,
    to reach 10,000 texts.
    """
    sources = [fnc_bodies(data), polnear_articles(data), basil_articles(data), ptc_articles(data),
               conll_documents(data), geo_articles(data)]
    if mix == "all":
        sources += [arc_bodies(data), ud_documents(data)]
    mixed = (item for group in itertools.zip_longest(*sources) for item in group if item is not None)
    count = 0
    for count, (text, meta) in enumerate(itertools.islice(mixed, n), 1):
        path = folder / f"{count:05d}.txt"
        path.write_text(f"{meta.pop('title', '') or ''}\n{text}\n", encoding="utf-8")
        if meta:
            path.with_name(path.name + ".meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return count


class TreeMemory:
    """Peak summed RSS of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in _tree(self.pid)))
            self._stop.wait(self.interval)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_ingest(folder: Path, db: Path, jobs: int) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "claimtrace.cli", "ingest", str(folder), "--db", str(db), "--jobs", str(jobs),
               "--quiet"]
    started = time.perf_counter()
    cpu_before = _children_cpu()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMemory(process.pid) as memory:
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"ingest failed ({process.returncode}): {err.strip()}")
    return seconds, memory.peak_kb, _children_cpu() - cpu_before, out.strip()


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished descendant, pool workers included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_conflicts(db: Path) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "claimtrace.cli", "conflicts", "--db", str(db), "--json"],
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - started, len(json.loads(done.stdout))


def store_counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    tables = ("articles", "claims", "relations", "stories", "skips")
    counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
    counts["unlinked"] = con.execute("SELECT COUNT(*) FROM articles WHERE linked = 0").fetchone()[0]
    con.close()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--n", type=int, default=10_000, help="articles to ingest (default 10000)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mix", choices=("news", "all"), default="news",
                        help="news articles only (about 5,000), or all texts incl. ARC comments and UD web documents "
                             "(about 10,700)")
    parser.add_argument("--workdir", type=Path, help="where to build the corpus and store (default: a temp dir)")
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory(prefix="claimtrace-bench-", dir=args.workdir) as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        n_articles = build_corpus(args.data, args.n, folder, args.mix)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in folder.glob("*.txt"))
        db = Path(tmp) / "bench.db"
        load_before = os.getloadavg()[0]
        seconds, peak_kb, cpu_s, summary = run_ingest(folder, db, args.jobs)
        load_after = os.getloadavg()[0]
        conflicts_s, n_conflicts = time_conflicts(db)
        counts = store_counts(db)
    figures = {
        "articles_per_s": round(n_articles / seconds, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "n_articles": n_articles,
        "conflicts_s": round(conflicts_s, 3),
        "ingest_s": round(seconds, 1),
        "jobs": args.jobs,
        "cpu_s_per_article": round(cpu_s / n_articles, 3),
        "chars_per_article": round(chars / n_articles),
        "claims_per_article": round(counts["claims"] / max(counts["articles"], 1), 1),
        "mix": args.mix,
        "load_average_1min": [round(load_before, 1), round(load_after, 1)],
        "stored": counts,
        "conflicts": n_conflicts,
        "summary": summary,
    }
    if args.json:
        print(json.dumps(figures))
        return 0
    rows = [("articles in", n_articles), ("jobs", args.jobs), ("ingest wall time (s)", figures["ingest_s"]),
            ("articles/s end to end", figures["articles_per_s"]), ("peak RSS, all processes (MB)",
            figures["peak_rss_mb"]), ("claimtrace conflicts --json (s)", figures["conflicts_s"]),
            ("contradicting pairs", n_conflicts), ("CPU s per article (all processes)", figures["cpu_s_per_article"]),
            ("mix / characters / claims per article", f"{args.mix} / {figures['chars_per_article']} / "
             f"{figures['claims_per_article']}"),
            ("load average before / after", figures["load_average_1min"])] + [(f"stored {k}", v) for k, v in counts.items()]
    width = max(len(k) for k, _ in rows)
    print(summary)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
