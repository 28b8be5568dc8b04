"""The learned role tagger: P(token lies in a cue / source / content span), numpy only.

Runs on what the pipeline already computed. Per token: the shared ``tok2vec``
output (``doc.tensor``) of the token and of its syntactic head, one-hots of the
coarse tag, dependency label and head's label, the head's direction, whether
the token is inside quotation marks, its place in the sentence, the cue
lexicon's P(cue | form) and word-role priors P(role | form) of the token and its
head. A ReLU projection of these feeds a bidirectional GRU run over each
sentence, and an output layer reading the GRU states beside the projection
gives three independent sigmoids (roles nest: a cue can sit inside a content).
Sentence context is what a long cue needs ("said in a statement on Monday",
"voted in favor of"): a token-window model marked its function words as
nothing. Trained on PolNeAR train by ``training/attribution/train_role_tagger.py``
(PyTorch at training time only); the weights are
``claimtrace/data/attribution/role_tagger.npz``. A doc without a tensor (a
pipeline without ``tok2vec``) gets no tags.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy
from spacy.attrs import DEP, HEAD, IDX, LOWER, POS, SENT_START
from spacy.strings import get_string_id
from spacy.tokens import Doc

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.quotes import quote_regions
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
    """Weights of the tagger, with the feature scaling folded into the projection."""

    deps: tuple[str, ...]
    blocks: tuple[str, ...]
    priors: WordPriors
    w1: numpy.ndarray  # (features, projection), already divided by the feature scale
    b1: numpy.ndarray
    w_in: numpy.ndarray  # (projection, 2 * 3 * hidden): input to gates, forward then backward
    b_in: numpy.ndarray
    w_rec: numpy.ndarray  # (2, hidden, 3 * hidden): recurrent weights, forward and backward
    b_rec: numpy.ndarray  # (2, 1, 3 * hidden): recurrent bias (only the n gate's is not folded)
    w2: numpy.ndarray  # (2 * hidden + projection, 3)
    b2: numpy.ndarray

    def accepts_width(self, vocab, width: int) -> bool:  # noqa: ANN001
        """Whether the tagger was trained on a tok2vec of ``width`` (its first layer reads that tensor)."""
        probe = Doc(vocab, words=["a", "b"])
        probe.tensor = numpy.zeros((2, width), dtype=numpy.float32)
        parts = _feature_parts(probe, self.deps, self.blocks, self.priors, None)
        return parts is not None and self.w1.shape[0] == len(self.blocks) * width + len(UPOS) + 2 * len(
            self.deps
        ) + parts[5].shape[1]

    def probabilities(self, doc: Doc, quotes: list[tuple[int, int]] | None = None) -> numpy.ndarray | None:
        """(len(doc), 3) array of P(cue), P(source), P(content) per token, or None without a tensor."""
        parts = _feature_parts(doc, self.deps, self.blocks, self.priors, quotes)
        projected = _first_layer(parts, self.w1, self.b1, len(self.deps))
        if projected is None:
            return None
        projected = numpy.maximum(projected, 0.0)
        gates_in = (projected @ self.w_in + self.b_in).reshape(len(projected), 2, -1)
        states = _bigru(gates_in, sentence_bounds(doc), self.w_rec, self.b_rec)
        logits = numpy.clip(numpy.hstack([states, projected]) @ self.w2 + self.b2, -30.0, 30.0)
        return 1.0 / (1.0 + numpy.exp(-logits))


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token indices of the doc's sentences, as ``doc.sents`` gives them."""
    sent_start = doc.to_array(SENT_START)
    starts = [0, *(int(i) for i in numpy.flatnonzero(sent_start[1:] == 1) + 1)]
    return list(zip(starts, [*starts[1:], len(doc)], strict=True))


