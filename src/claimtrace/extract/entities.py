"""Named entities and their canonical names within one article (first version).

``link_mentions`` groups the doc's named entities by referent; the canonical
name is the longest mention. To be extended (surnames, "the ministry").
"""

from __future__ import annotations

from spacy.tokens import Doc

from claimtrace.model import Entity, EntityGroup, Span


def link_mentions(doc: Doc) -> list[EntityGroup]:
    groups: dict[tuple[str, str], EntityGroup] = {}
    for ent in doc.ents:
        key = (ent.label_, ent.text.lower())
        group = groups.setdefault(key, EntityGroup(canonical=ent.text, label=ent.label_))
        group.mentions.append(Span(ent.text, ent.start_char, ent.end_char))
    return list(groups.values())


def entities_with_canonical(doc: Doc, groups: list[EntityGroup]) -> list[Entity]:
    """The doc's entities, each with the canonical name of its group."""
    canonical = {(m.start, m.end): g.canonical for g in groups for m in g.mentions}
    return [
        Entity(ent.text, ent.start_char, ent.end_char, label=ent.label_,
               canonical=canonical.get((ent.start_char, ent.end_char), ent.text))
        for ent in doc.ents
    ]
