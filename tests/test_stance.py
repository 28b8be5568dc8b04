"""Stance model: loading, prediction on self-written pairs, the numpy tree predictor, the split reader."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from claimtrace.errors import ClaimtraceError, InputError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training" / "stance"))
from stance_model import (  # noqa: E402
    LABELS,
    MODEL_DIR,
    StanceModel,
    TreeEnsemble,
    get_stance_model,
    read_stance_split,
    split_sentences,
    tfidf_cosine,
    tokenize,
)

CLAIM = "Army pulls its troops out of the border town of Velmar"
SUPPORTING = (
    "The army has pulled its troops out of the border town of Velmar, the defence ministry confirmed on Monday. "
    "Convoys were seen leaving Velmar at dawn. Residents said the last soldiers left the town by noon. "
    "The ministry said the withdrawal from Velmar was complete."
)
REFUTING = (
    "Reports that the army pulled its troops out of Velmar are false, the defence ministry said on Monday. "
    "Officials denied any withdrawal from the border town and called the claims a hoax. "
    "Soldiers have not left Velmar, a spokesman said, dismissing the rumours as fabricated."
)
UNRELATED = (
    "The city council approved a new budget for public libraries on Tuesday. "
    "Funding for children's reading programmes will rise next year. Librarians welcomed the decision."
)


@pytest.fixture(scope="module")
def model() -> StanceModel:
    return get_stance_model()


def test_unrelated_body_is_unrelated(model):
    prediction = model.predict(CLAIM, UNRELATED)
    assert prediction.label == "unrelated"
    assert set(prediction.probabilities) == set(LABELS)
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0, abs=1e-6)


def test_related_bodies_are_related_and_refutation_leans_disagree(model):
    supporting, refuting = model.predict_many([(CLAIM, SUPPORTING), (CLAIM, REFUTING)])
    assert supporting.label != "unrelated" and refuting.label != "unrelated"
    assert refuting.probabilities["disagree"] > supporting.probabilities["disagree"]


def test_bad_pairs_are_input_errors(model):
    with pytest.raises(InputError):
        model.predict_many([(CLAIM, None)])
    assert model.predict_many([]) == []


def test_model_trained_on_other_features_is_refused(tmp_path):
    for name in ("ensemble.npz", "meta.json"):
        shutil.copy(MODEL_DIR / name, tmp_path / name)
    meta = json.loads((tmp_path / "meta.json").read_text())
    meta["features"] = meta["features"][:-1]
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ClaimtraceError, match="other features"):
        StanceModel(tmp_path, embed=lambda texts: np.zeros((len(texts), 384), np.float32))
    with pytest.raises(ClaimtraceError, match="no stance model"):
        StanceModel(tmp_path / "absent")


def test_tree_ensemble_follows_splits_and_missing_values():
    # One iteration, one stump per class: feature 0 <= 0.5 goes left. Leaves favour class 0 on the
    # left and class 3 on the right; NaN follows missing_left (left).
    nodes_per_tree = 3
    n_classes = len(LABELS)
    feature = np.zeros(nodes_per_tree * n_classes, np.int32)
    threshold = np.tile([0.5, 0.0, 0.0], n_classes)
    left = np.array([i * 3 + 1 if j == 0 else 0 for i in range(n_classes) for j in range(3)], np.int32)
    right = np.array([i * 3 + 2 if j == 0 else 0 for i in range(n_classes) for j in range(3)], np.int32)
    is_leaf = np.tile([0, 1, 1], n_classes).astype(np.uint8)
    value = np.zeros(nodes_per_tree * n_classes)
    value[0 * 3 + 1] = 2.0  # class 0, left leaf
    value[3 * 3 + 2] = 2.0  # class 3, right leaf
    arrays = {
        "feature": feature,
        "threshold": threshold,
        "left": left,
        "right": right,
        "is_leaf": is_leaf,
        "missing_left": np.ones_like(is_leaf),
        "value": value,
        "roots": np.array([[0, 3, 6, 9]]),
        "baseline": np.zeros(n_classes),
        "max_depth": np.array(1),
    }
    proba = TreeEnsemble(arrays).predict_proba(np.array([[0.1], [0.9], [np.nan]]))
    assert proba.argmax(1).tolist() == [0, 3, 0]
    assert np.allclose(proba.sum(1), 1.0)


def test_text_helpers():
    assert tokenize("They didn't leave") == ["they", "did", "n't", "leave"]
    assert split_sentences("One here. Two there!\nThree") == ["One here.", "Two there!", "Three"]
    idf = np.ones(1 << 18, np.float32)
    assert tfidf_cosine(["a", "b"], ["a", "b"], idf) == pytest.approx(1.0)
    assert tfidf_cosine(["a"], ["b"], idf) == 0.0


def test_read_stance_split(tmp_path):
    (tmp_path / "bodies.csv").write_text('Body ID,articleBody\n1,"A body, with a comma."\n')
    (tmp_path / "stances.csv").write_text("Headline,Body ID,Stance\nA claim,1,agree\n")
    bodies, rows = read_stance_split(tmp_path)
    assert bodies == {"1": "A body, with a comma."} and rows == [("A claim", "1", "agree")]
    (tmp_path / "stances.csv").write_text("Headline,Body ID,Stance\nA claim,2,agree\n")
    with pytest.raises(InputError, match="missing"):
        read_stance_split(tmp_path)
    with pytest.raises(InputError):
        read_stance_split(tmp_path / "nowhere")