def _bigru(gates_in: numpy.ndarray, bounds: list[tuple[int, int]], w_rec: numpy.ndarray,
           b_rec: numpy.ndarray) -> numpy.ndarray:
    """(n, 2 * hidden) states, forward then backward, of a GRU run over each sentence.

    ``gates_in`` (n, 2, 3 * hidden) holds the input part of each token's gates for the two
    directions, ``w_rec`` (2, hidden, 3 * hidden) and ``b_rec`` (2, 1, 3 * hidden) the recurrent
    weights and bias, all packed by :func:`_gru_weights`. One batched matrix product advances
    every sentence in both directions by one token (see :func:`_step_order`)."""
    n, hidden = gates_in.shape[0], w_rec.shape[1]
    forward, backward, offsets, active = _step_order(bounds)
    inputs = numpy.stack([gates_in[forward, 0], gates_in[backward, 1]])  # (2, tokens, 3 * hidden)
    outputs = numpy.empty((2, len(forward), hidden), dtype=numpy.float32)
    h = numpy.zeros((2, len(bounds), hidden), dtype=numpy.float32)
    with numpy.errstate(over="ignore"):
        for step, k in enumerate(active.tolist()):
            x, previous = inputs[:, offsets[step]:offsets[step] + k], h[:, :k]
            recurrent = numpy.matmul(previous, w_rec) + b_rec
            rz = 1.0 / (1.0 + numpy.exp(x[..., :2 * hidden] + recurrent[..., :2 * hidden]))  # r, z hold -x
            candidate = numpy.tanh(x[..., 2 * hidden:] + rz[..., :hidden] * recurrent[..., 2 * hidden:])
            h[:, :k] = candidate + rz[..., hidden:] * (previous - candidate)
            outputs[:, offsets[step]:offsets[step] + k] = h[:, :k]
    states = numpy.zeros((n, 2 * hidden), dtype=numpy.float32)
    states[forward, :hidden] = outputs[0]
    states[backward, hidden:] = outputs[1]
    return states


def _step_order(bounds: list[tuple[int, int]]) -> tuple[numpy.ndarray, numpy.ndarray, list[int], numpy.ndarray]:
    """The order in which a bidirectional run over sentences reads the tokens, step by step.

    Sentences are sorted longest first, so the k sentences still running at step t are the first
    k, and the tokens read at step t (forward: the t-th of each; backward: the t-th from its end)
    sit together at ``offsets[t]:offsets[t] + k``. Returns the forward and backward token indices
    in that order, the offsets and k per step."""
    bounds = sorted(bounds, key=lambda b: b[0] - b[1])  # longest first
    starts = numpy.array([start for start, _ in bounds], dtype=numpy.int64)
    lengths = numpy.array([end - start for start, end in bounds], dtype=numpy.int64)
    steps = int(lengths.max()) if len(lengths) else 0
    valid = numpy.arange(steps)[:, None] < lengths[None, :]  # (steps, sentences)
    step, sentence = numpy.nonzero(valid)  # step-major: each step's sentences come together
    forward = starts[sentence] + step
    backward = starts[sentence] + lengths[sentence] - 1 - step
    active = valid.sum(axis=1)
    offsets = [0, *numpy.cumsum(active).tolist()]
    return forward, backward, offsets, active


def _gru_weights(
    w_ih: numpy.ndarray, w_hh: numpy.ndarray, b_ih: numpy.ndarray, b_hh: numpy.ndarray
) -> tuple[numpy.ndarray, ...]:
    """One direction's PyTorch GRU weights (gate rows r, z, n) as (input, 3 * hidden),
    (hidden, 3 * hidden), input bias and recurrent bias arrays, the r and z columns negated and
    their recurrent bias moved into the input bias (the n gate's recurrent bias stays inside
    r * (...)), which is what the loop of :func:`_bigru` reads."""
    hidden = w_hh.shape[1]
    sign = numpy.concatenate([-numpy.ones(2 * hidden), numpy.ones(hidden)]).astype(numpy.float32)
    moved = numpy.concatenate([b_hh[:2 * hidden], numpy.zeros(hidden)])
    kept = numpy.concatenate([numpy.zeros(2 * hidden), b_hh[2 * hidden:]])
    return ((w_ih.T * sign).astype(numpy.float32), (w_hh.T * sign).astype(numpy.float32),
            ((b_ih + moved) * sign).astype(numpy.float32), kept.astype(numpy.float32))


