"""The learned role tagger and how it refines the rule attributions (self-written sentences)."""

from __future__ import annotations

import re

import numpy
import pytest
import spacy

import claimtrace.nlp  # noqa: F401  (registers the Doc extensions)
from claimtrace.extract.attribution import find_claims, learned
from claimtrace.extract.attribution import role_tagger as tagging
from claimtrace.extract.attribution.config import AttributionModels, bundled_models
from claimtrace.extract.attribution.role_tagger import ROLES, WordPriors, role_features
from claimtrace.extract.entities import link_mentions
from claimtrace.nlp import model_path

needs_model = pytest.mark.skipif(
    not (model_path() / "config.cfg").is_file() or bundled_models().role_tagger is None,
    reason="the trained pipeline or the role tagger is not installed",
)


def test_no_tensor_gives_no_tags():
    doc = spacy.blank("en")("The minister said the war is over.")
    tagger = bundled_models().role_tagger
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


def _sigmoid(x: numpy.ndarray) -> numpy.ndarray:
    return 1.0 / (1.0 + numpy.exp(-x))


def _plain_gru(x: numpy.ndarray, w_ih: numpy.ndarray, w_hh: numpy.ndarray, b_ih: numpy.ndarray,
               b_hh: numpy.ndarray) -> numpy.ndarray:
    """The textbook GRU (PyTorch's gate order r, z, n), one token at a time."""
    hidden = w_hh.shape[1]
    h, states = numpy.zeros(hidden), []
    for row in x:
        gi, gh = w_ih @ row + b_ih, w_hh @ h + b_hh
        r = _sigmoid(gi[:hidden] + gh[:hidden])
        z = _sigmoid(gi[hidden:2 * hidden] + gh[hidden:2 * hidden])
        n = numpy.tanh(gi[2 * hidden:] + r * gh[2 * hidden:])
        h = (1 - z) * n + z * h
        states.append(h)
    return numpy.array(states).reshape(len(x), hidden)


def _plain_bigru(x: numpy.ndarray, bounds: list[tuple[int, int]], weights: dict) -> numpy.ndarray:
    rows = []
    for start, end in bounds:
        args = {d: [weights[f"{name}_{d}"] for name in ("w_ih", "w_hh", "b_ih", "b_hh")] for d in "fb"}
        forward = _plain_gru(x[start:end], *args["f"])
        backward = _plain_gru(x[start:end][::-1], *args["b"])[::-1]
        rows.append(numpy.hstack([forward, backward]))
    return numpy.vstack(rows)


def _random_gru(rng: numpy.random.Generator, inputs: int, hidden: int) -> dict[str, numpy.ndarray]:
    shapes = {"w_ih": (3 * hidden, inputs), "w_hh": (3 * hidden, hidden), "b_ih": (3 * hidden,),
              "b_hh": (3 * hidden,)}
    return {f"{name}_{d}": rng.normal(0, 0.5, shape).astype(numpy.float32)
            for name, shape in shapes.items() for d in ("f", "b")}


def test_batched_bigru_equals_the_plain_one_sentence_by_sentence():
    rng = numpy.random.default_rng(3)
    weights = _random_gru(rng, inputs=6, hidden=4)
    x = rng.normal(size=(17, 6)).astype(numpy.float32)
    bounds = [(0, 5), (5, 6), (6, 14), (14, 17)]  # sentences of uneven length, one of a single token
    forward, backward = (
        tagging._gru_weights(weights[f"w_ih_{d}"], weights[f"w_hh_{d}"], weights[f"b_ih_{d}"], weights[f"b_hh_{d}"])
        for d in "fb"
    )
    gates_in = x @ numpy.hstack([forward[0], backward[0]]) + numpy.concatenate([forward[2], backward[2]])
    states = tagging._bigru(gates_in.reshape(len(x), 2, -1), bounds, numpy.stack([forward[1], backward[1]]),
                            numpy.stack([forward[3], backward[3]])[:, None, :])
    assert numpy.allclose(states, _plain_bigru(x, bounds, weights), atol=1e-5)


