"""Story clustering on BASIL: pairwise precision/recall/F1 of grouping articles by event.

    python benchmarks/stories.py --data /work/shared/data/basil [--json] [--no-dates] [--entities]

Gold: articles sharing a ``triplet-uuid`` report the same event. A pair of articles counts as
predicted-together when :func:`claimtrace.link.stories.cluster_articles` puts them in one story.
``--entities`` adds the names our trained NER finds in title+lead (needs the news pipeline);
``--no-dates`` drops publication dates (content only: an ablation).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import combinations
from pathlib import Path

from claimtrace.errors import InputError
from claimtrace.link.stories import cluster_articles, embed_articles, story_text
from claimtrace.store.records import ArticleRecord
from report import print_figures


def load_basil(folder: Path) -> tuple[list[ArticleRecord], dict[int, str]]:
    """Articles of a BASIL-layout folder (articles/<year>/*.json) and their gold event ids."""
    files = sorted((folder / "articles").glob("*/*.json"))
    if not files:
        raise InputError(f"no BASIL articles under {folder / 'articles'}")
    articles, gold = [], {}
    for i, path in enumerate(files, start=1):
        data = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = data.get("body-paragraphs") or []
        text = "\n".join(" ".join(sentences) for sentences in paragraphs)
        articles.append(
            ArticleRecord(
                id=i,
                title=data.get("title"),
                text=text,
                outlet=(data.get("source") or "").lower(),
                published=data.get("date"),
                url=data.get("url"),
            )
        )
        gold[i] = data["triplet-uuid"]
    return articles, gold


def add_entities(articles: list[ArticleRecord]) -> None:
    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline(with_components=False)
    for article, doc in zip(articles, nlp.pipe(story_text(a) for a in articles), strict=True):
        article.entities = sorted({e.text for e in doc.ents if e.label_ in ("PER", "ORG", "LOC")})


def pairwise_scores(predicted: dict[int, int], gold: dict[int, str]) -> dict[str, float]:
    ids = sorted(gold)
    tp = fp = fn = 0
    for a, b in combinations(ids, 2):
        same_gold, same_pred = gold[a] == gold[b], predicted[a] == predicted[b]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairwise_precision": round(precision, 4),
        "pairwise_recall": round(recall, 4),
        "pairwise_f1": round(f1, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-dates", action="store_true")
    parser.add_argument("--entities", action="store_true")
    args = parser.parse_args(argv)
    try:
        articles, gold = load_basil(args.data)
    except (InputError, OSError, KeyError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.no_dates:
        for article in articles:
            article.published = None
    if args.entities:
        add_entities(articles)
    started = time.time()
    vectors = embed_articles(articles)
    assignments, _ = cluster_articles(articles, vectors)
    seconds = time.time() - started
    scores = pairwise_scores(assignments, gold)
    figures = {
        **scores,
        "articles": len(articles),
        "gold_events": len(set(gold.values())),
        "predicted_stories": len(set(assignments.values())),
        "seconds": round(seconds, 1),
    }
    print_figures(figures, args.json, "story clustering, pairwise")
    return 0


if __name__ == "__main__":
    sys.exit(main())
