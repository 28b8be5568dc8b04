"""A learned event typer: which PLOVER category a candidate trigger codes, or none.

The lexicon (:mod:`.coder`) proposes; this model decides. Each candidate trigger (a verb, or a noun
that names an event) is described by sparse features: its lemma, the lexicon's coding of it (category,
CAMEO root, PLOVER's coding of the statement), its modality and negation, the words that govern it, its
objects and prepositions, and the verbs of its sentence. A multinomial logistic regression, fitted
with scikit-learn by ``training/events/train_classifier.py`` and exported to numpy
(``claimtrace/models/events/plover_classifier.npz``, model card beside it), gives a PLOVER 0.8 category
or ``NONE`` (no event). Inference is numpy only. Without the artifact, the lexicon alone codes events.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.symbols import VERB
from spacy.tokens import Token

from claimtrace.errors import ClaimtraceError
from claimtrace.extract.events.coder import (
    Coding,
    candidate_verbs,
    code_trigger,
    doc_tables,
    subtree,
    verb_lemma,
)
from claimtrace.extract.events.lexicon import Lexicon
from claimtrace.extract.events.modality import coded_as, governors, is_negated, modality
from claimtrace.extract.tokentable import token_table

CLASSIFIER_PATH = Path(__file__).resolve().parents[2] / "models" / "events" / "plover_classifier.npz"
STATIC_TABLE = Path(__file__).resolve().parents[2] / "models" / "minilm_static"
NONE = "NONE"
EVENT = "EVENT"
# Candidate triggers the lexicon does not code: content verbs, not auxiliaries or reporting frames.
CANDIDATE_POS = frozenset({"VERB"})


@dataclass(frozen=True)
class Prediction:
    label: str  # a PLOVER 0.8 category or NONE
    probability: float


def candidate(token: Token, lexicon: Lexicon) -> tuple[bool, Coding | None]:
    """Is the token a candidate trigger, and the lexicon's coding of it (None: no event per the lexicon)."""
    coding = code_trigger(token, lexicon)
    if coding is not None:
        return True, coding
    if token.pos_ in CANDIDATE_POS and token.dep_ not in {"aux", "aux:pass", "cop", "amod"}:
        return True, None
    return bool(verb_lemma(token) and candidate_verbs(token, lexicon)), None


def features(token: Token, coding: Coding | None, sentence_verbs: dict[int, list[str]] | None = None,
             read: tuple[bool, str, str] | None = None) -> list[str]:
    """Sparse, named features of a candidate trigger (see the module docstring). ``sentence_verbs``: a cache of
    each sentence's verb features, by the sentence's first token, shared by the triggers of one document;
    ``read``: the trigger's negation, modality and coding after modality when already known."""
    lemma = token.lemma_.lower()
    if read is None:
        negated = is_negated(token)
        mod = modality(token, negated=negated)
        coded = coded_as(coding.category, token, mod) if coding is not None else None
    else:
        negated, mod, coded = read
    out = [f"lemma={lemma}", f"pos={token.pos_}", f"dep={token.dep_}", f"mod={mod}", "bias"]
    if negated:
        out.append("negated")
    if coding is None:
        out.append("lex=NONE")
    else:
        out += [f"lex={coding.category}", f"lex_coded={coded}", f"cameo2={coding.cameo[:2]}",
                f"cameo3={coding.cameo[:3]}", f"lex={coding.category}|mod={mod}"]
    chain = governors(token)
    for depth, governor in enumerate(chain[:2]):
        out.append(f"gov{depth}={governor.lemma_.lower()}")
    if not chain:
        out.append("gov0=ROOT")
    for child in token.children:
        dep = child.dep_
        if dep in {"obj", "iobj", "nsubj:pass", "xcomp", "ccomp"}:
            out.append(f"{dep}={child.lemma_.lower()}")
        elif dep in {"obl", "nmod", "obl:agent"}:
            marks = [c.lower_ for c in child.children if c.dep_ == "case"]
            out.append(f"prep={marks[0] if marks else dep}")
            out.append(f"prep_{marks[0] if marks else dep}={child.lemma_.lower()}")
        elif dep == "compound:prt":
            out.append(f"prt={child.lower_}")
        elif dep in {"aux", "advmod"} and child.lower_ in {"will", "would", "could", "may", "not", "never"}:
            out.append(f"aux={child.lower_}")
    tables = doc_tables(token.doc)
    start = tables.starts[token.i]
    verbs = sentence_verbs.get(start) if sentence_verbs is not None else None
    if verbs is None:
        table = token_table(token.doc)
        verbs = [f"sent_verb={table.lemmas[i]}" for i in range(start, tables.ends[token.i]) if table.pos[i] == VERB]
        if sentence_verbs is not None:
            sentence_verbs[start] = verbs
    own = f"sent_verb={lemma}" if token.pos_ == "VERB" else None
    out.extend(v for v in verbs if v != own)
    return out


