"""Train the cue model (logistic regression over parse features) on PolNeAR train (one command).

    python training/attribution/train_cue_model.py --data /work/shared/data/polnear/train \
        --out src/claimtrace/data/attribution/cue_model.json [--model PIPELINE] [--docs CACHE.spacy]

Every verb of the parsed articles is an example; it is positive when it lies
inside a gold cue span. Needs scikit-learn at training time only: the weights
are written as ``{feature: weight}`` JSON and scored in pure Python at run
time (:mod:`claimtrace.extract.attribution.cue_model`). Run ``learn_cues.py`` first:
the features include the lexicon's P(cue | form). ``--docs`` caches the parsed
articles outside the repository in resumable chunks (parsing the 840 articles
takes 10 to 50 minutes on one core, depending on the machine's load).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from claimtrace.extract.attribution import evaluation as ev  # noqa: E402
from claimtrace.extract.attribution.cue_model import cue_features  # noqa: E402

MIN_FEATURE_COUNT = 3
C = 0.5


def parsed_docs(
    gold: list[ev.GoldDocument], model: str | None, cache: Path | None, limit: int = 0
) -> list[tuple[int, object]]:
    """(article index, parsed Doc) pairs; with ``cache`` (a folder) parsing is done in resumable
    chunks of 40 articles, spread over the whole corpus so that any prefix is a fair sample."""
    from spacy.tokens import DocBin

    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline(model, with_components=False)  # the parse find_claims sees at run time
    order = sorted(range(len(gold)), key=lambda i: (i * 7919) % len(gold))
    if limit:
        order = order[:limit]
    if cache is None:
        return list(zip(order, nlp.pipe((gold[i].text for i in order), batch_size=8), strict=True))
    cache.mkdir(parents=True, exist_ok=True)
    pairs = []
    for first in range(0, len(order), 40):
        chunk = order[first:first + 40]
        path = cache / f"chunk_{first:04d}.spacy"
        if path.exists():
            docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        else:
            docs = list(nlp.pipe((gold[i].text for i in chunk), batch_size=8))
            store = DocBin(store_user_data=False)
            for doc in docs:
                store.add(doc)
            store.to_disk(path)
            (cache / f"chunk_{first:04d}.idx").write_text(" ".join(map(str, chunk)))
        pairs.extend(zip(chunk, docs, strict=True))
    return pairs


def is_candidate(token) -> bool:  # noqa: ANN001
    return token.pos_ == "VERB" or (token.tag_.startswith("VB") and token.pos_ != "AUX")


def examples(gold: list[ev.GoldDocument], pairs: list) -> tuple[list[list[str]], list[int]]:
    features, labels = [], []
    for index, doc in pairs:
        g = gold[index]
        cue_chars = set()
        for attribution in g.attributions:
            for start, end in attribution.cue:
                cue_chars.update(range(start, end))
        for token in doc:
            if is_candidate(token):
                features.append(cue_features(token))
                labels.append(int(token.idx in cue_chars))
    return features, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="PolNeAR train folder")
    parser.add_argument("--out", type=Path, required=True, help="where to write cue_model.json")
    parser.add_argument("--model", help="trained pipeline to parse with (default: the bundled one)")
    parser.add_argument("--docs", type=Path, help="folder caching the parsed articles, outside the repo")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N parsed articles only")
    args = parser.parse_args()

    from collections import Counter

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    gold = list(ev.read_polnear(args.data))
    pairs = parsed_docs(gold, args.model, args.docs, args.limit)
    features, labels = examples(gold, pairs)
    counts = Counter(f for fs in features for f in set(fs))
    rows = [{f: 1 for f in fs if counts[f] >= MIN_FEATURE_COUNT} for fs in features]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    classifier = LogisticRegression(C=C, max_iter=2000)
    classifier.fit(matrix, labels)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vectorizer.get_feature_names_out(), classifier.coef_[0], strict=True)
        if abs(w) >= 0.01
    }
    payload = {
        "about": "Logistic regression P(verb is an attribution cue | parse features), trained on PolNeAR "
                 "v1.0.0 train (networkdynamics/PolNeAR c3eee833; research use) with the claimtrace "
                 f"pipeline's parses. {len(labels)} verbs, {sum(labels)} inside cues; C={C}, features seen "
                 f">= {MIN_FEATURE_COUNT} times.",
        "bias": round(float(classifier.intercept_[0]), 4),
        "weights": dict(sorted(weights.items())),
    }
    args.out.write_text(json.dumps(payload, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(weights)} weights from {len(labels)} verbs ({sum(labels)} cues) -> {args.out}")


if __name__ == "__main__":
    main()
