"""The claim vector index: nearest neighbours by usearch, kept in a file across runs, rebuilt when stale."""

from __future__ import annotations

import numpy as np

from claimtrace.link.vectors import FaissIndex, open_vector_index
from claimtrace.model import Claim, Span
from claimtrace.store.records import ClaimRecord


def _records(vectors: np.ndarray, first_id: int = 1) -> list[ClaimRecord]:
    return [
        ClaimRecord(id=first_id + i, article_id=first_id + i, claim=Claim(content=Span("x", 0, 1)), embedding=v)
        for i, v in enumerate(vectors)
    ]


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, 16)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_search_finds_the_nearest_with_its_cosine():
    vectors = _unit(50, 1)
    index = FaissIndex(16)
    index.add(np.arange(100, 150), vectors)
    keys, cosines = index.search(vectors[[7]], 3)
    assert keys[0, 0] == 107 and abs(cosines[0, 0] - 1.0) < 1e-2
    assert cosines[0, 1] <= cosines[0, 0]


def test_the_index_file_is_reused_and_grows_by_the_new_claims_only(tmp_path):
    path = tmp_path / "claims.faiss"
    first = _records(_unit(20, 2))
    index = open_vector_index(path, first, 16)
    index.save()
    reopened = open_vector_index(path, first, 16)
    assert len(reopened) == 20 and reopened.keys() == {r.id for r in first}
    later = _records(_unit(5, 3), first_id=21)
    reopened.add(np.array([r.id for r in later]), np.vstack([r.embedding for r in later]))
    reopened.save()
    assert len(open_vector_index(path, first + later, 16)) == 25


def test_a_file_holding_other_claims_is_rebuilt_from_the_stored_vectors(tmp_path):
    path = tmp_path / "claims.faiss"
    stale = _records(_unit(10, 4))
    open_vector_index(path, stale, 16).save()
    current = _records(_unit(4, 5), first_id=50)  # e.g. the encoder changed and the store re-embedded
    index = open_vector_index(path, current, 16)
    assert index.keys() == {50, 51, 52, 53}


def test_an_empty_index_returns_no_neighbours():
    keys, cosines = FaissIndex(16).search(_unit(2, 6), 5)
    assert keys.shape == (2, 0) and cosines.shape == (2, 0)


def test_new_vectors_go_to_the_tail_and_are_merged_into_the_base_when_it_is_large(tmp_path, monkeypatch):
    from claimtrace.link import vectors as link_vectors

    monkeypatch.setattr(link_vectors, "TAIL_MIN", 10)
    path = tmp_path / "claims.faiss"
    base = _unit(40, 7)
    index = open_vector_index(path, _records(base), 16)  # a rebuild fills the base
    index.save()
    assert path.is_file() and len(index.base) == 40 and len(index.tail) == 0
    written = path.stat().st_mtime_ns
    later = _unit(8, 8)
    index = open_vector_index(path, None, 16)
    index.add(np.arange(100, 108), later)
    index.save()  # 8 in the tail: not merged, the base file untouched
    assert path.stat().st_mtime_ns == written
    reopened = open_vector_index(path, None, 16)
    assert (len(reopened.base), len(reopened.tail)) == (40, 8) and reopened.keys() == set(range(1, 41)) | set(
        range(100, 108))
    keys, cosines = reopened.search(np.vstack([base[3], later[5]]), 4)
    assert keys[0, 0] == 4 and keys[1, 0] == 105 and (np.diff(cosines, axis=1) <= 1e-6).all()
    assert reopened.summary() == (48, sum(range(1, 41)) + sum(range(100, 108)))
    reopened.add(np.arange(200, 204), _unit(4, 9))
    reopened.save()  # 12 in the tail, more than 10 and than an eighth of the base: merged
    merged = open_vector_index(path, None, 16)
    assert (len(merged.base), len(merged.tail)) == (52, 0)
    assert merged.search(later[[5]], 1)[0][0, 0] == 105


def test_a_search_over_base_and_tail_finds_what_one_index_finds():
    vectors = _unit(60, 10)
    one = FaissIndex(16)
    one.add(np.arange(60), vectors)
    split = open_vector_index(None, None, 16)
    split.add_to_base(np.arange(40), vectors[:40])
    split.add(np.arange(40, 60), vectors[40:])
    queries = _unit(5, 11)
    assert (split.search(queries, 6)[0] == one.search(queries, 6)[0]).all()


def test_a_base_larger_than_the_share_of_memory_is_mapped_and_searches_as_one_read_whole(tmp_path, monkeypatch):
    from claimtrace.link import vectors as link_vectors

    path = tmp_path / "claims.faiss"
    stored = _unit(40, 5)
    index = FaissIndex(16, path)
    index.add(np.arange(1, 41), stored)
    index.save()
    read = FaissIndex(16, path, mapped=True)  # a small file: read whole
    monkeypatch.setattr(link_vectors, "map_above_bytes", lambda: 0)
    mapped = FaissIndex(16, path, mapped=True)
    assert (read._mapped, mapped._mapped) == (False, True)
    for found in (read.search(stored[:5], 4), mapped.search(stored[:5], 4)):
        assert found[0].tolist() == index.search(stored[:5], 4)[0].tolist()
    mapped.add(np.array([41]), _unit(1, 6))  # a mapped file is read whole before it grows
    assert not mapped._mapped and len(mapped) == 41