PHRASE_DEPS = frozenset({"obj", "obl", "xcomp", "iobj", "nmod", "compound:prt"})


def texts(token: Token, with_sentence: bool = True) -> list[list[str]]:
    """The word lists whose static vectors describe a trigger: its lemma, its phrase (objects and obliques),
    its sentence (lower case, punctuation left out; the sentence only ``with_sentence``)."""
    tables = doc_tables(token.doc)
    phrase = sorted({token.i, *(i for c in token.children if c.dep_ in PHRASE_DEPS for i in subtree(c, tables.heads))})
    out = [[token.lemma_.lower()], [w for i in phrase if (w := tables.words[i]) is not None]]
    return [*out, sentence_words(token)] if with_sentence else out


def sentence_words(token: Token) -> list[str]:
    tables = doc_tables(token.doc)
    return [w for w in tables.words[tables.starts[token.i] : tables.ends[token.i]] if w is not None]


class WordVectors:
    """Static vectors of words: the normalised mean of their word pieces' rows in the Model2Vec table
    ``claimtrace/models/minilm_static`` (the one claim matching uses), computed for many words at once and
    cached; a text's vector is the normalised mean of its words'."""

    LIMIT = 200_000

    def __init__(self) -> None:
        # the table and its tokenizer read directly (safetensors, tokenizers): model2vec's loader costs a
        # cold start about 0.25 s for the same two objects
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        table, tokenizer = STATIC_TABLE / "model.safetensors", STATIC_TABLE / "tokenizer.json"
        if not (table.is_file() and tokenizer.is_file()):
            raise ClaimtraceError(f"no static word vectors at {STATIC_TABLE} (reinstall claimtrace)")
        self.table = load_file(str(table))["embeddings"]
        # the table's tokenizer without its padding to 128 pieces: a word is its own pieces only
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.cache: dict[str, np.ndarray] = {}

    def fill(self, words: set[str]) -> None:
        missing = [w for w in words if w not in self.cache]
        if not missing:
            return
        if len(self.cache) + len(missing) > self.LIMIT:
            self.cache.clear()
        encode = getattr(self.tokenizer, "encode_batch_fast", self.tokenizer.encode_batch)
        pieces = [e.ids for e in encode(missing, add_special_tokens=False)]  # every piece, as model2vec reads them
        zero = np.zeros(DIMENSION, dtype=np.float32)
        known = [(w, ids) for w, ids in zip(missing, pieces, strict=True) if ids]
        self.cache.update((w, zero) for w, ids in zip(missing, pieces, strict=True) if not ids)
        if not known:
            return
        lengths = np.array([len(ids) for _, ids in known])
        rows = self.table[np.fromiter((i for _, ids in known for i in ids), dtype=np.int64)].astype(np.float32)
        sums = np.add.reduceat(rows, np.concatenate(([0], np.cumsum(lengths)[:-1])), axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        vectors = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
        self.cache.update(zip((w for w, _ in known), vectors, strict=True))

    def mean(self, words: list[str]) -> np.ndarray:
        if not words:
            return np.zeros(DIMENSION, dtype=np.float32)
        if len(words) == 1:
            return self.cache[words[0]]
        vector = np.add.reduce([self.cache[w] for w in words]) / len(words)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector


DIMENSION = 384


@lru_cache(maxsize=1)
def word_vectors() -> WordVectors:
    return WordVectors()


class EventClassifier:
    """Multinomial logistic regression over named sparse features and static text vectors, weights in numpy.

    ``coef`` holds one row per sparse feature then ``dense`` rows for the concatenated vectors of
    :func:`texts` (:class:`WordVectors`)."""

    def __init__(self, classes: list[str], vocabulary: list[str], coef: np.ndarray, intercept: np.ndarray,
                 dense: int = 0) -> None:
        self.classes = classes
        self.index = {name: i for i, name in enumerate(vocabulary)}
        self.coef = coef.astype(np.float32)  # (sparse features + dense) x classes
        self.intercept = intercept.astype(np.float32)
        self.dense = dense

    def vectors(self, token: Token) -> np.ndarray:
        return self.batch_vectors([token])[token.i]

    def batch_vectors(self, tokens: list[Token]) -> dict[int, np.ndarray]:
        """The concatenated text vectors of several triggers of one document (one encoder call for new words)."""
        if not self.dense or not tokens:
            return {t.i: np.zeros(self.dense, dtype=np.float32) for t in tokens}
        vectors = word_vectors()
        with_sentence = self.dense >= 3 * DIMENSION  # a model fitted with the sentence's vector too
        sentences: dict[int, list[str]] = {}
        per_token = []
        starts = doc_tables(tokens[0].doc).starts
        for token in tokens:
            if with_sentence and starts[token.i] not in sentences:
                sentences[starts[token.i]] = sentence_words(token)
            per_token.append(texts(token, with_sentence=False))
        vectors.fill({w for group in per_token for words in group for w in words}
                     | {w for words in sentences.values() for w in words})
        sentence_vectors = {start: vectors.mean(words) for start, words in sentences.items()}
        return {token.i: np.concatenate([vectors.mean(lemma), vectors.mean(phrase),
                                         *([sentence_vectors[starts[token.i]]] if with_sentence else [])])
                for token, (lemma, phrase) in zip(tokens, per_token, strict=True)}

    def scores(self, names: list[str], vector: np.ndarray | None = None) -> np.ndarray:
        index = self.index
        rows = list({row for n in names if (row := index.get(n)) is not None})
        logits = self.intercept + (self.coef[rows].sum(axis=0) if rows else 0.0)
        if self.dense and vector is not None:
            logits = logits + vector @ self.coef[len(self.index):]
        logits = logits - logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    def predict_token(self, token: Token, coding: Coding | None, vector: np.ndarray | None = None,
                      sentence_verbs: dict[int, list[str]] | None = None,
                      read: tuple[bool, str, str] | None = None) -> Prediction:
        names = features(token, coding, sentence_verbs, read)
        probabilities = self.scores(names, self.vectors(token) if vector is None else vector)
        best = int(probabilities.argmax())
        return Prediction(self.classes[best], float(probabilities[best]))

    def arrays(self) -> dict[str, np.ndarray]:
        vocabulary = sorted(self.index, key=self.index.get)
        return {"classes": np.array(self.classes), "vocabulary": np.array(vocabulary),
                "coef": self.coef.astype(np.float16), "intercept": self.intercept, "dense": np.array(self.dense)}


class EventModel:
    """The typer (a PLOVER category for a trigger) and the detector (is an uncoded verb an event: EVENT or
    NONE), both :class:`EventClassifier`.

    ``override``: the typer replaces the lexicon's coding only when at least this probable; ``admit``: an
    uncoded candidate of a sentence without events becomes one when the detector gives EVENT at least this."""

    def __init__(self, typer: EventClassifier, detector: EventClassifier | None,
                 override: float = 0.0, admit: float = 0.5) -> None:
        self.typer, self.detector, self.override, self.admit = typer, detector, override, admit

    def type(self, token: Token, coding: Coding | None, vector: np.ndarray | None = None,
             sentence_verbs: dict[int, list[str]] | None = None, read: tuple[bool, str, str] | None = None) -> Prediction:
        return self.typer.predict_token(token, coding, vector, sentence_verbs, read)

    def event_probability(self, token: Token, coding: Coding | None, vector: np.ndarray | None = None,
                          sentence_verbs: dict[int, list[str]] | None = None) -> float:
        if self.detector is None:
            return 0.0
        vector = self.detector.vectors(token) if vector is None else vector
        probabilities = self.detector.scores(features(token, coding, sentence_verbs), vector)
        return float(probabilities[self.detector.classes.index(EVENT)]) if EVENT in self.detector.classes else 0.0

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {"override": np.array(self.override), "admit": np.array(self.admit)}
        for name, model in (("typer", self.typer), ("detector", self.detector)):
            if model is not None:
                arrays.update({f"{name}_{k}": v for k, v in model.arrays().items()})
        np.savez_compressed(path, **arrays)


def load_classifier(path: Path | None = None) -> EventModel | None:
    """The shipped event model (cached), or None when no artifact exists at the default path."""
    path = path or CLASSIFIER_PATH
    if not path.exists():
        if path == CLASSIFIER_PATH:
            return None
        raise ClaimtraceError(f"no event classifier at {path}")
    return _load(str(path))


def _from_arrays(data, prefix: str) -> EventClassifier | None:  # noqa: ANN001
    if f"{prefix}_classes" not in data:
        return None
    return EventClassifier([str(c) for c in data[f"{prefix}_classes"]], [str(v) for v in data[f"{prefix}_vocabulary"]],
                           data[f"{prefix}_coef"], data[f"{prefix}_intercept"], int(data[f"{prefix}_dense"]))


@lru_cache(maxsize=2)
def _load(path: str) -> EventModel:
    try:
        with np.load(path, allow_pickle=False) as data:
            typer = _from_arrays(data, "typer")
            if typer is None:
                raise KeyError("typer_classes")
            return EventModel(typer, _from_arrays(data, "detector"), float(data["override"]), float(data["admit"]))
    except (OSError, ValueError, KeyError) as error:
        raise ClaimtraceError(f"cannot read the event classifier {path}: {error}") from error
