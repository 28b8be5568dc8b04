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
"the ministry") take the kind and canonical name of their antecedent: the
latest earlier source (or entity) that fits. Surnames take the earlier full name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.kinds import REPORT_HEADS, body_kind, classify
from claimtrace.model import Affiliation, Source

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context

DEFINITE = frozenset({"the", "this", "these", "those", "that"})
DEMONSTRATIVES = DEFINITE - {"the"}
FIRST_PERSON = frozenset({"we", "our", "i", "my", "us"})
NON_PERSON_KINDS = frozenset({"organization", "government", "media", "document", "anonymous"})


def resolve_source(span: tuple[int, int], head: Token | None, context: Context) -> Source:
    """A :class:`Source` for the phrase at ``span`` whose syntactic head is ``head``."""
    start, head = without_dateline(span, head, context.doc, context.text)
    end = span[1]
    span = (start, end)
    text = context.text[start:end]
    if head is not None and head.tag_ in ("WP", "WDT") and head.head.i != head.i:
        named = head.head.head  # "officials who said": the noun the relative clause modifies
        if named.i < head.i and named.pos_ in ("NOUN", "PROPN"):
            inner = resolve_source((named.doc[named.left_edge.i].idx, named.idx + len(named)), named, context)
            context.resolved.pop()
            source = Source(text, start, end, kind=inner.kind, canonical=inner.canonical)
            context.resolved.append((start, source, named.lower_))
            return source
    words = [w.lower() for w in text.replace(",", " ").split()]
    head_word = head.lower_ if head is not None else (words[-1] if words else "")
    ents = context.ents_in(start, end)
    antecedent = _antecedent(start, head, words, head_word, context)
    if antecedent is not None:
        source = Source(text, start, end, kind=antecedent.kind, canonical=antecedent.canonical or antecedent.text,
                        affiliation=antecedent.affiliation)
    else:
        kind, affiliation = phrase_kind(words, head_word, head, (start, end), ents, context)
        source = Source(text, start, end, kind=kind, canonical=_canonical(text, head, ents, context),
                        affiliation=affiliation)
    context.resolved.append((start, source, head_word))
    return source


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
    if chosen is None:
        return text
    canonical = context.canonical_by_span.get((chosen.start_char, chosen.end_char), chosen.text)
    if chosen.label_ == "PER" and " " not in canonical:
        canonical = _full_name(canonical, chosen.start_char, context) or canonical
    return canonical


def _full_name(surname: str, before: int, context: Context) -> str | None:
    for ent in reversed(context.ents):
        if ent.start_char >= before or ent.label_ != "PER":
            continue
        if ent.text.endswith(" " + surname):
            return context.canonical_by_span.get((ent.start_char, ent.end_char), ent.text)
    return None


def _antecedent(
    start: int, head: Token | None, words: list[str], head_word: str, context: Context
) -> Source | None:
    """The earlier source a pronoun or definite noun phrase refers to, if any."""
    earlier = [s for offset, s, _ in context.resolved if offset < start]
    earlier_heads = [h for offset, _, h in context.resolved if offset < start]
    if len(words) == 1 and head_word in ("he", "she", "him", "her"):
        return _latest_person(start, earlier, context)
    if len(words) == 1 and head_word in ("it", "they", "them") and head is not None:
        subject = _subject_before(head, context)
        if subject is not None:
            return subject  # "Israel has presented evidence it says proves ...": the clause's own subject
    if len(words) == 1 and head_word in ("they", "them"):
        return next((s for s in reversed(earlier) if s.kind in NON_PERSON_KINDS), None)
    if (2 <= len(words) <= 3 and (words[0] in ("its", "their", "the") or words[0].startswith("the newspaper"))
            and head_word in REPORT_HEADS and head is not None and not context.ents_in(start, start + len(" ".join(
                words)) + 1)):
        # "Its analysis", "the report", "The newspaper's report" after an outlet spoke: the outlet's own report
        outlet = next((s for s in reversed(earlier) if s.kind in NON_PERSON_KINDS - {"anonymous"}), None)
        if outlet is not None and outlet.kind == "media":
            return Source(outlet.text, outlet.start, outlet.end, kind="media", canonical=outlet.canonical or outlet.text)
    if len(words) == 1 and head_word == "it":
        return next((s for s in reversed(earlier) if s.kind in NON_PERSON_KINDS - {"anonymous"}), None)
    if words and words[0] in DEFINITE and head is not None and head.pos_ == "NOUN" and len(words) <= 3:
        stem = head_word.rstrip("s")
        for source, earlier_head in zip(reversed(earlier), reversed(earlier_heads), strict=True):
            if earlier_head.rstrip("s") == stem:
                return source
        for ent in reversed(context.ents):
            if ent.start_char < start and any(w.lower().rstrip("s") == stem for w in ent.text.split()):
                kind, affiliation = phrase_kind([w.lower() for w in ent.text.split()], ent.root.lower_, ent.root,
                                                (ent.start_char, ent.end_char), [ent], context)
                name = context.canonical_by_span.get((ent.start_char, ent.end_char), ent.text)
                return Source(ent.text, ent.start_char, ent.end_char, kind=kind, canonical=name,
                              affiliation=affiliation)
    if (words and (words[0] in DEFINITE or words[0].endswith(("'s", "’s"))) and head is not None and len(words) <= 6
            and head.tag_ not in ("NNS", "NNPS") and (office := _office_of(head)) is not None):
        holder = _office_holder(start, office, context)  # "The PM", "The WHO's director-general"
        if holder is not None:
            return holder
    if (words and (words[0] in DEFINITE or words[0].endswith("'s")) and head is not None and len(words) <= 6
            and not any(not _locative(e.root) for e in context.ents_in(start, start + len(" ".join(words)) + 1))
            and not any(t.pos_ == "PROPN" for t in head.subtree
                        if not _locative(t) and not (t.i == head.i and _class_word(t)))):
        return _described_referent(start, head, context)  # "the group", not "the Russian Defense Ministry"
    return None


