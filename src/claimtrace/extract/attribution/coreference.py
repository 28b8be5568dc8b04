"""What a pronoun or short reference in a source phrase stands for: its antecedent in the article.

A source written as a pronoun ("he", "it", "they") or a definite description ("the ministry", "the
prime minister", "the report", "the newspaper's report", "their analysis") takes the kind, canonical
name and affiliation of the fullest earlier mention it refers to; its text stays as written. The
stories' convention (``../shared/data/stories/README.md``) names such a source by that mention, and
types it by it ("It said" of a ministry is the ministry, a government body; "the report" of an outlet
is the outlet, media: its report, investigation, analysis or story; an assessment, a study or findings are
a document of their own).

Candidates are the sources of earlier claims (already resolved, so chains hold: "Ms Varga ... the
minister ... she") and the mentions the article makes without a claim: named entities, and the
subjects of main clauses that name a person by a noun ("The spokesman for the ministry stood before
the crowd. ... he said"). The latest compatible candidate wins, by reference type:

* ``he`` / ``she``: a singular animate antecedent of a compatible gender (courtesy titles; an earlier
  "he" is no "she"): a person's name, a source whose head noun denotes a person ("a spokesman for the
  army", "A man identified as ..."), or a main clause's person-noun subject that is new; never a body
  named by a thing noun ("Israeli intelligence") or a document. A name mentioned after the latest
  speaker takes the pronoun only as a main clause's subject or agent (a name inside what the speaker
  said does not), unless the pronoun stands inside that name's own clause ("X said Y was wrong when
  he said ...") or the speaker has been silent for three sentences. In a quotation a third person is
  never the quotation's speaker, and a first person is.
* ``it``: inside a clause, the named body that is the subject of the clause it hangs on ("Norway has
  shared data it says shows ..."); else the latest non-person, non-anonymous source.
* ``they`` / ``them``: the clause's own subject as for ``it``, else the latest non-person source, plural
  witnesses or joined names; inside a quotation (as ``it``) only what the speech itself names.
* a report or document noun, definite or possessive ("the report", "The assessment", "its analysis",
  "The newspaper's report", a sentence-opening bare "Report"): the latest earlier document of the same
  class (a report-like document, a statement, a visual, a data record), or the outlet that spoke within
  six sentences whose report it is (an outlet's own report is the outlet, media), skipping over sources
  of other kinds, unless the text introduced a document of that class since without making it a source
  ("obtained a confidential UN report. The report said"); a possessor ("its", "the newspaper's") is
  resolved first and names whose report it is; a phrase with a name of its own is not resolved.
* a definite office ("the prime minister", "The PM", "The WHO's director-general", a wire's bare "local
  governor"): the latest person named with that office; else, for an office naming no body, the latest
  person who spoke and was given no other office; else, for one naming no place, the next full name
  given as a subject one or two sentences on ("The agency's director said ... . In a post, Jan
  Kowalski wrote ...").
* a definite class noun of a body ("the group", "the militant group", "the ministry", "the
  newspaper"): the latest earlier source of that class named by a body or person, else the latest
  named body of that class.
* a definite noun repeated from an earlier source or entity ("the sources", "the agency"): that one; a
  state body's noun with a nationality ("the Sudanese army") only one of that country.
* a bare plural of people repeating the head of earlier eyewitnesses ("Nurses who were in the town said
  ... Nurses said"): those witnesses.
* ``both``: the pair that spoke within the two sentences before (a compound, "each side in the war").

Relative pronouns: "who" after a comma is the person or people noun before it, or the one whose phrase
ends there ("a spokesman for the army, who"), when the parse hung the clause on a thing
(:func:`relative_antecedent`). The relative source takes that noun's kind, name and affiliation, read only
up to the noun ("Ukrainian officials, who": Ukraine; "a spokesman for the army, who": none, the "for" phrase
is not read).

What it misses: cataphora beyond the office case, bridging references ("the team" of an outlet
mentioned only as an author), gender without a courtesy title (no lexicon of first names), acronyms
the canonical name does not carry, and every antecedent a misparse hides. Figures:
``docs/benchmarks_claims.md``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.kinds import (
    DOCUMENT_WORDS,
    DWELLER_HEADS,
    REPORT_HEADS,
    SPEAKER_NOUNS,
    WITNESS_WORDS,
    body_kind,
    demonym_country,
    member_tokens,
)
from claimtrace.model import Source

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context, Draft

# describe(ent_or_phrase_start, end, head) -> Source: the unresolved kind and canonical name of a phrase
Describe = Callable[[int, int, Token], Source]

DEFINITE = frozenset({"the", "this", "these", "those", "that"})
PERSONAL = frozenset({"he", "she", "him", "her"})
FIRST_PERSON = frozenset({"we", "i", "our", "my", "us", "me"})
NEUTER = frozenset({"it"})
PLURAL = frozenset({"they", "them"})
POSSESSIVE_PRONOUNS = frozenset({"its", "their"})
NON_PERSON_KINDS = frozenset({"organization", "government", "media", "document", "anonymous"})
PRONOUNS = lex.PERSON_PRONOUNS | lex.PLURAL_PRONOUNS | lex.THING_PRONOUNS
# "in Crimea", "near Bakhmut": a one-word name after a preposition of place is a place, whatever the tagger says
PLACE_PREPOSITIONS = lex.words("in near at across outside inside into around throughout towards toward")

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
OFFICE_TITLES = frozenset(w for office in OFFICE_WORDS.values() for w in office) | frozenset(OFFICE_WORDS)
# documents a definite reference may name again: same class, or an outlet's report for a report noun
DOCUMENT_CLASSES = (
    lex.words("report reports assessment assessments analysis analyses investigation investigations study "
              "studies findings review evaluation estimate estimates dossier paper document documents reporting "
              "story stories"),
    lex.words("statement statements communique communiqué announcement release post message"),
    lex.words("video videos footage clip clips image images imagery photo photos photograph photographs "
              "picture pictures recording recordings"),
    lex.words("data figures record records readings signals signal array"),
)
DOCUMENT_NOUNS = REPORT_HEADS | DOCUMENT_WORDS | frozenset().union(*DOCUMENT_CLASSES)
REPORT_LIKE = DOCUMENT_CLASSES[0]
# what an outlet makes of its own ("the report", "its investigation"); an assessment, a study or findings are
# someone else's document the outlet cites
OUTLET_REPORTS = REPORT_LIKE & REPORT_HEADS
PREMODIFIERS = frozenset({"det", "amod", "compound", "nmod:poss", "poss", "nummod"})
WITNESS_NOUNS = WITNESS_WORDS | DWELLER_HEADS
STALE = 3  # sentences after which a speaker yields a pronoun to any person named since
COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir"})
AFTER = 2  # sentences ahead the holder of an office named first may be named
NEAR = 6  # sentences back an outlet may be whose report "the report" is


def antecedent(start: int, end: int, head: Token | None, words: list[str], context: Context,
               describe: Describe) -> Source | None:
    """The earlier mention the source phrase at [start, end) with head ``head`` refers to, as a
    :class:`Source` (its kind, canonical name and affiliation), or None when it names itself. A third
    person never takes the author's voice from its antecedent ("My father said ... He added": an unnamed
    person, anonymous)."""
    found = _antecedent(start, end, head, words, context, describe)
    if found is not None and found.kind == "author":
        return Source(found.text, found.start, found.end, kind="anonymous", canonical=found.canonical,
                      affiliation=found.affiliation)
    return found


def _antecedent(start: int, end: int, head: Token | None, words: list[str], context: Context,
                describe: Describe) -> Source | None:
    if head is None or not words:
        return None
    earlier = [(offset, s, h) for offset, s, h in context.resolved if offset < start]
    if words == ["both"]:
        return _pair_before(start, earlier, context)
    pronoun = _pronoun(head, start, end)
    if pronoun is not None:
        return _pronoun_antecedent(pronoun, start, head, earlier, context, describe)
    return _description_antecedent(start, end, head, words, earlier, context, describe)


PAIR_HEADS = lex.words("side sides parties countries governments armies")
PAIR_REACH = 2  # sentences back "both" may name a pair


def _pair_before(start: int, earlier: list[tuple[int, Source, str]], context: Context) -> Source | None:
    """ "both said ...": the latest two that spoke together within a few sentences, a compound ("Varnia and
    Ostland") or the sides of a conflict ("each side in the war")."""
    here = context.sentence_of(start)
    for offset, source, head_word in reversed(earlier):
        if here - context.sentence_of(offset) > PAIR_REACH:
            return None
        if head_word in PAIR_HEADS or " and " in source.text:
            return source
    return None


def _pronoun_antecedent(pronoun: str, start: int, head: Token, earlier: list[tuple[int, Source, str]],
                        context: Context, describe: Describe) -> Source | None:
    """What "he"/"she", "it" or "they" stands for (the rules of the module docstring); None for another pronoun."""
    quote = context.quote_at(start)
    speaker = _speaker_names(quote, context, describe) if quote is not None else set()
    if speaker:  # a third person in a quotation is not its speaker: "“He lied,” Ms Kos said" is not Ms Kos
        earlier = [(offset, s, h) for offset, s, h in earlier if not _named(s.canonical or s.text, speaker)]
    if quote is not None and pronoun in NEUTER | PLURAL:  # "“They say they will shoot,” said one man": what
        earlier = [(offset, s, h) for offset, s, h in earlier if quote[0] <= offset]  # the speech itself names
    if pronoun in PERSONAL:
        governing = _governing_name(head, speaker, context)
        if governing is not None:
            return governing  # "X said Y was right when he said ...": Y, in whose clause the pronoun stands
        return _latest_person(start, speaker, earlier, context, describe, _gender(pronoun))
    if pronoun in NEUTER | PLURAL:
        subject = _subject_before(head, context, describe)
        if subject is not None:
            return subject  # "Israel has presented evidence it says proves ...": the clause's own subject
        if pronoun in NEUTER:
            return next((s for _, s, _ in reversed(earlier) if s.kind in NON_PERSON_KINDS - {"anonymous"}), None)
        return next((s for _, s, h in reversed(earlier) if s.kind in NON_PERSON_KINDS or _plural_people(s, h)), None)
    return None


def _description_antecedent(start: int, end: int, head: Token, words: list[str],
                            earlier: list[tuple[int, Source, str]], context: Context,
                            describe: Describe) -> Source | None:
    """What a definite, possessive or bare description stands for, tried in order: a document noun, a noun
    repeated from an earlier source, an office, a class noun of a body; None for an indefinite phrase."""
    first = words[0]
    definite = (first in DEFINITE or first in POSSESSIVE_PRONOUNS or first.endswith(("'s", "’s"))
                or _bare_office(head) or _bare_report(head))
    if not definite:
        return _witnesses_again(head, words, earlier)
    tokens = member_tokens(head, start, end)
    if head.lower_ in DOCUMENT_NOUNS and len(tokens) <= 5:
        document = _document_reference(start, head, tokens, earlier, context, describe)
        if document is not None:
            return document
    if first in DEFINITE and head.pos_ == "NOUN" and len(words) <= 3 and not _names_itself(head, tokens):
        same = _same_head(start, head, earlier, context, describe)
        if same is not None:
            return same
    if len(words) <= 6 and head.tag_ not in ("NNS", "NNPS") and (office := _office_of(head)) is not None:
        holder = _office_reference(start, head, office, tokens, earlier, context)
        if holder is not None:
            return holder  # "The PM", "The WHO's director-general"
    if ((first in DEFINITE or first.endswith(("'s", "’s"))) and len(words) <= 6
            and not any(not _locative(e.root) for e in context.ents_in(start, _end_of(tokens)))
            and not any(t.pos_ == "PROPN" and not _locative(t) and not (t.i == head.i and _class_word(t))
                        for t in tokens)):
        return _described_referent(start, head, context)  # "the group", not "the Russian Defense Ministry"
    return None


def _office_reference(start: int, head: Token, office: tuple[str, ...], tokens: list[Token],
                      earlier: list[tuple[int, Source, str]], context: Context) -> Source | None:
    """The holder of a definite office: the person named with it, else (for an office naming no body of its
    own) the latest untitled speaker, else (naming nothing beyond a possessor) the next full name given."""
    holder = _office_holder(start, office, context)
    if holder is None and not _names_itself(head, tokens):  # "The PM", not "The FBI director"
        holder = _untitled_speaker(start, office, earlier, context)
    owned = {t.i for c in head.children if c.dep_ in ("nmod:poss", "poss") for t in c.subtree}
    if holder is None and not _names_itself(head, [t for t in tokens if t.i not in owned]):
        holder = _named_after(head, office, context)
    return holder


def quote_speakers(drafts: Iterable[Draft], context: Context) -> dict[tuple[int, int], tuple[tuple[int, int], Token | None]]:
    """Who says each quotation: (source span, source head) of the first claim whose content lies in the quote
    and whose source stands outside every quotation."""
    speakers: dict[tuple[int, int], tuple[tuple[int, int], Token | None]] = {}
    for draft in drafts:
        if draft.source is None or context.quote_at(draft.source[0]) is not None:
            continue
        first = bisect.bisect_right(context.quote_starts, draft.content[0]) - 1
        for quote in context.quotes[max(0, first):]:
            if quote[0] >= draft.content[1]:
                break
            if quote[1] > draft.content[0]:  # the content overlaps the quotation
                speakers.setdefault(quote, (draft.source, draft.source_head))
    return speakers


def quote_speaker(start: int, words: list[str], context: Context) -> tuple[tuple[int, int], Token | None] | None:
    """The speaker of the quotation a first-person source stands in ("“We judge ...,” the assessment states";
    "“According to our intelligence, ...,” the general said"): that first person is the speaker."""
    if not words or words[0].strip("“\"'") not in FIRST_PERSON:
        return None
    quote = context.quote_at(start)
    return context.quote_speakers.get(quote) if quote is not None else None


def relative_antecedent(pronoun: Token) -> Token:
    """The noun a relative pronoun stands for: the one the parse hangs its clause on, unless "who" is
    given a thing while a person or people noun ends the phrase right before it (", who"): "the claims made
    by the Israelis, who assert ..." is the Israelis; "a statement by a spokesman for the army, who said"
    is the spokesman (the nearest person noun whose phrase the word before the comma ends)."""
    named = pronoun.head.head
    if pronoun.lower_ not in ("who", "whom") or _animate_noun(named) or pronoun.i < 2:
        return named
    before = pronoun.doc[pronoun.i - 2] if pronoun.doc[pronoun.i - 1].text == "," else pronoun.doc[pronoun.i - 1]
    for _ in range(3):  # "a spokesman for the army": up the noun modifiers whose phrase "army" ends
        if before.pos_ in ("NOUN", "PROPN") and _animate_noun(before):
            return before
        if before.dep_ != "nmod" or before.head.i == before.i or before.head.i == named.i:
            break
        before = before.head
    return named


def _animate_noun(token: Token) -> bool:
    """A noun that can be "who": a person or people noun, a name of a person or body, a people."""
    return (token.lower_ in SPEAKER_NOUNS or token.ent_type_ in ("PER", "ORG", "NORP", "MISC")
            or (token.pos_ == "PROPN" and token.tag_ == "NNPS"))


def _pronoun(head: Token, start: int, end: int) -> str | None:
    """The personal pronoun a source phrase is, when it is one ("he", "It", "it further"), else None."""
    word = head.lower_
    if word not in PERSONAL | NEUTER | PLURAL or head.tag_ in ("PRP$", "WP", "WDT"):
        return None
    span = head.doc.char_span(start, end, alignment_mode="expand")
    others = [t for t in span or () if t.i != head.i and not t.is_punct]
    return word if all(t.pos_ in ("ADV", "PART", "CCONJ") or t.dep_ == "advmod" for t in others) else None


def _names_itself(head: Token, tokens: list[Token]) -> bool:
    """A description with a name of its own besides a class noun ("the Times analysis", "the Kyiv
    administration"): it says who it is."""
    return any(t.pos_ == "PROPN" and t.i != head.i and not _locative(t) and t.ent_type_ not in ("MISC", "NORP")
               for t in tokens)


def _end_of(tokens: list[Token]) -> int:
    return tokens[-1].idx + len(tokens[-1])


# ---------------------------------------------------------------------------------------------- persons

def _animate(source: Source, head_word: str, context: Context) -> bool:
    """A source that can be "he" or "she": a person, a witness, or a phrase whose head noun denotes a
    person ("a spokesman for the army", "A man identified as ..."), singular; not a pronoun itself."""
    if (source.canonical or source.text).lower() in PRONOUNS or not _singular(source) or _title_only(source.canonical):
        return False
    if source.kind in ("person", "witness") or source.text.lower() in ("who", "whom"):
        return True  # "an architect who said ...": "who" is someone
    if head_word in SPEAKER_NOUNS:
        return True
    return source.kind not in ("document", "media") and any(
        e.label_ == "PER" for e in context.ents_in(source.start, source.end))  # not "a Jan Kos tweet"


def _plural_people(source: Source, head_word: str) -> bool:
    """Witnesses or persons that "they" can stand for: a plural noun ("residents", "survivors") or names
    joined ("Ms Varga and Mr Tot")."""
    if source.kind not in ("witness", "person") or (source.canonical or source.text).lower() in PRONOUNS:
        return False
    return (head_word.endswith("s") and head_word in SPEAKER_NOUNS | WITNESS_NOUNS) or " and " in source.text


def _speaker_names(quote: tuple[int, int], context: Context, describe: Describe) -> set[str]:
    """The names (lower case) of whoever says the quotation: the names in the speaker's phrase, or for a
    pronoun speaker ("..., he said") the person it stands for; empty when the speaker is unknown."""
    found = context.quote_speakers.get(quote)
    if found is None or found[1] is None:
        return set()
    (start, end), head = found
    names = {context.canonical_by_span.get((e.start_char, e.end_char), e.text).lower()
             for e in context.ents_in(start, end) if e.label_ in ("PER", "ORG")}
    if not names and head.lower_ in PERSONAL:
        earlier = [(offset, s, h) for offset, s, h in context.resolved if offset < start]
        person = _latest_person(start, set(), earlier, context, describe, _gender(head.lower_))
        names = {(person.canonical or person.text).lower()} if person is not None else set()
    return names or {context.text[start:end].lower()}


def _named(name: str, names: set[str]) -> bool:
    """Whether ``name`` is one of ``names`` or holds one ("Ukrainian Jan Kos, whose ..." holds "jan kos")."""
    name = name.lower()
    return any(n == name or (len(n) > 3 and n in name) for n in names)


def _title_only(name: str | None) -> bool:
    """A courtesy title the tagger took for a name ("Mr." of "What Mr. X has seen")."""
    return (name or "").strip().rstrip(".").lower() in COURTESY_TITLES


def _gender(pronoun: str) -> str | None:
    return "m" if pronoun in ("he", "him", "his") else "f" if pronoun in ("she", "her", "hers") else None


def _genders(context: Context) -> dict[str, str]:
    """The gender a courtesy title before a person's name gives them (lower-case canonical name -> "m" / "f":
    "Mr", "Mrs", "Ms", "Miss"); read once per doc. Pronouns resolved so far are not evidence: one wrong
    resolution would then exclude the right person from every later one."""
    if context.titled_genders is None:
        context.titled_genders = {}
        for ent in context.ents:
            if ent.label_ == "PER" and ent.start > 0:
                title = context.doc[ent.start - 1].lower_.rstrip(".")
                gender = "m" if title == "mr" else "f" if title in ("mrs", "ms", "miss") else None
                if gender is not None:
                    name = context.canonical_by_span.get((ent.start_char, ent.end_char), ent.text).lower()
                    context.titled_genders[name] = gender
    return context.titled_genders


def _governing_name(pronoun: Token, excluded: set[str], context: Context) -> Source | None:
    """A person named earlier in the pronoun's sentence as the subject of a clause the pronoun stands inside
    ("X said Y was right when he said ...", "X says Y represents the system that he claims to fight"): the
    nearest such name, not the speaker of the sentence (whose clause holds every pronoun of it)."""
    ancestors = {t.i for t in pronoun.ancestors}
    sent = pronoun.sent  # its entities from the doc's, read once (``Span.ents`` reads ``doc.ents`` anew)
    for ent in reversed([e for e in context.ents if sent.start <= e.start and e.end <= min(sent.end, pronoun.i)
                         and e.label_ == "PER"]):
        root = _name_root(ent)
        if not root.dep_.startswith("nsubj") or root.head.i not in ancestors or _main_clause(root):
            continue
        if _title_only(ent.text) or _named(context.canonical_by_span.get((ent.start_char, ent.end_char), ent.text),
                                           excluded | _other_gender_names(_gender(pronoun.lower_), context)):
            continue
        return _person_source(ent, context)
    return None


def _other_gender_names(gender: str | None, context: Context) -> set[str]:
    """The names a courtesy title gives another gender than ``gender`` (none when the gender is unknown)."""
    return {name for name, g in _genders(context).items() if g != gender} if gender is not None else set()


def _latest_person(start: int, excluded: set[str], earlier: list[tuple[int, Source, str]], context: Context,
                   describe: Describe, gender: str | None = None) -> Source | None:
    """The antecedent of "he"/"she" of ``gender``, leaving out the ``excluded`` names (a quotation's speaker)
    and the names a courtesy title gives the other gender: the latest earlier source that can be "he"/"she";
    replaced by a person named after it when that name is a main clause's subject or agent, or when that
    source has been silent for ``STALE`` sentences (a name inside that source is that source); replaced in
    turn by a newer person-noun subject (:func:`_newer_subject`)."""
    excluded = excluded | _other_gender_names(gender, context)
    person = next((s for _, s, h in reversed(earlier) if _animate(s, h, context)
                   and _gender(s.text.lower()) in (None, gender)  # an earlier "he" is no "she"
                   and not _named(s.canonical or s.text, excluded)), None)
    ent = next((e for e in reversed(context.ents) if e.label_ == "PER" and e.end_char <= start
                and not _place_like(e) and not _title_only(e.text)
                and not _named(context.canonical_by_span.get((e.start_char, e.end_char), e.text), excluded)), None)
    chosen = person
    inside = person is not None and ent is not None and person.start <= ent.start_char < person.end
    if ent is not None and not inside and (person is None or (ent.start_char > person.start and (
            (_agentive(ent) and _main_clause(_name_root(ent)))
            or context.sentence_of(ent.start_char) - context.sentence_of(_latest_end(person, earlier)) >= STALE))):
        chosen = _person_source(ent, context)  # a subject named after the speaker, or a speaker long silent
    newer = _newer_subject(start, chosen, earlier, context, describe)
    return newer if newer is not None else chosen


def _newer_subject(start: int, chosen: Source | None, earlier: list[tuple[int, Source, str]], context: Context,
                   describe: Describe) -> Source | None:
    """A person noun that is a main clause's subject (:func:`_person_subject`) after the latest mention of the
    person ``chosen`` so far, when it is new: indefinite ("A woman ran ..."), given with whose it is ("The
    spokesman for X stood ..."), or two sentences or more after that mention (else "The candidate did not say
    ..., though he said" names the candidate just mentioned again)."""
    subject = _person_subject(start, context)
    if subject is None or (chosen is not None and subject[0] <= max(chosen.end, _latest_end(chosen, earlier))):
        return None
    last = _latest_end(chosen, earlier) if chosen is not None else 0
    noun = subject[2]
    definite = any(c.dep_ == "det" and c.lower_ in DEFINITE for c in noun.children)
    whose = any(c.dep_ in ("nmod", "prep") and c.i > noun.i for c in noun.children)  # "the spokesman for X"
    if not (chosen is None or not definite or whose or context.sentence_of(subject[0]) - context.sentence_of(last) >= 2):
        return None
    mention = describe(subject[0], subject[1], subject[2])  # "The spokesman for X stood ... he said"
    kind = "anonymous" if mention.kind == "author" else mention.kind  # "My father": unnamed, not us
    return Source(mention.text, mention.start, mention.end, kind=kind, canonical=mention.canonical,
                  affiliation=mention.affiliation)


def _latest_end(source: Source, earlier: list[tuple[int, Source, str]]) -> int:
    """Where the latest mention of ``source`` ends: the claim that resolved to it, or its own span."""
    ends = [s.end for _, s, _ in earlier if s.canonical == source.canonical]
    return max(ends, default=source.end)


def _person_subject(start: int, context: Context) -> tuple[int, int, Token] | None:
    """(start, end, head) of the latest singular person noun before ``start`` that is the subject of a main
    clause and carries no name ("The spokesman for the ministry stood ...", "A woman ran ..."): a mention
    no claim made a source of, which a later "he"/"she" may take."""
    here = context.sentence_of(start)
    for index in range(here, max(-1, here - 3), -1):
        sent = context.sentences[index]
        best = None
        for token in sent:
            if token.idx >= start:
                break
            if (token.dep_ in ("nsubj", "nsubj:pass") and token.pos_ == "NOUN" and token.tag_ == "NN"
                    and token.lower_ in SPEAKER_NOUNS and _main_clause(token)
                    and context.quote_at(token.idx) is None
                    and not any(t.ent_type_ == "PER" for t in token.subtree)):
                tokens = noun_phrase(token)
                opening = tokens[0].i
                if opening > 1 and token.doc[opening - 1].text == "," and token.doc[opening - 2].ent_type_ == "PER":
                    continue  # "X, the head of Y, stated": the name said who it is
                best = (tokens[0].idx, tokens[-1].idx + len(tokens[-1]), token)
        if best is not None:
            return best
    return None


def _main_clause(token: Token) -> bool:
    verb = token.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "ROOT" or token.dep_ == "ROOT"


def noun_phrase(head: Token) -> list[Token]:
    """The tokens of a noun phrase less its preposition, clauses and appositions ("The spokesman for the
    ministry" of "by the spokesman for the ministry, who ..."), up to its first gap."""
    cut = {t.i for c in head.children if c.dep_.startswith(("acl", "appos", "relcl", "punct", "case"))
           for t in c.subtree}
    tokens = [t for t in head.subtree if t.i not in cut]
    stop = next((t.i for t in tokens if t.i > head.i and t.i - 1 not in {x.i for x in tokens}), None)
    return [t for t in tokens if stop is None or t.i < stop]


def _person_source(ent: SpacySpan, context: Context) -> Source:
    name = context.canonical_by_span.get((ent.start_char, ent.end_char), ent.text)
    if " " not in name:
        name = full_name(name, ent.start_char, context) or name
    return Source(ent.text, ent.start_char, ent.end_char, kind="person", canonical=name)


def full_name(surname: str, before: int, context: Context) -> str | None:
    """The canonical name of the latest person entity before ``before`` whose name ends with ``surname``."""
    for ent in reversed(context.ents):
        if ent.start_char >= before or ent.label_ != "PER":
            continue
        if ent.text.endswith(" " + surname):
            return context.canonical_by_span.get((ent.start_char, ent.end_char), ent.text)
    return None


def _name_root(ent: SpacySpan) -> Token:
    root = ent.root
    while root.dep_ in ("flat", "compound", "appos") and root.head.i != root.i:
        root = root.head
    return root


def _agentive(ent: SpacySpan) -> bool:
    """A person named after the latest speaker takes a pronoun from them only as a subject, an agent or an
    apposition of one ("Peskov said ... Crimea ..." leaves "he" to Peskov; "..., Putin said. He ..." does not)."""
    root = _name_root(ent)
    return root.dep_.startswith(("nsubj", "obl:agent", "agent", "csubj")) or root.dep_ in ("ROOT", "conj")


def _place_like(ent: SpacySpan) -> bool:
    """A one-word "person" the text puts after a preposition of place: a place the tagger misread."""
    return len(ent) == 1 and ent.start > 0 and ent.doc[ent.start - 1].lower_ in PLACE_PREPOSITIONS


def _singular(source: Source) -> bool:
    """ "A man identified as an operative" can be "he"; "officials" cannot."""
    last = (source.canonical or source.text).split(",")[0].split()[-1:] or [""]
    return source.kind != "anonymous" or not last[0].lower().endswith("s")


# ---------------------------------------------------------------------------------------------- offices

def _office_of(head: Token) -> tuple[str, ...] | None:
    """The words of the office a head noun names ("PM" -> prime minister; "director-general" -> director)."""
    word = head.lower_
    if word == "general" and head.i >= 2 and head.doc[head.i - 1].text in ("-", "‑"):
        word = head.doc[head.i - 2].lower_  # "director-general", split by the tokenizer
    return OFFICE_WORDS.get(word.split("-")[0])


def _bare_office(head: Token) -> bool:
    """An office noun with no determiner, the way a wire writes a definite office ("..., local governor
    said"): no name, no number, no plural."""
    return (head.pos_ == "NOUN" and head.tag_ == "NN" and _office_of(head) is not None
            and not any(c.dep_ in ("det", "nmod:poss", "poss", "nummod", "compound", "flat") for c in head.children))


def _bare_report(head: Token) -> bool:
    """A report noun opening a sentence with no determiner ("Report, broadcast late Wednesday, delves into
    ..."): the report the text is about."""
    return (head.lower_ in REPORT_LIKE and head.tag_ in ("NN", "NNP") and head.i == head.sent.start
            and not any(c.dep_ in ("det", "nmod:poss", "poss", "nummod", "compound") for c in head.children))


def _titles_near(ent: SpacySpan) -> set[str]:
    """The office words written near a person's name in its sentence ("Prime Minister X", "X, the mayor of
    Y", "governor of the province, X"): wide, so that a guess past a titled person is not made."""
    sent = ent.sent
    return {part for t in ent.doc[max(sent.start, ent.start - 8):min(sent.end, ent.end + 6)]
            for part in t.lower_.split("-")} & OFFICE_TITLES


def _office_holder(start: int, office: tuple[str, ...], context: Context) -> Source | None:
    """The latest person named with the office ("Prime Minister Rishi Sunak", "Peskov, the Kremlin spokesman")."""
    for ent in reversed(context.ents):
        if ent.end_char > start or ent.label_ != "PER":
            continue
        near = {part for t in ent.doc[max(0, ent.start - 4):min(len(ent.doc), ent.end + 6)]
                for part in t.lower_.split("-")}
        if all(w in near for w in office):
            return _person_source(ent, context)
    return None


def _untitled_speaker(start: int, office: tuple[str, ...], earlier: list[tuple[int, Source, str]],
                      context: Context) -> Source | None:
    """The latest named person who spoke and whom the article gave no other office: "X says ... The PM
    said" when the text never writes X's title; not "President X" for "the prime minister"."""
    for _, source, _ in reversed(earlier):
        if source.kind != "person":
            continue
        mentions = [e for e in context.ents if e.label_ == "PER" and e.end_char <= start
                    and context.canonical_by_span.get((e.start_char, e.end_char), e.text) == source.canonical]
        if not mentions:
            continue
        titles = set().union(*(_titles_near(e) for e in mentions))
        if not titles or all(w in titles for w in office):
            return source
        return None  # the latest speaker holds another office: no guess past them
    return None


def _named_after(head: Token, office: tuple[str, ...], context: Context) -> Source | None:
    """An office written before its holder's name: the first person named as a subject or agent in the next
    sentences whom the article gives no other office ("The agency's director condemned the strike. In a post,
    Jan Kowalski called for ..."; "..., local governor said. ... “...,” Ivan Petrenko said"); only for an
    office that names no place or body of its own beyond a possessor ("the mayor of X" is not guessed)."""
    index = context.sentence_of(head.idx)
    for sent in context.sentences[index + 1:index + 1 + AFTER]:
        for ent in sent.ents:
            if ent.label_ != "PER" or len(ent) < 2 or not _agentive(ent):
                continue  # a full name, as a subject or agent
            titles = _titles_near(ent)
            if titles and not all(w in titles for w in office):
                return None  # the next person named holds another office
            return _person_source(ent, context)
    return None


# ---------------------------------------------------------------------------------------------- documents

def _document_class(word: str) -> int | None:
    return next((i for i, words in enumerate(DOCUMENT_CLASSES) if word in words), None)


def _document_reference(start: int, head: Token, tokens: list[Token], earlier: list[tuple[int, Source, str]],
                        context: Context, describe: Describe) -> Source | None:
    """ "the report", "The assessment", "its analysis", "The newspaper's report": an earlier document of the
    same class, or the outlet whose report it is; None when the phrase names its own author ("the Times
    report", "a report by X")."""
    possessor = next((t for t in tokens if t.dep_ in ("nmod:poss", "poss") and t.head.i == head.i), None)
    owned = {x.i for x in possessor.subtree} if possessor is not None else set()
    named = [t for t in tokens[1:] if (t.pos_ == "PROPN" or t.text[:1].isupper() or t.ent_type_) and t.i not in owned]
    if named or any(t.dep_ in ("nmod", "prep") and t.head.i == head.i for t in tokens):
        return None
    wanted = _document_class(head.lower_)
    if possessor is not None:
        owner = _possessor(start, possessor, earlier, context)
        if owner is None:
            return None
        if owner.kind == "media" and head.lower_ in OUTLET_REPORTS:
            return Source(owner.text, owner.start, owner.end, kind="media", canonical=owner.canonical or owner.text)
        return None
    here = context.sentence_of(start)
    found = None
    for offset, source, earlier_head in reversed(earlier):
        if source.kind == "media" and head.lower_ in OUTLET_REPORTS and here - context.sentence_of(offset) <= NEAR:
            found = Source(source.text, source.start, source.end, kind="media",
                           canonical=source.canonical or source.text)  # the outlet's own report
            break
        if source.kind == "document" and wanted is not None and (
                _document_class(earlier_head) == wanted or earlier_head == head.lower_):
            found = source
            break
    since = max(found.end if found is not None else 0, context.sentences[max(0, here - NEAR)].start_char)
    mention = _document_mention(since, head, wanted, earlier, context)
    return describe(*mention) if mention is not None else found


def _document_mention(since: int, head: Token, wanted: int | None, earlier: list[tuple[int, Source, str]],
                      context: Context) -> tuple[int, int, Token] | None:
    """The latest document of the reference's class the text introduced after ``since`` without making it a
    source ("The AP obtained a UN report. The report said ..."), as (start, end, head)."""
    taken = [(s.start, s.end) for _, s, _ in earlier]
    doc = head.doc
    first = doc.char_span(since, head.idx, alignment_mode="expand")
    for token in reversed(list(first or ())):
        if token.i >= head.i or token.pos_ != "NOUN" or token.tag_ not in ("NN", "NNS"):
            continue
        if not (token.lower_ == head.lower_ or (wanted is not None and _document_class(token.lower_) == wanted)):
            continue
        if any(a <= token.idx < b for a, b in taken):
            continue
        introduced = any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children) or any(
            c.dep_ in ("nmod:poss", "poss", "compound") and c.pos_ == "PROPN" for c in token.children)
        if not introduced:
            continue
        before = [t for c in token.children if c.i < token.i and c.dep_ in PREMODIFIERS for t in c.subtree]
        tokens = sorted([*before, token], key=lambda t: t.i)
        if sum(t.dep_ != "det" for t in tokens) < 2:
            return None  # "a statement": nothing the reference does not say already
        return tokens[0].idx, token.idx + len(token), token
    return None


