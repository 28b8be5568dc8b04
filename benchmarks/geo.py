"""Geoparsing benchmark on the XML of GeoWebNews (GWN.xml) or TR-News (TR-News.xml).

Resolution with gold spans: every gold toponym that has coordinates is handed
to ``resolve_mentions`` with its article; the error is the great-circle
distance to the gold point. Figures: accuracy within 161 km (100 miles),
mean and median error, and the AUC of Gritta et al. (2018): the area under
the curve of the sorted ``ln(1 + error_km)``, normalized by ``ln(20039)`` (the
largest possible error) so 0 is perfect and 1 is worst.

End to end (``--e2e``, needs the trained pipeline): our own detection
(``find_places`` with demonyms included, since the gold has them) against
the gold toponyms with coordinates: precision, recall and F1 of spans (a
prediction matches a gold span it overlaps), then accuracy within 161 km on
the matched ones.

``acc_at_161`` uses ``resolve_mentions``' default (names the gazetteer lacks
get the point of the nearest town mentioned); ``acc_at_161_no_guess`` leaves
them without coordinates (counted as the maximum error).

Also the gazetteer's build time (``--build``), load time, the resident memory
it adds once loaded (``gazetteer_mb``) and its size on disk.

    python benchmarks/geo.py --data /path/GWN.xml [--e2e] [--build] [--json] [--limit N]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from statistics import mean, median

from claimtrace.geo import distance_km
from report import print_figures

MAX_ERROR_KM = 20039.0
ACCURACY_KM = 161.0


@dataclass
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float
    lon: float


@dataclass
class GoldArticle:
    text: str
    toponyms: list[GoldToponym]


def _float(node: ET.Element | None) -> float | None:
    if node is None or node.text is None or not node.text.strip():
        return None
    return float(node.text)


def _gwn_article(node: ET.Element) -> GoldArticle:
    text = node.findtext("text") or ""
    toponyms = []
    for t in node.iter("toponym"):
        lat, lon = _float(t.find("latitude")), _float(t.find("longitude"))
        if lat is None or lon is None:
            continue
        name = t.findtext("extractedName") or ""
        start = _reanchor(text, name, max(0, int(t.findtext("start"))))
        if name and text[start: start + len(name)] == name:  # a few offsets are off: found again by name
            toponyms.append(GoldToponym(start, start + len(name), name, lat, lon))
    return GoldArticle(text, toponyms)


def _reanchor(text: str, phrase: str, start: int) -> int:
    """TR-News offsets drift in some articles: find the phrase nearest the given start."""
    if not phrase or text[start: start + len(phrase)] == phrase:
        return start
    best = None
    for found in _occurrences(text, phrase):
        if best is None or abs(found - start) < abs(best - start):
            best = found
    return best if best is not None else start


def _occurrences(text: str, phrase: str):  # noqa: ANN202
    index = text.find(phrase)
    while index != -1:
        yield index
        index = text.find(phrase, index + 1)


def _trnews_article(node: ET.Element) -> GoldArticle:
    text = node.findtext("text") or ""
    toponyms = []
    for t in node.iter("toponym"):
        tag = t.find("gaztag")
        if tag is None:
            continue
        lat, lon = _float(tag.find("lat")), _float(tag.find("lon"))
        if lat is None or lon is None:
            continue
        phrase = t.findtext("phrase") or ""
        start = _reanchor(text, phrase, max(0, int(t.findtext("start"))))
        if phrase and text[start: start + len(phrase)] == phrase:
            toponyms.append(GoldToponym(start, start + len(phrase), phrase, lat, lon))
    return GoldArticle(text, toponyms)


def read_corpus(path: Path) -> list[GoldArticle]:
    """Articles with their gold toponyms that carry coordinates (either XML format)."""
    root = ET.parse(path).getroot()
    articles = []
    for node in root.iter("article"):
        is_trnews = any(t.find("gaztag") is not None for t in node.iter("toponym")) or node.find("url") is not None
        articles.append(_trnews_article(node) if is_trnews else _gwn_article(node))
    return articles


def auc(errors: list[float]) -> float:
    """Gritta et al.'s AUC of the error curve: 0 is perfect, 1 is every point at the antipode."""
    if not errors:
        return float("nan")
    logs = sorted(math.log(1 + e) for e in errors)
    if len(logs) == 1:
        return logs[0] / math.log(MAX_ERROR_KM)
    area = sum((a + b) / 2 for a, b in zip(logs, logs[1:], strict=False))
    return area / ((len(logs) - 1) * math.log(MAX_ERROR_KM))


