"""Benchmark of casualty extraction, on a story folder or on a CSV of war articles.

**Story folder** (``articles.jsonl`` + ``gold.jsonl``, the layout of ``shared/data/stories/*``): every
gold claim with a ``toll`` is a figure to find. Each article runs through ``claimtrace.analyze``; the
toll a claim gets is the first affirmed casualty count inside its quote (else the first negated one). A gold toll is found when
that count overlaps the toll's words in the quote and has the same lowest figure (``parse_count``
on both sides, so "at least 471" matches the gold "471"). ``toll_recall`` is over gold claims with a
toll, ``toll_precision`` over the gold claims to which we give a toll that is judged: a death count always
(inside a claim whose toll is null it is a false figure), another count (injured, missing, evacuated,
...) only where the claim has a gold toll, because the sets disagree on them (al-Ahli's tolls are deaths
only, Kakhovka's include the missing, evacuated and flooded homes). Counts outside every annotated quote
are not judged (``unjudged``).

**CSV** with the columns ``article_title, article_content, source, date, location, actor,
cause_of_death, nb_children, nb_civilians, nb_noncivilians, nb_women`` (encoding detected with
charset-normalizer): per article, the civilian (or unspecified people), children, women and
non-civilian death counts we read (the largest count of that kind in the article) against the gold
integers, over the articles whose gold count is above zero (``civilians_exact``,
``civilians_within_10pct``, ``children_exact``, ``women_exact``, ``noncivilians_exact``); the
location is right when a place of the article's first death count (else its most named place) has
the gold location in its words or name (``location_accuracy``); the cause is right when the gold
cause's words name our cause (``cause_accuracy``).

Usage: python benchmarks/casualties.py --data /work/shared/data/stories/ahli-hospital-2023 [--json]
       python benchmarks/casualties.py --data articles.csv [--json]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimtrace.errors import ClaimtraceError
from claimtrace.extract.events.casualties import CAUSES, COUNT_RE, parse_count
from claimtrace.model import Analysis, Casualty
from report import print_figures

KIND_ORDER = ("killed", "missing", "injured", "displaced", "evacuated", "affected", "damaged")
CSV_COLUMNS = ("article_title", "article_content", "source", "date", "location", "actor", "cause_of_death",
               "nb_children", "nb_civilians", "nb_noncivilians", "nb_women")
CIVILIAN_WHO = ("civilians", "unspecified")
NONCIVILIAN_WHO = ("combatants", "soldiers", "police")


@dataclass
class GoldToll:
    quote_start: int
    quote_end: int
    toll: str | None
    toll_start: int = -1
    toll_end: int = -1


def _analyze(text: str, published: str | None = None, title: str | None = None) -> Analysis:
    from claimtrace.pipeline import analyze

    return analyze(text, title=title, published=published, force=True)


# ---- story folders ------------------------------------------------------------------------------

def read_story(folder: Path) -> list[tuple[dict[str, Any], list[GoldToll]]]:
    articles = {a["id"]: a for a in _jsonl(folder / "articles.jsonl")}
    out = []
    for gold in _jsonl(folder / "gold.jsonl"):
        article = articles.get(gold["id"])
        if article is None:
            continue
        out.append((article, [t for t in (_gold_toll(article["text"], c) for c in gold["claims"]) if t]))
    return out


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _gold_toll(text: str, claim: dict[str, Any]) -> GoldToll | None:
    quote = claim.get("quote") or ""
    start = text.find(quote)
    if not quote or start < 0:
        return None
    gold = GoldToll(start, start + len(quote), claim.get("toll"))
    if gold.toll:
        at = quote.find(gold.toll)
        gold.toll_start, gold.toll_end = (start + at, start + at + len(gold.toll)) if at >= 0 else (-1, -1)
    return gold


def claim_toll(casualties: list[Casualty], start: int, end: int) -> Casualty | None:
    """The count a claim's quote gives: the first affirmed one, else the first ("weren't 500, more likely 10")."""
    inside = [c for c in casualties if start <= c.start and c.end <= end and c.kind in KIND_ORDER]
    if not inside:
        return None
    return min(inside, key=lambda c: (c.negated, c.start))


def toll_matches(found: Casualty, gold: GoldToll) -> bool:
    if not gold.toll or not (found.start < gold.toll_end and gold.toll_start < found.end):
        return False
    written = COUNT_RE.search(gold.toll)
    wanted = parse_count(written.group("count"), written.group("qual")) if written else parse_count(gold.toll)
    return wanted.value == found.value