def _parsed_doc(rng: numpy.random.Generator, width: int):  # noqa: ANN202
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    words = ["The", "mayor", "said", "the", "port", "is", "closed", ".", "Ships", "wait", "."]
    doc = Doc(Vocab(), words=words, heads=[1, 2, 2, 4, 6, 6, 2, 2, 9, 9, 9],
              deps=["det", "nsubj", "ROOT", "det", "nsubj", "cop", "ccomp", "punct", "nsubj", "ROOT", "punct"],
              pos=["DET", "NOUN", "VERB", "DET", "NOUN", "AUX", "ADJ", "PUNCT", "NOUN", "VERB", "PUNCT"],
              sent_starts=[True, *[False] * 7, True, False, False])
    doc.tensor = rng.normal(size=(len(doc), width)).astype(numpy.float32)
    return doc


def _write_model(path, rng: numpy.random.Generator, deps: tuple[str, ...], width: int, **drop) -> dict:  # noqa: ANN001
    """A small random model file of the shipped format; ``drop`` names arrays to leave out."""
    priors = WordPriors.from_forms(["said", "the"], numpy.array([[0.8, 0.0, 0.1], [0.0, 0.2, 0.5]]),
                                   numpy.array([0.05, 0.08, 0.4]))
    features = role_features(_parsed_doc(rng, width), deps, priors, blocks=("self", "head")).shape[1]
    projection, hidden = 5, 3
    arrays = {
        "deps": numpy.array(deps), "blocks": numpy.array(["self", "head"]),
        "mean": rng.normal(size=features).astype(numpy.float32),
        "scale": rng.uniform(0.5, 2.0, size=features).astype(numpy.float32),
        "w1": rng.normal(0, 0.3, (features, projection)).astype(numpy.float32),
        "b1": rng.normal(size=projection).astype(numpy.float32),
        **_random_gru(rng, projection, hidden),
        "w2": rng.normal(0, 0.5, (2 * hidden + projection, 3)).astype(numpy.float32),
        "b2": rng.normal(size=3).astype(numpy.float32),
        "prior_hashes": priors.hashes, "prior_values": priors.values, "prior_default": priors.default,
    }
    numpy.savez(path, **{k: v for k, v in arrays.items() if k not in drop})
    return arrays | {"priors": priors}


def test_a_model_file_gives_the_plain_computation(tmp_path):
    rng = numpy.random.default_rng(5)
    deps = ("det", "nsubj", "ROOT", "cop", "ccomp", "punct")
    arrays = _write_model(tmp_path / "tagger.npz", rng, deps, width=8)
    tagger = tagging.read_role_tagger(tmp_path / "tagger.npz")
    doc = _parsed_doc(rng, width=8)
    probabilities = tagger.probabilities(doc, quotes=[])

    features = role_features(doc, deps, arrays["priors"], quotes=[], blocks=("self", "head"))
    projected = numpy.maximum((features - arrays["mean"]) / arrays["scale"] @ arrays["w1"] + arrays["b1"], 0.0)
    states = _plain_bigru(projected, [(0, 8), (8, 11)], arrays)
    expected = _sigmoid(numpy.hstack([states, projected]) @ arrays["w2"] + arrays["b2"])
    assert probabilities.shape == (len(doc), len(ROLES))
    assert numpy.allclose(probabilities, expected, atol=1e-4)


