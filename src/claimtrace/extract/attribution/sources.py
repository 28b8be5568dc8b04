"""The kind and canonical name of an attribution's source.

Kinds come from rules over the source phrase, in this order: witness head
nouns ("residents"); media modifiers or head nouns and media-like organization
names ("news platforms", "Al Mayadeen"); document head nouns ("a statement by
the ministry", "satellite images"); anonymous head nouns without a person's
name ("sources close to ...", "an official", "officials"); person entities
(government when titled spokesperson); government head nouns and entity names
("the Defense Ministry", "the army", a country as speaker); other organizations;
then person for names, pronouns and nouns that denote people ("the lawyer",
"experts"), else anonymous: a common noun of no known kind is an unnamed source. A bare
demonstrative ("This indicates ...") points back at what the article has just said: the
author's own voice. Pronouns and definite noun phrases ("he", "they", "the sources",
"the ministry", "the report") take the kind, canonical name and affiliation of their antecedent
(:mod:`.coreference`); a first person inside a quotation is the quotation's speaker. Surnames take the
earlier full name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrace.extract.attribution import coreference
from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.kinds import classify
from claimtrace.model import Affiliation, Source

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context

DEFINITE = frozenset({"the", "this", "these", "those", "that"})
DEMONSTRATIVES = DEFINITE - {"the"}
FIRST_PERSON = frozenset({"we", "our", "i", "my", "us"})


def resolve_source(span: tuple[int, int], head: Token | None, context: Context) -> Source:
    """A :class:`Source` for the phrase at ``span`` whose syntactic head is ``head``."""
    start, head = without_dateline(span, head, context.doc, context.text)
    end = span[1]
    span = (start, end)
    text = context.text[start:end]
    if head is not None and head.tag_ in ("WP", "WDT") and head.head.i != head.i:
        named = coreference.relative_antecedent(head)  # "officials who said": the noun the clause modifies
        if named.i < head.i and named.pos_ in ("NOUN", "PROPN"):
            inner = resolve_source((coreference.noun_phrase(named)[0].idx, named.idx + len(named)), named, context)
            return _standing_for(inner, (start, end), named.lower_, context)
    words = [w.lower() for w in text.replace(",", " ").split()]
    head_word = head.lower_ if head is not None else (words[-1] if words else "")
    speaker = coreference.quote_speaker(start, words, context)
    if speaker is not None:  # "“We judge that ...,” the assessment states": the speaker of the quotation
        return _standing_for(resolve_source(speaker[0], speaker[1], context), (start, end), head_word, context)
    ents = context.ents_in(start, end)
    antecedent = coreference.antecedent(start, end, head, words, context, _describer(context))
    if antecedent is not None:
        source = Source(text, start, end, kind=antecedent.kind, canonical=antecedent.canonical or antecedent.text,
                        affiliation=antecedent.affiliation)
    else:
        kind, affiliation = phrase_kind(words, head_word, head, (start, end), ents, context)
        source = Source(text, start, end, kind=kind, canonical=_canonical(text, head, ents, context),
                        affiliation=affiliation)
    context.resolved.append((start, source, head_word))
    return source


def _standing_for(inner: Source, span: tuple[int, int], head_word: str, context: Context) -> Source:
    """The source at ``span`` as the phrase it stands for, ``inner``, just resolved (a relative pronoun's noun,
    a quotation's speaker): its text as written, the kind, canonical name and affiliation of ``inner``, which
    is replaced among the sources resolved so far."""
    context.resolved.pop()
    start, end = span
    source = Source(context.text[start:end], start, end, kind=inner.kind, canonical=inner.canonical,
                    affiliation=inner.affiliation)
    context.resolved.append((start, source, head_word))
    return source


def _describer(context: Context) -> coreference.Describe:
    """How the resolver reads an antecedent it finds outside the sources so far: the phrase's own kind,
    canonical name and affiliation."""

    def describe(start: int, end: int, head: Token) -> Source:
        text = context.text[start:end]
        ents = context.ents_in(start, end)
        words = [w.lower() for w in text.replace(",", " ").split()]
        kind, affiliation = phrase_kind(words, head.lower_, head, (start, end), ents, context)
        return Source(text, start, end, kind=kind, canonical=_canonical(text, head, ents, context),
                      affiliation=affiliation)

    return describe


# "DUBAI - ", "WASHINGTON (Reuters) – ", "Kiev, Jun. 16, (dpa/GNA) – ", "/TASS/. ": where and by whom, never who
_DATELINE = re.compile(
    r"""^\s*(?:(?:[A-Z][A-Z.'-]+(?:\s+[A-Z][A-Z.'-]+)*|[A-Z][a-z]+,\s*[A-Z][a-z]{2,}\.?\s*\d{1,2})"""
    r"""(?:,\s*[A-Z][a-z]+)?,?\s*(?:\([^()\n]{1,40}\)\s*)?[-–—]{1,2}\s*|/[A-Z]{2,}/\.?\s*)"""
)


def without_dateline(span: tuple[int, int], head: Token | None, doc: Doc, text: str) -> tuple[int, Token | None]:
    """(start, head) of a source phrase less its dateline; when the parser took the dateline's place for the
    head ("Lviv, Jul. 12, (wire) – The agency on Friday"), the head of what follows it."""
    start, end = span
    text = text[start:end]  # ``text``: the doc's text, read once (Doc.text joins every token anew)
    skip = dateline_length(text, head.idx - start if head is not None else end - start)
    if not skip and head is not None:
        skip = dateline_length(text, end - start)
        rest = doc.char_span(start + skip, end, alignment_mode="contract") if skip else None
        if rest is None or not len(rest) or not any(t.pos_ in ("NOUN", "PROPN") for t in rest):
            return start, head
        head = rest.root
    return start + skip, head


def dateline_length(text: str, head_offset: int) -> int:
    """How many leading characters of a source phrase are a dateline (0 when none, or when the
    dateline would swallow the phrase's head)."""
    match = _DATELINE.match(text)
    if match is None or match.end() > head_offset or match.end() >= len(text.rstrip()):
        return 0
    return match.end()


def phrase_kind(words: list[str], head_word: str, head: Token | None, span: tuple[int, int], ents: list,
                context: Context) -> tuple[str, Affiliation | None]:  # noqa: ANN001
    """Kind and affiliation of a source phrase (:mod:`.kinds`); a bare demonstrative, and a first person
    outside quotation marks ("we demonstrate", "our analysis suggests"), are the author's voice; a phrase
    the rules do not know is an unnamed (anonymous) source."""
    if len(words) == 1 and head_word in DEMONSTRATIVES:
        return "author", None
    first = context.text[span[0]:span[1]].split()[:1]
    if first and first[0].lower() in FIRST_PERSON and not first[0].isupper() and context.quote_at(span[0]) is None:
        return "author", None
    if head is None:
        return source_kind(words, head_word, head, ents), None
    kind, affiliation = classify(head, span[0], span[1], ents, context.canonical_by_span)
    return kind or source_kind(words, head_word, head, ents), affiliation


def source_kind(words: list[str], head_word: str, head: Token | None, ents: list) -> str:  # noqa: ANN001
    """The kind of a source phrase from its words, head noun and named entities; a common noun of
    no known kind ("the committee's finding", "activity") is an unnamed source: anonymous."""
    return known_kind(words, head_word, head, ents) or "anonymous"


def known_kind(words: list[str], head_word: str, head: Token | None, ents: list) -> str | None:  # noqa: ANN001
    """The kind the rules recognize, or None for a common noun that names no person or known source."""
    if len(words) == 1 and head_word in DEMONSTRATIVES:
        return "author"  # "This indicates ...": what the article has just said
    labels = {e.label_ for e in ents}
    nominals = _nominal_heads(head)
    modifiers = set(words) - {head_word}
    if nominals & lex.WITNESS_HEADS:
        return "witness"
    if nominals & lex.DOCUMENT_HEADS and modifiers & lex.MEDIA_HEADS:
        return "media"
    if nominals & lex.MEDIA_HEADS:
        return "media"
    if nominals & lex.DOCUMENT_HEADS:
        return "document"
    if nominals & lex.ANONYMOUS_HEADS and "PER" not in labels and not _has_name(head):
        return "anonymous"
    if set(words) & lex.OUTLET_NAMES:
        return "media"
    if "PER" in labels:
        return "government" if set(words) & lex.SPOKESPERSON_HEADS else "person"
    org_words = {w.lower() for e in ents if e.label_ in ("ORG", "MISC") for w in e.text.split()}
    if org_words & lex.MEDIA_NAME_WORDS and not org_words & lex.GOVERNMENT_NAME_WORDS:
        return "media"
    if nominals & lex.GOVERNMENT_HEADS or org_words & lex.GOVERNMENT_NAME_WORDS:
        return "government"
    if head is not None and head.ent_type_ in ("LOC", "GPE") and head.pos_ == "PROPN":
        return "government"
    if "ORG" in labels or nominals & lex.ORGANIZATION_HEADS:
        return "organization"
    return "person" if names_person(head, labels) else None


def names_person(head: Token | None, labels: set[str]) -> bool:
    """A person entity, a proper name, a pronoun or a noun that denotes people ("the lawyer", "experts")."""
    if head is None or "PER" in labels or head.pos_ in ("PROPN", "PRON") or head.text.startswith("@"):
        return True
    word = head.lower_
    return word in lex.PERSON_HEADS or word in lex.ANONYMOUS_HEADS or word in lex.PERSON_PRONOUNS | lex.PLURAL_PRONOUNS


def is_plausible_source(span: tuple[int, int], head: Token | None, context: Context) -> bool:
    """Whether a phrase can be a speaker: a pronoun, a named entity, or a noun of a known source kind.

    Learned claims need one; their tagger also marks the subject of a plain event ("activity").
    """
    if head is None:
        return False
    if head.pos_ == "PRON" or head.lower_ in lex.THING_PRONOUNS:
        return True
    ents = context.ents_in(*span)
    if head.pos_ == "PROPN" or head.ent_type_:
        return True  # a name, not a name's modifier ("Russian activity" is no speaker)
    words = [w.lower() for w in context.text[span[0]:span[1]].replace(",", " ").split()]
    # the tagger's run may stop short of the phrase ("A new poll" of "a new poll number"), so any
    # noun of the phrase may name the speaker
    nouns = [t for t in head.doc.char_span(*span, alignment_mode="expand") or () if t.pos_ == "NOUN"]
    return any(known_kind(words, noun.lower_, noun, ents) is not None for noun in [head, *nouns])


def _nominal_heads(head: Token | None) -> set[str]:
    """The head noun and the nouns conjoined with it ("the facts and exclusive sources")."""
    if head is None:
        return set()
    heads = {head.lower_}
    heads |= {c.lower_ for c in head.children if c.dep_ == "conj"}
    if head.lower_ in ("one", "some", "many", "most", "several", "all", "none"):
        heads |= {g.lower_ for c in head.children if c.dep_ in ("nmod", "prep") for g in [c, *c.children]}
    return heads


def _has_name(head: Token | None) -> bool:
    return head is not None and any(
        t.pos_ == "PROPN" and t.ent_type_ == "PER" for t in head.subtree
    )


def _canonical(text: str, head: Token | None, ents: list, context: Context) -> str:  # noqa: ANN001
    """The entity group's name for the entity at the head, an earlier full name for a surname, or the text."""
    chosen = None
    for ent in ents:
        if head is not None and ent.start <= head.i < ent.end:
            chosen = ent
            break
    if chosen is None and len(ents) == 1 and len(ents[0].text) >= len(text) * 0.6:
        chosen = ents[0]
    people = [e for e in ents if e.label_ == "PER"]
    if chosen is None and len(people) == 1:
        chosen = people[0]  # "Colonel Oleh Shevchuk, a spokesman for the southern command"
    if chosen is None and head is not None:  # an acronym the tagger missed, named by its declaration
        return context.canonical_by_span.get((head.idx, head.idx + len(head.text)), text)
    if chosen is None:
        return text
    canonical = context.canonical_by_span.get((chosen.start_char, chosen.end_char), chosen.text)
    if chosen.label_ == "PER" and " " not in canonical:
        canonical = coreference.full_name(canonical, chosen.start_char, context) or canonical
    return canonical


def resolve_speaker_label(span: tuple[int, int], head: Token | None, context: Context) -> Source:
    """A :class:`Source` for a transcript label ("PENCE:", "Lavrov:").

    A label in capitals longer than an acronym ("NATO", "CNN" keep the usual rules) is a
    person's name the tagger cannot read: kind person, named after the person of the article
    whose name ends with it ("PENCE" -> "Mike Pence"), else the label in title case.
    """
    text = context.text[span[0]:span[1]]
    if not (text.isupper() and sum(c.isalpha() for c in text) > 4):
        return resolve_source(span, head, context)
    person = person_named_by(text, context.ents)
    canonical = text.title()
    if person is not None:
        canonical = context.canonical_by_span.get((person.start_char, person.end_char), person.text)
    source = Source(text, span[0], span[1], kind="person", canonical=canonical)
    context.resolved.append((span[0], source, text.lower().split()[-1]))
    return source


def person_named_by(label: str, ents: Iterable[SpacySpan]) -> SpacySpan | None:
    """The first person entity whose name ends with the words of ``label``, in any case
    ("PENCE" names "Mike Pence")."""
    words = label.lower().split()
    return next((e for e in ents if e.label_ == "PER" and e.text.lower().split()[-len(words):] == words), None)
