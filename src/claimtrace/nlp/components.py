"""spaCy components wrapping the claimtrace extractors (one per capability)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from claimtrace.extract import attribution, dates, entities, events, places
from claimtrace.nlp.ner_consistency import harmonize_entities


@Language.component("claimtrace_paragraphs")
def paragraphs_component(doc: Doc) -> Doc:
    """A line break ends a sentence: news paragraphs never share one (the parser keeps preset starts)."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            if token.i > 0:
                token.is_sent_start = False  # the break belongs to the sentence it ends
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.component("claimtrace_ner_consistency")
def ner_consistency_component(doc: Doc) -> Doc:
    """One label per name within a document, and repeats of a name the NER missed (see ner_consistency)."""
    doc.ents = harmonize_entities(doc)
    return doc


@Language.component("claimtrace_entities")
def entities_component(doc: Doc) -> Doc:
    doc._.entity_groups = entities.link_mentions(doc)
    doc._.entities = entities.entities_with_canonical(doc, doc._.entity_groups)
    return doc


@Language.component("claimtrace_dates")
def dates_component(doc: Doc) -> Doc:
    doc._.dates = dates.find_dates(doc, doc._.published)
    return doc


@Language.component("claimtrace_places")
def places_component(doc: Doc) -> Doc:
    doc._.places = places.find_places(doc)
    return doc


@Language.component("claimtrace_claims")
def claims_component(doc: Doc) -> Doc:
    doc._.claims = attribution.find_claims(doc, doc._.entity_groups or [])
    return doc


class EventsComponent:
    """PLOVER events and casualty counts (``doc._.events``, ``doc._.casualties``), see ``extract/events``."""

    def __init__(self, lexicon_path: str | None, casualties: bool) -> None:
        from pathlib import Path

        self.lexicon = events.load_lexicon(Path(lexicon_path) if lexicon_path else None)
        self.casualties = casualties

    def __call__(self, doc: Doc) -> Doc:
        found = events.find_events(doc, doc._.claims, doc._.places, doc._.dates, doc._.entity_groups, self.lexicon)
        doc._.events = found
        doc._.casualties = (
            events.find_casualties(doc, found, doc._.claims, doc._.places, doc._.dates) if self.casualties else []
        )
        return doc


@Language.factory(
    "claimtrace_events",
    assigns=["doc._.events", "doc._.casualties"],
    requires=["token.dep", "token.lemma", "token.pos", "doc.sents"],
    default_config={"lexicon_path": None, "casualties": True},
)
def make_events_component(nlp: Language, name: str, lexicon_path: str | None, casualties: bool) -> EventsComponent:
    """``lexicon_path``: the compiled event lexicon (default: the one shipped in ``claimtrace/data/events``)."""
    return EventsComponent(lexicon_path, casualties)