def test_unusable_model_files_give_no_tagger(tmp_path):
    rng = numpy.random.default_rng(7)
    _write_model(tmp_path / "incomplete.npz", rng, ("det", "nsubj"), width=8, w_hh_b=True)
    assert tagging.read_role_tagger(tmp_path / "incomplete.npz") is None
    (tmp_path / "garbage.npz").write_bytes(b"\x00\x01 not a model")
    assert tagging.read_role_tagger(tmp_path / "garbage.npz") is None
    (tmp_path / "cut.npz").write_bytes((tmp_path / "incomplete.npz").read_bytes()[:200])  # a zip cut short
    assert tagging.read_role_tagger(tmp_path / "cut.npz") is None
    assert tagging.read_role_tagger(tmp_path / "missing.npz") is None


def test_sentence_bounds_follow_the_sentence_starts():
    doc = _parsed_doc(numpy.random.default_rng(0), width=4)
    assert tagging.sentence_bounds(doc) == [(0, 8), (8, 11)]


@needs_model
def test_tagger_marks_roles_of_a_reported_statement(nlp):
    doc = nlp("The governor said on Tuesday that the bridge would reopen next week.")
    p = bundled_models().role_tagger.probabilities(doc)
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
    rules_only = AttributionModels(cue_model=bundled_models().cue_model, role_tagger=None)
    claims = [c for c in find_claims(doc, groups, models=rules_only) if c.cue is not None]
    assert [c.cue.text for c in claims] == ["said"]
    assert claims[0].source.text == "The governor"


def test_same_side_spans_every_content_run_on_the_nearest_side():
    runs = [(0, 3), (4, 6), (9, 12), (13, 15)]
    assert learned._same_side(runs, (4, 6), (7, 8)) == (0, 6)
    assert learned._same_side(runs, (9, 12), (7, 8)) == (9, 15)


@needs_model
def test_learned_cue_the_rules_miss_becomes_a_claim(nlp, monkeypatch):
    # (an adjective cue: "The company plans ..., a spokeswoman confirmed", the earlier example, is now read by the
    # rules too, the reported clause being the first of the cue's two subjects)
    text = "Critics of the plan were skeptical that it would save any jobs."
    doc = nlp(text)
    groups = link_mentions(doc)
    claims = [c for c in find_claims(doc, groups) if c.cue is not None]
    skeptical = [c for c in claims if "skeptical" in c.cue.text]
    assert skeptical, [c.cue.text for c in claims]
    assert skeptical[0].source.text == "Critics of the plan"
    assert "jobs" in skeptical[0].content.text
    rules_only = AttributionModels(cue_model=bundled_models().cue_model, role_tagger=None)
    assert not [c for c in find_claims(doc, groups, models=rules_only) if c.cue is not None and "skeptical" in c.cue.text]


def _learned(doc, cue_words: str, source_words: str | None, content_words: str):  # noqa: ANN001, ANN202
    """A learned attribution over the first occurrences of the given words (char offsets)."""
    from claimtrace.extract.attribution.spans import root_within
    from claimtrace.extract.attribution.state import Draft

    def chars(words: str) -> tuple[int, int]:
        start = doc.text.index(words)
        return start, start + len(words)

    source = chars(source_words) if source_words else None
    content = chars(content_words)
    head = doc.char_span(*chars(cue_words), alignment_mode="expand").root
    return Draft(
        cue=chars(cue_words), cue_lemma=head.lemma_.lower(), cue_root=None, source=source,
        source_head=root_within(doc, source) if source else None, content=content,
        content_root=root_within(doc, content), impersonal=source is None,
    )


@needs_model
def test_learned_claims_need_a_speaker_and_a_reporting_cue(nlp):
    from claimtrace.extract.attribution.claims import read_doc
    from claimtrace.extract.attribution.config import DEFAULT_CONFIG, bundled_models

    doc = nlp("Harbour traffic has continued as usual with the arrival of two grain ships. "
              "The mayor warned that the port could close soon.")
    context = read_doc(doc, link_mentions(doc), DEFAULT_CONFIG, bundled_models())
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
    from claimtrace.extract.attribution.claims import read_doc
    from claimtrace.extract.attribution.config import DEFAULT_CONFIG, bundled_models

    context = read_doc(doc, link_mentions(doc), DEFAULT_CONFIG, bundled_models())
    inner = _learned(doc, "were debated", "council", "several budget cuts")
    inner.sentence = 0
    outer = _learned(doc, "According to", "the city council", "several budget cuts were debated at the session")
    outer.form = "according_to"
    assert not learned._reads_as_claim(inner, [outer], context)
    assert learned._reads_as_claim(inner, [], context)


