"""Train the role tagger (P(token in cue / source / content)) on PolNeAR train (one command).

    pip install torch==2.13.0          # the CPU build; training only, never a run-time dependency
    python training/attribution/parse_cache.py --data /work/shared/data/polnear/train \
        --cache /work/notes/attr_cache/train
    python training/attribution/train_role_tagger.py --data /work/shared/data/polnear/train \
        --cache /work/notes/attr_cache/train --out src/claimtrace/data/attribution/role_tagger.npz \
        [--dev /work/shared/data/polnear/dev --dev-cache /work/notes/attr_cache/dev]

Per token the input is the feature vector of
:func:`claimtrace.extract.attribution.role_tagger.role_features` (the pipeline's
tok2vec tensor of the token and its head, parse one-hots, quotes, sentence
position, the cue lexicon's prior and word-role priors, learned out of fold so
that the network learns how far to trust them on unseen text); a ReLU
projection feeds a one-layer bidirectional GRU run over each sentence, and a
linear layer over the GRU states and the projection gives three independent
sigmoid outputs, P(cue), P(source) and P(content) (roles nest). Targets:
whether the token overlaps a gold span of each role. The weights are saved as
``.npz`` for the numpy inference of
:class:`claimtrace.extract.attribution.role_tagger.RoleTagger`; token-level P/R/F1
on dev is printed per epoch when ``--dev`` is given (figures, not choices: the
epoch count is fixed). Parses and tensors are cached by ``parse_cache.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # the shipped weights were trained on one thread
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from parse_cache import cached_docs  # noqa: E402

from claimtrace.extract.attribution import evaluation as ev  # noqa: E402
from claimtrace.extract.attribution.role_tagger import ROLES, WordPriors, role_features, sentence_bounds  # noqa: E402

PRIOR_MIN_COUNT = 3  # forms seen fewer times in train get the base rate
PRIOR_SMOOTHING = 5.0
FOLDS = 2  # train features use word priors from the other fold, as unseen text would
SEED = 0
BLOCKS = ("self", "head")


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


def article_arrays(
    articles: list[tuple[object, np.ndarray]], deps: tuple[str, ...], priors: WordPriors, blocks: tuple[str, ...]
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[int, int]]]]:
    """Per article: features (n, F), labels (n, 3), loss mask (n,) without spaces, sentence bounds."""
    result = []
    for doc, labels in articles:
        features = role_features(doc, deps, priors, blocks=blocks)
        if features is None:
            continue
        mask = np.array([not t.is_space for t in doc], dtype=bool)
        result.append((features.astype(np.float32), labels.astype(np.float32), mask, sentence_bounds(doc)))
    return result


def out_of_fold_arrays(articles, deps, blocks):  # noqa: ANN001, ANN201
    """Training arrays whose word priors come from the other fold only, as on unseen text."""
    result = []
    for fold in range(FOLDS):
        inside = [a for i, a in enumerate(articles) if i % FOLDS == fold]
        outside = [a for i, a in enumerate(articles) if i % FOLDS != fold]
        result.extend(article_arrays(inside, deps, WordPriors.from_forms(*word_priors(outside)), blocks))
    return result


def sentences(arrays, mean: np.ndarray, scale: np.ndarray, max_len: int = 0):  # noqa: ANN001, ANN201
    """(features, labels, mask) of every sentence, features standardised; long sentences cut into pieces."""
    result = []
    for features, labels, mask, bounds in arrays:
        x = (features - mean) / scale
        for start, end in bounds:
            step = max_len or (end - start)
            for a in range(start, end, step):
                b = min(end, a + step)
                result.append((x[a:b], labels[a:b], mask[a:b]))
    return result


def batches(items, size: int, rng: np.random.Generator, shuffle: bool):  # noqa: ANN001, ANN201
    import torch

    order = np.argsort([len(x) for x, _, _ in items], kind="stable")
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(groups)
    for group in groups:
        longest = max(len(items[i][0]) for i in group)
        width = items[group[0]][0].shape[1]
        x = np.zeros((len(group), longest, width), dtype=np.float32)
        y = np.zeros((len(group), longest, len(ROLES)), dtype=np.float32)
        m = np.zeros((len(group), longest), dtype=np.float32)
        lengths = []
        for row, i in enumerate(group):
            fx, fy, fm = items[i]
            x[row, :len(fx)], y[row, :len(fx)], m[row, :len(fx)] = fx, fy, fm
            lengths.append(len(fx))
        yield torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(m), torch.tensor(lengths), group


def build_model(features: int, projection: int, hidden: int, dropout: float):  # noqa: ANN201
    import torch
    from torch import nn

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.project = nn.Linear(features, projection)
            self.dropout = nn.Dropout(dropout)
            self.rnn = nn.GRU(projection, hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hidden + projection, len(ROLES))

        def forward(self, x, lengths):  # noqa: ANN001, ANN202
            projected = self.dropout(torch.relu(self.project(self.dropout(x))))
            packed = nn.utils.rnn.pack_padded_sequence(projected, lengths, batch_first=True, enforce_sorted=False)
            output, _ = self.rnn(packed)
            output, _ = nn.utils.rnn.pad_packed_sequence(output, batch_first=True, total_length=x.shape[1])
            return self.out(self.dropout(torch.cat([output, projected], dim=-1)))

    return Tagger()


def predict(model, items) -> list[np.ndarray]:  # noqa: ANN001
    import torch

    model.eval()
    result: list[np.ndarray | None] = [None] * len(items)
    with torch.no_grad():
        for x, _, _, lengths, group in batches(items, 64, np.random.default_rng(0), shuffle=False):
            p = torch.sigmoid(model(x, lengths)).numpy()
            for row, i in enumerate(group):
                result[i] = p[row, :lengths[row]]
    return result


def token_figures(model, items) -> dict[str, tuple[float, float, float, float]]:  # noqa: ANN001
    """Per role, the best (threshold, P, R, F1) over thresholds 0.3-0.6, non-space tokens."""
    probabilities = predict(model, items)
    p = np.concatenate([q[m] for q, (_, _, m) in zip(probabilities, items, strict=True)])
    y = np.concatenate([fy[m] for _, fy, m in items])
    figures = {}
    for r, role in enumerate(ROLES):
        best = (0.0, 0.0, 0.0, -1.0)
        for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
            predicted = p[:, r] >= threshold
            scores = ev.prf(int((predicted & (y[:, r] == 1)).sum()), int(predicted.sum()), int(y[:, r].sum()))
            if scores[2] > best[3]:
                best = (threshold, *scores)
        figures[role] = best
    return figures


def export(model, path: Path, deps, blocks, mean, scale, priors: WordPriors) -> None:  # noqa: ANN001
    state = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    np.savez_compressed(
        path,
        cell=np.array("gru"), deps=np.array(deps), blocks=np.array(blocks),
        mean=mean.astype(np.float32), scale=scale.astype(np.float32),
        w1=state["project.weight"].T.copy(), b1=state["project.bias"],
        w_ih_f=state["rnn.weight_ih_l0"], w_hh_f=state["rnn.weight_hh_l0"],
        b_ih_f=state["rnn.bias_ih_l0"], b_hh_f=state["rnn.bias_hh_l0"],
        w_ih_b=state["rnn.weight_ih_l0_reverse"], w_hh_b=state["rnn.weight_hh_l0_reverse"],
        b_ih_b=state["rnn.bias_ih_l0_reverse"], b_hh_b=state["rnn.bias_hh_l0_reverse"],
        w2=state["out.weight"].T.copy(), b2=state["out.bias"],
        prior_hashes=priors.hashes, prior_values=priors.values, prior_default=priors.default,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="PolNeAR train folder")
    parser.add_argument("--cache", type=Path, required=True, help="parse cache of train (outside the repo)")
    parser.add_argument("--out", type=Path, required=True, help="where to write role_tagger.npz")
    parser.add_argument("--model", help="trained pipeline (default: the bundled one)")
    parser.add_argument("--dev", type=Path, help="PolNeAR dev folder, for token-level figures per epoch")
    parser.add_argument("--dev-cache", type=Path, help="parse cache of dev")
    parser.add_argument("--blocks", default=",".join(BLOCKS), help="tensor blocks (see claimtrace.extract.attribution.role_tagger.BLOCKS)")
    parser.add_argument("--projection", type=int, default=96)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--dropout", type=float, default=0.25)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32, help="sentences per batch")
    parser.add_argument("--lr", type=float, default=2e-3)
    args = parser.parse_args()

    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    rng = np.random.default_rng(SEED)
    blocks = tuple(args.blocks.split(","))
    deps = dependency_labels(args.model)
    articles = parsed(args.data, args.cache, args.model)
    priors = WordPriors.from_forms(*word_priors(articles))
    train_arrays = out_of_fold_arrays(articles, deps, blocks)
    stacked = np.vstack([f for f, _, _, _ in train_arrays])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0) + 1e-3
    del stacked
    train = sentences(train_arrays, mean, scale, max_len=120)
    dev = []
    if args.dev and args.dev_cache:
        dev = sentences(article_arrays(parsed(args.dev, args.dev_cache, args.model), deps, priors, blocks), mean, scale)
    print(f"train: {len(train)} sentences, {sum(len(s[0]) for s in train)} tokens, "
          f"{train[0][0].shape[1]} features", flush=True)

    model = build_model(train[0][0].shape[1], args.projection, args.hidden, args.dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps = args.epochs * ((len(train) + args.batch - 1) // args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=steps, pct_start=0.1)
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    for epoch in range(1, args.epochs + 1):
        model.train()
        started, total, count = time.time(), 0.0, 0.0
        for x, y, m, lengths, _ in batches(train, args.batch, rng, shuffle=True):
            optimizer.zero_grad()
            loss = (loss_fn(model(x, lengths), y).sum(-1) * m).sum() / m.sum().clamp(min=1.0)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            schedule.step()
            total += float(loss.detach()) * float(m.sum())
            count += float(m.sum())
        line = f"epoch {epoch}: loss {total / count:.4f} ({time.time() - started:.0f} s)"
        if dev:
            figures = token_figures(model, dev)
            line += " | dev " + " ".join(
                f"{role} t={t:.2f} P={p:.3f} R={r:.3f} F1={f:.3f}" for role, (t, p, r, f) in figures.items()
            )
        print(line, flush=True)
    export(model, args.out, deps, blocks, mean, scale, priors)
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
