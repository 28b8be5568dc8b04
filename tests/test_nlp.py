"""Our trained pipeline as loaded by claimtrace (sanity checks, not quality: see benchmarks/nlp.py)."""

from pathlib import Path

import pytest

from claimtrace.errors import ClaimtraceError
from claimtrace.nlp import load_pipeline


def test_pipeline_has_the_trained_components(nlp):
    for name in ("tagger", "parser", "ner", "trainable_lemmatizer"):
        assert name in nlp.pipe_names
    assert set(nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC", "MISC"}


def test_line_breaks_end_sentences(nlp):
    doc = nlp("The talks ended without a deal\nOfficials said they would meet again")
    starts = [sent[0].text for sent in doc.sents]
    assert starts == ["The", "Officials"]


def test_parse_tags_and_lemmas_are_filled(nlp):
    doc = nlp("The ministry said that two soldiers were killed in the attack.")
    said = next(t for t in doc if t.text == "said")
    assert said.dep_ == "ROOT" and said.lemma_ == "say" and said.pos_ == "VERB" and said.tag_ == "VBD"
    assert any(t.dep_ == "nsubj" and t.head.i == said.i for t in doc)


def test_components_attach_results_to_the_doc(full_nlp):
    doc = full_nlp.make_doc("Officials in Kyiv said on Monday that the bridge was destroyed.")
    doc._.published = "2022-03-02"
    doc = full_nlp(doc)
    for name in ("entity_groups", "entities", "dates", "places", "claims"):
        assert isinstance(getattr(doc._, name), list)
    assert [e.text for e in doc._.entities] == [e.text for e in doc.ents]


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ClaimtraceError, match="no trained pipeline"):
        load_pipeline(str(Path(tmp_path) / "nowhere"))


def test_line_breaks_never_make_empty_sentences(full_nlp):
    from claimtrace.pipeline import analyze

    text = "The talks ended without a deal.\nOfficials said they would meet again.\n\nResidents were angry."
    analysis = analyze(text)
    pieces = [text[s.start : s.end] for s in analysis.sentences]
    assert pieces == ["The talks ended without a deal.", "Officials said they would meet again.", "Residents were angry."]


def test_ruleless_start_tokenizes_like_spacys_own_loading(nlp):
    import spacy

    from claimtrace.nlp import model_path

    text = ("The U.S. envoy didn't say, e.g., whether Gen. Smith's talks (Jan. 5) at 10:30am in "
            "St. Louis would resume :) -- see https://example.org/a?b=1 or mail press@example.org.")
    plain = spacy.load(model_path())  # spaCy's own way: default rules built, then the saved ones
    assert [t.text_with_ws for t in nlp.make_doc(text)] == [t.text_with_ws for t in plain.make_doc(text)]


def test_ruleless_start_only_for_a_saved_spacy_tokenizer(tmp_path):
    import spacy

    from claimtrace.nlp import _load_overrides

    saved = spacy.blank("en")
    saved.to_disk(tmp_path / "with")
    assert _load_overrides(tmp_path / "with")
    (tmp_path / "with" / "tokenizer").unlink()
    assert _load_overrides(tmp_path / "with") == {}