def _office_of(head: Token) -> tuple[str, ...] | None:
    """The words of the office a head noun names ("PM" -> prime minister; "director-general" -> director)."""
    word = head.lower_
    if word == "general" and head.i >= 2 and head.doc[head.i - 1].text in ("-", "‑"):
        word = head.doc[head.i - 2].lower_  # "director-general", split by the tokenizer
    return OFFICE_WORDS.get(word.split("-")[0])


def _class_word(token: Token) -> bool:
    """A capitalized class noun that heads a description ("The Church", "The Ministry"): no name."""
    return any(token.lower_ in heads for heads in REFERENT_CLASSES.values())


def _locative(token: Token) -> bool:
    """A place in a "-based" modifier ("the Qatar-based network", "the Gaza-based group"): where, not who."""
    doc = token.doc
    return (token.i + 2 < len(doc) and doc[token.i + 1].text in ("-", "‑") and doc[token.i + 2].lower_ == "based")


def _subject_before(pronoun: Token, context: Context) -> Source | None:
    """The named body that is the subject of the clause a pronoun's clause hangs on, in the same sentence
    ("Israel has presented evidence it says proves ...", "The army, which said it ..."), if any."""
    verb = pronoun.head
    seen = 0
    while verb.head.i != verb.i and seen < 4:
        verb = verb.head
        seen += 1
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubj:pass") and c.i < pronoun.i), None)
        if subject is None or subject.i == pronoun.i:
            continue
        ent = next((e for e in context.ents_in(subject.idx, subject.idx + len(subject))
                    if e.start <= subject.i < e.end and e.label_ in ("ORG", "LOC", "GPE")), None)
        if ent is None:
            return None
        kind, affiliation = phrase_kind([w.lower() for w in ent.text.split()], ent.root.lower_, ent.root,
                                        (ent.start_char, ent.end_char), [ent], context)
        name = context.canonical_by_span.get((ent.start_char, ent.end_char), ent.text)
        return Source(ent.text, ent.start_char, ent.end_char, kind=kind, canonical=name, affiliation=affiliation)
    return None


# "the group", "the newspaper", "the ministry": a definite description names the latest body of its class
REFERENT_CLASSES = {
    "organization": lex.words("group organization organisation movement company firm utility operator charity "
                              "watchdog church patriarchate"),
    "government": lex.words("army military ministry government forces service command administration kremlin"),
    "media": lex.words("newspaper paper outlet channel broadcaster daily website publication network"),
}
# offices that name the person holding them: "the prime minister" after "Prime Minister Rishi Sunak"
OFFICE_WORDS = {
    "pm": ("prime", "minister"), "premier": ("premier",), "president": ("president",),
    "minister": ("minister",), "leader": ("leader",), "spokesman": ("spokesman",),
    "spokeswoman": ("spokeswoman",), "spokesperson": ("spokesperson",), "mayor": ("mayor",),
    "governor": ("governor",), "chancellor": ("chancellor",), "secretary": ("secretary",),
    "commander": ("commander",), "chief": ("chief",), "director": ("director",), "head": ("head",),
}


