"""The claimtrace spaCy components: declared attributes, configuration and weights that travel with the pipeline."""

from __future__ import annotations

import pytest
import spacy

from claimtrace.errors import ClaimtraceError
from claimtrace.nlp import CLAIMTRACE_COMPONENTS, load_pipeline

TEXT = "The minister said that the bridge was destroyed on Monday. Residents fled the town."


def _claims(nlp):  # noqa: ANN001, ANN202
    doc = nlp.make_doc(TEXT)
    doc._.published = None
    return [(c.source.text, c.cue.text if c.cue else None, c.content.text) for c in nlp(doc)._.claims]


def test_every_component_declares_what_it_assigns_and_the_order_checks_out():
    nlp = load_pipeline()
    analysis = nlp.analyze_pipes()
    assert all(problems == [] for problems in analysis["problems"].values())
    for name in CLAIMTRACE_COMPONENTS:
        assert analysis["summary"][name]["assigns"], name
    assert "doc.tensor" in analysis["summary"]["claimtrace_claims"]["requires"]


def test_a_saved_pipeline_carries_the_claims_weights_and_thresholds(tmp_path):
    nlp = load_pipeline()
    nlp.to_disk(tmp_path / "pipe")
    assert sorted(p.name for p in (tmp_path / "pipe" / "claimtrace_claims").iterdir()) == [
        "cue_model.json", "role_tagger.npz",
    ]
    reloaded = load_pipeline(str(tmp_path / "pipe"))
    assert reloaded.config["components"]["claimtrace_claims"]["cue"] == 0.3
    assert _claims(reloaded) == _claims(nlp)
    assert ("The minister", "said", "that the bridge was destroyed on Monday") in _claims(nlp)


def test_a_missing_weight_file_is_an_error_naming_it(tmp_path):
    load_pipeline().to_disk(tmp_path / "pipe")
    (tmp_path / "pipe" / "claimtrace_claims" / "role_tagger.npz").unlink()
    with pytest.raises(ClaimtraceError, match="claimtrace_claims/role_tagger.npz: missing"):
        load_pipeline.__wrapped__(str(tmp_path / "pipe"))


def test_a_tagger_trained_on_another_tok2vec_is_an_error_naming_it():
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")  # spaCy's default width (96), not the width the tagger was trained on
    nlp.initialize()
    component = nlp.add_pipe("claimtrace_claims")
    with pytest.raises(ClaimtraceError, match="role_tagger.npz: trained on another tok2vec"):
        component.initialize(nlp=nlp)


def test_thresholds_come_from_the_component_config():
    nlp = load_pipeline.__wrapped__(None, with_components=False)
    nlp.add_pipe("claimtrace_entities")
    nlp.add_pipe("claimtrace_claims", config={"cue": 1.01, "seed_floor": 0.0, "new_cue": 1.01}).initialize(nlp=nlp)
    assert not [cue for _, cue, _ in _claims(nlp) if cue == "said"]


def test_line_breaks_end_sentences_before_the_parser(nlp):
    from spacy.attrs import SENT_START

    from claimtrace.nlp.components import paragraphs_component

    doc = paragraphs_component(nlp.make_doc("Talks went on\nfor days \n\n and ended.\nThen"))
    starts = doc.to_array(SENT_START).astype("int64").tolist()
    texts = [t.text for t in doc]
    assert [texts[i] for i, s in enumerate(starts) if s == 1] == ["Talks", "for", "and", "Then"]
    assert [texts[i] for i, s in enumerate(starts) if s == -1] == ["\n", "\n\n ", "\n"]
    with pytest.raises(ValueError):
        paragraphs_component(nlp("A parsed doc.\n\nAnother one."))
