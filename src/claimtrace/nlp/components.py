"""spaCy factories wrapping the claimtrace extractors (one per capability).

Every component declares what it reads (``requires``) and writes (``assigns``) so that
``nlp.analyze_pipes()`` checks the order. ``claimtrace_claims`` owns its configuration (the
attribution thresholds, :class:`~claimtrace.extract.attribution.config.AttributionConfig`) and its
weights: the cue model and the role tagger, loaded at ``initialize`` (from the package, checked
against the pipeline's tok2vec width) or ``from_disk``, and written by ``to_disk``, so a pipeline
saved with ``nlp.to_disk`` carries the tagger with the tok2vec it was trained on. A missing or
mismatched artifact raises :class:`~claimtrace.errors.ClaimtraceError` naming the file.
``doc._.published`` is set by the caller (:mod:`claimtrace.pipeline`), not by a component.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import IS_SPACE, SENT_START
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc

from claimtrace.errors import ClaimtraceError
from claimtrace.extract import attribution, dates, entities, events, places
from claimtrace.extract.attribution import cue_model, role_tagger
from claimtrace.extract.attribution.config import DEFAULT_CONFIG, AttributionConfig, AttributionModels
from claimtrace.nlp.ner_consistency import harmonize_entities

CUE_MODEL_FILE = "cue_model.json"
ROLE_TAGGER_FILE = "role_tagger.npz"
_CLAIMS_REQUIRES = [
    "doc.sents", "doc.ents", "doc.tensor", "token.dep", "token.head", "token.pos", "token.tag", "token.lemma",
    "doc._.entity_groups",
]


def paragraphs_component(doc: Doc) -> Doc:
    """A line break ends a sentence: news paragraphs never share one (the parser keeps preset starts)."""
    breaks = [i for i in numpy.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist() if "\n" in doc[i].text]
    if not breaks:  # only space tokens can hold a break
        return doc
    if doc.has_annotation("DEP"):
        raise ValueError(Errors.E043)  # what setting ``token.is_sent_start`` raises on a parsed doc
    # written back as one array: each ``token.is_sent_start = ...`` checks the whole doc for a parse first
    starts = doc.to_array(SENT_START).astype(numpy.int64)
    for i in breaks:
        if i > 0:
            starts[i] = -1  # the break belongs to the sentence it ends
        starts[i + 1] = 1
    doc.from_array([SENT_START], starts.astype(numpy.uint64))
    return doc


def ner_consistency_component(doc: Doc) -> Doc:
    """One label per name within a document, and repeats of a name the NER missed (see ner_consistency)."""
    doc.ents = harmonize_entities(doc)
    return doc


def entities_component(doc: Doc) -> Doc:
    doc._.entity_groups = entities.link_mentions(doc)
    doc._.entities = entities.entities_with_canonical(doc, doc._.entity_groups)
    return doc


def dates_component(doc: Doc) -> Doc:
    doc._.dates = dates.find_dates(doc, doc._.published)
    return doc


def places_component(doc: Doc) -> Doc:
    doc._.places = places.find_places(doc)
    return doc


def _register(name: str, component: Callable[[Doc], Doc], assigns: list[str], requires: list[str]) -> None:
    @Language.factory(name, assigns=assigns, requires=requires)
    def make(nlp: Language, name: str) -> Callable[[Doc], Doc]:
        return component


_register("claimtrace_paragraphs", paragraphs_component, ["token.is_sent_start"], [])
_register("claimtrace_ner_consistency", ner_consistency_component, ["doc.ents"], ["doc.ents"])
_register("claimtrace_entities", entities_component, ["doc._.entity_groups", "doc._.entities"], ["doc.ents"])
_register(
    "claimtrace_dates", dates_component, ["doc._.dates"], ["token.dep", "token.head", "token.pos", "token.tag", "token.lemma"]
)
_register("claimtrace_places", places_component, ["doc._.places"], ["doc.ents", "token.is_sent_start"])


class ClaimsComponent:
    """Claims with their sources, cues, certainty and polarity (:func:`claimtrace.extract.attribution.find_claims`)."""

    def __init__(self, nlp: Language, name: str, config: AttributionConfig) -> None:
        self.name = name
        self.config = config
        self.vocab = nlp.vocab
        self.models: AttributionModels | None = None
        self._files: dict[str, bytes] = {}

    def __call__(self, doc: Doc) -> Doc:
        if self.models is None:
            raise ClaimtraceError(f"the {self.name} component has no weights: call nlp.initialize() or load it from disk")
        doc._.claims = attribution.find_claims(doc, doc._.entity_groups or [], self.config, self.models)
        return doc

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *, nlp: Language | None = None) -> None:
        """Load the cue model and the role tagger shipped in the package, checked against ``nlp``'s tok2vec."""
        packaged = {CUE_MODEL_FILE: cue_model.MODEL_FILE, ROLE_TAGGER_FILE: role_tagger.MODEL_FILE}
        bundled = resources.files("claimtrace")
        files = {}
        for file, inside in packaged.items():
            try:
                files[file] = bundled.joinpath(inside).read_bytes()
            except OSError:
                raise ClaimtraceError(f"{bundled.joinpath(inside)}: missing (reinstall claimtrace)") from None
        self._load(files, where=lambda file: str(bundled.joinpath(packaged[file])), nlp=nlp)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for file, data in self._files.items():
            (path / file).write_bytes(data)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ClaimsComponent:
        path = Path(path)
        files = {}
        for file in (CUE_MODEL_FILE, ROLE_TAGGER_FILE):
            if not (path / file).is_file():
                raise ClaimtraceError(f"{path / file}: missing (the {self.name} component's weights)")
            files[file] = (path / file).read_bytes()
        self._load(files, where=lambda file: str(path / file), nlp=None)
        return self

    def _load(self, files: dict[str, bytes], where: Callable[[str], str], nlp: Language | None) -> None:
        try:
            cues = cue_model.parse_cue_model(files[CUE_MODEL_FILE].decode("utf-8"))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise ClaimtraceError(f"{where(CUE_MODEL_FILE)}: not a cue model ({exc})") from None
        tagger = role_tagger.read_role_tagger(io.BytesIO(files[ROLE_TAGGER_FILE]))
        if tagger is None:
            raise ClaimtraceError(f"{where(ROLE_TAGGER_FILE)}: not a role tagger")
        if nlp is not None:
            width = _tok2vec_width(nlp)
            if width is None:
                raise ClaimtraceError(f"{where(ROLE_TAGGER_FILE)}: the role tagger reads a tok2vec tensor, and the "
                                      f"pipeline has no tok2vec component")
            if not tagger.accepts_width(nlp.vocab, width):
                raise ClaimtraceError(f"{where(ROLE_TAGGER_FILE)}: trained on another tok2vec than this pipeline's "
                                      f"(width {width}); retrain it (training/attribution/train_role_tagger.py)")
        self.models = AttributionModels(cue_model=cues, role_tagger=tagger)
        self._files = dict(files)