def score_story(folder: Path) -> dict[str, Any]:
    articles = read_story(folder)
    tp = with_gold = given = unjudged = 0
    started = time.perf_counter()
    for article, tolls in articles:
        analysis = _analyze(article["text"], article.get("published"))
        judged_ranges = [(t.quote_start, t.quote_end) for t in tolls]
        unjudged += sum(1 for c in analysis.casualties
                        if not any(s <= c.start and c.end <= e for s, e in judged_ranges))
        for gold in tolls:
            found = claim_toll(analysis.casualties, gold.quote_start, gold.quote_end)
            with_gold += bool(gold.toll)
            given += found is not None and (bool(gold.toll) or found.kind == "killed")
            tp += found is not None and toll_matches(found, gold)
    return {
        "articles": len(articles),
        "gold_tolls": with_gold,
        "toll_recall": tp / with_gold if with_gold else 0.0,
        "toll_precision": tp / given if given else 0.0,
        "unjudged": unjudged,
        "articles_per_second": len(articles) / (time.perf_counter() - started),
    }


# ---- CSV of articles ----------------------------------------------------------------------------

def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of the CSV, whatever its encoding (detected with charset-normalizer)."""
    from charset_normalizer import from_bytes

    raw = path.read_bytes()
    best = from_bytes(raw).best()
    if best is None:
        raise ClaimtraceError(f"{path}: cannot detect the text encoding")
    rows = list(csv.DictReader(io.StringIO(str(best))))
    missing = [c for c in CSV_COLUMNS if rows and c not in rows[0]]
    if missing:
        raise ClaimtraceError(f"{path}: missing columns {', '.join(missing)}")
    return rows


def _gold_int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def deaths_by(casualties: list[Casualty], who: tuple[str, ...]) -> int | None:
    values = [c.value for c in casualties
              if c.kind == "killed" and c.who in who and not c.negated and c.value is not None]
    return max(values) if values else None


def cause_of(words: str) -> str | None:
    lowered = (words or "").lower()
    found = [(lowered.find(w), cause) for cause, options in CAUSES for w in options if w in lowered]
    return min(found)[1] if found else None


def article_location(analysis: Analysis) -> list[str]:
    deaths = [c for c in analysis.casualties if c.kind == "killed" and c.place]
    if deaths:
        place = deaths[0].place
        return [place.text, place.name]
    named = Counter(p.name for p in analysis.places if p.name)
    return [named.most_common(1)[0][0]] if named else []


def score_csv(path: Path) -> dict[str, Any]:
    rows = read_csv(path)
    hits: dict[str, list[bool]] = {k: [] for k in (
        "civilians_exact", "civilians_within_10pct", "children_exact", "women_exact", "noncivilians_exact",
        "location_accuracy", "cause_accuracy")}
    started = time.perf_counter()
    for row in rows:
        text = row.get("article_content") or ""
        if not text.strip():
            continue
        analysis = _analyze(text, (row.get("date") or None), row.get("article_title") or None)
        for key, who, column in (("civilians", CIVILIAN_WHO, "nb_civilians"), ("children", ("children",), "nb_children"),
                                 ("women", ("women",), "nb_women"), ("noncivilians", NONCIVILIAN_WHO, "nb_noncivilians")):
            gold = _gold_int(row.get(column))
            if not gold:
                continue
            mine = deaths_by(analysis.casualties, who)
            hits[f"{key}_exact"].append(mine == gold)
            if key == "civilians":
                hits["civilians_within_10pct"].append(mine is not None and abs(mine - gold) <= 0.1 * gold)
        if (row.get("location") or "").strip():
            wanted = row["location"].strip().lower()
            hits["location_accuracy"].append(any(wanted in n.lower() or n.lower() in wanted
                                                 for n in article_location(analysis) if n))
        if (row.get("cause_of_death") or "").strip():
            causes = {c.cause for c in analysis.casualties if c.cause}
            hits["cause_accuracy"].append(cause_of(row["cause_of_death"]) in causes)
    figures: dict[str, Any] = {"articles": len(rows)}
    for key, values in hits.items():
        figures[key] = sum(values) / len(values) if values else 0.0
        figures[f"{key}_n"] = len(values)
    figures["articles_per_second"] = len(rows) / (time.perf_counter() - started)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a story folder or a CSV file")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.data.is_dir():
            figures, title = score_story(args.data), f"casualty tolls, {args.data.name}"
        else:
            figures, title = score_csv(args.data), f"casualty counts, {args.data.name}"
    except (OSError, ValueError, KeyError, ClaimtraceError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print_figures(figures, args.json, title)
    return 0


if __name__ == "__main__":
    sys.exit(main())
