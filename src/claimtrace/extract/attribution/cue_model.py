"""The learned cue model: how likely a verb is the cue of an attribution, given its parse.

A logistic regression over sparse string features of a verb and its
neighbourhood in the dependency parse (word, lemma, tag, relation, head,
children's relations, complementizer, neighbours, the learned lexicon's
P(cue | form)). Trained on PolNeAR train by
``training/attribution/train_cue_model.py``; the weights live in
``claimtrace/data/attribution/cue_model.json`` (feature -> weight, no text of
the corpus beyond single words). Scoring is a sum of dict lookups, so it costs
about as much as the lexicon lookup it refines.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Token

from claimtrace.extract.attribution import lexicon as lex

MODEL_FILE = "data/attribution/cue_model.json"


@dataclass(frozen=True)
class CueModel:
    bias: float
    weights: dict[str, float]

    def probability(self, token: Token) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in cue_features(token))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def cue_features(token: Token) -> list[str]:
    """The features of a candidate cue token (shared by training and runtime)."""
    lower = token.lower_
    entry = lex.cue_lexicon().get(lower)
    lemma = entry.lemma if entry else (token.lemma_.lower() or lower)
    head = token.head
    doc = token.doc
    child_deps = sorted({c.dep_ for c in token.children})
    features = [
        "w=" + lower,
        "l=" + lemma,
        "t=" + token.tag_,
        "d=" + token.dep_,
        "hl=" + (head.lemma_.lower() if head.i != token.i else "<root>"),
        "hd=" + head.dep_,
        "lt=" + lemma + "|" + token.tag_,
        "ld=" + lemma + "|" + token.dep_,
        "lex=" + (str(round(entry.p * 10)) if entry else "none"),
        "p1=" + (doc[token.i - 1].lower_ if token.i > 0 else "<s>"),
        "n1=" + (doc[token.i + 1].lower_ if token.i + 1 < len(doc) else "</s>"),
    ]
    features += ["c=" + dep for dep in child_deps]
    features += ["lc=" + lemma + "|" + dep for dep in child_deps if dep in _CLAUSAL]
    features += ["m=" + m.lower_ for c in token.children for m in c.children if m.dep_ == "mark"]
    return features


_CLAUSAL = frozenset({"ccomp", "xcomp", "parataxis", "obj", "nsubj", "nsubj:pass", "obl", "advcl"})


def load_cue_model() -> CueModel | None:
    """The shipped cue model, or None when it is not installed (the lexicon is used alone then)."""
    try:
        raw = resources.files("claimtrace").joinpath(MODEL_FILE).read_text("utf-8")
    except (OSError, FileNotFoundError):
        return None
    return parse_cue_model(raw)


def parse_cue_model(raw: str) -> CueModel:
    """A cue model from the JSON ``train_cue_model.py`` writes; ValueError/KeyError when it is not one."""
    data = json.loads(raw)
    return CueModel(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()})
