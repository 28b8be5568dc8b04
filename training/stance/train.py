"""Train the stance model (claim/headline vs article body) on FNC-1 train; choices on FNC-1 dev.

    OMP_NUM_THREADS=1 python training/stance/train.py --train DATA/stance/fnc1/train \\
        --dev DATA/stance/fnc1/dev --out training/stance/model

With ``--cv DATA/stance/arc/train`` it instead cross-validates (5 folds grouped by headline) on that
folder with the hyperparameters saved in ``--out``/meta.json, and prints the pooled scores.

Features come from :class:`stance_model.PairFeaturizer`; the classifier is scikit-learn's
HistGradientBoostingClassifier, exported to plain numpy arrays (``ensemble.npz``) that
:class:`stance_model.TreeEnsemble` evaluates without scikit-learn. Sentence embeddings
are cached in ``--cache`` so repeated runs skip the encoder.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from itertools import product
from pathlib import Path

import numpy as np
from stance_model import (
    FEATURE_NAMES,
    HASH_BUCKETS,
    LABELS,
    MAX_BODY_SENTENCES,
    PairFeaturizer,
    TreeEnsemble,
    hashed_counts,
    read_stance_split,
    split_sentences,
    tokenize,
)

from claimtrace.link.embed import EmbeddingCache, get_encoder


def compute_idf(documents: list[str]) -> np.ndarray:
    """Smoothed IDF per hash bucket over ``documents``."""
    df = np.zeros(HASH_BUCKETS, dtype=np.float64)
    for doc in documents:
        for bucket in hashed_counts(tokenize(doc)):
            df[bucket] += 1
    return (np.log((1 + len(documents)) / (1 + df)) + 1).astype(np.float32)


def featurize(
    folder: Path, featurizer: PairFeaturizer, embedder: EmbeddingCache
) -> tuple[np.ndarray, np.ndarray]:
    bodies, rows = read_stance_split(folder)
    used = {body_id for _, body_id, _ in rows}
    texts = [h for h, _, _ in rows]
    for body_id in used:
        texts.extend(split_sentences(bodies[body_id])[:MAX_BODY_SENTENCES])
    embedder.warm(texts)
    parsed = {body_id: featurizer.body(bodies[body_id]) for body_id in used}
    x = np.vstack([featurizer.features(h, embedder([h])[0], parsed[b]) for h, b, _ in rows])
    y = np.array([LABELS.index(s) for _, _, s in rows])
    return x, y


def macro_f1(y: np.ndarray, pred: np.ndarray) -> tuple[float, list[float]]:
    scores = []
    for k in range(len(LABELS)):
        tp = float(((pred == k) & (y == k)).sum())
        fp = float(((pred == k) & (y != k)).sum())
        fn = float(((pred != k) & (y == k)).sum())
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores)), scores


def to_arrays(model, idf: np.ndarray) -> dict[str, np.ndarray]:  # noqa: ANN001
    """Flatten a fitted HistGradientBoostingClassifier into the arrays TreeEnsemble reads."""
    nodes, roots, offset = [], [], 0
    for iteration in model._predictors:
        row = []
        for predictor in iteration:
            row.append(offset)
            tree = predictor.nodes.copy()
            internal = tree["is_leaf"] == 0
            tree["left"][internal] += offset
            tree["right"][internal] += offset
            nodes.append(tree)
            offset += len(tree)
        roots.append(row)
    flat = np.concatenate(nodes)
    if flat["is_categorical"].any():
        raise ValueError("categorical splits are not supported by the numpy predictor")
    return {
        "feature": flat["feature_idx"].astype(np.int32),
        "threshold": flat["num_threshold"].astype(np.float64),
        "left": flat["left"].astype(np.int32),
        "right": flat["right"].astype(np.int32),
        "is_leaf": flat["is_leaf"].astype(np.uint8),
        "missing_left": flat["missing_go_to_left"].astype(np.uint8),
        "value": flat["value"].astype(np.float64),
        "roots": np.asarray(roots, dtype=np.int64),
        "baseline": np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1),
        "max_depth": np.asarray(int(flat["depth"].max())),
        "idf": idf,
    }


def choose_bias(proba: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-class log-probability offsets (agree, disagree, discuss) maximizing macro-F1 on dev."""
    best, best_score = np.zeros(len(LABELS)), -1.0
    grid = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5]
    logp = np.log(proba + 1e-12)
    for a, d, s in product(grid, grid + [2.0, 2.5], grid):
        bias = np.array([a, d, s, 0.0])
        score = macro_f1(y, np.argmax(logp + bias, 1))[0]
        if score > best_score + 1e-9:
            best, best_score = bias, score
    return best, best_score


def make_model(leaves: int, rate: float):  # noqa: ANN201
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=400,
        learning_rate=rate,
        max_leaf_nodes=leaves,
        min_samples_leaf=20,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=0,
    )


def class_weights(y: np.ndarray, power: float) -> np.ndarray:
    counts = np.maximum(np.bincount(y, minlength=len(LABELS)), 1)
    return ((counts.max() / counts) ** power)[y]


def fnc_relative(y: np.ndarray, pred: np.ndarray) -> float:
    """The official FNC-1 score over its maximum (see benchmarks/stance.py)."""
    unrelated = LABELS.index("unrelated")
    related_gold, related_pred = y != unrelated, pred != unrelated
    score = 0.25 * (related_gold == related_pred).sum() + 0.75 * ((y == pred) & related_gold).sum()
    best = 0.25 * len(y) + 0.75 * related_gold.sum()
    return float(score / best)


