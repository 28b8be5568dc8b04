"""Sentence embeddings (int8 MiniLM in onnxruntime) and the export script's checksum guard."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from claimtrace.corpus.embed import DIMENSION, get_encoder
from claimtrace.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
EXPORT_SCRIPT = ROOT / "training" / "embeddings" / "export_minilm.py"


@pytest.fixture(scope="module")
def encoder():
    return get_encoder()


@pytest.fixture(scope="module")
def export_module():
    spec = importlib.util.spec_from_file_location("export_minilm", EXPORT_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_encode_returns_unit_float32_rows(encoder):
    vectors = encoder.encode(["Troops crossed the river at dawn.", "The talks ended without a deal."])
    assert vectors.shape == (2, DIMENSION)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_paraphrases_are_closer_than_unrelated_sentences(encoder):
    a, b, c = encoder.encode(
        [
            "The army shelled the village overnight.",
            "Artillery fire hit the village during the night.",
            "The central bank raised interest rates by half a point.",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.3


def test_order_and_batching_do_not_change_vectors(encoder):
    texts = [
        "A short one.",
        "A much longer sentence about a ceasefire that was agreed on Sunday.",
        "Mid length text.",
    ]
    whole = encoder.encode(texts, batch_size=32)
    single = encoder.encode(texts, batch_size=1)
    assert np.allclose(whole, single, atol=1e-4)


def test_empty_text_gives_zero_vector_and_empty_list_gives_empty_array(encoder):
    vectors = encoder.encode(["", "Rebels seized the airport."])
    assert not vectors[0].any() and vectors[1].any()
    assert encoder.encode([]).shape == (0, DIMENSION)


def test_bad_input_is_an_input_error(encoder):
    with pytest.raises(InputError):
        encoder.encode("not a list")
    with pytest.raises(InputError):
        encoder.encode(["ok", 3])


def test_checksum_accepts_the_right_file(tmp_path, export_module):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"pretend weights")
    export_module.verify_checksum(weights, hashlib.sha256(b"pretend weights").hexdigest())


def test_checksum_refuses_a_different_or_missing_file(tmp_path, export_module):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"tampered weights")
    with pytest.raises(export_module.ChecksumError, match="sha256 mismatch"):
        export_module.verify_checksum(weights)
    with pytest.raises(export_module.ChecksumError, match="not found"):
        export_module.verify_checksum(tmp_path / "absent.safetensors")


def test_export_refuses_to_run_on_unverified_weights(tmp_path, export_module, capsys):
    (tmp_path / "model.safetensors").write_bytes(b"not the reviewed weights")
    code = export_module.main(["--model-dir", str(tmp_path), "--out", str(tmp_path / "out")])
    assert code == 2
    assert "refusing to export" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_embedding_cache_round_trip_is_exact(tmp_path, encoder):
    from claimtrace.corpus.embed import EmbeddingCache

    path = tmp_path / "vectors.npz"
    texts = ["The bridge was destroyed.", "Talks resume on Friday."]
    first = EmbeddingCache(path, encoder)(texts)
    assert path.is_file()
    reloaded = EmbeddingCache(path, encoder=None)
    assert len(reloaded.vectors) == 2
    assert np.array_equal(reloaded(texts[::-1]), first[::-1])
    assert np.allclose(first, encoder.encode(texts), atol=1e-6)
