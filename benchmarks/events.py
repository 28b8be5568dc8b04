"""Benchmark of the event coder on PLOVER gold records (``PLOVER_GSR_CAMEO.txt`` layout).

Each record is one sentence with one gold event. The sentence runs through the whole pipeline
(``load_pipeline()``: parse, entities, places, dates, claims, events); the predicted event of the
sentence is its shallowest trigger (nearest the parse root, leftmost on ties). Figures:
- ``category_accuracy`` and ``category_macro_f1`` (over the gold categories) of that event's PLOVER 0.8
  coding (``Event.coded_as``: AGREE for an intended cooperative event, THREATEN for a threatened one, ...). Gold categories of PLOVER 0.5b1 records are mapped to 0.8 as the data README explains:
  DEMAND -> REQUEST, DISAPPROVE and INVESTIGATE -> ACCUSE, and FIGHT -> COERCE when its event words
  close, capture, retake, occupy, invade or force people out (CAMEO 191/192/174), else ASSAULT;
- ``source_actor_f1`` / ``target_actor_f1``: micro F1 of actors matched by text overlap (a gold actor is
  found when one predicted actor of the same role overlaps its words in the sentence; records whose
  actors carry only a ``code`` are scored by country alone);
- ``source_country_f1`` / ``target_country_f1``: micro F1 of the sets of actor codes per record
  (ISO alpha-3; an international organisation counts as ``IGO``);
- ``throughput``: records per second of the whole pipeline, events included;
- ``throughput_ratio`` (with ``--ratio``): CPU time of the whole analysis without the events component over
  the time with it, on the records joined into articles of ten sentences, batch by batch back to back
  (median of the batches), so drift in the machine's load weighs on both alike.

Usage: python benchmarks/events.py --data /work/shared/data/events/plover/PLOVER_GSR_CAMEO.txt [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimtrace.extract.events import trigger_depth
from claimtrace.model import Actor, Event
from report import print_figures

RENAMED = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE"}
FIGHT_AS_COERCION = re.compile(r"clos|border|captur|retak|occup|invade|invasion|seiz|blockad|forced out|expel",
                               re.IGNORECASE)


@dataclass
class GoldRecord:
    id: str
    text: str
    category: str
    source: list[dict[str, str]] = field(default_factory=list)
    target: list[dict[str, str]] = field(default_factory=list)
    event_text: str = ""  # the annotators' words for the event


def plover_08(category: str, event_text: str) -> str:
    """A 0.5b1 category in PLOVER 0.8 (categories already in 0.8 are kept)."""
    if category == "FIGHT":
        return "COERCE" if FIGHT_AS_COERCION.search(event_text or "") else "ASSAULT"
    return RENAMED.get(category, category)


def read_records(path: Path) -> list[GoldRecord]:
    data = json.loads(path.read_text(encoding="utf-8"))
    records = []
    for item in data:
        if not isinstance(item, dict) or item.get("event") in (None, "DOCUMENT") or not item.get("text"):
            continue
        records.append(GoldRecord(
            id=item.get("id", ""),
            text=item["text"],
            category=plover_08(item["event"], item.get("eventText", "")),
            source=_actors(item.get("source")),
            target=_actors(item.get("target")),
            event_text=item.get("eventText") or "",
        ))
    return records


def _actors(value: Any) -> list[dict[str, str]]:
    return [a for a in value if isinstance(a, dict)] if isinstance(value, list) else []


def main_event(doc, events: list[Event]) -> Event | None:  # noqa: ANN001
    """The event of the sentence: its shallowest trigger, leftmost on ties."""
    def depth(event: Event) -> tuple[int, int]:
        span = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
        return (trigger_depth(span.root) if span is not None else 99, event.trigger.start)

    return min(events, key=depth) if events else None


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def score_actors(text: str, gold: list[dict[str, str]], predicted: list[Actor], tally: Tally) -> None:
    """Text overlap: a gold actor is found when an unused predicted actor overlaps its first occurrence."""
    spans = []
    for actor in gold:
        words = actor.get("actorText")
        if not words:
            continue
        at = text.lower().find(words.lower())
        spans.append((at, at + len(words)) if at >= 0 else (-1, -1))
    used: set[int] = set()
    for start, end in spans:
        match = next((i for i, p in enumerate(predicted) if i not in used and p.start < end and start < p.end), None)
        if match is None:
            tally.fn += 1
        else:
            used.add(match)
            tally.tp += 1
    if spans:
        tally.fp += len(predicted) - len(used)


def actor_codes(actors: list[Actor]) -> set[str]:
    codes = set()
    for actor in actors:
        if actor.country:
            codes.add(actor.country)
        elif actor.code and actor.code[:3] in {"IGO", "NGO"}:
            codes.add(actor.code[:3])
    return codes


def score_codes(gold: list[dict[str, str]], predicted: set[str], tally: Tally) -> None:
    wanted = {a["code"][:3] for a in gold if a.get("code")}
    tally.tp += len(wanted & predicted)
    tally.fp += len(predicted - wanted)
    tally.fn += len(wanted - predicted)


def macro_f1(pairs: list[tuple[str, str | None]]) -> float:
    labels = sorted({gold for gold, _ in pairs})
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def run(records: list[GoldRecord], show_misses: bool = False) -> dict[str, Any]:
    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline()
    if "claimtrace_events" not in nlp.pipe_names:
        raise SystemExit("the pipeline has no claimtrace_events component")
    tallies = {name: Tally() for name in ("source", "target", "source_country", "target_country")}
    pairs: list[tuple[str, str | None]] = []
    started = time.perf_counter()
    for record, doc in zip(records, nlp.pipe((r.text for r in records), batch_size=16), strict=True):
        event = main_event(doc, doc._.events or [])
        predicted = (event.coded_as or event.category) if event else None
        pairs.append((record.category, predicted))
        if show_misses and predicted != record.category:
            print(f"{record.id}\t{record.category}\t{predicted}\t{event and event.trigger.text}\t{record.text}",
                  file=sys.stderr)
        for role in ("source", "target"):
            gold = getattr(record, role)
            mine = getattr(event, role) if event else []
            score_actors(record.text, gold, mine, tallies[role])
            score_codes(gold, actor_codes(mine), tallies[f"{role}_country"])
    elapsed = time.perf_counter() - started
    return {
        "records": len(records),
        "category_accuracy": sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0,
        "category_macro_f1": macro_f1(pairs),
        "source_actor_f1": tallies["source"].f1(),
        "target_actor_f1": tallies["target"].f1(),
        "source_country_f1": tallies["source_country"].f1(),
        "target_country_f1": tallies["target_country"].f1(),
        "throughput": len(records) / elapsed if elapsed else 0.0,
        "predicted_categories": dict(Counter(p or "none" for _, p in pairs).most_common()),
    }


def throughput_ratio(records: list[GoldRecord], rounds: int = 3) -> float:
    """Median over batches of (CPU seconds without events) / (CPU seconds with events), back to back."""
    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline()
    articles = [" ".join(r.text for r in records[i : i + 10]) for i in range(0, len(records), 10)]
    batches = [articles[i : i + 8] for i in range(0, len(articles), 8)] * rounds
    list(nlp.pipe(articles[:2]))  # warm up
    ratios = []
    for batch in batches:
        started = time.process_time()
        with nlp.select_pipes(disable=["claimtrace_events"]):
            list(nlp.pipe(batch))
        without = time.process_time() - started
        started = time.process_time()
        list(nlp.pipe(batch))
        ratios.append(without / (time.process_time() - started))
    return statistics.median(ratios)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a JSON array of PLOVER gold records")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="print each wrong category to stderr")
    parser.add_argument("--ratio", action="store_true", help="also measure throughput with / without events")
    args = parser.parse_args(argv)
    try:
        records = read_records(args.data)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"error: cannot read PLOVER records from {args.data}: {error}", file=sys.stderr)
        return 2
    if not records:
        print(f"error: no event records in {args.data}", file=sys.stderr)
        return 2
    figures = run(records, show_misses=args.misses)
    if args.ratio:
        figures["throughput_ratio"] = throughput_ratio(records)
    if not args.json:
        figures.pop("predicted_categories")
    print_figures(figures, args.json, f"PLOVER events, {args.data.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