def error_figures(errors: list[float]) -> dict[str, float]:
    if not errors:
        return {"acc_at_161": float("nan"), "mean_km": float("nan"), "median_km": float("nan"), "auc": float("nan"),
                "n": 0}
    return {
        "acc_at_161": round(sum(e <= ACCURACY_KM for e in errors) / len(errors), 4),
        "mean_km": round(mean(errors), 1),
        "median_km": round(median(errors), 1),
        "auc": round(auc(errors), 4),
        "n": len(errors),
    }


def resolution_errors(articles: list[GoldArticle], verbose: bool = False, guess: bool = True) -> list[float]:
    from claimtrace.extract.places import resolve_mentions

    errors = []
    for article in articles:
        spans = [(t.start, t.end) for t in article.toponyms]
        places = resolve_mentions(article.text, spans, guess_unknown=guess)
        for gold, place in zip(article.toponyms, places, strict=True):
            error = MAX_ERROR_KM if place.lat is None else distance_km(gold.lat, gold.lon, place.lat, place.lon)
            errors.append(error)
            if verbose and error > ACCURACY_KM:
                print(f"{error:8.0f} km  {gold.text!r} -> {place.name} {place.feature} {place.country} "
                      f"({place.lat}, {place.lon}) gold ({gold.lat}, {gold.lon})", file=sys.stderr)
    return errors


def end_to_end(articles: list[GoldArticle]) -> dict[str, float]:
    from claimtrace.extract.places import find_places
    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline(with_components=False)
    true_positive = predicted = gold_total = 0
    errors = []
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True):
        places = [p for p in find_places(doc, include_demonyms=True)]
        predicted += len(places)
        gold_total += len(article.toponyms)
        used: set[int] = set()
        for gold in article.toponyms:
            match = next((i for i, p in enumerate(places)
                          if i not in used and p.start < gold.end and gold.start < p.end), None)
            if match is None:
                continue
            used.add(match)
            true_positive += 1
            place = places[match]
            errors.append(MAX_ERROR_KM if place.lat is None else distance_km(gold.lat, gold.lon, place.lat, place.lon))
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "e2e_precision": round(precision, 4), "e2e_recall": round(recall, 4), "e2e_f1": round(f1, 4),
        "e2e_acc_at_161": error_figures(errors)["acc_at_161"],
    }


def gazetteer_figures(build: bool) -> dict[str, float]:
    from claimtrace.geo import index

    figures: dict[str, float] = {}
    if build:
        started = time.perf_counter()
        index.build_gazetteer()
        figures["build_s"] = round(time.perf_counter() - started, 2)
    index.load_gazetteer.cache_clear()
    index.ensure_index()
    rss_before = _rss_mb()
    started = time.perf_counter()
    gazetteer = index.load_gazetteer()
    gazetteer.lookup("Paris")
    figures["load_s"] = round(time.perf_counter() - started, 4)
    for name in ("London", "Springfield", "Syria", "Al-Hasakah", "US", "Euphrates"):
        gazetteer.lookup(name)
    figures["gazetteer_mb"] = round(max(0.0, _rss_mb() - rss_before), 1)  # resident memory it added
    figures["gazetteer_disk_mb"] = round(gazetteer.path.stat().st_size / 1e6, 1)
    return figures


def _rss_mb() -> float:
    """Resident memory of this process (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError):
        return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="GWN.xml or TR-News.xml")
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    parser.add_argument("--e2e", action="store_true", help="also measure detection (needs the trained pipeline)")
    parser.add_argument("--build", action="store_true", help="also (re)build the gazetteer and time it")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--errors", action="store_true", help="list the misses (> 161 km) on stderr")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"error: no such file: {args.data}", file=sys.stderr)
        return 2
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    figures: dict[str, float] = gazetteer_figures(args.build)
    articles = read_corpus(args.data)[: args.limit or None]
    started = time.perf_counter()
    figures |= error_figures(resolution_errors(articles, verbose=args.errors))
    figures["resolve_s"] = round(time.perf_counter() - started, 2)
    figures["acc_at_161_no_guess"] = error_figures(resolution_errors(articles, guess=False))["acc_at_161"]
    if args.e2e:
        figures |= end_to_end(articles)
    print_figures(figures, args.json, f"geoparsing on {args.data.name} ({len(articles)} articles)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
