"""Sentence embeddings (int8 MiniLM in onnxruntime) and the export script's checksum guard."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from claimtrace.errors import InputError
from claimtrace.link.embed import DIMENSION, get_encoder

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
    from claimtrace.link.embed import EmbeddingCache

    path = tmp_path / "vectors.npz"
    texts = ["The bridge was destroyed.", "Talks resume on Friday."]
    first = EmbeddingCache(path, encoder)(texts)
    assert path.is_file()
    reloaded = EmbeddingCache(path, encoder=None)
    assert len(reloaded.vectors) == 2
    assert np.array_equal(reloaded(texts[::-1]), first[::-1])
    assert np.allclose(first, encoder.encode(texts), atol=1e-6)


@pytest.fixture(scope="module")
def static_encoder():
    from claimtrace.link.embed import StaticEncoder

    return StaticEncoder()


def test_static_encoder_gives_unit_rows_in_minilm_space(static_encoder, encoder):
    texts = ["Troops crossed the river at dawn.", "The talks ended without a deal.", ""]
    fast = static_encoder.encode(texts)
    assert fast.shape == (3, DIMENSION) and fast.dtype == np.float32
    assert np.allclose(np.linalg.norm(fast[:2], axis=1), 1.0, atol=1e-4) and not fast[2].any()
    exact = encoder.encode(texts[:2])
    # trained to imitate MiniLM: each static vector points roughly where MiniLM puts the same text
    assert (fast[:2] * exact).sum(1).min() > 0.6


def test_static_encoder_ranks_a_paraphrase_above_an_unrelated_sentence(static_encoder):
    a, b, c = static_encoder.encode(
        [
            "The army shelled the village overnight.",
            "Artillery fire hit the village during the night.",
            "The central bank raised interest rates by half a point.",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.2


def test_static_encoder_rejects_bad_input_and_missing_model(static_encoder, tmp_path):
    from claimtrace.errors import ClaimtraceError
    from claimtrace.link.embed import StaticEncoder

    with pytest.raises(InputError):
        static_encoder.encode("not a list")
    with pytest.raises(ClaimtraceError, match="no static embedding model"):
        StaticEncoder(tmp_path)


def test_claim_encoder_follows_the_environment(monkeypatch):
    from claimtrace.link.embed import Encoder, StaticEncoder, get_claim_encoder

    monkeypatch.delenv("CLAIMTRACE_CLAIM_ENCODER", raising=False)
    assert isinstance(get_claim_encoder(), StaticEncoder)
    monkeypatch.setenv("CLAIMTRACE_CLAIM_ENCODER", "MiniLM")
    assert isinstance(get_claim_encoder(), Encoder)


def test_static_cosines_are_mapped_onto_minilm_scale(static_encoder):
    cosines = np.linspace(-1, 1, 41)
    mapped = static_encoder.calibrate(cosines)
    assert np.all(np.diff(mapped) >= 0) and mapped[0] == -1.0 and mapped[-1] == 1.0
    # unrelated texts sit closer under the static table: a middling static cosine means less under MiniLM
    assert static_encoder.calibrate(0.4) < 0.4
    assert isinstance(static_encoder.calibrate(0.4), float)


def test_a_static_model_without_a_usable_calibration_is_refused(tmp_path):
    import shutil

    from claimtrace.errors import ClaimtraceError
    from claimtrace.link.embed import STATIC_MODEL_DIR, StaticEncoder

    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        shutil.copy(STATIC_MODEL_DIR / name, tmp_path / name)
    with pytest.raises(ClaimtraceError, match="calibration"):
        StaticEncoder(tmp_path)
    (tmp_path / "calibration.json").write_text('{"static": [0.5, 0.1], "minilm": [0.1, 0.2]}')
    with pytest.raises(ClaimtraceError, match="increasing"):
        StaticEncoder(tmp_path)
