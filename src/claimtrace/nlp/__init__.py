"""Loading our trained news pipeline and the claimtrace spaCy components.

``load_pipeline()`` returns the trained pipeline shipped in
``claimtrace/models/news_pipeline`` with its rule steps (``add_core_steps``:
NER label consistency, paragraph breaks) and the claimtrace components appended
(entities → dates → places → claims). Each component stores its results on a
``Doc`` extension (``doc._.entity_groups``, ``doc._.entities``, ``doc._.dates``, ``doc._.places``,
``doc._.claims``) as :mod:`claimtrace.model` objects whose offsets are
character offsets into ``doc.text``. ``doc._.published`` (a :class:`~claimtrace.model.PartialDate` or None)
anchors relative dates and must be set before the components run.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from claimtrace.errors import ClaimtraceError

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "news_pipeline"
MODEL_ENV = "CLAIMTRACE_MODEL"

CLAIMTRACE_COMPONENTS = (
    "claimtrace_entities",
    "claimtrace_dates",
    "claimtrace_places",
    "claimtrace_claims",
)

for _name in ("published", "entity_groups", "entities", "dates", "places", "claims"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def model_path() -> Path:
    """The trained pipeline to load: ``$CLAIMTRACE_MODEL`` if set, else the bundled one."""
    return Path(os.environ.get(MODEL_ENV) or MODEL_DIR)


def _use_fast_ops() -> None:
    """Run thinc on numpy's BLAS: on our CPUs blis falls back to a generic kernel at half the speed.

    Measured: 2,666 → 4,622 words per CPU-second on the trained pipeline, identical entities.
    Set ``CLAIMTRACE_USE_BLIS=1`` to keep thinc's default.
    """
    if os.environ.get("CLAIMTRACE_USE_BLIS") == "1":
        return
    from thinc.api import NumpyOps, get_current_ops, set_current_ops

    if not isinstance(get_current_ops(), NumpyOps) or getattr(get_current_ops(), "use_blis", True):
        set_current_ops(NumpyOps(use_blis=False))


def add_core_steps(nlp: Language) -> Language:
    """Add the rule steps that belong to the trained pipeline itself (benchmarks/nlp.py measures with them).

    ``claimtrace_ner_consistency`` right after ``ner`` (one label per name in a document),
    ``claimtrace_paragraphs`` before ``parser`` (a line break ends a sentence).
    """
    from claimtrace.nlp import components  # noqa: F401  (registers the factories)

    if "ner" in nlp.pipe_names and "claimtrace_ner_consistency" not in nlp.pipe_names:
        nlp.add_pipe("claimtrace_ner_consistency", after="ner")
    if "parser" in nlp.pipe_names and "claimtrace_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("claimtrace_paragraphs", before="parser")
    return nlp


@lru_cache(maxsize=2)
def load_pipeline(path: str | None = None, with_components: bool = True) -> Language:
    """Load the trained pipeline (cached) with the claimtrace components appended."""
    _use_fast_ops()
    location = Path(path) if path else model_path()
    if not (location / "config.cfg").is_file():
        raise ClaimtraceError(f"no trained pipeline at {location} (set {MODEL_ENV} or reinstall claimtrace)")
    nlp = add_core_steps(spacy.load(location))
    nlp.max_length = 2_000_000
    if with_components:
        for name in CLAIMTRACE_COMPONENTS:
            if name not in nlp.pipe_names:
                nlp.add_pipe(name)
    return nlp
