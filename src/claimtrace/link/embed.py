"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) and a static encoder trained to imitate it.

Two encoders share one interface (``encode(texts) -> (n, 384)`` unit rows) and one vector space:

- :class:`Encoder`, MiniLM itself as an int8 ONNX graph run with onnxruntime + tokenizers, used for
  stories, stance and wherever quality matters more than speed;
- :class:`StaticEncoder`, a Model2Vec table distilled from the same checksum-verified MiniLM weights
  and fitted to MiniLM's sentence vectors (``training/embeddings/train_static.py``). A text is the
  mean of its word pieces' rows: no transformer runs, so embedding every claim of a corpus costs
  next to nothing. It is the default encoder of claims for matching (``get_claim_encoder``); set
  ``CLAIMTRACE_CLAIM_ENCODER=minilm`` to match claims with MiniLM instead. Stories keep MiniLM:
  with the static encoder their BASIL pairwise F1 fell from 0.949 to 0.824 at the same thresholds.

MiniLM:

Finds a 384-dimensional, L2-normalized vector per text (mean pooling and normalization are inside
the graph), so the cosine of two texts is their dot product. Texts longer than 256 word pieces are
truncated (the model's own limit): the embedding then reflects only their beginning.

Figures (``benchmarks/embeddings.py``): ``docs/benchmarks_linking.md``. No torch is needed at run time.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from claimtrace import settings
from claimtrace.errors import ClaimtraceError, InputError
from claimtrace.settings import CLAIM_ENCODER_ENV
from claimtrace.store.protocol import Store

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "minilm"
STATIC_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "minilm_static"
CLAIM_ENCODERS = ("static", "minilm")
DIMENSION = 384
_DEFAULT_MAX_TOKENS = 256


class Encoder:
    """Turns texts into L2-normalized float32 vectors with one ONNX session."""

    name = "minilm"

    @staticmethod
    def calibrate(cosines: np.ndarray | float) -> np.ndarray | float:
        """Cosines on MiniLM's scale: unchanged (see :meth:`StaticEncoder.calibrate`)."""
        return cosines

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_file, tokenizer_file = model_dir / "model.onnx", model_dir / "tokenizer.json"
        if not model_file.is_file() or not tokenizer_file.is_file():
            raise ClaimtraceError(f"no sentence-embedding model at {model_dir} (reinstall claimtrace)")
        self.max_tokens = _read_max_tokens(model_dir)
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self._input_names = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed ``texts``: an (n, 384) float32 array, each row of unit length (zeros for empty text)."""
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise InputError("encode() takes a list of strings")
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if batch_size < 1:
            raise InputError("batch_size must be at least 1")
        # Batching texts of similar length keeps padding (wasted compute) small.
        order = sorted((i for i, t in enumerate(texts) if t.strip()), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            out[batch] = self._encode_batch([texts[i] for i in batch])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (vectors,) = self.session.run(None, {k: v for k, v in feeds.items() if k in self._input_names})
        return vectors.astype(np.float32, copy=False)


class StaticEncoder:
    """MiniLM's space from a table of word-piece vectors (Model2Vec): fast, somewhat less exact.

    Measured against MiniLM in ``benchmarks/embeddings.py`` (see ``docs/benchmarks_linking.md``).
    """

    name = "static"

    def __init__(self, model_dir: Path = STATIC_MODEL_DIR) -> None:
        if not (model_dir / "model.safetensors").is_file() or not (model_dir / "tokenizer.json").is_file():
            raise ClaimtraceError(f"no static embedding model at {model_dir} (reinstall claimtrace)")
        from model2vec import StaticModel

        self.model = StaticModel.from_pretrained(str(model_dir))
        if self.model.dim != DIMENSION:
            raise ClaimtraceError(f"the static model at {model_dir} has {self.model.dim} dimensions, not {DIMENSION}")
        self._static_q, self._minilm_q = _read_calibration(model_dir)

    def calibrate(self, cosines: np.ndarray | float) -> np.ndarray | float:
        """Static cosines mapped onto MiniLM's scale (quantile to quantile), so thresholds chosen for
        MiniLM keep their meaning: unrelated texts sit closer under the static table."""
        mapped = np.interp(cosines, self._static_q, self._minilm_q)
        return float(mapped) if np.ndim(mapped) == 0 else mapped

    def encode(self, texts: list[str], batch_size: int = 1024) -> np.ndarray:
        """Embed ``texts``: an (n, 384) float32 array, each row of unit length (zeros for empty text)."""
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise InputError("encode() takes a list of strings")
        if batch_size < 1:
            raise InputError("batch_size must be at least 1")
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        filled = [i for i, t in enumerate(texts) if t.strip()]
        if filled:
            vectors = self.model.encode([texts[i] for i in filled], batch_size=batch_size, use_multiprocessing=False)
            vectors = np.asarray(vectors, dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[filled] = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        return out


def _read_calibration(model_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    path = model_dir / "calibration.json"
    try:
        table = json.loads(path.read_text())
        static, minilm = np.asarray(table["static"], float), np.asarray(table["minilm"], float)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ClaimtraceError(f"{path}: missing or unreadable cosine calibration ({error})") from None
    if static.shape != minilm.shape or static.ndim != 1 or len(static) < 2 or np.any(np.diff(static) < 0):
        raise ClaimtraceError(f"{path}: the cosine calibration must be two increasing lists of equal length")
    # the ends stretch to the extremes so every cosine has an image
    return np.concatenate([[-1.0], static, [1.0]]), np.concatenate([[-1.0], minilm, [1.0]])


def _read_max_tokens(model_dir: Path) -> int:
    config = model_dir / "config.json"
    if config.is_file():
        return int(json.loads(config.read_text()).get("max_tokens", _DEFAULT_MAX_TOKENS))
    return _DEFAULT_MAX_TOKENS


@lru_cache(maxsize=2)
def get_encoder(threads: int | None = None) -> Encoder:
    """The shared encoder (loaded once). ``threads`` defaults to ``$CLAIMTRACE_THREADS`` or onnxruntime's choice."""
    now = settings.current()
    return Encoder(now.embedding_model or MODEL_DIR, threads=threads if threads is not None else now.threads)


def claim_encoder_name() -> str:
    """The claim encoder chosen by ``$CLAIMTRACE_CLAIM_ENCODER`` (default ``static``)."""
    name = settings.current().claim_encoder
    if name not in CLAIM_ENCODERS:
        raise ClaimtraceError(f"{CLAIM_ENCODER_ENV}={name!r}: use one of {', '.join(CLAIM_ENCODERS)}")
    return name


def get_claim_encoder() -> Encoder | StaticEncoder:
    """The encoder claim matching uses (see :func:`claim_encoder_name`), loaded once."""
    return _static_encoder() if claim_encoder_name() == "static" else get_encoder()


CLAIM_ENCODER_SETTING = "claim_encoder"


def ensure_claim_encoder(store: Store) -> str:
    """Make the store's claim vectors those of the current claim encoder; returns its name.

    Vectors of two encoders must never be compared, so when the encoder changes (see
    ``$CLAIMTRACE_CLAIM_ENCODER``) every stored vector is dropped and linking computes them again.
    Stores written before the setting existed hold MiniLM vectors.
    """
    current = claim_encoder_name()
    stored = store.setting(CLAIM_ENCODER_SETTING)
    if stored is None and store.has_embeddings():
        stored = "minilm"
    if stored is not None and stored != current:
        store.clear_embeddings()
    if stored != current:
        store.set_setting(CLAIM_ENCODER_SETTING, current)
    return current


@lru_cache(maxsize=1)
def _static_encoder() -> StaticEncoder:
    return StaticEncoder(STATIC_MODEL_DIR)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two vectors (0.0 when either is zero)."""
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b) / norm) if norm else 0.0


class EmbeddingCache:
    """Vectors of texts already embedded, kept in an .npz keyed by the sha1 of each text.

    Exact, not approximate: the shipped encoder gives a text the same vector whatever its batch.
    Used by training and benchmarks to avoid embedding the same corpus twice.
    """

    def __init__(self, path: Path, encoder: Encoder | None = None, log: bool = False) -> None:
        self.path = Path(path)
        self.encoder = encoder
        self.log = log
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.is_file():
            with np.load(self.path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        import hashlib

        return hashlib.sha1(text.encode()).hexdigest()

    def warm(self, texts: list[str], chunk: int = 2048) -> None:
        """Embed (and save) every text not cached yet."""
        todo = list(dict.fromkeys(t for t in texts if self.key(t) not in self.vectors))
        encoder = self.encoder or get_encoder()
        for start in range(0, len(todo), chunk):
            part = todo[start : start + chunk]
            for text, vector in zip(part, encoder.encode(part), strict=True):
                self.vectors[self.key(text)] = vector
            if self.log:
                print(f"  embedded {start + len(part)}/{len(todo)}", file=sys.stderr, flush=True)
            if (start // chunk) % 4 == 3:
                self.save()
        if todo:
            self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.vectors)
        vectors = np.vstack([self.vectors[k] for k in keys]) if keys else np.zeros((0, DIMENSION), np.float32)
        np.savez(self.path, keys=np.array(keys), vectors=vectors)

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.warm(texts)
        if not texts:
            return np.zeros((0, DIMENSION), np.float32)
        return np.vstack([self.vectors[self.key(t)] for t in texts])
