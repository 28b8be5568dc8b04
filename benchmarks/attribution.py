"""Attribution benchmark: source / cue / content spans against PolNeAR-style gold.

    python benchmarks/attribution.py --data /work/shared/data/polnear/dev [--json] [--model PATH]
    python benchmarks/attribution.py --data /work/shared/data/polnear/train --agreement-only

DATA has PolNeAR's layout (``text/*.txt``, ``attributions/*.ann``, brat
standoff). Scores follow Citron's exact and token-overlap definitions (see
:mod:`claimtrace.extract.attribution.evaluation`), overall and per form; author
claims are not gold attributions and are left out. Throughput is words per
second of the trained spaCy pipeline alone ("without") and of the pipeline
plus :func:`claimtrace.extract.attribution.find_claims` ("with"), on one
thread, timed batch by batch (8 articles parsed, then their attributions);
entity linking runs in between and is timed by its own benchmark.
Articles that several annotators annotated also give the inter-annotator
agreement under the same scorer (``agreement_*``), and claimtrace's score
against each of their annotators (``agreement_system_*``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from itertools import combinations
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from claimtrace.errors import ClaimtraceError  # noqa: E402
from claimtrace.extract.attribution import evaluation as ev  # noqa: E402
from claimtrace.extract.attribution import find_claims  # noqa: E402
from claimtrace.extract.entities import link_mentions  # noqa: E402
from claimtrace.model import CLAIM_FORMS  # noqa: E402

SCORED_FORMS = [f for f in CLAIM_FORMS if f != "author"]
BATCH = 8  # articles parsed at a time


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Attribution benchmark (PolNeAR layout).")
    parser.add_argument("--data", type=Path, required=True, help="folder with text/ and attributions/")
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    parser.add_argument("--model", help="trained pipeline to use (default: the bundled one)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (0: all)")
    parser.add_argument("--agreement-only", action="store_true",
                        help="only the inter-annotator agreement (no pipeline run; e.g. on train)")
    return parser.parse_args(argv)


def run(data: Path, model: str | None = None, limit: int = 0) -> dict:
    from claimtrace.nlp import load_pipeline

    gold_docs = list(ev.read_polnear(data))
    if limit:
        gold_docs = gold_docs[:limit]
    if not gold_docs:
        raise ClaimtraceError(f"no annotated articles in {data}")
    nlp = load_pipeline(model, with_components=False)
    texts = [g.text for g in gold_docs]
    docs, predictions = [], []
    pipeline_seconds = attribution_seconds = 0.0
    # batch by batch, the attribution right after the parse it reads: the machine's drift within a
    # run then weighs on both alike (timing all parses, then all attributions, moved the ratio by
    # up to 0.04 between runs)
    for start in range(0, len(texts), BATCH):
        started = time.perf_counter()
        batch = list(nlp.pipe(texts[start:start + BATCH], batch_size=BATCH))
        pipeline_seconds += time.perf_counter() - started
        groups = [link_mentions(doc) for doc in batch]  # entity linking is timed by its own benchmark
        started = time.perf_counter()
        predictions += [find_claims(doc, doc_groups) for doc, doc_groups in zip(batch, groups, strict=True)]
        attribution_seconds += time.perf_counter() - started
        docs += batch
    figures = evaluate(gold_docs, predictions, docs, pipeline_seconds, attribution_seconds)
    predicted = {g.name: ev.claims_to_attributions(claims) for g, claims in zip(gold_docs, predictions, strict=True)}
    figures |= agreement(data, predicted)
    figures["model"] = str(model or "bundled")
    return figures


def agreement(data: Path, predictions: dict[str, list]) -> dict:
    """On the articles of DATA that several annotators annotated, with the scorer the predictions
    get: every pair of annotators once (overlap F1 is symmetric), and the predictions against each
    annotator (``agreement_system_*``), the like-for-like comparison. ``predictions`` maps article
    names to predicted attributions."""
    pairs, system = ev.Counts(), ev.Counts()
    articles = n_pairs = n_system = 0
    for name, text, annotators in ev.read_multiply_annotated(data):
        articles += 1
        for first, second in combinations(annotators, 2):
            ev.add_document(pairs, text, first, second)
            n_pairs += 1
        for gold in annotators if name in predictions else ():
            ev.add_document(system, text, predictions[name], gold)
            n_system += 1
    keep = ("source_overlap_f1", "cue_overlap_f1", "content_overlap_f1", "relation_f1")
    figures: dict = {"agreement_articles": articles, "agreement_pairs": n_pairs}
    for prefix, counts, n in (("agreement", pairs, n_pairs), ("agreement_system", system, n_system)):
        s = ev.scores(counts)
        figures |= {f"{prefix}_{k}": (s[k] if n else None) for k in keep}
    return figures


def evaluate(gold_docs, predictions, docs, pipeline_seconds: float, attribution_seconds: float) -> dict:  # noqa: ANN001
    overall = ev.Counts()
    per_form = {form: ev.Counts() for form in SCORED_FORMS}
    for gold, claims in zip(gold_docs, predictions, strict=True):
        predicted = ev.claims_to_attributions(claims)
        ev.add_document(overall, gold.text, predicted, gold.attributions)
        for form, counts in per_form.items():
            ev.add_document(
                counts, gold.text,
                [p for p in predicted if p.form == form], [g for g in gold.attributions if g.form == form],
            )
    words = sum(len(g.text.split()) for g in gold_docs)
    figures = ev.scores(overall)
    figures["per_form"] = {form: _form_figures(counts) for form, counts in per_form.items()}
    figures["articles"] = len(gold_docs)
    figures["words"] = words
    figures["words_per_s_without"] = round(words / pipeline_seconds, 1)
    figures["words_per_s"] = round(words / (pipeline_seconds + attribution_seconds), 1)
    figures["throughput_ratio"] = round(pipeline_seconds / (pipeline_seconds + attribution_seconds), 4)
    return figures


def _form_figures(counts: ev.Counts) -> dict:
    s = ev.scores(counts)
    keep = ("source_overlap_f1", "cue_overlap_f1", "content_overlap_f1", "relation_f1", "predicted", "gold")
    return {k: s[k] for k in keep}


def print_table(figures: dict) -> None:
    print(f"Attribution on {figures['articles']} articles, {figures['words']} words "
          f"({figures['gold']} gold, {figures['predicted']} predicted attributions)")
    print(f"{'role':<10}{'match':<9}{'P':>8}{'R':>8}{'F1':>8}")
    for role in ev.ROLES:
        for match in ("exact", "overlap"):
            p, r, f = (figures[f"{role}_{match}_{m}"] for m in ("p", "r", "f1"))
            print(f"{role:<10}{match:<9}{p:>8.3f}{r:>8.3f}{f:>8.3f}")
    print(f"{'relation':<10}{'overlap':<9}{figures['relation_p']:>8.3f}{figures['relation_r']:>8.3f}"
          f"{figures['relation_f1']:>8.3f}")
    print()
    print(f"{'form':<14}{'gold':>6}{'pred':>6}{'source':>8}{'cue':>8}{'content':>9}{'relation':>10}")
    for form, f in figures["per_form"].items():
        print(f"{form:<14}{f['gold']:>6}{f['predicted']:>6}{f['source_overlap_f1']:>8.3f}"
              f"{f['cue_overlap_f1']:>8.3f}{f['content_overlap_f1']:>9.3f}{f['relation_f1']:>10.3f}")
    print()
    print_agreement(figures)
    print(f"words/s without attribution {figures['words_per_s_without']:.0f}, with {figures['words_per_s']:.0f} "
          f"(ratio {figures['throughput_ratio']:.3f})")


def print_agreement(figures: dict) -> None:
    if not figures["agreement_pairs"]:
        return
    print(f"on the {figures['agreement_articles']} articles several annotators annotated "
          f"({figures['agreement_pairs']} pairs of annotators), overlap F1:")
    for prefix, who in (("agreement", "annotator vs annotator"), ("agreement_system", "claimtrace vs annotator")):
        if figures[prefix + "_cue_overlap_f1"] is None:
            continue
        print(f"  {who:<24} source {figures[prefix + '_source_overlap_f1']:.3f}, cue "
              f"{figures[prefix + '_cue_overlap_f1']:.3f}, content {figures[prefix + '_content_overlap_f1']:.3f}, "
              f"relation {figures[prefix + '_relation_f1']:.3f}")
    print()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        figures = agreement(args.data, {}) if args.agreement_only else run(args.data, args.model, args.limit)
    except ClaimtraceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(figures))
    elif args.agreement_only:
        print_agreement(figures)
    else:
        print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
