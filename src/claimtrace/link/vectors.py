"""Nearest neighbours among stored claim vectors, kept across ingest runs.

:class:`VectorIndex` is what linking needs: add vectors under claim ids, find the nearest stored
ones, save. :class:`FaissIndex` implements it with faiss (HNSW graph, inner product on normalized
vectors stored in half precision), kept in a file the store names (:meth:`~claimtrace.store.Store.sidecar`), so a later
ingest adds only its new claims. Linking checks the file against a setting the store keeps (the
encoder, count and id sum of the claims it must hold: :meth:`FaissIndex.summary`, see
``linker.open_link_indexes``) and rebuilds it from the stored vectors when they differ (a crash between
the commit and the save, an encoder change that cleared the vectors); :func:`open_vector_index` given
the stored claims compares every id instead. A backend without
files (``sidecar`` returns None) gets an index built in memory each run; a backend with its own
vector search can hand linking any object with the same four methods. (faiss, not usearch: loading
usearch's extension before onnxruntime's crashes the process.)

Misses: HNSW search is approximate (a true neighbour is occasionally not returned).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from claimtrace.store.records import ClaimRecord

INDEX_NAME = "claims.faiss"


class VectorIndex(Protocol):
    def __len__(self) -> int: ...
    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None: ...
    def search(self, vectors: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]: ...
    def save(self) -> None: ...


class FaissIndex:
    """A faiss HNSW index of L2-normalized claim vectors (half precision, inner product = cosine)
    under claim ids, optionally kept in a file."""

    def __init__(self, dimension: int, path: Path | None = None) -> None:
        import faiss

        faiss.omp_set_num_threads(1)  # linking shares the cores with the analysis workers: no OpenMP spinning
        self.path = path
        self._index = None
        if path is not None and path.is_file():
            try:
                loaded = faiss.read_index(str(path))
                if loaded.d == dimension:
                    self._index = loaded
            except RuntimeError:
                pass  # unreadable: rebuilt by open_vector_index
        if self._index is None:
            graph = faiss.IndexHNSWSQ(dimension, faiss.ScalarQuantizer.QT_fp16, 32, faiss.METRIC_INNER_PRODUCT)
            graph.hnsw.efConstruction = 64
            self._index = faiss.IndexIDMap2(graph)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def keys(self) -> set[int]:
        import faiss

        return set(faiss.vector_to_array(self._index.id_map).tolist())

    def holds_any(self, keys: np.ndarray) -> bool:
        """Whether any of ``keys`` is in the index already."""
        import faiss

        if not len(keys) or not len(self):
            return False
        return bool(np.isin(np.asarray(keys, dtype=np.int64), faiss.vector_to_array(self._index.id_map)).any())

    def summary(self) -> tuple[int, int]:
        """(how many vectors, the sum of their keys): what the store records of the index it expects."""
        import faiss

        ids = faiss.vector_to_array(self._index.id_map)
        return int(len(ids)), int(ids.astype(np.int64).sum()) if len(ids) else 0

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        if len(keys):
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(keys, dtype=np.int64))

    def search(self, vectors: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """For each row of ``vectors``: the keys of its ``count`` nearest stored vectors and their
        cosine similarities (-1 pads rows with fewer neighbours)."""
        if not len(vectors) or not len(self):
            empty = np.zeros((len(vectors), 0))
            return empty.astype(np.int64), empty.astype(np.float32)
        cosines, keys = self._index.search(np.ascontiguousarray(vectors, dtype=np.float32), min(count, len(self)))
        return keys.astype(np.int64), cosines.astype(np.float32)

    def save(self) -> None:
        if self.path is not None:
            import faiss

            faiss.write_index(self._index, str(self.path))


def open_vector_index(sidecar: Path | None, stored: list[ClaimRecord] | None, dimension: int) -> FaissIndex:
    """The claim index kept at ``sidecar`` (None: in memory). With ``stored``: holding exactly the
    ``stored`` claims' vectors, rebuilt from them when the file is missing or holds other claims;
    without: as the file holds it (linking checks it against the store, see linker.py)."""
    index = FaissIndex(dimension, sidecar)
    if stored is None:
        return index
    wanted = {r.id for r in stored}
    if len(index) != len(wanted) or index.keys() != wanted:
        index = FaissIndex(dimension, None)
        index.path = sidecar
        if stored:
            index.add(np.fromiter((r.id for r in stored), dtype=np.int64, count=len(stored)),
                      np.vstack([np.asarray(r.embedding, dtype=np.float32) for r in stored]))
    return index