def _described_referent(start: int, head: Token, context: Context) -> Source | None:
    """The latest earlier named body or person a definite description stands for."""
    word = head.lower_
    if head.tag_ in ("NNS", "NNPS"):
        return None
    if word in OFFICE_WORDS:
        return _office_holder(start, OFFICE_WORDS[word], context)
    wanted = next((kind for kind, heads in REFERENT_CLASSES.items() if word in heads), None)
    if wanted is None:
        return None
    speaker = _earlier_speaker(start, wanted, context)
    if speaker is not None:
        return speaker  # "NORSAR said ... the organization said": the body that spoke, not one it spoke of
    for ent in reversed(context.ents):
        if ent.end_char > start or ent.label_ not in ("ORG", "PER"):
            continue
        if body_kind(ent, context.canonical_by_span, default="organization") != wanted:
            continue
        name = context.canonical_by_span.get((ent.start_char, ent.end_char), ent.text)
        return Source(ent.text, ent.start_char, ent.end_char, kind=wanted, canonical=name)
    return None


def _earlier_speaker(start: int, kind: str, context: Context) -> Source | None:
    """The latest earlier source of ``kind`` named by an organization or person entity, if any (as for the
    bodies "the ministry" may name, not a country)."""
    for offset, source, _ in reversed(context.resolved):
        if offset >= start or source.kind != kind:
            continue
        if (any(e.label_ in ("ORG", "PER") for e in context.ents_in(source.start, source.end))
                and (source.canonical or "").lower() not in PRONOUNS):
            return source
    return None


def _office_holder(start: int, office: tuple[str, ...], context: Context) -> Source | None:
    """The latest person named with the office ("Prime Minister Rishi Sunak", "Peskov, the Kremlin spokesman")."""
    doc = context.doc
    for ent in reversed(context.ents):
        if ent.end_char > start or ent.label_ != "PER":
            continue
        near = {part for t in doc[max(0, ent.start - 4):min(len(doc), ent.end + 6)] for part in t.lower_.split("-")}
        if all(w in near for w in office):
            name = context.canonical_by_span.get((ent.start_char, ent.end_char), ent.text)
            if " " not in name:
                name = _full_name(name, ent.start_char, context) or name
            return Source(ent.text, ent.start_char, ent.end_char, kind="person", canonical=name)
    return None


def _latest_person(start: int, earlier: list[Source], context: Context) -> Source | None:
    person = next((s for s in reversed(earlier) if s.kind in ("person", "government", "witness", "anonymous")
                   and (s.canonical or s.text).lower() not in PRONOUNS and _singular(s)), None)
    ent = next((e for e in reversed(context.ents) if e.label_ == "PER" and e.end_char <= start
                and not _place_like(e)), None)
    if person is not None and ent is not None and person.start <= ent.start_char < person.end:
        return person  # the name inside that source ("Oleh Shevchuk, a spokesman ...") is that source
    if ent is not None and (person is None or (ent.start_char > person.start and _agentive(ent))):
        name = context.canonical_by_span.get((ent.start_char, ent.end_char), ent.text)
        if " " not in name:
            name = _full_name(name, ent.start_char, context) or name
        return Source(ent.text, ent.start_char, ent.end_char, kind="person", canonical=name)
    return person


PRONOUNS = lex.PERSON_PRONOUNS | lex.PLURAL_PRONOUNS | lex.THING_PRONOUNS
# "in Crimea", "near Bakhmut": a one-word name after a preposition of place is a place, whatever the tagger says
PLACE_PREPOSITIONS = lex.words("in near at across outside inside into around throughout towards toward")


def _agentive(ent: SpacySpan) -> bool:
    """A person named after the latest speaker takes a pronoun from them only as a subject, an agent or an
    apposition of one ("Peskov said ... Crimea ..." leaves "he" to Peskov; "..., Putin said. He ..." does not)."""
    root = ent.root
    while root.dep_ in ("flat", "compound", "appos") and root.head.i != root.i:
        root = root.head
    return root.dep_.startswith(("nsubj", "obl:agent", "agent", "csubj")) or root.dep_ in ("ROOT", "conj")


def _place_like(ent: SpacySpan) -> bool:
    """A one-word "person" the text puts after a preposition of place: a place the tagger misread."""
    return len(ent) == 1 and ent.start > 0 and ent.doc[ent.start - 1].lower_ in PLACE_PREPOSITIONS


def _singular(source: Source) -> bool:
    """ "A man identified as an operative" can be "he"; "officials" cannot."""
    last = (source.canonical or source.text).split(",")[0].split()[-1:] or [""]
    return source.kind != "anonymous" or not last[0].lower().endswith("s")


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
