"""Nearest neighbours among stored claim vectors, kept across ingest runs.

:class:`VectorIndex` is what linking needs: add vectors under claim ids, find the nearest stored
ones, save. :class:`FaissIndex` implements it with faiss (HNSW graph, inner product on normalized
vectors stored in half precision), kept in a file the store names (:meth:`~claimtrace.store.Store.sidecar`), so a later
ingest adds only its new claims. Linking keeps two such files (:class:`SegmentedIndex`): a base, read whole (memory-mapped
when larger than an eighth of the machine's memory, :func:`map_above_bytes`) and rewritten only when the tail
is merged into it, and the tail of the latest runs' claims, read and written
whole by each run, so a run's file work is bounded by the tail, not by the corpus. Linking checks the file against a setting the store keeps (the
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

import os
from pathlib import Path
from typing import Protocol

import numpy as np

from claimtrace.store.records import ClaimRecord

INDEX_NAME = "claims.faiss"
TAIL_NAME = "claims.faiss.tail"  # the vectors of the latest runs (SegmentedIndex)
TAIL_MIN = 50_000  # vectors the tail may hold before it is merged into the base ...
TAIL_SHARE = 8  # ... and the share of the base (1 / TAIL_SHARE) it may reach


class VectorIndex(Protocol):
    def __len__(self) -> int: ...
    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None: ...
    def search(self, vectors: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]: ...
    def save(self) -> None: ...


class FaissIndex:
    """A faiss HNSW index of L2-normalized claim vectors (half precision, inner product = cosine)
    under claim ids, optionally kept in a file."""

    def __init__(self, dimension: int, path: Path | None = None, *, mapped: bool = False) -> None:
        """``mapped``: the file's vectors memory-mapped, not read, when the file is larger than
        :func:`map_above_bytes` (read in full before anything is added)."""
        import faiss

        faiss.omp_set_num_threads(1)  # linking shares the cores with the analysis workers: no OpenMP spinning
        self.path = path
        self._index = None
        self._mapped = False
        if path is not None and path.is_file():
            mapped = mapped and path.stat().st_size > map_above_bytes()
            try:
                loaded = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC if mapped else 0)
                if loaded.d == dimension:
                    self._index, self._mapped = loaded, mapped
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
            if self._mapped:  # a mapped file is read-only: read it in full first
                import faiss

                self._index, self._mapped = faiss.read_index(str(self.path)), False
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(keys, dtype=np.int64))

    def contents(self) -> tuple[np.ndarray, np.ndarray]:
        """(keys, vectors) of everything held, in the order added (vectors as stored: half precision)."""
        import faiss

        keys = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        if not len(keys):
            return keys, np.zeros((0, self._index.d), np.float32)
        return keys, faiss.downcast_index(self._index.index).reconstruct_n(0, len(keys))

    def search(self, vectors: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """For each row of ``vectors``: the keys of its ``count`` nearest stored vectors and their
        cosine similarities (-1 pads rows with fewer neighbours)."""
        if not len(vectors) or not len(self):
            empty = np.zeros((len(vectors), 0))
            return empty.astype(np.int64), empty.astype(np.float32)
        cosines, keys = self._index.search(np.ascontiguousarray(vectors, dtype=np.float32), min(count, len(self)))
        return keys.astype(np.int64), cosines.astype(np.float32)

    def save(self) -> None:
        """Write the index to its file: to a new file renamed over the old one, so that a process
        that maps the old file keeps reading it whole."""
        if self.path is not None:
            import faiss

            part = self.path.with_name(self.path.name + ".part")
            faiss.write_index(self._index, str(part))
            part.replace(self.path)


MAP_SHARE = 8  # a base file larger than this share of the machine's memory is memory-mapped, not read


def map_above_bytes() -> int:
    """The size above which the base file is memory-mapped instead of read: an eighth of the machine's memory.
    A search touches pages all over the file; when the file is not in the page cache (a machine short of
    memory, or one that pages out what was not read for a minute), each is a separate read from the disk:
    at a simulated 100,000 articles (2.3 GB) opening and searching the mapped file cost 25 s from a cold
    cache, reading it whole 2.9 s (0.02 s against about 1.4 s when it is cached)."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")) // MAP_SHARE
    except (ValueError, OSError, AttributeError):
        return 1 << 30