def _possessor(start: int, possessor: Token, earlier: list[tuple[int, Source, str]],
               context: Context) -> Source | None:
    """Whose document it is: "its"/"their" the latest body that spoke; "the newspaper's" the latest outlet."""
    word = possessor.lower_
    if word in POSSESSIVE_PRONOUNS:
        return next((s for _, s, _ in reversed(earlier) if s.kind in ("media", "organization", "government")), None)
    if possessor.pos_ == "NOUN" and any(word in heads for heads in REFERENT_CLASSES.values()):
        return _described_referent(start, possessor, context)
    return None


# ---------------------------------------------------------------------------------------------- bodies

def _same_head(start: int, head: Token, earlier: list[tuple[int, Source, str]], context: Context,
               describe: Describe) -> Source | None:
    """ "the sources", "the agency": the latest earlier source or entity with the same head noun."""
    stem = head.lower_.rstrip("s")
    countries: set[str | None] = set()
    if head.lower_ in REFERENT_CLASSES["government"]:  # a state's body is known by its state; an outlet is not
        countries = {demonym_country(c.text) for c in head.children if c.dep_ in ("amod", "compound", "nmod:poss")}
        countries.discard(None)
    for _, source, earlier_head in reversed(earlier):
        if earlier_head.rstrip("s") == stem and _same_country(countries, f"{source.text} {source.canonical}"):
            return source
    for ent in reversed(context.ents):
        if (ent.start_char < start and any(w.lower().rstrip("s") == stem for w in ent.text.split())
                and _same_country(countries, ent.text)):
            return describe(ent.start_char, ent.end_char, ent.root)
    return None


