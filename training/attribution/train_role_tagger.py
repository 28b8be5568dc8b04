"""Train the role tagger (P(token in cue / source / content)) on PolNeAR train (one command).

    python training/attribution/train_role_tagger.py --data /work/shared/data/polnear/train \
        --cache /work/notes/attr_cache/train --out src/claimtrace/data/attribution/role_tagger.npz \
        [--dev /work/shared/data/polnear/dev --dev-cache /work/notes/attr_cache/dev]

Features come from :func:`claimtrace.extract.attribution_tagger.role_features`
(the pipeline's tok2vec tensors, parse and quotes); targets: whether a token
lies inside a gold cue, source or content span. A one-hidden-layer
scikit-learn MLP with three sigmoid outputs (scikit-learn at training time
only); its weights and the feature scaling are saved as ``.npz`` for numpy
inference. Parses and tensors are cached by ``parse_cache.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from parse_cache import cached_docs  # noqa: E402

from claimtrace.extract import attribution_eval as ev  # noqa: E402
from claimtrace.extract.attribution_tagger import BLOCKS, ROLES, WordPriors, role_features  # noqa: E402

HIDDEN = 64
PRIOR_MIN_COUNT = 3  # forms seen fewer times in train get the base rate
PRIOR_SMOOTHING = 5.0
FOLDS = 2  # train features use word priors from the other fold, as unseen text would
ALPHA = 1e-3
SEED = 0


def dependency_labels(model: str | None) -> tuple[str, ...]:
    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline(model, with_components=False)
    return tuple(nlp.get_pipe("parser").labels)


def token_labels(doc, gold: ev.GoldDocument) -> np.ndarray:  # noqa: ANN001
    """(len(doc), 3) 0/1: the token overlaps a gold span of each role."""
    flags = np.zeros((len(gold.text) + 1, len(ROLES)), dtype=bool)
    for attribution in gold.attributions:
        for r, role in enumerate(ROLES):
            for start, end in getattr(attribution, role):
                flags[start:end, r] = True
    cumulative = np.vstack([np.zeros((1, len(ROLES)), dtype=np.int64), np.cumsum(flags, axis=0)])
    starts = np.array([t.idx for t in doc])
    ends = np.array([t.idx + len(t) for t in doc])
    return ((cumulative[ends] - cumulative[starts]) > 0).astype(np.int8)


def parsed(data: Path, cache: Path, model: str | None) -> list[tuple[object, np.ndarray]]:
    """(Doc, token labels) of every cached article."""
    gold = list(ev.read_polnear(data))
    return [(doc, token_labels(doc, gold[index])) for index, doc in cached_docs(gold, cache, model)]


def word_priors(articles: list[tuple[object, np.ndarray]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(forms, smoothed P(role | form) per form, base rates) from labelled articles."""
    from collections import defaultdict

    totals: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(ROLES) + 1))
    for doc, labels in articles:
        for token in doc:
            if not token.is_space:
                row = totals[token.lower_]
                row[0] += 1
                row[1:] += labels[token.i]
    grand = sum(totals.values())
    base = grand[1:] / max(1.0, grand[0])
    forms = sorted(f for f, row in totals.items() if row[0] >= PRIOR_MIN_COUNT)
    values = np.array([(totals[f][1:] + PRIOR_SMOOTHING * base) / (totals[f][0] + PRIOR_SMOOTHING) for f in forms])
    return forms, values.reshape(len(forms), len(ROLES)), base


def features_of(
    articles: list[tuple[object, np.ndarray]], deps: tuple[str, ...], priors: WordPriors, blocks: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for doc, labels in articles:
        features = role_features(doc, deps, priors, blocks=blocks)
        if features is None:
            continue
        keep = np.array([not t.is_space for t in doc])
        xs.append(features[keep])
        ys.append(labels[keep])
    return np.vstack(xs).astype(np.float32), np.vstack(ys)


def out_of_fold(
    articles: list[tuple[object, np.ndarray]], deps: tuple[str, ...], blocks: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Training features whose word priors come from the other fold(s) only."""
    xs, ys = [], []
    for fold in range(FOLDS):
        inside = [a for i, a in enumerate(articles) if i % FOLDS == fold]
        outside = [a for i, a in enumerate(articles) if i % FOLDS != fold]
        x, y = features_of(inside, deps, WordPriors.from_forms(*word_priors(outside)), blocks)
        xs.append(x)
        ys.append(y)
    return np.vstack(xs), np.vstack(ys)


def report(name: str, probabilities: np.ndarray, labels: np.ndarray) -> None:
    for r, role in enumerate(ROLES):
        for threshold in (0.3, 0.4, 0.5, 0.6):
            predicted = probabilities[:, r] >= threshold
            tp = int((predicted & (labels[:, r] == 1)).sum())
            p = tp / max(1, int(predicted.sum()))
            rec = tp / max(1, int(labels[:, r].sum()))
            f = 2 * p * rec / (p + rec) if p + rec else 0.0
            print(f"{name} {role:<8} t={threshold:.1f} P={p:.3f} R={rec:.3f} F1={f:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="PolNeAR train folder")
    parser.add_argument("--cache", type=Path, required=True, help="parse cache of train (outside the repo)")
    parser.add_argument("--out", type=Path, required=True, help="where to write role_tagger.npz")
    parser.add_argument("--model", help="trained pipeline (default: the bundled one)")
    parser.add_argument("--dev", type=Path, help="PolNeAR dev folder, for token-level figures")
    parser.add_argument("--dev-cache", type=Path, help="parse cache of dev")
    parser.add_argument("--hidden", type=int, default=HIDDEN)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--blocks", default="self,head,-1,+1", help="tensor blocks, from " + ",".join(BLOCKS))
    parser.add_argument("--alpha", type=float, default=ALPHA, help="L2 penalty")
    args = parser.parse_args()

    from sklearn.neural_network import MLPClassifier

    deps = dependency_labels(args.model)
    articles = parsed(args.data, args.cache, args.model)
    forms, values, base = word_priors(articles)
    priors = WordPriors.from_forms(forms, values, base)
    blocks = tuple(args.blocks.split(","))
    x, y = out_of_fold(articles, deps, blocks)
    print(f"train: {len(x)} tokens, {x.shape[1]} features, positives {y.sum(axis=0).tolist()}", flush=True)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-3
    x = (x - mean) / scale
    classifier = MLPClassifier(
        hidden_layer_sizes=(args.hidden,), alpha=args.alpha, batch_size=256, learning_rate_init=1e-3,
        max_iter=args.epochs, early_stopping=False, n_iter_no_change=3,
        random_state=SEED, verbose=True,
    )
    classifier.fit(x, y)
    np.savez_compressed(
        args.out,
        deps=np.array(deps), blocks=np.array(blocks), mean=mean.astype(np.float32), scale=scale.astype(np.float32),
        w1=classifier.coefs_[0].astype(np.float32), b1=classifier.intercepts_[0].astype(np.float32),
        w2=classifier.coefs_[1].astype(np.float32), b2=classifier.intercepts_[1].astype(np.float32),
        prior_hashes=priors.hashes, prior_values=priors.values, prior_default=base.astype(np.float32),
    )
    print(f"{len(x)} tokens, hidden {args.hidden}, {classifier.n_iter_} epochs -> {args.out}")
    if args.dev and args.dev_cache:
        xd, yd = features_of(parsed(args.dev, args.dev_cache, args.model), deps, priors, blocks)
        report("dev", classifier.predict_proba((xd - mean) / scale), yd)


if __name__ == "__main__":
    main()
