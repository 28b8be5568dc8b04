"""Cross-outlet relations on a story set: corroborates, contradicts, updates against the gold stances.

    python benchmarks/relations.py --data /work/shared/data/stories/ahli-hospital-2023 [--json]
    python benchmarks/relations.py --data STORY_DIR --scale STORE.db [--sizes 1000,3000,10000] [--json]

Ingests ``articles.jsonl`` of the story folder into a fresh store (``claimtrace ingest`` as a user runs
it, linking included), reads every stored relation and scores it by the rule of the story folders'
README ("How relations are scored"): each claim of a relation is mapped to the gold quote of its
article that it overlaps most (at least half of the shorter text's words); a relation between two
mapped quotes whose stances are both outside ``neutral`` is judged against the gold relation of the
pair (opposed stances or a polarity flip: contradicts; same: corroborates; with ``dates`` true,
opposed pairs further apart than ``window_days`` are updates and undated pairs are not judged).
Precision, recall and F1 per type over judged pairs (distinct quote pairs), macro F1 over the types
with gold pairs.

``--scale STORE`` also measures linking cost: the store holds analysed, unlinked articles (e.g.
``claimtrace ingest --no-link`` of the news texts ``benchmarks/ingest.py`` writes); a copy is
embedded once (ingest computes the vectors while analysing), then for each size N its first N
articles are copied into a fresh store and linked in one call on one process, as ingest does. The
growth exponent is the least-squares slope of log(CPU seconds) on log(N).

JSON keys: macro_f1, contradicts_precision, contradicts_recall, contradicts_f1, corroborates_f1,
updates_f1, link_exponent (null without --scale), plus counts and details.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from report import print_figures

KINDS = ("contradicts", "corroborates", "updates")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class GoldQuote:
    article: str
    index: int
    quote: str
    stance: str
    polarity: str
    published: date | None


@dataclass
class StorySet:
    articles: list[dict[str, Any]]
    quotes: dict[str, list[GoldQuote]]  # by article id, every gold claim (a nested source: two on one quote)
    rules: dict[str, Any]


def load_story(folder: Path) -> StorySet:
    articles = [json.loads(line) for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    published = {a["id"]: _day(a.get("published")) for a in articles}
    quotes: dict[str, list[GoldQuote]] = {}
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        quotes[record["id"]] = [
            GoldQuote(record["id"], i, claim["quote"], claim["stance"], claim["polarity"], published.get(record["id"]))
            for i, claim in enumerate(record["claims"])
        ]
    rules = json.loads((folder / "relations.json").read_text(encoding="utf-8"))
    return StorySet(articles, quotes, rules)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def gold_relation(a: GoldQuote, b: GoldQuote, rules: dict[str, Any]) -> str | None:
    """The gold relation of two quotes of different articles, or None when the pair is not judged."""
    neutral = set(rules.get("neutral", []))
    if a.article == b.article or a.stance in neutral or b.stance in neutral:
        return None
    opposed_stances = {frozenset(p) for p in rules.get("opposed", [])}
    same_stances = {frozenset(p) for p in rules.get("same", [])}
    same_stance = a.stance == b.stance or frozenset((a.stance, b.stance)) in same_stances
    opposed_stance = frozenset((a.stance, b.stance)) in opposed_stances
    flipped = a.polarity != b.polarity
    if (opposed_stance and not flipped) or (same_stance and flipped):
        kind = "contradicts"
    elif (same_stance and not flipped) or (opposed_stance and flipped):
        kind = "corroborates"
    else:
        return None
    if not rules.get("dates"):
        return kind
    if a.published is None or b.published is None:
        return None
    if abs((a.published - b.published).days) > rules.get("window_days", 0):
        return "updates" if kind == "contradicts" else None  # same reports years apart: not judged
    return kind


def gold_pairs(story: StorySet) -> dict[tuple[GoldQuote, GoldQuote], str]:
    every = [q for quotes in story.quotes.values() for q in quotes]
    pairs = {}
    for a, b in combinations(every, 2):
        kind = gold_relation(a, b, story.rules)
        if kind is not None:
            pairs[_ordered(a, b)] = kind
    return pairs


def _ordered(a: GoldQuote, b: GoldQuote) -> tuple[GoldQuote, GoldQuote]:
    return (a, b) if (a.article, a.index) <= (b.article, b.index) else (b, a)


def map_to_quote(text: str, quotes: list[GoldQuote]) -> list[GoldQuote]:
    """The gold claims of the quote ``text`` overlaps most, sharing at least half of the shorter
    text's words (none when no quote does)."""
    mine = words(text)
    best, best_share = None, 0.0
    for quote in dict.fromkeys(q.quote for q in quotes):
        theirs = words(quote)
        shorter = min(len(mine), len(theirs))
        if not shorter:
            continue
        share = len(mine & theirs) / shorter
        if share >= 0.5 and share > best_share:
            best, best_share = quote, share
    return [q for q in quotes if q.quote == best]