@needs_model
def test_plausible_sources(nlp):
    from claimtrace.extract.attribution.claims import read_doc
    from claimtrace.extract.attribution.config import DEFAULT_CONFIG, bundled_models
    from claimtrace.extract.attribution.sources import is_plausible_source
    from claimtrace.extract.attribution.spans import root_within

    doc = nlp("Local analysts and the economy and he and Maria Lopez and the ministry.")
    context = read_doc(doc, link_mentions(doc), DEFAULT_CONFIG, bundled_models())

    def plausible(words: str) -> bool:
        start = re.search(rf"\b{words}\b", doc.text).start()
        span = (start, start + len(words))
        return is_plausible_source(span, root_within(doc, span), context)

    assert plausible("Local analysts")
    assert plausible("he")
    assert plausible("Maria Lopez")
    assert plausible("the ministry")
    assert not plausible("the economy")
    # a name that only modifies the head ("Russian") does not make "activity" a speaker
    doc = nlp("Russian activity has continued as usual.")
    context = read_doc(doc, link_mentions(doc), DEFAULT_CONFIG, bundled_models())
    assert not plausible("Russian activity")


def test_a_source_run_ending_on_a_determiner_grows_to_its_noun():
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    words = ["The", "union", "rejected", "the", "offer", "."]
    doc = Doc(Vocab(), words=words, heads=[1, 2, 2, 4, 2, 2], deps=["det", "nsubj", "ROOT", "det", "obj", "punct"],
              pos=["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"])
    assert learned._complete_source(doc, (0, 1), (0, 6), ((2, 3), (3, 5))) == (0, 2)
    # growing into the cue or the content is not allowed
    assert learned._complete_source(doc, (3, 4), (0, 6), ((2, 3), (4, 5))) == (3, 4)


class _MarkedRoles:
    """A role tagger that marks the roles of chosen words with certainty, for one sentence."""

    def __init__(self, cue: str, source: tuple[str, ...], content: tuple[str, ...]) -> None:
        self.cue, self.source, self.content = cue, source, content

    def probabilities(self, doc, quotes=None):
        p = numpy.zeros((len(doc), 3), dtype=numpy.float32)
        for token in doc:
            p[token.i, learned.CUE] = token.text == self.cue
            p[token.i, learned.SOURCE] = token.text in self.source
            p[token.i, learned.CONTENT] = token.text in self.content
        return p


@needs_model
def test_a_learned_claims_cue_lemma_is_the_cue_lexicons(nlp, monkeypatch):
    # the trained lemmatizer clips some reporting verbs ("blamed" -> "blam"); a claim only the tagger
    # found must still carry the lexicon's lemma, which polarity, certainty and frames read
    from claimtrace.extract.attribution import claims as claims_module

    monkeypatch.setattr(claims_module, "sentence_attributions", lambda sent, context, used: [])
    doc = nlp("The rebels blamed the army for the fire at the depot.")
    if next(t for t in doc if t.text == "blamed").lemma_ == "blame":
        pytest.skip("the lemmatizer reads this verb right: nothing to correct")
    tagger = _MarkedRoles("blamed", ("The", "rebels"), ("the", "army", "for", "fire", "at", "depot"))
    models = AttributionModels(cue_model=bundled_models().cue_model, role_tagger=tagger)
    claims = [c for c in find_claims(doc, link_mentions(doc), models=models) if c.cue is not None]
    assert [(c.cue.text, c.cue.lemma) for c in claims] == [("blamed", "blame")]
