"""Parse a PolNeAR split once and keep the parses with their tok2vec tensors (outside the repo).

    python training/attribution/parse_cache.py --data /work/shared/data/polnear/train \
        --cache /work/notes/attr_cache/train [--model PIPELINE]

``DocBin`` does not store ``doc.tensor``, so each chunk of 40 articles is kept
as ``chunk_NNNN.spacy`` (the parses), ``chunk_NNNN.npy`` (the tensors of all
its tokens, stacked) and ``chunk_NNNN.idx`` (article indices). Resumable.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

import numpy as np  # noqa: E402

from claimtrace.extract.attribution import evaluation as ev  # noqa: E402

CHUNK = 40


def cached_docs(
    gold: list[ev.GoldDocument], cache: Path, model: str | None = None
) -> Iterator[tuple[int, object]]:
    """(article index, Doc with ``doc.tensor``) pairs, parsing and caching chunks not yet cached."""
    from spacy.tokens import DocBin

    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline(model, with_components=False)
    cache.mkdir(parents=True, exist_ok=True)
    for first in range(0, len(gold), CHUNK):
        chunk = list(range(first, min(first + CHUNK, len(gold))))
        stem = cache / f"chunk_{first:04d}"
        spacy_path, npy_path = stem.with_suffix(".spacy"), stem.with_suffix(".npy")
        if spacy_path.exists() and npy_path.exists():
            docs = list(DocBin().from_disk(spacy_path).get_docs(nlp.vocab))
            tensors = np.load(npy_path)
            offset = 0
            for doc in docs:
                doc.tensor = tensors[offset:offset + len(doc)]
                offset += len(doc)
        else:
            docs = list(nlp.pipe((gold[i].text for i in chunk), batch_size=8))
            store = DocBin(store_user_data=False)
            for doc in docs:
                store.add(doc)
            store.to_disk(spacy_path)
            np.save(npy_path, np.concatenate([doc.tensor for doc in docs]).astype(np.float32))
            stem.with_suffix(".idx").write_text(" ".join(map(str, chunk)))
            print(f"parsed articles {chunk[0]}-{chunk[-1]}", flush=True)
        yield from zip(chunk, docs, strict=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="PolNeAR split folder")
    parser.add_argument("--cache", type=Path, required=True, help="cache folder, outside the repo")
    parser.add_argument("--model", help="trained pipeline (default: the bundled one)")
    args = parser.parse_args()
    gold = list(ev.read_polnear(args.data))
    count = sum(1 for _ in cached_docs(gold, args.cache, args.model))
    print(f"{count} articles cached in {args.cache}")


if __name__ == "__main__":
    main()
