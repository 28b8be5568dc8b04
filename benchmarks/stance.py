"""Stance of article bodies towards headlines (FNC-1 layout): FNC score, macro-F1, per-class F1.

    python benchmarks/stance.py --data /work/shared/data/stance/fnc1/dev [--json]

Runs unchanged on any folder with ``bodies.csv`` and ``stances.csv`` (the held-out FNC-1 competition
test set, ARC). The FNC score is the official weighting: 0.25 for a correct related/unrelated
decision, 0.75 more for the correct label among agree/disagree/discuss; ``fnc_score_relative`` is
it divided by the best possible score. Set ``CLAIMTRACE_EMBEDDING_MODEL`` to swap the encoder;
``--cache FILE.npz`` reuses sentence vectors (written by training/stance/train.py or an earlier run).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from claimtrace.errors import ClaimtraceError
from claimtrace.link.embed import EmbeddingCache

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training" / "stance"))  # stance_model
from stance_model import (  # noqa: E402
    LABELS,
    MAX_BODY_SENTENCES,
    StanceModel,
    read_stance_split,
    split_sentences,
)

from report import print_figures

RELATED = ("agree", "disagree", "discuss")


def fnc_score(gold: list[str], predicted: list[str]) -> tuple[float, float]:
    """The official FNC-1 score and the best score possible for ``gold``."""
    score = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.50
        if g in RELATED and p in RELATED:
            score += 0.25
    return score, best


def f1_by_class(gold: list[str], predicted: list[str]) -> dict[str, float]:
    scores = {}
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        scores[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return scores


def evaluate(folder: Path, cache: Path | None = None) -> tuple[dict[str, float], list[str], list[str]]:
    bodies, rows = read_stance_split(folder)
    if any(stance not in LABELS for _, _, stance in rows):
        raise ClaimtraceError(f"{folder}: every row needs a Stance in {', '.join(LABELS)}")
    embed = None
    if cache:
        embed = EmbeddingCache(cache, log=True)
        texts = [headline for headline, _, _ in rows]
        for body_id in dict.fromkeys(body_id for _, body_id, _ in rows):
            texts.extend(split_sentences(bodies[body_id])[:MAX_BODY_SENTENCES])
        embed.warm(texts)  # once, so later lookups never rewrite the file
    model = StanceModel(embed=embed)
    started = time.time()
    predictions = model.predict_many([(headline, bodies[body_id]) for headline, body_id, _ in rows])
    seconds = time.time() - started
    gold = [stance for _, _, stance in rows]
    predicted = [p.label for p in predictions]
    score, best = fnc_score(gold, predicted)
    per_class = f1_by_class(gold, predicted)
    figures = {
        "fnc_score": round(score, 2),
        "fnc_score_relative": round(score / best, 4) if best else 0.0,
        "macro_f1": round(sum(per_class.values()) / len(per_class), 4),
        **{f"f1_{label}": round(value, 4) for label, value in per_class.items()},
        "pairs": len(rows),
        "seconds": round(seconds, 1),
    }
    return figures, gold, predicted


def confusion_table(gold: list[str], predicted: list[str]) -> str:
    lines = ["gold / predicted".ljust(18) + "".join(f"{label:>11}" for label in LABELS)]
    for g in LABELS:
        counts = [sum(1 for x, y in zip(gold, predicted, strict=True) if x == g and y == p) for p in LABELS]
        lines.append(f"{g:<18}" + "".join(f"{c:>11}" for c in counts))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, required=True, help="a split folder with bodies.csv and stances.csv"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="an .npz of sentence vectors to reuse (exact; see EmbeddingCache)",
    )
    args = parser.parse_args(argv)
    try:
        figures, gold, predicted = evaluate(args.data, args.cache)
    except ClaimtraceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print_figures(figures, args.json, f"stance on {args.data}")
    if not args.json:
        print(confusion_table(gold, predicted))
    return 0


if __name__ == "__main__":
    sys.exit(main())
