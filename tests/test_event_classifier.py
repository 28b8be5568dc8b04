"""The learned event typer: numpy inference, its artifact, and how find_events uses it (self-written sentences)."""

from __future__ import annotations

import numpy as np
import pytest

from claimtrace.errors import ClaimtraceError
from claimtrace.extract.events import find_events, load_classifier, load_lexicon
from claimtrace.extract.events.classifier import EVENT, NONE, EventClassifier, EventModel, features


def _toy(classes: list[str], weights: dict[str, list[float]]) -> EventClassifier:
    vocabulary = list(weights)
    coef = np.array([weights[name] for name in vocabulary], dtype=np.float32)
    return EventClassifier(classes, vocabulary, coef, np.zeros(len(classes), dtype=np.float32))


def test_scores_are_a_softmax_over_the_active_features():
    model = _toy(["ASSAULT", "CONSULT"], {"lemma=shell": [2.0, 0.0], "lemma=meet": [0.0, 3.0]})
    assert model.scores(["lemma=shell", "unknown"]).argmax() == 0
    probabilities = model.scores(["lemma=meet"])
    assert probabilities.sum() == pytest.approx(1.0)
    assert probabilities[1] == pytest.approx(np.exp(3) / (1 + np.exp(3)), rel=1e-5)
    assert model.scores([]).tolist() == pytest.approx([0.5, 0.5])


def test_a_saved_model_loads_back_with_the_same_scores(tmp_path):
    typer = _toy(["ASSAULT", "CONSULT"], {"lemma=shell": [2.0, -1.0]})
    detector = _toy([EVENT, NONE], {"lemma=say": [-2.0, 2.0]})
    path = tmp_path / "model.npz"
    EventModel(typer, detector, override=0.6, admit=0.4).save(path)
    loaded = load_classifier(path)
    assert loaded.override == pytest.approx(0.6) and loaded.admit == pytest.approx(0.4)
    assert loaded.typer.classes == ["ASSAULT", "CONSULT"]
    assert loaded.typer.scores(["lemma=shell"]) == pytest.approx(typer.scores(["lemma=shell"]), abs=1e-3)
    assert loaded.detector.classes == [EVENT, NONE]


def test_a_missing_or_broken_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(ClaimtraceError, match="no event classifier"):
        load_classifier(tmp_path / "absent.npz")
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ClaimtraceError, match="cannot read the event classifier"):
        load_classifier(broken)


def test_the_shipped_model_types_with_numpy_only():
    model = load_classifier()
    assert model is not None, "the event classifier artifact is missing from claimtrace/models/events"
    assert NONE not in model.typer.classes and len(model.typer.classes) >= 12
    assert model.typer.dense == 3 * 384
    assert set(model.detector.classes) == {EVENT, NONE}


@pytest.fixture(scope="module")
def nlp():
    from claimtrace.nlp import load_pipeline

    return load_pipeline()


def _events(nlp, text: str, classifier):  # noqa: ANN001
    with nlp.select_pipes(disable=["claimtrace_events"]):
        doc = nlp(text)
    return find_events(doc, doc._.claims, doc._.places, doc._.dates, doc._.entity_groups, load_lexicon(),
                       classifier=classifier)


def test_the_typer_relabels_what_the_lexicon_found(nlp):
    text = "Chilean soldiers shelled a Peruvian border post on Monday."
    alone = _events(nlp, text, False)
    assert [e.category for e in alone] == ["ASSAULT"]
    # a typer that always says PROTEST, confidently, replaces the lexicon's category and its CAMEO code
    always = EventModel(_toy(["PROTEST", "ASSAULT"], {"bias": [9.0, 0.0]}), None, override=0.5)
    typed = _events(nlp, text, always)
    assert [(e.category, e.coded_as, e.cameo) for e in typed] == [("PROTEST", "PROTEST", None)]
    # below the override probability the lexicon's coding stays
    timid = EventModel(_toy(["PROTEST", "ASSAULT"], {"bias": [0.1, 0.0]}), None, override=0.9)
    assert [(e.category, e.cameo) for e in _events(nlp, text, timid)] == [("ASSAULT", alone[0].cameo)]


def test_the_detector_adds_an_event_only_where_the_lexicon_found_none(nlp):
    # "chase" is a dictionary verb whose patterns code nothing here
    text = "Bolivian officials chased the Chilean delegation out of La Paz. Peruvian troops shelled a Chilean post."
    eager = EventModel(_toy(["COERCE"], {"bias": [0.0]}), _toy([EVENT, NONE], {"bias": [5.0, 0.0]}), admit=0.5)
    never = EventModel(_toy(["COERCE"], {"bias": [0.0]}), _toy([EVENT, NONE], {"bias": [0.0, 5.0]}), admit=0.5)
    lexicon_sentences = {e.sentence for e in _events(nlp, text, False)}
    added = [e for e in _events(nlp, text, eager) if e.sentence not in lexicon_sentences]
    assert [(e.trigger.text, e.category, e.cameo) for e in added] == [("chased", "COERCE", None)]
    assert {e.sentence for e in _events(nlp, text, never)} <= lexicon_sentences


def test_the_detector_wants_a_dictionary_verb_between_two_named_actors(nlp):
    eager = EventModel(_toy(["COERCE"], {"bias": [0.0]}), _toy([EVENT, NONE], {"bias": [5.0, 0.0]}), admit=0.5)
    assert _events(nlp, "Bolivian officials chased the stray dogs out of the square.", eager) == []
    assert _events(nlp, "Bolivian officials renamed the Chilean delegation.", eager) == []  # not a dictionary verb
    statement = _events(nlp, "Bolivian officials said the Chilean delegation was rude.", eager)
    assert all(e.trigger.text != "said" for e in statement)  # a statement (CAMEO 01) is no event


def test_features_name_the_lexicon_coding_and_the_governing_verb(nlp):
    from claimtrace.extract.events.coder import code_trigger

    doc = nlp("Ecuador threatened to impose sanctions on Peru.")
    impose = next(t for t in doc if t.lower_ == "impose")
    names = features(impose, code_trigger(impose, load_lexicon()))
    assert "lemma=impose" in names and "gov0=threaten" in names
    assert any(n.startswith("lex=") and n != "lex=NONE" for n in names)


def test_the_typer_types_only_each_sentences_main_event(nlp):
    text = "Chilean soldiers shelled a Peruvian border post after Bolivian police arrested two Chilean officers."
    alone = {e.trigger.text: e.category for e in _events(nlp, text, False)}
    assert {"shelled", "arrested"} <= set(alone)
    always = EventModel(_toy(["PROTEST", "ASSAULT"], {"bias": [9.0, 0.0]}), None, override=0.5)
    typed = {e.trigger.text: e.category for e in _events(nlp, text, always)}
    assert typed["shelled"] == "PROTEST"  # the shallowest trigger of the sentence
    assert typed["arrested"] == alone["arrested"]  # a secondary event keeps the lexicon's category
