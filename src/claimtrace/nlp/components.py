"""spaCy components wrapping the claimtrace extractors (one per capability)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from claimtrace.extract import attribution, dates, entities, places
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
