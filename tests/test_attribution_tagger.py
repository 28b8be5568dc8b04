"""The learned role tagger and how it refines the rule attributions (self-written sentences)."""

from __future__ import annotations

import re

import numpy
import pytest
import spacy

import claimtrace.nlp  # noqa: F401  (registers the Doc extensions)
from claimtrace.extract import attribution_learned as learned
from claimtrace.extract.attribution import find_claims
from claimtrace.extract.attribution_tagger import ROLES, WordPriors, load_role_tagger, role_features
from claimtrace.extract.entities import link_mentions
from claimtrace.nlp import model_path

needs_model = pytest.mark.skipif(
    not (model_path() / "config.cfg").is_file() or load_role_tagger() is None,
    reason="the trained pipeline or the role tagger is not installed",
)


def test_no_tensor_gives_no_tags():
    doc = spacy.blank("en")("The minister said the war is over.")
    tagger = load_role_tagger()
    priors = WordPriors.from_forms([], numpy.zeros((0, 3)), numpy.zeros(3))
    assert role_features(doc, ("nsubj",), priors) is None
    if tagger is not None:
        assert tagger.probabilities(doc) is None


def test_word_priors_fall_back_to_the_base_rate():
    priors = WordPriors.from_forms(["said", "the"], numpy.array([[0.8, 0.0, 0.1], [0.0, 0.2, 0.5]]),
                                   numpy.array([0.05, 0.08, 0.4]))
    doc = spacy.blank("en")("the senator said")
    found = priors.lookup(doc.to_array("LOWER").astype(numpy.uint64))
    assert numpy.allclose(found, [[0.0, 0.2, 0.5], [0.05, 0.08, 0.4], [0.8, 0.0, 0.1]])


def test_runs_of_a_mask():
    mask = numpy.array([False, True, True, False, True, False, True])
    assert learned._runs(mask, 0, len(mask)) == [(1, 3), (4, 5), (6, 7)]
    assert learned._runs(mask, 2, 5) == [(2, 3), (4, 5)]


def test_nearest_run_skips_runs_that_overlap_the_cue():
    assert learned._nearest_run([(0, 2), (3, 5), (9, 12)], (4, 6)) == (0, 2)
    assert learned._nearest_run([(0, 2), (7, 9)], (5, 6)) == (7, 9)
    assert learned._nearest_run([(4, 6)], (4, 6)) is None


@needs_model
def test_blocked_inference_equals_the_full_feature_matrix(nlp):
    doc = nlp("“We will not leave,” the mayor told reporters on Monday, adding that talks had failed.")
    tagger = load_role_tagger()
    probabilities = tagger.probabilities(doc)
    features = role_features(doc, tagger.deps, tagger.priors, blocks=tagger.blocks)
    hidden = numpy.maximum(features @ tagger.w1 + tagger.b1, 0.0)
    expected = 1.0 / (1.0 + numpy.exp(-(hidden @ tagger.w2 + tagger.b2)))
    assert probabilities.shape == (len(doc), len(ROLES))
    assert numpy.allclose(probabilities, expected, atol=1e-4)


@needs_model
def test_tagger_marks_roles_of_a_reported_statement(nlp):
    doc = nlp("The governor said on Tuesday that the bridge would reopen next week.")
    p = load_role_tagger().probabilities(doc)
    said = [t.i for t in doc if t.text == "said"][0]
    governor = [t.i for t in doc if t.text == "governor"][0]
    bridge = [t.i for t in doc if t.text == "bridge"][0]
    assert p[said, 0] > 0.5
    assert p[governor, 1] > 0.5
    assert p[bridge, 2] > 0.5
    assert p[bridge, 0] < 0.5


@needs_model
def test_without_the_tagger_the_rules_stand_alone(nlp, monkeypatch):
    doc = nlp("The governor said that the bridge would reopen next week.")
    groups = link_mentions(doc)
    monkeypatch.setattr(learned, "load_role_tagger", lambda: None)
    claims = [c for c in find_claims(doc, groups) if c.cue is not None]
    assert [c.cue.text for c in claims] == ["said"]
    assert claims[0].source.text == "The governor"


def test_same_side_spans_every_content_run_on_the_nearest_side():
    runs = [(0, 3), (4, 6), (9, 12), (13, 15)]
    assert learned._same_side(runs, (4, 6), (7, 8)) == (0, 6)
    assert learned._same_side(runs, (9, 12), (7, 8)) == (9, 15)


