"""Stance of an article body towards a claim (a headline): agree, disagree, discuss or unrelated.

Kept with its training (``train.py``) and benchmark (``benchmarks/stance.py``): the product does not
call it. :func:`claimtrace.link.relations.relate` accepts any object with its ``predict`` as an
optional stance model; import this module with ``training/stance`` on ``sys.path``.

Finds the stance from features of the pair: hashed TF-IDF cosine, MiniLM similarity of the claim to
the best-matching body sentences, word and n-gram overlap, and counts of refuting, hedging, supporting
and negation words in the claim and in the sentences that match it best. A gradient-boosted tree
ensemble (trained with scikit-learn on FNC-1 train, see training/stance/train.py) scores them; it is
shipped as plain numpy arrays and run here with numpy alone (no pickle, no scikit-learn at run time).

Misses: stance carried by sarcasm, by quotes the body goes on to rebut, or by a single negated
sentence deep in a long body; "disagree" is the weakest class.
Figures (``benchmarks/stance.py``): ``docs/benchmarks_linking.md``.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from claimtrace.errors import ClaimtraceError, InputError

MODEL_DIR = Path(__file__).resolve().parent / "model"
LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
HASH_BUCKETS = 1 << 18
MAX_BODY_SENTENCES = 60
TOP_SENTENCES = 3


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


REFUTING = _words(
    "fake fraud hoax false deny denies denied denial not despite nope doubt doubts bogus debunk debunked "
    "debunks prank pranks retract retracts retracted untrue wrong misleading rumor rumors rumour rumours "
    "refute refutes refuted reject rejects rejected dismiss dismisses dismissed baseless satire satirical "
    "fabricated fiction myth"
)
HEDGING = _words(
    "reportedly allegedly alleged claim claims claimed may might could purportedly apparently suggests "
    "suggest rumored unconfirmed unverified possibly perhaps believed appears appear seems seem said says "
    "according report reports reported sources"
)
SUPPORTING = _words(
    "confirm confirms confirmed confirmation announced announces official officially revealed reveals "
    "verified true indeed proof proves proved evidence shows showed footage video"
)
NEGATIONS = _words("no not never none nothing neither nor nobody n't cannot without")

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+")

FEATURE_NAMES: tuple[str, ...] = (
    "tfidf_cos",
    "tfidf_cos_lead",
    "emb_max",
    "emb_top_mean",
    "emb_lead",
    "emb_body_mean",
    "emb_max_minus_mean",
    "jaccard",
    "headline_coverage",
    "headline_coverage_lead",
    "headline_coverage_top",
    "bigram_coverage",
    "trigram_coverage",
    "number_overlap",
    "refute_headline",
    "refute_top",
    "refute_body",
    "refute_lead",
    "hedge_headline",
    "hedge_top",
    "hedge_body",
    "support_headline",
    "support_top",
    "support_body",
    "negation_headline",
    "negation_top",
    "negation_mismatch",
    "question_headline",
    "body_sentences_log",
    "headline_tokens",
    "best_sentence_position",
)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits, with a clitic such as "n't" split off)."""
    tokens: list[str] = []
    for word in _WORD.findall(text.lower().replace("\u2019", "'")):
        if word.endswith("n't"):
            tokens.extend((word[:-3] or "n", "n't"))
        else:
            tokens.append(word.split("'")[0])
    return tokens


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) - NEGATIONS


def content_tokens(text: str) -> list[str]:
    stop = _stop_words()
    return [t for t in tokenize(text) if t not in stop and len(t) > 1]


