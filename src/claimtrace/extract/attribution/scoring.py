"""Cue scores: P(cue) of the verbs of a doc, the first stage of an attribution pass.

From the cue model when there is one (:mod:`.cue_model`), else from the lexicon's P(cue | form);
seed reporting verbs of conflict news get at least ``config.seed_floor``, and "read" is a cue with
a document as its subject ("“...,” the statement read"). Misses: a cue the cue model scores below
``config.cue`` (the role tagger of :mod:`.learned` may still find it).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy
from spacy.symbols import VERB
from spacy.tokens import Doc

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.config import AttributionConfig, AttributionModels
from claimtrace.extract.attribution.spans import subject_of

# "“...,” the statement read": a cue only with a document as subject
DOCUMENT_WORDING = lex.words("read reads")
# "A Herald correspondent saw bodies in the street": first-hand observation, a cue only with an observer as subject
PERCEPTION_WORDING = lex.words("saw seen")
OBSERVERS = lex.kind_words("witness_words") | lex.kind_words("correspondent_heads") | lex.words("journalist journalists")


def score_cues(doc: Doc, lower: numpy.ndarray, array_pos: numpy.ndarray,
               lexicon: dict[str, lex.CueEntry], config: AttributionConfig,
               models: AttributionModels) -> dict[int, float]:
    """P(cue) of each verb that reaches ``config.cue``: from the cue model when there is one, else
    from the lexicon; seed verbs get at least ``config.seed_floor``."""
    model = models.cue_model
    seeds = numpy.isin(lower, label_hashes(doc, lex.SEED_CUES))
    if model is None:
        forms = [f for f, e in lexicon.items() if e.p >= config.cue and e.lemma != "according to"]
        known = numpy.flatnonzero(numpy.isin(lower, label_hashes(doc, forms)) | seeds).tolist()
        result = {i: lexicon[doc[i].lower_].p for i in known}
    else:
        result = {}
        for i in numpy.flatnonzero((array_pos == VERB) | seeds).tolist():
            p = model.probability(doc[i])
            if seeds[i]:
                p = max(p, config.seed_floor)
            if p >= config.cue:
                result[i] = p
    for i in numpy.flatnonzero(numpy.isin(lower, label_hashes(doc, DOCUMENT_WORDING))).tolist():
        subject = subject_of(doc[i])
        if subject is None and i > 0 and doc[i - 1].head.i == i:
            subject = doc[i - 1]  # "“...,” the statement read.": the tagger took "statement read" for a compound
        if subject is not None and subject.lower_ in lex.DOCUMENT_HEADS:
            result[i] = max(result.get(i, 0.0), config.seed_floor)
    for i in numpy.flatnonzero(numpy.isin(lower, label_hashes(doc, PERCEPTION_WORDING))).tolist():
        subject = subject_of(doc[i])
        if subject is not None and subject.lower_ in OBSERVERS:
            result[i] = max(result.get(i, 0.0), config.seed_floor)
    return result


def label_hashes(doc: Doc, labels: Iterable[str]) -> numpy.ndarray:
    # uint64 explicitly: hashes above 2**63 would otherwise turn the array into floats
    return numpy.array([doc.vocab.strings.add(label) for label in labels], dtype=numpy.uint64)
