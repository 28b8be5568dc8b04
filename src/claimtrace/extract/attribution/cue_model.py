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
from claimtrace.extract.tokentable import token_table

MODEL_FILE = "data/attribution/cue_model.json"


@dataclass(frozen=True)
class CueModel:
    bias: float
    weights: dict[str, float]

    def probability(self, token: Token) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in cue_features(token))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def cue_features(token: Token) -> list[str]:
    """The features of a candidate cue token (shared by training and runtime), read from the doc's columns
    (:func:`token_table`, shared with the events step)."""
    table, i = token_table(token.doc), token.i
    lowers, lemmas, deps, children = table.lowers, table.lemmas, table.deps, table.children
    own = children(i)
    lower = lowers[i]
    entry = lex.cue_lexicon().get(lower)
    lemma = entry.lemma if entry else (lemmas[i] or lower)
    head, tag, dep = table.heads[i], table.tags[i], deps[i]
    child_deps = sorted({deps[c] for c in own})
    features = [
        "w=" + lower,
        "l=" + lemma,
        "t=" + tag,
        "d=" + dep,
        "hl=" + (lemmas[head] if head != i else "<root>"),
        "hd=" + deps[head],
        "lt=" + lemma + "|" + tag,
        "ld=" + lemma + "|" + dep,
        "lex=" + (str(round(entry.p * 10)) if entry else "none"),
        "p1=" + (lowers[i - 1] if i > 0 else "<s>"),
        "n1=" + (lowers[i + 1] if i + 1 < len(lowers) else "</s>"),
    ]
    features += ["c=" + dep for dep in child_deps]
    features += ["lc=" + lemma + "|" + dep for dep in child_deps if dep in _CLAUSAL]
    features += ["m=" + lowers[m] for c in own for m in children(c) if deps[m] == "mark"]
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