def cross_validate(
    folder: Path, featurizer: PairFeaturizer, embedder: EmbeddingCache, params: dict, folds: int
) -> None:
    """Grouped k-fold on ``folder`` (no headline in two folds) with the shipped hyperparameters."""
    from sklearn.model_selection import GroupKFold

    _, rows = read_stance_split(folder)
    x, y = featurize(folder, featurizer, embedder)
    order = {h: i for i, h in enumerate(dict.fromkeys(h for h, _, _ in rows))}
    groups = np.array([order[h] for h, _, _ in rows])
    pred = np.zeros_like(y)
    for k, (train, test) in enumerate(GroupKFold(n_splits=folds).split(x, y, groups)):
        model = make_model(params["leaves"], params["rate"])
        model.fit(x[train], y[train], sample_weight=class_weights(y[train], params["weight_power"]))
        pred[test] = model.predict_proba(x[test]).argmax(1)
        print(f"  fold {k + 1}: macro-F1 {macro_f1(y[test], pred[test])[0]:.4f}", flush=True)
    macro, per_class = macro_f1(y, pred)
    summary = {"macro_f1": round(macro, 4), "fnc_score_relative": round(fnc_relative(y, pred), 4)}
    summary |= {f"f1_{label}": round(f, 4) for label, f in zip(LABELS, per_class, strict=True)}
    print(f"{folds}-fold grouped CV on {folder} (pooled out-of-fold predictions): {json.dumps(summary)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="train the claimtrace stance model")
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "model")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/stance_cache"))
    parser.add_argument("--no-bias", action="store_true", help="plain argmax instead of dev-tuned offsets")
    parser.add_argument("--leaves", type=int, nargs="+", default=[31, 63])
    parser.add_argument("--rates", type=float, nargs="+", default=[0.05, 0.1])
    parser.add_argument("--weight-powers", type=float, nargs="+", default=[0.0, 0.5])
    parser.add_argument("--cv", type=Path, default=None, help="only cross-validate on this split folder")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--features", type=Path, default=None, help="reuse a features.npz from an earlier run"
    )
    args = parser.parse_args(argv)

    args.cache.mkdir(parents=True, exist_ok=True)
    embedder = EmbeddingCache(args.cache / "embeddings.npz", get_encoder(threads=1), log=True)
    bodies, rows = read_stance_split(args.train)
    idf = compute_idf(list(bodies.values()) + list(dict.fromkeys(h for h, _, _ in rows)))
    featurizer = PairFeaturizer(idf, embedder)
    if args.cv:
        params = json.loads((args.out / "meta.json").read_text())["params"]
        cross_validate(args.cv, featurizer, embedder, params, args.folds)
        return 0
    started = time.time()
    if args.features:
        with np.load(args.features) as data:
            x_train, y_train, x_dev, y_dev = (data[k] for k in ("x_train", "y_train", "x_dev", "y_dev"))
    else:
        x_train, y_train = featurize(args.train, featurizer, embedder)
        x_dev, y_dev = featurize(args.dev, featurizer, embedder)
        np.savez(args.cache / "features.npz", x_train=x_train, y_train=y_train, x_dev=x_dev, y_dev=y_dev)
    print(f"features: train {x_train.shape}, dev {x_dev.shape} in {time.time() - started:.0f}s", flush=True)

    best = None
    for leaves, rate, weight_power in product(args.leaves, args.rates, args.weight_powers):
        model = make_model(leaves, rate)
        model.fit(x_train, y_train, sample_weight=class_weights(y_train, weight_power))
        proba = model.predict_proba(x_dev)
        bias, tuned = (np.zeros(len(LABELS)), macro_f1(y_dev, proba.argmax(1))[0])
        if not args.no_bias:
            bias, tuned = choose_bias(proba, y_dev)
        plain = macro_f1(y_dev, proba.argmax(1))
        print(
            f"leaves={leaves} rate={rate} wpow={weight_power}: dev macro-F1 {plain[0]:.4f} "
            f"(per class {[round(s, 3) for s in plain[1]]}), with offsets {tuned:.4f} {bias.tolist()}",
            flush=True,
        )
        if best is None or tuned > best[0]:
            best = (tuned, model, bias, dict(leaves=leaves, rate=rate, weight_power=weight_power))
    _, model, bias, params = best
    arrays = to_arrays(model, idf)
    check = TreeEnsemble(arrays).predict_proba(x_dev)
    gap = float(np.abs(check - model.predict_proba(x_dev)).max())
    if gap > 1e-6:
        raise SystemExit(f"numpy predictor disagrees with scikit-learn by {gap}")
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "ensemble.npz", **arrays)
    meta = {
        "labels": list(LABELS),
        "features": list(FEATURE_NAMES),
        "class_bias": bias.tolist(),
        "params": params,
        "train_pairs": int(len(y_train)),
        "sklearn_check_max_abs_diff": gap,
    }
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"saved {args.out} with {params}, offsets {bias.tolist()}; numpy vs sklearn max diff {gap:.2e}")
    return 0 if math.isfinite(gap) else 1


if __name__ == "__main__":
    sys.exit(main())
