"""VectorFile: the float32 claim vectors linking gathers its pools from, beside the store."""

from __future__ import annotations

import numpy as np

from claimtrace.link.vectors import VectorFile


def _vectors(rows: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((rows, 4)).astype(np.float32)


def test_vectors_saved_and_appended_are_gathered_exactly_in_claim_order(tmp_path):
    path = tmp_path / "store.db.claims.vectors"
    first, second = _vectors(3), _vectors(2, seed=1)
    kept = VectorFile(path, 4)
    kept.add(np.array([2, 5, 9]), np.array([1, 1, 2]), first)
    kept.save()
    kept = VectorFile(path, 4)
    kept.add(np.array([11, 12]), np.array([3, 3]), second)
    assert kept.summary() == (5, 2 + 5 + 9 + 11 + 12)
    kept.save()
    again = VectorFile(path, 4)
    out = np.full((4, 4), -1, np.float32)
    articles = again.gather(np.array([5, 9, 12]), out)
    assert articles.tolist() == [1, 2, 3]
    assert out[:3].tobytes() == np.vstack([first[1], first[2], second[1]]).tobytes()  # bit for bit
    assert (out[3] == -1).all()  # rows after the gathered ones are left alone
    assert again.gather(np.array([5, 6]), out) is None  # 6 is not held: the caller reads the store
    assert again.gather(np.array([13]), out) is None


def test_a_claim_before_the_last_one_held_gets_the_file_written_again_in_order(tmp_path):
    path = tmp_path / "v"
    kept = VectorFile(path, 4)
    kept.add(np.array([10, 20]), np.array([1, 2]), _vectors(2))
    kept.save()
    kept.add(np.array([15]), np.array([7]), _vectors(1, seed=3))
    kept.save()
    out = np.empty((3, 4), np.float32)
    assert VectorFile(path, 4).gather(np.array([10, 15, 20]), out).tolist() == [1, 7, 2]
    assert out[1].tobytes() == _vectors(1, seed=3)[0].tobytes()


def test_files_out_of_step_or_of_another_width_hold_nothing(tmp_path):
    path = tmp_path / "v"
    kept = VectorFile(path, 4)
    kept.add(np.array([1, 2]), np.array([1, 1]), _vectors(2))
    kept.save()
    assert VectorFile(path, 8).summary() == (0, 0)  # another encoder's width
    with path.open("ab") as handle:  # a crash after the vectors were appended, before their ids
        handle.write(_vectors(1).tobytes())
    assert VectorFile(path, 4).summary() == (0, 0)
    assert VectorFile(path, 4).gather(np.array([1]), np.empty((1, 4), np.float32)) is None


def test_replace_holds_exactly_what_it_is_given(tmp_path):
    path = tmp_path / "v"
    kept = VectorFile(path, 4)
    kept.add(np.array([1, 2]), np.array([1, 1]), _vectors(2))
    kept.save()
    kept.replace(np.array([7, 3]), np.array([4, 2]), _vectors(2, seed=5))
    kept.save()
    again = VectorFile(path, 4)
    assert again.summary() == (2, 10)
    out = np.empty((2, 4), np.float32)
    assert again.gather(np.array([3, 7]), out).tolist() == [2, 4]
    assert out.tobytes() == _vectors(2, seed=5)[::-1].tobytes()


def test_a_store_without_files_keeps_nothing(tmp_path):
    kept = VectorFile(None, 4)
    kept.add(np.array([1]), np.array([1]), _vectors(1))
    kept.save()
    assert list(tmp_path.iterdir()) == []