def _tok2vec_width(nlp: Language) -> int | None:
    if "tok2vec" not in nlp.pipe_names:
        return None
    return int(nlp.get_pipe("tok2vec").model.get_dim("nO"))


@Language.factory(
    "claimtrace_claims",
    assigns=["doc._.claims"],
    requires=_CLAIMS_REQUIRES,
    default_config=DEFAULT_CONFIG.as_config(),
)
def make_claims_component(
    nlp: Language,
    name: str,
    cue: float,
    object_cue: float,
    seed_floor: float,
    lexicon_floor: float,
    postposed_floor: float,
    extend_cue: float,
    trim_cue: float,
    drop_cue: float,
    new_cue: float,
    role_token: float,
) -> ClaimsComponent:
    config = AttributionConfig(
        cue=cue, object_cue=object_cue, seed_floor=seed_floor, lexicon_floor=lexicon_floor,
        postposed_floor=postposed_floor, extend_cue=extend_cue, trim_cue=trim_cue, drop_cue=drop_cue,
        new_cue=new_cue, role_token=role_token,
    )
    return ClaimsComponent(nlp, name, config)


EVENT_LEXICON_FILE = "petrarch.json.gz"


class EventsComponent:
    """PLOVER events and casualty counts (``doc._.events``, ``doc._.casualties``), see ``extract/events``.

    Its data is the compiled event lexicon: read at ``initialize`` (the one shipped in the package, or
    ``lexicon_path``), written by ``to_disk`` and read back by ``from_disk``."""

    def __init__(self, name: str, lexicon_path: str | None, casualties: bool) -> None:
        self.name = name
        self.lexicon_path = lexicon_path
        self.casualties = casualties
        self.lexicon: events.Lexicon | None = None

    def __call__(self, doc: Doc) -> Doc:
        if self.lexicon is None:
            raise ClaimtraceError(f"the {self.name} component has no lexicon: call nlp.initialize() or load it from disk")
        found = events.find_events(doc, doc._.claims, doc._.places, doc._.dates, doc._.entity_groups, self.lexicon)
        doc._.events = found
        doc._.casualties = (
            events.find_casualties(doc, found, doc._.claims, doc._.places, doc._.dates) if self.casualties else []
        )
        return doc

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *, nlp: Language | None = None) -> None:
        self.lexicon = events.load_lexicon(Path(self.lexicon_path) if self.lexicon_path else None)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        source = Path(self.lexicon_path) if self.lexicon_path else events.LEXICON_PATH
        (path / EVENT_LEXICON_FILE).write_bytes(source.read_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EventsComponent:
        self.lexicon = events.load_lexicon(Path(path) / EVENT_LEXICON_FILE)
        return self


@Language.factory(
    "claimtrace_events",
    assigns=["doc._.events", "doc._.casualties"],
    requires=["token.dep", "token.head", "token.lemma", "token.pos", "doc.sents", "doc._.claims", "doc._.places",
              "doc._.dates", "doc._.entity_groups"],
    default_config={"lexicon_path": None, "casualties": True},
)
def make_events_component(nlp: Language, name: str, lexicon_path: str | None, casualties: bool) -> EventsComponent:
    """``lexicon_path``: a compiled event lexicon (default: the one shipped in ``claimtrace/data/events``);
    ``casualties``: also read casualty counts."""
    return EventsComponent(name, lexicon_path, casualties)