def _same_country(countries: set[str | None], name: str) -> bool:
    """A state body's description with a nationality ("the Sudanese army") names only a body of that country,
    never one of another or of none ("the Arakan Army")."""
    if not countries:
        return True
    return bool(countries & {demonym_country(w.strip("(),.").removesuffix("'s").removesuffix("’s")) for w in name.split()})


def _witnesses_again(head: Token, words: list[str], earlier: list[tuple[int, Source, str]]) -> Source | None:
    """A bare plural of people that repeats the head of earlier eyewitnesses ("Nurses who were in the town said
    ... Nurses said"): the same witnesses, not new unnamed people."""
    if head.tag_ != "NNS" or len(words) > 3 or any(c.dep_ in ("det", "nummod") for c in head.children):
        return None
    return next((source for _, source, earlier_head in reversed(earlier)
                 if source.kind == "witness" and earlier_head == head.lower_), None)


def _class_word(token: Token) -> bool:
    """A capitalized class noun that heads a description ("The Church", "The Ministry"): no name."""
    return any(token.lower_ in heads for heads in REFERENT_CLASSES.values())


def _locative(token: Token) -> bool:
    """A place in a "-based" modifier ("the Qatar-based network", "the Gaza-based group"): where, not who."""
    doc = token.doc
    return token.i + 2 < len(doc) and doc[token.i + 1].text in ("-", "‑") and doc[token.i + 2].lower_ == "based"


def _subject_before(pronoun: Token, context: Context, describe: Describe) -> Source | None:
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
        return describe(ent.start_char, ent.end_char, ent.root)
    return None


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