def split_sentences(text: str) -> list[str]:
    """Cheap sentence split at ., ! or ? followed by a capital, and at line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def hashed_counts(tokens: Sequence[str]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for token in tokens:
        bucket = zlib.crc32(token.encode()) % HASH_BUCKETS
        counts[bucket] = counts.get(bucket, 0) + 1
    return counts


def tfidf_cosine(a: Sequence[str], b: Sequence[str], idf: np.ndarray) -> float:
    """Cosine of the hashed TF-IDF vectors of two token lists."""
    va = {k: v * float(idf[k]) for k, v in hashed_counts(a).items()}
    vb = {k: v * float(idf[k]) for k, v in hashed_counts(b).items()}
    dot = sum(w * vb.get(k, 0.0) for k, w in va.items())
    norm = math.sqrt(sum(w * w for w in va.values()) * sum(w * w for w in vb.values()))
    return dot / norm if norm else 0.0


def _ngrams(tokens: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _coverage(needles: set, haystack: set) -> float:
    return len(needles & haystack) / len(needles) if needles else 0.0


def _count(tokens: Sequence[str], lexicon: frozenset[str]) -> int:
    return sum(1 for t in tokens if t in lexicon)


@dataclass
class _Body:
    sentences: list[str]
    tokens: list[list[str]]
    vectors: np.ndarray  # (n_sentences, 384)


class PairFeaturizer:
    """Computes :data:`FEATURE_NAMES` for (claim, body) pairs; ``embed`` maps texts to unit vectors."""

    def __init__(self, idf: np.ndarray, embed: Callable[[list[str]], np.ndarray]) -> None:
        self.idf = idf
        self.embed = embed

    def body(self, text: str) -> _Body:
        sentences = split_sentences(text)[:MAX_BODY_SENTENCES] or [text.strip() or "."]
        return _Body(sentences, [tokenize(s) for s in sentences], self.embed(sentences))

    def features(self, headline: str, headline_vector: np.ndarray, body: _Body) -> np.ndarray:
        h_tokens = tokenize(headline)
        h_content = set(content_tokens(headline))
        stop = _stop_words()
        all_tokens = [t for sent in body.tokens for t in sent]
        lead_tokens = [t for sent in body.tokens[:3] for t in sent]
        sims = body.vectors @ headline_vector
        top = np.argsort(-sims)[:TOP_SENTENCES]
        top_tokens = [t for i in top for t in body.tokens[i]]
        body_set = {t for t in all_tokens if t not in stop}
        mean_vector = body.vectors.mean(0)
        mean_norm = float(np.linalg.norm(mean_vector)) or 1.0
        h_numbers = {t for t in h_tokens if t.isdigit()}
        negation_top = _count(top_tokens, NEGATIONS) / max(1, len(top))
        values = [
            tfidf_cosine(h_tokens, all_tokens, self.idf),
            tfidf_cosine(h_tokens, lead_tokens, self.idf),
            float(sims.max()),
            float(sims[top].mean()),
            float(sims[0]),
            float(mean_vector @ headline_vector) / mean_norm,
            float(sims.max() - sims.mean()),
            len(h_content & body_set) / max(1, len(h_content | body_set)),
            _coverage(h_content, body_set),
            _coverage(h_content, set(lead_tokens)),
            _coverage(h_content, set(top_tokens)),
            _coverage(_ngrams(h_tokens, 2), _ngrams(all_tokens, 2)),
            _coverage(_ngrams(h_tokens, 3), _ngrams(all_tokens, 3)),
            _coverage(h_numbers, set(all_tokens)),
            _count(h_tokens, REFUTING),
            _count(top_tokens, REFUTING) / max(1, len(top)),
            _count(all_tokens, REFUTING) / max(1, len(body.sentences)),
            _count(lead_tokens, REFUTING),
            _count(h_tokens, HEDGING),
            _count(top_tokens, HEDGING) / max(1, len(top)),
            _count(all_tokens, HEDGING) / max(1, len(body.sentences)),
            _count(h_tokens, SUPPORTING),
            _count(top_tokens, SUPPORTING) / max(1, len(top)),
            _count(all_tokens, SUPPORTING) / max(1, len(body.sentences)),
            _count(h_tokens, NEGATIONS),
            negation_top,
            float((_count(h_tokens, NEGATIONS) > 0) != (negation_top > 0)),
            float("?" in headline),
            math.log1p(len(body.sentences)),
            len(h_tokens),
            float(top[0]) / max(1, len(body.sentences)),
        ]
        return np.asarray(values, dtype=np.float32)


class TreeEnsemble:
    """A multiclass gradient-boosted tree ensemble stored as flat numpy arrays (see ``to_arrays``)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.feature = arrays["feature"]
        self.threshold = arrays["threshold"]
        self.left = arrays["left"]
        self.right = arrays["right"]
        self.is_leaf = arrays["is_leaf"].astype(bool)
        self.missing_left = arrays["missing_left"].astype(bool)
        self.value = arrays["value"]
        self.roots = arrays["roots"]  # (n_iterations, n_classes) index of each tree's root node
        self.baseline = arrays["baseline"]  # (n_classes,)
        self.depth = int(arrays["max_depth"])

    def raw(self, x: np.ndarray) -> np.ndarray:
        n = x.shape[0]
        rows = np.arange(n)
        out = np.tile(self.baseline.astype(np.float64), (n, 1))
        for iteration in self.roots:
            for k, root in enumerate(iteration):
                node = np.full(n, root, dtype=np.int64)
                for _ in range(self.depth + 1):
                    leaf = self.is_leaf[node]
                    if leaf.all():
                        break
                    values = x[rows, self.feature[node]]
                    go_left = np.where(
                        np.isnan(values), self.missing_left[node], values <= self.threshold[node]
                    )
                    node = np.where(leaf, node, np.where(go_left, self.left[node], self.right[node]))
                out[:, k] += self.value[node]
        return out

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        raw = self.raw(np.asarray(x, dtype=np.float64))
        raw -= raw.max(1, keepdims=True)
        exp = np.exp(raw)
        return exp / exp.sum(1, keepdims=True)


