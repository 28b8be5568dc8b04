"""Who speaks, and for whom: the kind and the affiliation of a source phrase.

The kind is read from the phrase's first member ("Ms Varga and the agency's team" is Ms Varga), its head
word first, its names second, in this order:

* witnesses: eyewitness nouns ("witnesses", "survivors"), unnamed residents, a person placed on
  the scene by a relative clause ("a woman who was inside the hospital"), an outlet's own
  correspondent ("our correspondent", "a Reuters reporter");
* media: outlet nouns and names ("state media", "Al Jazeera"), an outlet's own report or
  investigation ("Times report", "The AP investigation"), and unnamed "reports";
* documents: statements, reports, assessments, footage, images, data, seismic records;
* a spokesperson or representative: with a name a person; definite ("the Kremlin spokesman",
  "the spokesman for the ministry") a person by a unique office; indefinite and speaking for a
  named body ("an Israeli military spokesman") the body's kind; else anonymous;
* persons: a person's name in the phrase, or a definite unique office ("the mayor of X",
  "Israel's foreign minister", "the Russian leader");
* anonymous: unnamed officials, sources, experts and other people nouns without a name,
  indefinite ones ("a senior official") and bare plural peoples ("Palestinians");
* governments: ministries, armies, authorities, intelligence services, states and cities as
  speakers ("Moscow", "the UK"), a people with the article ("the Israelis"), names whose words
  or fullest name in the article say so ("IDF" known there as "Israel Defense Forces");
* organizations: organization nouns and names (armed non-state groups included), hospitals and clinics.

Every hand-made word list here is data (``claimtrace/data/attribution/kinds.json``, read through
``lexicon.kind_lexicon``), as is a list of bodies whose words mislead: armed groups called "forces" or
"army" ("the Rapid Support Forces"), international bodies called "office" or "court" (organizations),
state bodies called "guards", outlets called after a city, names the tagger reads as a person's
("Hezbollah"). An office a named person holds ("Netanyahu's office") is a government body.

The affiliation of a person or anonymous source (and of an unnamed spokesperson) is the body in
the phrase it speaks for: a name ("Kremlin spokesman Dmitry Peskov", "Hamas officials", "head of
Ukrhydroenergo"), a government noun ("an Israeli army spokesperson"), or a nationality ("four
Syrian officials" -> Syria, government).

What it misses: bodies known only by an acronym the article never spells out, the NER does not tag
and the lexicon does not hold; offices that are unique only in context ("the official" after one was named); witnesses
named with no sign of being on the scene. Figures: docs/benchmarks_claims.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.geo.tables import COUNTRY_ALIASES, DEMONYMS
from claimtrace.model import Affiliation

DEFINITE_DETS = frozenset({"the", "this", "that", "these", "those"})
POSSESSIVE_DEPS = frozenset({"nmod:poss", "poss"})
# on the scene whatever the phrase says besides
WITNESS_WORDS = lex.kind_words("witness_words")
# people of a place: witnesses when unnamed ("Oleshky residents"), persons when named
DWELLER_HEADS = lex.kind_words("dweller_heads")
CORRESPONDENT_HEADS = lex.kind_words("correspondent_heads")
CIVILIAN_NOUNS = lex.kind_words("civilian_nouns")
ON_SCENE_PREPOSITIONS = lex.words("inside in at near on")
REPORT_HEADS = lex.kind_words("report_heads")
SPEAKER_FOR_HEADS = lex.SPOKESPERSON_HEADS | lex.kind_words("representative_heads")
# offices that one person holds: definite, they name that person ("the mayor", "the defence minister")
OFFICE_HEADS = lex.kind_words("office_heads")
# nouns of people: without a name they make an unnamed (anonymous) source
PEOPLE_HEADS = (lex.ANONYMOUS_HEADS | lex.PERSON_HEADS | lex.kind_words("more_people_heads")) - OFFICE_HEADS
GOVERNMENT_WORDS = (
    (lex.GOVERNMENT_HEADS | lex.GOVERNMENT_NAME_WORDS | lex.kind_words("more_government_words"))
    - OFFICE_HEADS - SPEAKER_FOR_HEADS - lex.kind_words("not_government_words")
)
# a collective of state bodies named by their function: "the intelligence community", "the security establishment"
COLLECTIVE_HEADS = lex.kind_words("collective_heads")
STATE_FUNCTION_WORDS = lex.kind_words("state_function_words")
MEDIA_WORDS = lex.MEDIA_HEADS - CORRESPONDENT_HEADS - lex.kind_words("not_media_words")
DOCUMENT_WORDS = (
    (lex.DOCUMENT_HEADS | lex.kind_words("more_document_words")) - REPORT_HEADS - lex.kind_words("not_document_words")
)
NATIONALITY_LABELS = frozenset({"MISC", "NORP"})
# offices an armed group may run, which speak as government bodies ("the Hamas-run health ministry")
INSTITUTION_WORDS = lex.kind_words("institution_words")
STATE_OFFICE_WORDS = lex.kind_words("state_office_words")
UNVERIFIED_WORDS = lex.kind_words("unverified_words")
TEAM_HEADS = lex.kind_words("team_heads")
# words of an outlet's name ("The New York Times", "Channel 4 News"); not "agency" or "monitor" alone
MEDIA_NAMES = (lex.MEDIA_NAME_WORDS | lex.kind_words("more_media_names")) - lex.kind_words("not_media_names")
AGENCY_HEADS = lex.kind_words("agency_heads")
OUTLET_NOUNS = lex.kind_words("outlet_nouns")
# words of an organization's name the tagger may still call a person ("Islamic Jihad")
BODY_NAME_WORDS = lex.kind_words("body_name_words")
# a company's legal form or a word that says the name is a firm's ("PrJSC Ukrhydroenergo", "nuclear utility
# Energoatom"): the tagger may call such a one-word name a person
CORPORATE_FORMS = lex.kind_words("corporate_forms")
FIRM_WORDS = lex.kind_words("firm_words")
SPEAKER_NOUNS = PEOPLE_HEADS | SPEAKER_FOR_HEADS | OFFICE_HEADS
KNOWN_NOUNS = (WITNESS_WORDS | DWELLER_HEADS | REPORT_HEADS | TEAM_HEADS | AGENCY_HEADS | MEDIA_WORDS
               | DOCUMENT_WORDS | SPEAKER_FOR_HEADS | PEOPLE_HEADS)


def member_tokens(head: Token, start: int, end: int) -> list[Token]:
    """The tokens of the first member of a source phrase: "Grossi and the IAEA team" -> "Grossi"."""
    doc = head.doc
    span = doc.char_span(start, end, alignment_mode="expand")
    tokens = list(span) if span is not None else [head]
    later = {t.i for c in head.children if c.dep_ == "conj" and c.i > head.i for t in c.subtree}
    later |= {c.i for c in head.children if c.dep_ == "cc" and c.i > head.i}
    # "a report, seen by Reuters", "images shared with the AP": who holds the source is not who it is
    later |= {t.i for c in head.children if c.dep_ == "acl" and c.tag_ == "VBN" and c.i > head.i
              for t in c.subtree}
    later |= {t.i for t in tokens if joins_members(t, head)}
    if later:
        cut = min(later)
        tokens = [t for t in tokens if t.i < cut]
    return tokens or [head]


def joins_members(token: Token, head: Token) -> bool:
    """An "and" before the head that the parser hung inside the second member ("Ruritanian officials and
    Kestrel rebels" with "rebels" as head): it still ends the first member, a noun phrase of its own when a
    plural noun ends it."""
    if token.lower_ not in ("and", "or") or token.i >= head.i or token.i == 0 or token.ent_iob_ in ("B", "I"):
        return False
    before = token.doc[token.i - 1]
    if before.pos_ not in ("NOUN", "PROPN"):
        return False
    # a plural noun does not premodify ("officials and rebels"), nor does a noun hung outside the member
    return before.tag_ in ("NNS", "NNPS") or not token.i <= before.head.i <= head.i


def classify(head: Token, start: int, end: int, ents: Iterable[SpacySpan],
             canonical_by_span: dict[tuple[int, int], str]) -> tuple[str | None, Affiliation | None]:
    """(kind, affiliation) of the source phrase at [start, end) with syntactic head ``head``; kind None
    when the phrase names nobody of a known kind (a common noun such as "activity")."""
    tokens = member_tokens(head, start, end)
    if head.i > tokens[-1].i:  # "Ruritanian officials and Kestrel rebels", parsed with "rebels" as head
        head = next((t for t in reversed(tokens) if t.pos_ in ("NOUN", "PROPN")), head)
    head = _noun_after_name(head, tokens)
    member_end = tokens[-1].idx + len(tokens[-1])
    ents = [e for e in ents if e.start_char >= start and e.end_char <= member_end]
    phrase = _Phrase(head, tokens, ents, canonical_by_span, end)
    kind = phrase.kind()
    affiliation = phrase.affiliation() if kind in ("person", "anonymous", "witness", "government",
                                                   "organization") else None
    if affiliation is not None and kind in ("government", "organization") and not phrase.speaks_for_body:
        affiliation = None
    return kind, affiliation


def _noun_after_name(head: Token, tokens: list[Token]) -> Token:
    """ "Kyiv officials", "Hamas officials": a name the parser took for the head of the people noun after it."""
    last = tokens[-1]
    if head.pos_ != "PROPN" or last.i <= head.i or last.pos_ != "NOUN" or last.lower_ not in SPEAKER_NOUNS:
        return head
    between = [t for t in tokens if head.i < t.i < last.i]
    return last if all(t.pos_ in ("PROPN", "ADJ", "NOUN") for t in between) else head


class _Phrase:
    """One source phrase being classified."""

    def __init__(self, head: Token, tokens: list[Token], ents: list[SpacySpan],
                 canonical_by_span: dict[tuple[int, int], str], end: int) -> None:
        self.head = head
        self.tokens = tokens
        self.ents = ents
        self.canonical_by_span = canonical_by_span
        self.words = {t.lower_ for t in tokens}
        self.all_tokens = list(head.doc.char_span(tokens[0].idx, max(tokens[-1].idx + len(tokens[-1]), end),
                                                 alignment_mode="expand") or tokens)
        self.word = head.lower_
        self.people = [e for e in ents if e.label_ == "PER"]
        self.head_ent = next((e for e in ents if e.start <= head.i < e.end), None)
        self.speaks_for_body = False

    # ------------------------------------------------------------------ kind

    def kind(self) -> str | None:
        if {t.lower_ for t in self.tokens if t.i < self.head.i} & UNVERIFIED_WORDS:
            return "anonymous"  # "the alleged Russian military": whoever it is, unconfirmed
        if self._titled_person_of_body():
            return "person"  # "International Energy Agency Director General Jan Kowalski"
        named = self.head_ent is not None and self.head_ent.label_ in ("PER", "ORG", "LOC", "GPE")
        single = self.head_ent is not None and len(self.head_ent) == 1
        if self.word in KNOWN_NOUNS and (not named or single or self.head.pos_ == "NOUN"):
            return self._noun_kind()  # "Footage showed", "Spokespeople said": a capital, not a name
        if self.head.pos_ == "PROPN" or self.head_ent is not None:
            return self._named_kind()
        return self._noun_kind()

    def _noun_kind(self) -> str | None:
        word = self.word
        if word in WITNESS_WORDS or self._placed_on_scene(self.all_tokens):
            return "witness"
        if word in DWELLER_HEADS:
            return "person" if self.people else "witness"
        if word in CORRESPONDENT_HEADS and self._of_outlet():
            return "witness"
        if word in REPORT_HEADS or word in TEAM_HEADS:
            unnamed = word in ("reports", "reporting", "stories") and not any(
                c.dep_ in ("nmod", "prep") for c in self.head.children)  # "reports", not "reports by X"
            if self._of_outlet() or unnamed:
                return "media"
            return "document" if word in REPORT_HEADS else None
        if word in AGENCY_HEADS:
            if self.words & lex.words("news press") or self._of_outlet():
                return "media"
            return "government" if self.words & GOVERNMENT_WORDS else "organization"
        if word in MEDIA_WORDS or (self.head.text[:1].isupper() and word in lex.OUTLET_NAMES | MEDIA_NAMES):
            return "media"
        if word in lex.ANONYMOUS_HEADS and {t.lower_ for t in self.tokens if t.i < self.head.i} & lex.words(
                "media news press"):
            return "media"  # "news sources", "Israeli media sources"
        if word in DOCUMENT_WORDS:
            return "document"
        if word in SPEAKER_FOR_HEADS:
            return self._speaker_for_kind()
        if self.people and word in CIVILIAN_NOUNS and not self._definite():
            return "witness"  # "one woman, Mira, recalling the night of the shelling": a civilian on the scene
        if self.people and word in GOVERNMENT_WORDS and self._owned_by_person():
            return "government"  # "Zelenskyy's office", "the president's administration": an office, not its holder
        if self.people and self.head.tag_ not in ("NNS", "NNPS"):
            return "person"
        if word in OFFICE_HEADS and self._definite() and self.head.tag_ not in ("NNS", "NNPS"):
            return "person"
        if word in PEOPLE_HEADS or word in OFFICE_HEADS or self.head.lemma_.lower() in OFFICE_HEADS:
            return "anonymous"
        if word in GOVERNMENT_WORDS and lexicon_kind(" ".join(t.text for t in self.tokens)) == "organization":
            return "organization"  # "the UN human rights office"
        if word in GOVERNMENT_WORDS or self._demonym_plural(definite=True):
            return "government"
        if word in COLLECTIVE_HEADS and {t.lower_ for t in self.tokens if t.i < self.head.i} & STATE_FUNCTION_WORDS:
            return "government"  # "the US intelligence community", "the defence establishment"
        if self._demonym_plural(definite=False):
            return "anonymous"
        if word in lex.ORGANIZATION_HEADS:
            return "organization"
        return None

    def _named_kind(self) -> str | None:
        ent = self.head_ent
        if ent is None:
            if self._demonym_plural(definite=True):
                return "government"
            if self._demonym_plural(definite=False):
                return "anonymous"
            name = " ".join(t.text for t in self.tokens if t.i <= self.head.i)
            titled = self.words & (OFFICE_HEADS | SPEAKER_FOR_HEADS)  # "the IAEA Director General": a person
            known = lexicon_kind(name) if self.head.pos_ == "PROPN" and not titled else None
            if known is not None:
                return known  # "the Houthis", "the Qassam Brigades", untagged
            if self.head.text.isupper() and len(self.head.text) > 1:
                return self._acronym_kind()  # "HRW", "IDF"
            return "person" if self.head.pos_ == "PROPN" and not self.ents else self._noun_kind() or "person"
        if ent.label_ == "PER":
            if self._names_outlet(ent):
                return "media"
            known = lexicon_kind(ent.text)
            if known is not None:
                return known  # "Hezbollah", "Ansar Allah" read as a person's name
            if self._firm_name(ent):
                return "organization"
            if {w.lower() for w in ent.text.split()} & BODY_NAME_WORDS:
                return body_kind(ent, self.canonical_by_span, default="organization")
            return "witness" if self._aged_civilian(ent) else "person"
        if self._titled_name() or self._person_apposition():
            return "person"  # "IAEA Director General Rafael Grossi", "Leontyev, a local official"
        if ent.label_ in NATIONALITY_LABELS and self._demonym_plural(definite=False):
            return "anonymous"
        if ent.label_ in NATIONALITY_LABELS and self._demonym_plural(definite=True):
            return "government"
        return body_kind(ent, self.canonical_by_span)

    def _acronym_kind(self) -> str:
        """An acronym the tagger missed, typed by the name it was declared for ("the Office of Naval
        Intelligence (ONI) ... the ONI said": government), else by its own letters."""
        head = self.head
        canonical = self.canonical_by_span.get((head.idx, head.idx + len(head.text)), head.text)
        words = {w.lower().strip("(),.") for w in f"{head.text} {canonical}".split()}
        if words & lex.OUTLET_NAMES or (words & MEDIA_NAMES and not words & GOVERNMENT_WORDS):
            return "media"
        known = lexicon_kind(f"{head.text} {canonical}")
        if known is not None:
            return known  # "the RSF", "the SDF": forces that are no state's
        return "government" if words & GOVERNMENT_WORDS else "organization"

    def _firm_name(self, ent: SpacySpan) -> bool:
        """A name the tagger took for a person that the phrase gives as a firm's: a legal form ("PrJSC X"),
        a firm noun before it ("nuclear utility X"), or a one-word name after "the" ("the Ukrainian X")."""
        canonical = self.canonical_by_span.get((ent.start_char, ent.end_char), "")
        words = {w.lower().strip("(),.") for w in f"{ent.text} {canonical}".split()}
        if words & CORPORATE_FORMS:
            return True
        before = [t for t in self.tokens if t.i < ent.start]
        if any(t.lower_ in CORPORATE_FORMS | FIRM_WORDS for t in before[-3:]):
            return True
        return (len(ent) == 1 and bool(before) and before[0].lower_ == "the" and " " not in canonical.strip()
                and all(t.pos_ in ("ADJ", "PROPN") and t.lower_ not in OFFICE_HEADS for t in before[1:]))

    def _titled_person_of_body(self) -> bool:
        """A body's name, an office title and a person's name, which the parser made an apposition of the
        body: the person speaks (for the body)."""
        for ent in self.people:
            root = ent.root
            before = [t for t in self.tokens if t.i < ent.start][-3:]
            if (root.dep_ == "appos" and root.head.i == self.head.i and before
                    and before[-1].lower_ in OFFICE_HEADS | SPEAKER_FOR_HEADS | lex.words("general")):
                return True
        return False

    def _titled_name(self) -> bool:
        """A proper name right after a title ("Director General Rafael Grossi") the tagger merged into a body."""
        before = [t for t in self.tokens if t.i < self.head.i]
        if self.word in BODY_NAME_WORDS | lex.ORGANIZATION_HEADS:
            return False  # "the Nasser General Hospital": a body's name with a title word in it
        return self.head.pos_ == "PROPN" and any(t.lower_ in OFFICE_HEADS | SPEAKER_FOR_HEADS for t in before[-4:])

    def _person_apposition(self) -> bool:
        return any(c.dep_ == "appos" and c.lower_ in PEOPLE_HEADS | OFFICE_HEADS and c.tag_ == "NN"
                   for c in self.head.children)

    def _speaker_for_kind(self) -> str:
        """ "a spokesman for the ministry": the body's kind; "the spokesman ..." a person."""
        if self.people:
            return "person"
        if self._definite():
            return "person"
        body = self._body()
        if body is not None:
            self.speaks_for_body = True
            return body[1]
        return "anonymous"

    def _owned_by_person(self) -> bool:
        """The head noun's possessor is the person named ("Netanyahu's office")."""
        return any(c.dep_ in POSSESSIVE_DEPS and c.ent_type_ == "PER" for c in self.head.children)

    def _definite(self) -> bool:
        first = self.tokens[0]
        if first.lower_ in DEFINITE_DETS:
            return True
        return any(c.dep_ in POSSESSIVE_DEPS for c in self.head.children)

    def _placed_on_scene(self, tokens: list[Token]) -> bool:
        """ "a man who was inside the school", "nurses and others who were in the village"."""
        doc = self.head.doc
        for token in tokens:
            if token.tag_ in ("WP", "WDT") and token.i + 2 < len(doc):
                verb, place = doc[token.i + 1], doc[token.i + 2]
                if verb.lemma_ == "be" and place.lower_ in ON_SCENE_PREPOSITIONS:
                    return True
        return False

    def _of_outlet(self) -> bool:
        """The phrase names an outlet or is the outlet's own ("our", "Times report", "The AP investigation")."""
        if "our" in self.words or self.words & OUTLET_NOUNS:
            return True  # "our investigation", "the newspaper's report"
        if any(body_kind(e, self.canonical_by_span) == "media" for e in self.ents):
            return True
        capitalized = {t.lower_ for t in self.tokens if t.text[:1].isupper() and t.i != self.head.i}
        return bool(self.words & lex.OUTLET_NAMES) or bool(capitalized & MEDIA_NAMES)

    def _names_outlet(self, ent: SpacySpan) -> bool:
        return bool({w.lower().strip("()") for w in ent.text.split()} & (lex.OUTLET_NAMES | MEDIA_NAMES))

    def _aged_civilian(self, ent: SpacySpan) -> bool:
        """ "Ona Berg, 71, ...": a person given by name and age alone; "one woman, Mira, ...": a name apposed
        to an unnamed civilian ("one man", "a woman", "an elderly resident")."""
        doc = ent.doc
        after = ent.end
        if (after + 1 < len(doc) and doc[after].text == "," and doc[after + 1].like_num
                and doc[after + 1].text.isdigit() and 0 < int(doc[after + 1].text) < 110):
            return True
        before = ent.start - 1
        if before < 2 or doc[before].text != ",":
            return False
        noun = doc[before - 1]
        return (noun.lower_ in CIVILIAN_NOUNS and noun.i > 0
                and doc[noun.left_edge.i].lower_ in ("one", "a", "an", "another"))

    def _demonym_plural(self, definite: bool) -> bool:
        """ "the Israelis" (a people for its authorities) or bare "Palestinians" (unnamed people)."""
        word = self.head.text
        if self.head.tag_ not in ("NNPS", "NNS") and not word.endswith("s"):
            return False
        if demonym_country(word[:-1]) is None:
            return False
        return self._definite() == definite

    # ------------------------------------------------------------------ affiliation

    def affiliation(self) -> Affiliation | None:
        body = self._body()
        if body is None:
            return None
        (text, canonical), kind = body
        return Affiliation(text=text, canonical=canonical, kind=kind)

    def _body(self) -> tuple[tuple[str, str], str] | None:
        """((text, canonical), kind) of the body the phrase names besides its speaker."""
        for ent in self.ents:
            if ent.label_ == "PER" or (self.head_ent is not None and ent.start == self.head_ent.start):
                continue
            if ent.label_ in NATIONALITY_LABELS:
                country = demonym_country(ent.text)
                if country is not None:
                    return (ent.text, country), "government"
                continue
            kind = body_kind(ent, self.canonical_by_span)
            if kind in ("government", "organization", "media"):
                name = self.canonical_by_span.get((ent.start_char, ent.end_char), ent.text)
                return (ent.text, name), kind
        for token in self.tokens:
            if token.i != self.head.i and token.lower_ in GOVERNMENT_WORDS and token.pos_ in ("NOUN", "PROPN", "ADJ"):
                words = [t for t in self.tokens if t.i <= token.i and t.head.i == token.i and t.pos_ in
                         ("ADJ", "PROPN", "NOUN")]
                first = words[0] if words else token
                text = token.doc[first.i:token.i + 1].text
                return (text, text), "government"
        for token in self.tokens:
            country = demonym_country(token.text) if token.pos_ in ("ADJ", "PROPN") else None
            if country is not None and token.i != self.head.i:
                return (token.text, country), "government"
        return None


def body_kind(ent: SpacySpan, canonical_by_span: dict[tuple[int, int], str], default: str | None = None) -> str:
    """The kind of a named body: media, government or organization, by its words and fullest name."""
    canonical = canonical_by_span.get((ent.start_char, ent.end_char), ent.text)
    words = {w.lower().strip("(),.") for w in f"{ent.text} {canonical}".split()}
    if words & lex.OUTLET_NAMES or (words & MEDIA_NAMES and not words & GOVERNMENT_WORDS):
        return "media"
    known = lexicon_kind(f"{ent.text} {canonical}")
    if known is not None:
        return known
    if words & GOVERNMENT_WORDS:
        return "government"
    if ent.text.split()[-1].lower() in lex.ORGANIZATION_HEADS:
        return "organization"  # "Nasser General Hospital", tagged as a place: an institution, not a state
    if ent.label_ in ("LOC", "GPE") or demonym_country(ent.text) is not None or is_seat_of_power(ent.text):
        return "government"
    if words & CORPORATE_FORMS:
        return "organization"
    if ent.label_ == "PER" and default is None:
        return "person"
    return "organization"


def lexicon_kind(name: str) -> str | None:
    """The kind the kind lexicon gives a body's name: a known armed group, aid group or state body ("the Rapid
    Support Forces": organization, though "forces" says government), unless the name goes on to an office the
    group runs ("the Hamas government media office"); an international body ("the UN human rights office",
    "the International Criminal Court") is an organization unless the name is a state ministry's."""
    words = lex.name_words(name)
    known = lex.known_body(words)
    if known is not None:
        kind, phrase = known
        if kind != "organization" or not (set(words) - set(phrase)) & INSTITUTION_WORDS:
            return kind
        return None
    if lex.is_international(words) and not set(words) & STATE_OFFICE_WORDS:
        return "organization"
    return None


def demonym_country(word: str) -> str | None:
    """The country a nationality word or country name stands for ("Syrian" -> "Syria"), else None."""
    word = word.strip()
    if word in DEMONYMS:
        return country_name(DEMONYMS[word])
    if word in COUNTRY_ALIASES:
        return country_name(COUNTRY_ALIASES[word])
    return None


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The gazetteer's name of an ISO country code (or region key), else the code itself."""
    if len(code) != 2:
        return code
    from claimtrace.geo.index import index_path

    path = index_path()
    if not path.is_file():  # attribution never builds the gazetteer; the code still names the country
        return code
    found = _gazetteer(path).country(code)
    return found.name if found is not None else code


@lru_cache(maxsize=2048)
def is_seat_of_power(name: str) -> bool:
    """A country or a capital named as a speaker ("Kyiv", "Moscow"), by the gazetteer when it is built."""
    from claimtrace.geo.index import index_path

    path = index_path()
    if not path.is_file() or not name[:1].isupper():
        return False
    return any(c.feature == "country" or c.capital for c in _gazetteer(path).lookup(name))


@lru_cache(maxsize=1)
def _gazetteer(path):  # noqa: ANN001, ANN202
    from claimtrace.geo.index import Gazetteer

    return Gazetteer(path)