@needs_model
def test_learned_cue_the_rules_miss_becomes_a_claim(nlp, monkeypatch):
    text = "The company plans to close three factories next year, a spokeswoman confirmed."
    doc = nlp(text)
    groups = link_mentions(doc)
    claims = [c for c in find_claims(doc, groups) if c.cue is not None]
    confirmed = [c for c in claims if c.cue.text == "confirmed"]
    assert confirmed, [c.cue.text for c in claims]
    assert confirmed[0].source.text == "a spokeswoman"
    assert "factories" in confirmed[0].content.text
    assert confirmed[0].certainty == "confirmed"
    monkeypatch.setattr(learned, "load_role_tagger", lambda: None)
    assert not [c for c in find_claims(doc, groups) if c.cue is not None and c.cue.text == "confirmed"]


def _learned(doc, cue_words: str, source_words: str | None, content_words: str):  # noqa: ANN001, ANN202
    """A learned attribution over the first occurrences of the given words (char offsets)."""
    from claimtrace.extract.attribution import _Attribution, _root_within

    def chars(words: str) -> tuple[int, int]:
        start = doc.text.index(words)
        return start, start + len(words)

    source = chars(source_words) if source_words else None
    content = chars(content_words)
    head = doc.char_span(*chars(cue_words), alignment_mode="expand").root
    return _Attribution(
        cue=chars(cue_words), cue_lemma=head.lemma_.lower(), cue_root=None, source=source,
        source_head=_root_within(doc, source) if source else None, content=content,
        content_root=_root_within(doc, content), impersonal=source is None,
    )


@needs_model
def test_learned_claims_need_a_speaker_and_a_reporting_cue(nlp):
    from claimtrace.extract.attribution import _Context

    doc = nlp("Harbour traffic has continued as usual with the arrival of two grain ships. "
              "The mayor warned that the port could close soon.")
    context = _Context(doc, link_mentions(doc))
    # (b) "traffic" names no speaker; (c) "continue" is an aspect verb, not a cue
    event = _learned(doc, "has continued", "Harbour traffic", "with the arrival of two grain ships")
    assert not learned._reads_as_claim(event, [], context)
    event.source, event.source_head = None, None
    assert not learned._reads_as_claim(event, [], context)
    mayor = _learned(doc, "warned", "The mayor", "that the port could close soon")
    assert learned._reads_as_claim(mayor, [], context)


@needs_model
def test_learned_claim_in_an_according_to_sentence_is_dropped(nlp):
    doc = nlp("According to the city council, several budget cuts were debated at the session.")
    claims = [c for c in find_claims(doc, link_mentions(doc)) if c.cue is not None]
    assert [c.form for c in claims] == ["according_to"], [(c.cue.text, c.source.text) for c in claims]
    from claimtrace.extract.attribution import _Context

    context = _Context(doc, link_mentions(doc))
    inner = _learned(doc, "were debated", "council", "several budget cuts")
    inner.sentence = 0
    outer = _learned(doc, "According to", "the city council", "several budget cuts were debated at the session")
    outer.form = "according_to"
    assert not learned._reads_as_claim(inner, [outer], context)
    assert learned._reads_as_claim(inner, [], context)


@needs_model
def test_plausible_sources(nlp):
    from claimtrace.extract.attribution import _Context, _root_within
    from claimtrace.extract.attribution_sources import is_plausible_source

    doc = nlp("Local analysts and the economy and he and Maria Lopez and the ministry.")
    context = _Context(doc, link_mentions(doc))

    def plausible(words: str) -> bool:
        start = re.search(rf"\b{words}\b", doc.text).start()
        span = (start, start + len(words))
        return is_plausible_source(span, _root_within(doc, span), context)

    assert plausible("Local analysts")
    assert plausible("he")
    assert plausible("Maria Lopez")
    assert plausible("the ministry")
    assert not plausible("the economy")


def test_a_source_run_ending_on_a_determiner_grows_to_its_noun():
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    words = ["The", "union", "rejected", "the", "offer", "."]
    doc = Doc(Vocab(), words=words, heads=[1, 2, 2, 4, 2, 2], deps=["det", "nsubj", "ROOT", "det", "obj", "punct"],
              pos=["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"])
    assert learned._complete_source(doc, (0, 1), (0, 6), ((2, 3), (3, 5))) == (0, 2)
    # growing into the cue or the content is not allowed
    assert learned._complete_source(doc, (3, 4), (0, 6), ((2, 3), (4, 5))) == (3, 4)