def ingest_story(folder: Path, db: Path, jobs: int) -> float:
    """Ingest the story's articles into a fresh store at ``db``; returns the seconds it took."""
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "claimtrace.cli", "ingest", str(folder / "articles.jsonl"), "--db", str(db),
         "--jobs", str(jobs), "--quiet"],
        check=True, stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def stored_relations(db: Path) -> list[dict[str, Any]]:
    """Every stored relation with the two claims' content texts and their articles' urls."""
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute(
            "SELECT r.relation, r.reason, ca.content AS a_text, aa.url AS a_url, cb.content AS b_text,"
            " ab.url AS b_url FROM relations r JOIN claims ca ON ca.id = r.a JOIN articles aa ON aa.id = ca.article_id"
            " JOIN claims cb ON cb.id = r.b JOIN articles ab ON ab.id = cb.article_id"
        ).fetchall()
    return [dict(r) for r in rows]


def score(story: StorySet, relations: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Figures per relation type and macro F1, and the judged predictions (for error analysis)."""
    gold = gold_pairs(story)
    by_url = {a["url"]: a["id"] for a in story.articles}
    predicted: dict[tuple[GoldQuote, GoldQuote], set[str]] = {}
    judged: list[dict[str, Any]] = []
    unmapped = neutral = 0
    for relation in relations:
        qa = map_to_quote(relation["a_text"], story.quotes.get(by_url.get(relation["a_url"], ""), []))
        qb = map_to_quote(relation["b_text"], story.quotes.get(by_url.get(relation["b_url"], ""), []))
        if not qa or not qb:
            unmapped += 1
            continue
        pairs = [_ordered(x, y) for x in qa for y in qb if x.article != y.article]
        pairs = [pair for pair in pairs if pair in gold]
        if not pairs:
            neutral += 1
            continue
        for pair in pairs:
            predicted.setdefault(pair, set()).add(relation["relation"])
        judged.append({**relation, "gold": gold[pairs[0]], "a_stance": qa[0].stance, "b_stance": qb[0].stance,
                       "a_polarity": qa[0].polarity, "b_polarity": qb[0].polarity})
    figures: dict[str, Any] = {}
    f1s = []
    gold_counts = Counter(gold.values())
    for kind in KINDS:
        tp = sum(1 for pair, kinds in predicted.items() if kind in kinds and gold[pair] == kind)
        found = sum(1 for kinds in predicted.values() if kind in kinds)
        precision = tp / found if found else 0.0
        recall = tp / gold_counts[kind] if gold_counts[kind] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        figures |= {f"{kind}_precision": round(precision, 4), f"{kind}_recall": round(recall, 4),
                    f"{kind}_f1": round(f1, 4), f"{kind}_gold": gold_counts[kind], f"{kind}_found": found}
        if gold_counts[kind]:
            f1s.append(f1)
    figures = {"macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0, **figures}
    figures |= {"relations_stored": len(relations), "relations_unmapped": unmapped,
                "relations_neutral": neutral, "relations_judged": len(judged)}
    return figures, judged


def relink(analysed: Path, db: Path, keep: int | None = None, jobs: int = 1) -> tuple[int, float, float]:
    """Copy the store ``analysed`` to ``db`` (its first ``keep`` articles), forget its links and link
    it again in one call; returns (articles linked, wall seconds, CPU seconds of this process)."""
    from claimtrace.link.linker import link_corpus
    from claimtrace.store import open_store

    shutil.copy(analysed, db)
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        if keep is not None:
            connection.execute(
                "DELETE FROM articles WHERE id NOT IN (SELECT id FROM articles ORDER BY id LIMIT ?)", (keep,)
            )
        connection.execute("DELETE FROM relations")
        connection.execute("UPDATE articles SET linked = 0, story_id = NULL")
        connection.execute("DELETE FROM stories")
    store = open_store(db)
    try:
        ids = store.unlinked_article_ids()
        started, cpu = time.monotonic(), time.process_time()
        link_corpus(store, ids, jobs=jobs)
        return len(ids), time.monotonic() - started, time.process_time() - cpu
    finally:
        store.close()


def embed_store(store_path: Path) -> float:
    """Compute and save every missing claim and story vector of a store (what ``ingest`` does while
    analysing, and ``ingest --no-link`` skips); returns the CPU seconds it took."""
    from claimtrace.link.embed import ensure_claim_encoder
    from claimtrace.link.linker import article_vectors
    from claimtrace.link.matching import embed_claims
    from claimtrace.store import open_store

    started = time.process_time()
    store = open_store(store_path)
    try:
        ensure_claim_encoder(store)
        claims = [c for c in store.claim_records() if c.embedding is None]
        if claims:
            store.save_embeddings(list(zip((c.id for c in claims), embed_claims(claims), strict=True)))
        articles = [a for a in store.article_records() if a.embedding is None]
        if articles:
            vectors = article_vectors(articles)
            store.save_article_embeddings(list(zip((a.id for a in articles), vectors, strict=True)))
    finally:
        store.close()
    return time.process_time() - started


def link_costs(store: Path, sizes: list[int]) -> dict[int, tuple[float, float]]:
    """(CPU, wall) seconds to link the first N articles of an analysed ``store`` in one call on one
    process, for each N, after embedding a copy of it once (ingest embeds while analysing, so the
    vectors are not linking's cost). CPU seconds are the cost: the machine is shared, wall time is not."""
    costs = {}
    with tempfile.TemporaryDirectory(prefix="claimtrace-link-") as tmp:
        embedded = Path(tmp) / "embedded.db"
        with sqlite3.connect(store) as connection:
            connection.execute("VACUUM INTO ?", (str(embedded),))
        print(f"embedded the store copy: {embed_store(embedded):.1f} CPU-s", file=sys.stderr)
        for n in sizes:
            linked, wall, cpu = relink(embedded, Path(tmp) / f"store-{n}.db", keep=n, jobs=1)
            costs[linked] = (cpu, wall)
            print(f"linked {linked} articles: {cpu:.1f} CPU-s, {wall:.1f} s", file=sys.stderr)
    return costs


def growth_exponent(costs: dict[int, float]) -> float | None:
    """Least-squares slope of log(seconds) on log(articles)."""
    points = [(math.log(n), math.log(s)) for n, s in costs.items() if n > 0 and s > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return round(sum((x - mx) * (y - my) for x, y in points) / sxx, 3) if sxx else None


def print_judged(judged: list[dict[str, Any]], limit: int) -> None:
    """The wrong judged predictions, for error analysis (stderr)."""
    wrong = [j for j in judged if j["relation"] != j["gold"]]
    print(f"{len(wrong)} wrong of {len(judged)} judged relations", file=sys.stderr)
    for j in wrong[:limit]:
        print(f"- {j['relation']} (gold {j['gold']}): {j['reason']}\n    A [{j['a_stance']}/{j['a_polarity']}] "
              f"{j['a_text'][:160]}\n    B [{j['b_stance']}/{j['b_polarity']}] {j['b_text'][:160]}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a story folder (articles.jsonl, gold.jsonl, relations.json)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--db", type=Path, help="keep the store here (default: a temporary file)")
    parser.add_argument("--analysed", type=Path, help="relink a copy of this store of the story instead of ingesting")
    parser.add_argument("--scale", type=Path, help="an analysed, unlinked store to measure linking cost on")
    parser.add_argument("--sizes", default="1000,3000,10000", help="article counts for --scale")
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong relations to stderr")
    args = parser.parse_args(argv)
    try:
        story = load_story(args.data)
    except (OSError, KeyError, json.JSONDecodeError) as error:
        print(f"error: cannot read the story folder {args.data}: {error}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="claimtrace-relations-") as tmp:
        db = args.db or Path(tmp) / "story.db"
        for stale in (db, db.with_name(db.name + ".claims.faiss")):
            if stale.exists():
                stale.unlink()
        if args.analysed:
            seconds = relink(args.analysed, db, jobs=args.jobs)[1]
        else:
            seconds = ingest_story(args.data, db, args.jobs)
        relations = stored_relations(db)
    figures, judged = score(story, relations)
    figures["ingest_s" if not args.analysed else "link_s"] = round(seconds, 1)
    figures["link_exponent"] = None
    if args.scale:
        costs = link_costs(args.scale, [int(s) for s in args.sizes.split(",")])
        figures["link_exponent"] = growth_exponent({n: cpu for n, (cpu, _) in costs.items()})
        figures["link_exponent_wall"] = growth_exponent({n: wall for n, (_, wall) in costs.items()})
        figures["link_cpu_seconds"] = {str(n): round(cpu, 1) for n, (cpu, _) in costs.items()}
        figures["link_wall_seconds"] = {str(n): round(wall, 1) for n, (_, wall) in costs.items()}
    if args.errors:
        print_judged(judged, args.errors)
    print_figures(figures, args.json, f"relations on {args.data.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
