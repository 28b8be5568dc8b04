"""The learned role tagger: P(token lies in a cue / source / content span), numpy only.

Runs on what the pipeline already computed: the shared ``tok2vec`` output
(``doc.tensor``) of the token, its syntactic head and its two neighbours, plus
one-hots of the coarse tag and dependency label, whether the token is inside
quotation marks, its place in the sentence and the cue lexicon's P(cue | form).
A one-hidden-layer network with three independent sigmoid outputs (roles nest:
a cue can sit inside a content). Trained on PolNeAR train by
``training/attribution/train_role_tagger.py`` (scikit-learn at training time
only); the weights are ``claimtrace/data/attribution/role_tagger.npz``. A doc
without a tensor (a pipeline without ``tok2vec``) gets no tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy
from spacy.attrs import DEP, HEAD, IDX, LOWER, POS, SENT_START
from spacy.strings import get_string_id
from spacy.tokens import Doc

from claimtrace.extract import attribution_lexicon as lex
from claimtrace.extract.doctext import doc_text

MODEL_FILE = "data/attribution/role_tagger.npz"
ROLES = ("cue", "source", "content")
# the tensor blocks a model can use: the token, its head, its head's head, and neighbours by offset
BLOCKS = ("self", "head", "head2", "-2", "-1", "+1", "+2")
UPOS = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X", "SPACE",
)


@dataclass(frozen=True)
class RoleTagger:
    """Weights with the feature scaling folded into the first layer."""

    deps: tuple[str, ...]
    blocks: tuple[str, ...]
    priors: WordPriors
    w1: numpy.ndarray  # (features, hidden), already divided by the feature scale
    b1: numpy.ndarray
    w2: numpy.ndarray
    b2: numpy.ndarray

    def probabilities(self, doc: Doc, quotes: list[tuple[int, int]] | None = None) -> numpy.ndarray | None:
        """(len(doc), 3) array of P(cue), P(source), P(content) per token, or None without a tensor.

        Computed block by block rather than on the full feature matrix: the
        tensor blocks share one matrix product and the one-hot blocks are row
        lookups, which costs a fraction of building the matrix.
        """
        parts = _feature_parts(doc, self.deps, self.blocks, self.priors, quotes)
        if parts is None:
            return None
        tensor, gathers, heads, pos, dep, dense = parts
        width, blocks = tensor.shape[1], len(gathers)
        if self.w1.shape[0] != blocks * width + len(UPOS) + 2 * len(self.deps) + dense.shape[1]:
            return None
        size = self.w1.shape[1]
        padded = numpy.vstack([tensor, numpy.zeros((1, width), dtype=numpy.float32)])
        products = padded @ numpy.hstack([self.w1[k * width:(k + 1) * width] for k in range(blocks)])
        hidden = numpy.zeros((len(heads), size), dtype=numpy.float32) + self.b1
        for k, gather in enumerate(gathers):
            hidden += products[gather, k * size:(k + 1) * size]
        row = blocks * width
        pos_w = _with_zero_row(self.w1[row:row + len(UPOS)])
        row += len(UPOS)
        dep_w = _with_zero_row(self.w1[row:row + len(self.deps)])
        row += len(self.deps)
        head_dep_w = _with_zero_row(self.w1[row:row + len(self.deps)])
        row += len(self.deps)
        hidden += pos_w[pos] + dep_w[dep] + head_dep_w[dep[heads]] + dense @ self.w1[row:]
        logits = numpy.clip(numpy.maximum(hidden, 0.0) @ self.w2 + self.b2, -30.0, 30.0)
        return 1.0 / (1.0 + numpy.exp(-logits))


def _with_zero_row(weights: numpy.ndarray) -> numpy.ndarray:
    """Index -1 (a label the model does not know) selects the added zero row."""
    return numpy.vstack([weights, numpy.zeros((1, weights.shape[1]), dtype=weights.dtype)])


@dataclass(frozen=True)
class WordPriors:
    """P(token in cue / source / content | word form), learned from train: sorted form hashes
    (spaCy's string ids; the model file keeps hashes, not a word list), their (n, 3)
    probabilities and the probabilities of unseen forms."""

    hashes: numpy.ndarray
    values: numpy.ndarray
    default: numpy.ndarray

    @classmethod
    def from_forms(cls, forms: list[str], values: numpy.ndarray, default: numpy.ndarray) -> WordPriors:
        return cls.from_hashes(numpy.array([get_string_id(f) for f in forms], dtype=numpy.uint64), values, default)

    @classmethod
    def from_hashes(cls, hashes: numpy.ndarray, values: numpy.ndarray, default: numpy.ndarray) -> WordPriors:
        hashes = numpy.asarray(hashes, dtype=numpy.uint64)
        order = numpy.argsort(hashes)
        return cls(hashes[order], numpy.asarray(values, dtype=numpy.float32)[order],
                   numpy.asarray(default, dtype=numpy.float32))

    def lookup(self, lower: numpy.ndarray) -> numpy.ndarray:
        if not len(self.hashes):
            return numpy.tile(self.default, (len(lower), 1))
        i = numpy.clip(numpy.searchsorted(self.hashes, lower), 0, len(self.hashes) - 1)
        return numpy.where((self.hashes[i] == lower)[:, None], self.values[i], self.default[None, :])


def role_features(
    doc: Doc, deps: tuple[str, ...], priors: WordPriors, quotes: list[tuple[int, int]] | None = None,
    blocks: tuple[str, ...] = BLOCKS,
) -> numpy.ndarray | None:
    """The full feature matrix of every token (training; the tagger computes the same by blocks):
    tensor of the token, its head, its head's head and the tokens at -2, -1, +1, +2; one-hots of the coarse tag,
    dependency label and head's label, then head direction, in-quote, sentence position, the cue
    lexicon's prior and the word-role priors of the token and of its head."""
    parts = _feature_parts(doc, deps, blocks, priors, quotes)
    if parts is None:
        return None
    tensor, gathers, heads, pos, dep, dense = parts
    padded = numpy.vstack([tensor, numpy.zeros((1, tensor.shape[1]), dtype=numpy.float32)])
    return numpy.hstack([
        *(padded[gather] for gather in gathers),
        _one_hot(pos, len(UPOS)), _one_hot(dep, len(deps)), _one_hot(dep[heads], len(deps)), dense,
    ])


def _feature_parts(
    doc: Doc, deps: tuple[str, ...], blocks: tuple[str, ...], priors: WordPriors,
    quotes: list[tuple[int, int]] | None,
) -> tuple[numpy.ndarray, list[numpy.ndarray], numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray] | None:
    """(tensor, row indices of each tensor block (len(doc) = a zero row), head indices, tag
    indices, label indices, dense features); -1 for unknown labels."""
    tensor = getattr(doc, "tensor", None)
    n = len(doc)
    if tensor is None or n == 0 or getattr(tensor, "ndim", 0) != 2 or tensor.shape[0] != n:
        return None
    tensor = numpy.asarray(tensor, dtype=numpy.float32)
    array = doc.to_array([HEAD, POS, DEP, SENT_START, IDX]).astype(numpy.int64)
    index = numpy.arange(n)
    heads = numpy.clip(index + array[:, 0], 0, n - 1)
    pos = _label_index(doc, array[:, 1], UPOS)
    dep = _label_index(doc, array[:, 2], deps)
    direction = numpy.sign(heads - index)[:, None].astype(numpy.float32)
    in_quote = _in_quotes(doc, array[:, 4], quotes)[:, None]
    position = _sentence_position(array[:, 3])
    prior = _lexicon_prior(doc)[:, None]
    words = priors.lookup(doc.to_array(LOWER).astype(numpy.uint64))
    gathers = [_gather(name, index, heads, n) for name in blocks]
    return tensor, gathers, heads, pos, dep, numpy.hstack([direction, in_quote, position, prior, words, words[heads]])


def _gather(name: str, index: numpy.ndarray, heads: numpy.ndarray, n: int) -> numpy.ndarray:
    """Row indices of one tensor block; ``n`` (the padding zero row) where the neighbour is missing."""
    if name == "self":
        return index
    if name == "head":
        return heads
    if name == "head2":
        return heads[heads]
    shifted = index + int(name)
    return numpy.where((shifted >= 0) & (shifted < n), shifted, n)


def _label_index(doc: Doc, hashes: numpy.ndarray, labels: tuple[str, ...]) -> numpy.ndarray:
    label_hashes = numpy.array([doc.vocab.strings.add(label) for label in labels], dtype=numpy.uint64)
    order = numpy.argsort(label_hashes)
    values = hashes.astype(numpy.uint64)
    i = numpy.clip(numpy.searchsorted(label_hashes[order], values), 0, len(labels) - 1)
    return numpy.where(label_hashes[order][i] == values, order[i], -1)


def _one_hot(index: numpy.ndarray, size: int) -> numpy.ndarray:
    result = numpy.zeros((len(index), size + 1), dtype=numpy.float32)
    result[numpy.arange(len(index)), index] = 1.0  # -1 marks the spare last column, dropped below
    return result[:, :size]


def _in_quotes(doc: Doc, offsets: numpy.ndarray, quotes: list[tuple[int, int]] | None) -> numpy.ndarray:
    if quotes is None:
        from claimtrace.extract.attribution import quote_regions

        quotes = quote_regions(doc_text(doc))
    if not quotes:
        return numpy.zeros(len(offsets), dtype=numpy.float32)
    starts = numpy.array([s for s, _ in quotes])
    ends = numpy.array([e for _, e in quotes])
    i = numpy.searchsorted(starts, offsets, side="right") - 1
    inside = (i >= 0) & (offsets < ends[numpy.maximum(i, 0)])
    return inside.astype(numpy.float32)


def _sentence_position(sent_start: numpy.ndarray) -> numpy.ndarray:
    """Per token: is first of its sentence, position / sentence length, is last."""
    n = len(sent_start)
    starts = numpy.flatnonzero(sent_start == 1)
    if not len(starts) or starts[0] != 0:
        starts = numpy.concatenate([[0], starts])
    bounds = numpy.concatenate([starts, [n]])
    sentence = numpy.searchsorted(starts, numpy.arange(n), side="right") - 1
    first, length = bounds[sentence], bounds[sentence + 1] - bounds[sentence]
    offset = numpy.arange(n) - first
    return numpy.stack(
        [offset == 0, offset / numpy.maximum(length, 1), offset == length - 1], axis=1
    ).astype(numpy.float32)


def _lexicon_prior(doc: Doc) -> numpy.ndarray:
    hashes, values = _lexicon_arrays(doc)
    lower = doc.to_array(LOWER).astype(numpy.uint64)
    i = numpy.clip(numpy.searchsorted(hashes, lower), 0, len(hashes) - 1)
    return numpy.where(hashes[i] == lower, values[i], 0.0).astype(numpy.float32)


def _lexicon_arrays(doc: Doc) -> tuple[numpy.ndarray, numpy.ndarray]:
    return _lexicon_arrays_cached(doc.vocab.strings)


@lru_cache(maxsize=1)
def _lexicon_arrays_cached(strings) -> tuple[numpy.ndarray, numpy.ndarray]:  # noqa: ANN001
    """The lexicon as sorted form hashes and their P(cue | form), for vectorised lookup
    (string hashes do not depend on the vocab, so one table serves every doc)."""
    lexicon = lex.cue_lexicon()
    pairs = sorted((strings.add(form), entry.p) for form, entry in lexicon.items())
    if not pairs:
        return numpy.zeros(1, dtype=numpy.uint64), numpy.zeros(1, dtype=numpy.float32)
    return (numpy.array([h for h, _ in pairs], dtype=numpy.uint64),
            numpy.array([p for _, p in pairs], dtype=numpy.float32))


@lru_cache(maxsize=1)
def load_role_tagger() -> RoleTagger | None:
    """The shipped role tagger, or None when it is not installed."""
    try:
        with resources.files("claimtrace").joinpath(MODEL_FILE).open("rb") as handle:
            data = numpy.load(handle, allow_pickle=False)
            arrays = {k: data[k] for k in data.files}
    except (OSError, FileNotFoundError, ValueError, KeyError):
        return None
    required = {"deps", "blocks", "mean", "scale", "w1", "b1", "w2", "b2", "prior_hashes", "prior_values", "prior_default"}
    if not required <= arrays.keys():
        return None
    scale = arrays["scale"].astype(numpy.float32)
    w1 = arrays["w1"].astype(numpy.float32)
    folded = w1 / scale[:, None]
    priors = WordPriors.from_hashes(arrays["prior_hashes"], arrays["prior_values"], arrays["prior_default"])
    return RoleTagger(
        deps=tuple(str(d) for d in arrays["deps"]),
        blocks=tuple(str(b) for b in arrays["blocks"]),
        priors=priors,
        w1=folded,
        b1=(arrays["b1"] - arrays["mean"].astype(numpy.float32) @ folded).astype(numpy.float32),
        w2=arrays["w2"].astype(numpy.float32),
        b2=arrays["b2"].astype(numpy.float32),
    )