class SegmentedIndex:
    """The claim index as two faiss files, so that a run neither reads nor writes every stored vector:
    the base (read whole or memory-mapped, rewritten only when the tail is merged into it) and the tail, which takes
    each run's new vectors and is read and written whole. A search asks both and keeps the nearest.
    :meth:`save` merges the tail into the base once it holds more than ``TAIL_MIN`` vectors and more
    than one ``TAIL_SHARE``-th of the base, so the base is rewritten after its size grew by that
    share: the work of keeping the files is a constant share of the vectors added, as the cost of
    adding them to one HNSW graph is (a vector is added twice: to the tail, then to the base).
    With an empty base (a store linked in one run) searches are those of one index."""

    def __init__(self, dimension: int, base: Path | None = None, tail: Path | None = None) -> None:
        self.base = FaissIndex(dimension, base, mapped=True)
        self.tail = FaissIndex(dimension, tail)
        self._changed = {"base": False, "tail": False}

    @property
    def path(self) -> Path | None:
        return self.base.path

    def __len__(self) -> int:
        return len(self.base) + len(self.tail)

    def keys(self) -> set[int]:
        return self.base.keys() | self.tail.keys()

    def holds_any(self, keys: np.ndarray) -> bool:
        return self.base.holds_any(keys) or self.tail.holds_any(keys)

    def summary(self) -> tuple[int, int]:
        (count, total), (tail_count, tail_total) = self.base.summary(), self.tail.summary()
        return count + tail_count, total + tail_total

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        """Add to the tail (:meth:`add_to_base` to the base, as a rebuild does). When that would make the
        merge due, the tail is merged now and ``vectors`` go straight to the base: the base :meth:`save`
        would have made, without adding them to the tail first."""
        if not len(keys):
            return
        if self.merge_due(len(keys)):
            self.merge()
            self.add_to_base(keys, vectors)
        else:
            self.tail.add(keys, vectors)
            self._changed["tail"] = True

    def add_to_base(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        if len(keys):
            self.base.add(keys, vectors)
            self._changed["base"] = True

    def search(self, vectors: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """As :meth:`FaissIndex.search`, over both files: the ``count`` nearest of their results."""
        found = [part.search(vectors, count) for part in (self.base, self.tail) if len(part)]
        if len(found) < 2:
            return found[0] if found else self.tail.search(vectors, count)
        keys, cosines = np.hstack([k for k, _ in found]), np.hstack([c for _, c in found])
        order = np.argsort(-np.where(keys >= 0, cosines, -np.inf), axis=1, kind="stable")[:, :count]
        return np.take_along_axis(keys, order, axis=1), np.take_along_axis(cosines, order, axis=1)

    def merge_due(self, adding: int = 0) -> bool:
        """Whether the tail, with ``adding`` more vectors, is due to be merged into the base."""
        return len(self.tail) + adding > max(TAIL_MIN, len(self.base) // TAIL_SHARE)

    def merge(self) -> None:
        """Move the tail's vectors into the base."""
        if not len(self.tail):
            return
        keys, vectors = self.tail.contents()
        self.add_to_base(keys, vectors)
        path, self.tail = self.tail.path, FaissIndex(self.base._index.d)
        self.tail.path = path
        self._changed["tail"] = True

    def save(self) -> None:
        """Write what changed (the tail; the base after a merge or a rebuild), merging first when due."""
        if self.merge_due():
            self.merge()
        if self._changed["base"]:
            self.base.save()
        if self._changed["tail"] or (self._changed["base"] and self.tail.path is not None
                                     and not self.tail.path.is_file()):
            self.tail.save()
        self._changed = {"base": False, "tail": False}


def open_vector_index(
    sidecar: Path | None, stored: list[ClaimRecord] | None, dimension: int, tail: Path | None = None
) -> SegmentedIndex:
    """The claim index kept at ``sidecar`` and ``tail`` (default: ``sidecar`` with ``.tail`` added; None:
    in memory). With ``stored``: holding exactly the ``stored`` claims' vectors, rebuilt from them (into
    the base) when the files are missing or hold other claims; without: as the files hold it (linking
    checks it against the store, see linker.py)."""
    if tail is None and sidecar is not None:
        tail = sidecar.with_name(sidecar.name + ".tail")
    index = SegmentedIndex(dimension, sidecar, tail)
    if stored is None:
        return index
    wanted = {r.id for r in stored}
    if len(index) != len(wanted) or index.keys() != wanted:
        index = empty_vector_index(sidecar, tail, dimension)
        if stored:
            index.add_to_base(np.fromiter((r.id for r in stored), dtype=np.int64, count=len(stored)),
                              np.vstack([np.asarray(r.embedding, dtype=np.float32) for r in stored]))
    return index


def empty_vector_index(sidecar: Path | None, tail: Path | None, dimension: int) -> SegmentedIndex:
    """An empty index that replaces whatever the files hold when saved."""
    index = SegmentedIndex(dimension)
    index.base.path, index.tail.path = sidecar, tail
    index._changed = {"base": True, "tail": True}
    return index


VECTORS_NAME = "claims.vectors"  # the float32 vectors of the indexed claims (VectorFile), ".ids" beside it
GATHER_BLOCK = 2048  # rows read at a time by VectorFile.gather (3 MB of 384-wide vectors)


class VectorFile:
    """The float32 vectors of the claims the vector index holds, with their claim and article ids, in claim-id
    order, in two files beside the store (``claims.vectors`` and ``claims.vectors.ids``), so that a run reads
    its pool's vectors (600,000 at a simulated 100,000 articles) in one pass over the file instead of a lookup
    per claim in the store (5 of 22 CPU-s there, 0.5 s from the file). A cache of the store's vectors, exact to
    the bit: linking checks it against the vector index (:meth:`summary`) and writes it afresh from the store
    when they differ; a file the store's backend cannot keep (``path`` None) holds nothing and reads nothing.
    A run's new claims are appended when it saves (the whole file is written again, in order, when a claim
    comes before the last one held)."""

    def __init__(self, path: Path | None, dimension: int) -> None:
        self.path = path
        self.dimension = dimension
        self._ids = np.zeros((0, 2), np.int64)  # (claim id, article id) rows, ascending claim ids
        self._vectors: np.ndarray = np.zeros((0, dimension), np.float32)
        self._added: list[tuple[np.ndarray, np.ndarray]] = []
        self._rewrite = False
        if path is not None:
            self._load()

    @property
    def ids_path(self) -> Path | None:
        return None if self.path is None else self.path.with_name(self.path.name + ".ids")

    def _load(self) -> None:
        """Map the files when both are whole (a crash while appending leaves them out of step: held empty)."""
        assert self.path is not None and self.ids_path is not None
        if not (self.path.is_file() and self.ids_path.is_file()):
            return
        ids = np.fromfile(self.ids_path, dtype=np.int64)
        rows = len(ids) // 2
        if len(ids) % 2 or self.path.stat().st_size != rows * self.dimension * 4 or not rows:
            return
        self._ids = ids.reshape(rows, 2)
        self._vectors = np.memmap(self.path, dtype=np.float32, mode="r", shape=(rows, self.dimension))

    def __len__(self) -> int:
        return len(self._ids) + sum(len(ids) for ids, _ in self._added)

    def summary(self) -> tuple[int, int]:
        """(how many vectors, the sum of their claim ids), as :meth:`SegmentedIndex.summary` gives them."""
        total = int(self._ids[:, 0].sum()) + sum(int(ids[:, 0].sum()) for ids, _ in self._added)
        return len(self), total

    def add(self, claims: np.ndarray, articles: np.ndarray, vectors: np.ndarray) -> None:
        """Hold ``vectors`` of ``claims`` (of ``articles``) too, written by :meth:`save`."""
        if len(claims):
            ids = np.column_stack([np.asarray(claims, np.int64), np.asarray(articles, np.int64)])
            self._added.append((ids, np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)))

    def replace(self, claims: np.ndarray, articles: np.ndarray, vectors: np.ndarray) -> None:
        """Hold exactly these vectors (written whole by :meth:`save`)."""
        self._ids, self._vectors = np.zeros((0, 2), np.int64), np.zeros((0, self.dimension), np.float32)
        self._added, self._rewrite = [], True
        self.add(claims, articles, vectors)

    def gather(self, claim_ids: np.ndarray, out: np.ndarray) -> np.ndarray | None:
        """The article ids of ``claim_ids`` (ascending), their vectors copied into the first rows of ``out``;
        None when the saved file does not hold all of them."""
        held = self._ids[:, 0]
        rows = np.searchsorted(held, claim_ids)
        if not len(held) or len(claim_ids) and (rows[-1] >= len(held) or not np.array_equal(held[rows], claim_ids)):
            return None
        self._read_rows(rows, out)
        return self._ids[rows, 1]

    def _read_rows(self, rows: np.ndarray, out: np.ndarray) -> None:
        """Rows ``rows`` (ascending) of the file into ``out``, a block of ``GATHER_BLOCK`` rows read at a time
        (blocks holding none are skipped): sequential reads, where a gather through the memory map faults
        page by page, each a separate read from a cold disk."""
        assert self.path is not None
        blocks = rows // GATHER_BLOCK
        starts = np.flatnonzero(np.r_[True, blocks[1:] != blocks[:-1]]) if len(rows) else np.zeros(0, np.int64)
        ends = np.r_[starts[1:], len(rows)]
        buffer = np.empty((GATHER_BLOCK, self.dimension), np.float32)
        with self.path.open("rb", buffering=0) as handle:
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                first = int(blocks[start]) * GATHER_BLOCK
                count = min(GATHER_BLOCK, len(self._ids) - first)
                handle.seek(first * self.dimension * 4)
                handle.readinto(memoryview(buffer[:count]).cast("B"))
                np.take(buffer, rows[start:end] - first, axis=0, out=out[start:end])

    def save(self) -> None:
        """Append what was added (write everything again when it is not in claim-id order after the file)."""
        if self.path is None or self.ids_path is None or not (self._added or self._rewrite):
            return
        ids = np.concatenate([part for part, _ in self._added]) if self._added else np.zeros((0, 2), np.int64)
        vectors = np.concatenate([v for _, v in self._added]) if self._added else self._vectors[:0]
        last = int(self._ids[-1, 0]) if len(self._ids) else -1
        if self._rewrite or (len(ids) and (ids[0, 0] <= last or (np.diff(ids[:, 0]) <= 0).any())):
            ids, vectors = np.concatenate([self._ids, ids]), np.concatenate([np.asarray(self._vectors), vectors])
            order = np.argsort(ids[:, 0], kind="stable")
            self._write_whole(ids[order], vectors[order])
        else:
            with self.path.open("ab") as handle:  # vectors first: ids tell how many rows are whole
                handle.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
            with self.ids_path.open("ab") as handle:
                handle.write(np.ascontiguousarray(ids).tobytes())
        self._added, self._rewrite = [], False
        self._load()

    def _write_whole(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        assert self.path is not None and self.ids_path is not None
        for path, data in ((self.path, vectors.astype(np.float32)), (self.ids_path, ids.astype(np.int64))):
            part = path.with_name(path.name + ".part")
            data.tofile(part)
            part.replace(path)