@dataclass
class StancePrediction:
    label: str
    probabilities: dict[str, float]


class StanceModel:
    """Loads the shipped ensemble and scores (claim, body) pairs."""

    def __init__(
        self, model_dir: Path = MODEL_DIR, embed: Callable[[list[str]], np.ndarray] | None = None
    ) -> None:
        arrays_file, meta_file = model_dir / "ensemble.npz", model_dir / "meta.json"
        if not arrays_file.is_file() or not meta_file.is_file():
            raise ClaimtraceError(f"no stance model at {model_dir} (reinstall claimtrace)")
        meta = json.loads(meta_file.read_text())
        if tuple(meta["features"]) != FEATURE_NAMES:
            raise ClaimtraceError(f"the stance model at {model_dir} was trained on other features")
        with np.load(arrays_file, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        self.class_bias = np.asarray(meta.get("class_bias", [0.0] * len(self.labels)))
        self.ensemble = TreeEnsemble(arrays)
        if embed is None:
            from claimtrace.link.embed import get_encoder

            embed = get_encoder().encode
        self.featurizer = PairFeaturizer(arrays["idf"], embed)

    def predict_features(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities (columns in ``self.labels`` order) and chosen class indices."""
        proba = self.ensemble.predict_proba(x)
        # Decision biases chosen on FNC-1 dev shift the rare classes up; probabilities stay unbiased.
        return proba, np.argmax(np.log(proba + 1e-12) + self.class_bias, axis=1)

    def predict_many(self, pairs: Sequence[tuple[str, str]]) -> list[StancePrediction]:
        """Stance of each body towards its claim, for ``(claim, body)`` pairs."""
        for pair in pairs:
            if len(pair) != 2 or not all(isinstance(p, str) for p in pair):
                raise InputError("stance pairs must be (claim, body) strings")
        if not pairs:
            return []
        headline_vectors = self.featurizer.embed([h for h, _ in pairs])
        bodies: dict[str, _Body] = {}
        rows = []
        for (headline, text), vector in zip(pairs, headline_vectors, strict=True):
            if text not in bodies:
                bodies[text] = self.featurizer.body(text)
            rows.append(self.featurizer.features(headline, vector, bodies[text]))
        proba, choice = self.predict_features(np.vstack(rows))
        return [
            StancePrediction(
                self.labels[c], {label: float(p) for label, p in zip(self.labels, row, strict=True)}
            )
            for row, c in zip(proba, choice, strict=True)
        ]

    def predict(self, claim: str, body: str) -> StancePrediction:
        """Stance of ``body`` towards ``claim``."""
        return self.predict_many([(claim, body)])[0]


def read_stance_split(folder: Path) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Read a folder with ``bodies.csv`` (Body ID, articleBody) and ``stances.csv`` (Headline, Body ID, Stance).

    Returns the bodies by id and the (headline, body id, stance) rows; the stance is "" when absent.
    """
    import csv

    folder = Path(folder)
    try:
        with (folder / "bodies.csv").open(newline="", encoding="utf-8") as handle:
            bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}
        with (folder / "stances.csv").open(newline="", encoding="utf-8") as handle:
            rows = [
                (r["Headline"], r["Body ID"], (r.get("Stance") or "").strip()) for r in csv.DictReader(handle)
            ]
    except (OSError, KeyError, csv.Error, UnicodeDecodeError) as error:
        raise InputError(
            f"{folder} is not a stance split folder (bodies.csv + stances.csv): {error}"
        ) from None
    missing = {body_id for _, body_id, _ in rows} - bodies.keys()
    if missing:
        raise InputError(f"{folder}: stances.csv refers to {len(missing)} body ids missing from bodies.csv")
    return bodies, rows


@lru_cache(maxsize=1)
def get_stance_model() -> StanceModel:
    """The shipped stance model (loaded once)."""
    return StanceModel()