def _first_layer(
    parts: tuple | None, w1: numpy.ndarray, b1: numpy.ndarray, n_deps: int
) -> numpy.ndarray | None:
    """The first dense layer (before its activation) over every token's features, computed block
    by block: the tensor blocks share one matrix product and the one-hot blocks are row lookups,
    which costs a fraction of building the feature matrix. None when the weights do not fit."""
    if parts is None:
        return None
    tensor, gathers, heads, pos, dep, dense = parts
    width, blocks = tensor.shape[1], len(gathers)
    if w1.shape[0] != blocks * width + len(UPOS) + 2 * n_deps + dense.shape[1]:
        return None
    size = w1.shape[1]
    padded = numpy.vstack([tensor, numpy.zeros((1, width), dtype=numpy.float32)])
    products = padded @ numpy.hstack([w1[k * width:(k + 1) * width] for k in range(blocks)])
    hidden = numpy.zeros((len(heads), size), dtype=numpy.float32) + b1
    for k, gather in enumerate(gathers):
        hidden += products[gather, k * size:(k + 1) * size]
    row = blocks * width
    pos_w = _with_zero_row(w1[row:row + len(UPOS)])
    row += len(UPOS)
    dep_w = _with_zero_row(w1[row:row + n_deps])
    row += n_deps
    head_dep_w = _with_zero_row(w1[row:row + n_deps])
    row += n_deps
    hidden += pos_w[pos] + dep_w[dep] + head_dep_w[dep[heads]] + dense @ w1[row:]
    return hidden


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


def load_role_tagger() -> RoleTagger | None:
    """The shipped role tagger, or None when it is not installed."""
    try:
        with resources.files("claimtrace").joinpath(MODEL_FILE).open("rb") as handle:
            return read_role_tagger(handle)
    except (OSError, FileNotFoundError):
        return None


def read_role_tagger(source) -> RoleTagger | None:  # noqa: ANN001
    """A role tagger from an ``.npz`` file (or path) written by ``train_role_tagger.py``; None for a
    file that is not one."""
    try:
        with numpy.load(source, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    required = {
        "deps", "blocks", "mean", "scale", "w1", "b1", "w2", "b2", "prior_hashes", "prior_values", "prior_default",
        "w_ih_f", "w_hh_f", "b_ih_f", "b_hh_f", "w_ih_b", "w_hh_b", "b_ih_b", "b_hh_b",
    }
    if not required <= arrays.keys() or str(arrays.get("cell", "gru")) != "gru":
        return None
    folded = arrays["w1"].astype(numpy.float32) / arrays["scale"].astype(numpy.float32)[:, None]
    forward = _gru_weights(arrays["w_ih_f"], arrays["w_hh_f"], arrays["b_ih_f"], arrays["b_hh_f"])
    backward = _gru_weights(arrays["w_ih_b"], arrays["w_hh_b"], arrays["b_ih_b"], arrays["b_hh_b"])
    return RoleTagger(
        deps=tuple(str(d) for d in arrays["deps"]),
        blocks=tuple(str(b) for b in arrays["blocks"]),
        priors=WordPriors.from_hashes(arrays["prior_hashes"], arrays["prior_values"], arrays["prior_default"]),
        w1=folded,
        b1=(arrays["b1"] - arrays["mean"].astype(numpy.float32) @ folded).astype(numpy.float32),
        w_in=numpy.hstack([forward[0], backward[0]]),
        b_in=numpy.concatenate([forward[2], backward[2]]),
        w_rec=numpy.stack([forward[1], backward[1]]),
        b_rec=numpy.stack([forward[3], backward[3]])[:, None, :],
        w2=arrays["w2"].astype(numpy.float32),
        b2=arrays["b2"].astype(numpy.float32),
    )
