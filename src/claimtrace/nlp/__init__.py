"""Loading our trained news pipeline and the claimtrace spaCy components.

``load_pipeline()`` returns the trained pipeline shipped in
``claimtrace/models/news_pipeline`` with its rule steps (``add_core_steps``:
NER label consistency, paragraph breaks) and the claimtrace components appended
(entities → dates → places → claims → events). Each component stores its results on a
``Doc`` extension (``doc._.entity_groups``, ``doc._.entities``, ``doc._.dates``, ``doc._.places``,
``doc._.claims``, ``doc._.events``, ``doc._.casualties``) as :mod:`claimtrace.model` objects whose offsets are
character offsets into ``doc.text``. ``doc._.published`` (a :class:`~claimtrace.model.PartialDate` or None)
anchors relative dates and must be set before the components run.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from claimtrace import settings
from claimtrace.errors import ClaimtraceError
from claimtrace.settings import MODEL_ENV, model_path

SPACY_TOKENIZER = "spacy.Tokenizer.v1"
RULELESS_TOKENIZER = "claimtrace.ruleless_tokenizer.v1"

CLAIMTRACE_COMPONENTS = (
    "claimtrace_entities",
    "claimtrace_dates",
    "claimtrace_places",
    "claimtrace_claims",
    "claimtrace_events",
)

for _name in ("published", "entity_groups", "entities", "dates", "places", "claims", "events", "casualties"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _use_fast_ops() -> None:
    """Run thinc on numpy's BLAS: on our CPUs blis falls back to a generic kernel at half the speed.

    Measured: 2,666 → 4,622 words per CPU-second on the trained pipeline, identical entities.
    Set ``CLAIMTRACE_USE_BLIS=1`` to keep thinc's default.
    """
    if settings.current().use_blis:
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


@spacy.registry.tokenizers(RULELESS_TOKENIZER)
def ruleless_tokenizer():  # noqa: ANN201
    """spaCy's tokenizer without its language's rules, for a pipeline whose saved tokenizer brings them.

    ``spacy.load`` first builds the language's default tokenizer (thousands of special cases), then
    replaces every rule with the saved ones: starting from an empty tokenizer skips the first build
    (about 0.05 CPU-s of every cold start) and tokenizes identically.
    """

    def create(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return create


def _load_overrides(location: Path) -> dict:
    """Config overrides for loading ``location``: the ruleless tokenizer where the saved one is spaCy's."""
    config = spacy.util.load_config(location / "config.cfg", interpolate=False)
    saved_tokenizer = config.get("nlp", {}).get("tokenizer", {}).get("@tokenizers")
    if saved_tokenizer == SPACY_TOKENIZER and (location / "tokenizer").is_file():
        return {"nlp": {"tokenizer": {"@tokenizers": RULELESS_TOKENIZER}}}
    return {}


@lru_cache(maxsize=2)
def load_pipeline(path: str | None = None, with_components: bool = True) -> Language:
    """Load the trained pipeline (cached) with the claimtrace components appended."""
    from claimtrace.nlp import components  # noqa: F401  (registers the factories before loading)

    _use_fast_ops()
    location = Path(path) if path else model_path()
    if not (location / "config.cfg").is_file():
        raise ClaimtraceError(f"no trained pipeline at {location} (set {MODEL_ENV} or reinstall claimtrace)")
    nlp = add_core_steps(spacy.load(location, config=_load_overrides(location)))
    nlp.max_length = 2_000_000
    if with_components:
        for name in CLAIMTRACE_COMPONENTS:
            if name not in nlp.pipe_names:
                component = nlp.add_pipe(name)
                if hasattr(component, "initialize"):  # its weights, checked against this pipeline
                    component.initialize(nlp=nlp)
    return nlp
