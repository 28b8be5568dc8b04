"""Where the source phrase of a cue is: subjects, agents, inverted and inherited subjects, relayed speech.

Misses: a source more than one sentence away from an uncued quote, and a speaker the parse attaches
elsewhere (a few such misparses are repaired). Figures: docs/benchmarks_attribution.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.quotes import QUOTE_CHARS
from claimtrace.extract.attribution.spans import (
    SUBJECTS,
    clean_source,
    is_passive,
    is_posed,
    phrase_span,
    stray_conjunct,
    subject_of,
    token_range,
    trim,
)

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context


CLAUSE_CONTENT = frozenset({"ccomp"})


OBJECTS = frozenset({"obj", "dobj"})


RECIPIENTS = frozenset({"iobj", "obj", "dobj"})


INHERITING = frozenset({"conj", "advcl", "xcomp", "acl"})


POSTMODIFIER_ADJECTIVES = lex.words("close familiar near loyal linked allied opposed based aligned connected")


# "TASS quoted a source as saying ...": the source speaks, the agency relays
QUOTING_LEMMAS = lex.words("quote cite")
# nouns of people or offices a quoting verb may name as the speaker quoted
SPEAKING_NOUNS = (lex.PERSON_HEADS | lex.ANONYMOUS_HEADS | lex.SPOKESPERSON_HEADS | lex.kind_words("office_heads")
                  | lex.kind_words("representative_heads"))


RELAYED_SPEECH_LEMMAS = lex.RAISING_LEMMAS | lex.words("tell add warn")


def source_of(verb: Token, context: Context) -> tuple[Token | None, tuple[int, int] | None, bool]:
    """(head token, char span, impersonal) of the cue's source."""
    head, span, impersonal = _source_of(verb, context)
    if head is not None and span is not None and head.i < verb.i:
        named = _named_before_apposition(head, span, verb)
        if named is not None:
            return named
    return head, span, impersonal


def _named_before_apposition(
    head: Token, span: tuple[int, int], verb: Token
) -> tuple[Token, tuple[int, int] | None, bool] | None:
    """ "Ann Lee, the director of the clinic, one of the last still open, announced ...": the parser may
    take a later apposition for the subject; the name that opens the sentence speaks."""
    doc = verb.doc
    if head.pos_ == "PROPN" or head.ent_type_:
        return None
    first_of_span = doc.char_span(span[0], span[1], alignment_mode="expand")
    if first_of_span is None or first_of_span.start == 0:
        return None
    comma = first_of_span.start - 1
    while comma > 0 and doc[comma].is_space:
        comma -= 1
    if doc[comma].text != ",":
        return None
    sent = verb.sent
    start = sent.start
    while start < head.i and (doc[start].is_space or doc[start].is_punct):
        start += 1
    first = doc[start]
    if (first.pos_ != "PROPN" and first.tag_ != "NNP") or first.ent_type_ not in ("PER", "ORG"):
        return None
    end = start
    while end < head.i and doc[end].ent_iob_ != "O" and doc[end].ent_type_ == first.ent_type_:
        end += 1  # the name
    if end >= head.i or doc[end].text != ",":
        return None
    stretch = doc[end:head.left_edge.i]
    if any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") or t.text in (";", ":") for t in stretch):
        return None
    name = doc[end - 1]
    cut = trim(doc, start, head.left_edge.i)
    return name, cut, False


def _source_of(verb: Token, context: Context) -> tuple[Token | None, tuple[int, int] | None, bool]:
    passive = is_passive(verb)
    if passive:
        agent = _agent(verb)
        if agent is not None:
            return agent, phrase_span(agent, skip_case=True), False
        return None, None, True
    subject = subject_of(verb)
    if subject is not None and subject.pos_ == "ADV":  # "Earlier, speaking to X, Ann Lee, the abbot, gave ...":
        subject = next((c for c in subject.children if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")), None)
    if subject is not None and _quoted_away(subject, verb, context):
        subject = None  # "“... on Monday a rocket struck the hospital,” said X": the quote's words do not speak
    if subject is not None:
        if subject.tag_ in ("WP", "WDT") or subject.lower_ in ("who", "which", "that"):
            # "officials who said": the pronoun is the source phrase (as PolNeAR marks it);
            # resolve_source names it after the noun the clause modifies
            if verb.dep_ in ("acl:relcl", "relcl") and verb.head.i < verb.i:
                return subject, (subject.idx, subject.idx + len(subject)), False
            return None, None, False
        speaker = _speaker_in_subject(subject, verb)
        if speaker is not None:
            return speaker, clean_source(speaker, speaker.left_edge.i, subject.right_edge.i + 1), False
        noun = _noun_of_clausal_subject(subject)
        if noun is not None:
            return noun, clean_source(noun, noun.left_edge.i, subject.right_edge.i + 1), False
        return subject, _with_stray_conjunct(subject, _extend_to_cue(subject, verb)), False
    if verb.dep_ in INHERITING and verb.head.i != verb.i:
        inherited = _inherited_source(verb.head, context, verb)
        if inherited[0] is not None:
            return inherited
    inverted = _inverted_subject(verb)
    if inverted is not None:
        return inverted, phrase_span(inverted), False
    initial = _sentence_initial_subject(verb)
    if initial is not None:
        return initial
    left = _left_nominal(verb)
    if left is not None:
        return left, trim(verb.doc, left.left_edge.i, left.i + 1), False
    return None, None, False


def _quoted_away(subject: Token, verb: Token, context: Context) -> bool:
    """A subject inside a quotation that the cue stands outside of, before it."""
    quote = context.quote_at(subject.idx)
    return quote is not None and subject.i < verb.i and context.quote_at(verb.idx) is None


def _noun_of_clausal_subject(subject: Token) -> Token | None:
    """The noun a participle modifies when the parser made the participle the subject: in "Footage
    circulating online appears to show ...", "circulating" became the clausal subject of "appears"."""
    if subject.pos_ != "VERB" or subject.dep_ not in ("csubj", "csubj:pass"):
        return None
    return next((c for c in subject.children if c.dep_ in ("nsubj", "nsubj:pass") and c.i < subject.i
                 and c.pos_ in ("NOUN", "PROPN")), None)


def _speaker_in_subject(subject: Token, verb: Token) -> Token | None:
    """The speaker the parser buried in the subject of a post-posed cue: in "Satellite images
    show 40 vehicles near the bridge, analysts at the institute said", "vehicles" became the
    subject of "said" and "analysts" a conjunct of "bridge"; the conjunct after the comma speaks."""
    if not any(c.dep_ in CLAUSE_CONTENT and c.i < subject.i for c in verb.children):
        return None
    doc = subject.doc
    for token in doc[subject.i + 1:subject.right_edge.i + 1]:
        if (token.dep_ == "conj" and token.pos_ in ("NOUN", "PROPN") and token.head.i != subject.i
                and doc[token.i - 1].text == "," and token.head.i < token.i):
            return token
    return None


def content_to_speaker(doc: Doc, start: int, end: int, source_start: int, verb: Token) -> int:
    """A content before its speaker that stops short ("Satellite images show" of "Satellite images
    show 40 vehicles near the bridge, analysts said") runs on to the comma before the speaker when
    the words between are the verb's misparsed subject, with no verb of their own."""
    gap = doc.char_span(end, source_start, alignment_mode="expand")
    if gap is None or not len(gap) or any(t.pos_ in ("VERB", "AUX") and t.dep_ != "amod" for t in gap):
        return end
    if not all(t.head.i == verb.i or any(a.dep_ in SUBJECTS and a.head.i == verb.i for a in [t, *t.ancestors])
               for t in gap if not t.is_punct):
        return end
    cut = trim(doc, *token_range(doc, start, source_start))
    return cut[1] if cut else end


def _with_stray_conjunct(subject: Token, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The source span widened over a first conjunct the parser hung on the content: in "...
    in northeastern Syria, residents and a security source said", "residents" is a conjunct
    of "Syria" and the subject starts at "and"."""
    first = stray_conjunct(subject.doc[subject.left_edge.i])
    if span is not None and first is None:
        first = _name_before_and(subject)
    if span is None or first is None:
        return span
    doc = subject.doc
    start = first.left_edge.i
    while start < first.i and (doc[start].is_punct or doc[start].pos_ in ("ADP", "SCONJ")):
        start += 1
    return doc[start].idx, span[1]


def _name_before_and(subject: Token) -> Token | None:
    """ "The correction followed after Norland and Vesta said ...": the parser hung the first name on the main
    clause and the "and" on the cue; a name right before "and" (no comma) speaks with the subject."""
    doc = subject.doc
    i = subject.left_edge.i
    if i < 2 or doc[i - 1].lower_ != "and" or doc[i - 1].dep_ != "cc" or doc[i - 1].head.i != subject.head.i:
        return None
    name = doc[i - 2]
    if name.pos_ != "PROPN" or not name.ent_type_ or name.dep_ in ("nsubj", "nsubj:pass", "conj", "compound", "flat"):
        return None
    return name


def _sentence_initial_subject(verb: Token) -> tuple[Token, tuple[int, int] | None, bool] | None:
    """A noun phrase from the sentence start up to the cue, with no finite verb inside
    ("Sources close to the army told ...", "Ann Lee, a lawyer, said"), when the parser
    attached the cue elsewhere."""
    doc = verb.doc
    j = verb.i - 1
    while j >= 0 and (doc[j].pos_ in ("AUX", "ADV", "PART")):
        j -= 1
    start = j
    while start > 0 and not doc[start].is_sent_start:
        start -= 1
    while start <= j and (doc[start].is_space or doc[start].is_punct):
        start += 1
    if j < 0 or start > j or j - start > 20:  # nothing before the cue
        return None
    words = doc[start:j + 1]
    if any(t.text in (";", ":") or t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in words):
        return None
    if words[0].pos_ not in ("NOUN", "PROPN", "DET", "ADJ", "NUM", "PRON"):
        return None
    nouns = [t for t in words if t.pos_ in ("NOUN", "PROPN", "PRON")]
    if not nouns:
        return None
    head = next((t for t in nouns if t.head.i < start or t.head.i > j or t.head.i == t.i), nouns[0])
    return head, trim(doc, start, j + 1), False


def _left_nominal(verb: Token) -> Token | None:
    """The noun phrase right before a cue that the parser left without a subject."""
    doc = verb.doc
    j = verb.i - 1
    while j >= 0 and (doc[j].pos_ in ("AUX", "ADV", "PART") or doc[j].is_space):
        j -= 1
    if j < 0 or doc[j].pos_ not in ("NOUN", "PROPN", "PRON") or doc[j].lower_ in lex.THING_PRONOUNS:
        return None
    noun = doc[j]
    while noun.head.i != noun.i and noun.head.i < verb.i and noun.head.pos_ in ("NOUN", "PROPN"):
        if _prepositional(noun.head):
            break  # "In a major boost for the city, Ann Lee on Monday backed ...": the adjunct does not speak
        noun = noun.head
    return None if _prepositional(noun) else noun


def _prepositional(noun: Token) -> bool:
    """A noun that heads a prepositional phrase ("in a major boost", "on the eve"): an adjunct, not a speaker."""
    return any(c.dep_ == "case" and c.pos_ == "ADP" and c.i < noun.i for c in noun.children)


def _extend_to_cue(subject: Token, verb: Token) -> tuple[int, int] | None:
    """The subject's phrase, stretched up to the cue when only a verbless phrase lies between
    ("Sources close to the army told", where the parser cut "close to the army" off; "the deputy chief of the
    rebel “council” in the province Ivo Brandt said", a title with a word in scare quotes)."""
    doc = verb.doc
    start, end = subject.left_edge.i, subject.right_edge.i + 1
    if subject.i < verb.i and end < verb.i:
        stop = verb.i
        while stop - 1 >= end and doc[stop - 1].pos_ in ("AUX", "ADV", "PART"):
            stop -= 1
        gap = doc[end:stop]
        # a word in scare quotes inside a title before its holder's name, with no verb anywhere in between
        named = stop - 1 > end and doc[stop - 1].ent_type_ == "PER" and not any(t.pos_ == "VERB" for t in gap)
        scare = _scare_quoted(gap) if named else set()
        if len(gap) <= 12 and not any(
            (t.is_punct and t.i not in scare) or t.is_space or t.pos_ == "AUX" or _has_other_subject(t, subject)
            for t in gap
        ):
            end = stop
    return clean_source(subject, start, end)


SCARE_QUOTE_WORDS = 3


def _scare_quoted(tokens: Doc | list[Token]) -> set[int]:
    """Indices of the quote marks around a word or two in scare quotes ("the occupation “government”")."""
    marks = [t for t in tokens if t.text in QUOTE_CHARS]
    found: set[int] = set()
    for opening, closing in zip(marks[::2], marks[1::2], strict=False):
        if 0 < closing.i - opening.i - 1 <= SCARE_QUOTE_WORDS:
            found |= {opening.i, closing.i}
    return found


def _has_other_subject(token: Token, subject: Token) -> bool:
    """A finite verb in the gap: a clause of its own, unless it is an adjective the tagger
    took for a verb ("sources close to", "people familiar with")."""
    if token.tag_ not in ("VBD", "VBZ", "VBP", "MD"):
        return False
    return token.lower_ not in POSTMODIFIER_ADJECTIVES


def _inverted_subject(verb: Token) -> Token | None:
    """The speaker after a post-posed cue ("..., said the minister"), however the parser attached it."""
    if not is_posed(verb):
        return None
    for child in verb.children:
        # not a paragraph break, to which the tagger may give any part of speech
        speaker = child.pos_ in ("PROPN", "NOUN", "PRON") and not child.is_space
        if child.i > verb.i and speaker and child.dep_ not in ("ccomp", "parataxis") and not _adjunct(child):
            return child
    return None


TIME_WORDS = lex.TIME_NOUNS | lex.words("today yesterday tonight tomorrow")


def _adjunct(token: Token) -> bool:
    """A time after the cue ("said on Sunday", "said Tuesday"): when, not who."""
    return token.lower_ in TIME_WORDS


def _inherited_source(
    head: Token, context: Context, cue: Token
) -> tuple[Token | None, tuple[int, int] | None, bool]:
    """The source of a participle or conjoined cue: the subject of the verb it hangs on, or the
    person quoted ("TASS quoted a defence ministry source as saying ...")."""
    quoted = relayed_speech(head)
    if quoted is not None and quoted[1].i == cue.i:
        return quoted[0], phrase_span(quoted[0]), False
    if cue.dep_ == "conj" and head.dep_ in ("acl:relcl", "relcl") and not any(c.dep_ == "cc" for c in cue.children):
        # "Hamas, which runs Gaza, denied ...": no "and", so the cue is the sentence's own verb
        # that the parser took for a second verb of the relative clause
        noun = head.head
        return noun, clean_source(noun, noun.left_edge.i, min(head.left_edge.i, noun.right_edge.i + 1)), False
    for _ in range(3):
        if head.dep_ == "ccomp" and head.head.i in context.candidates and head.head.i != head.i:
            head = head.head  # a participle inside a reported clause continues the reporting verb
        subject = subject_of(head)
        if subject is not None and not (is_passive(head) and head.lemma_ not in lex.RAISING_LEMMAS
                                        and context.lexicon.get(head.lower_) is None):
            return subject, _extend_to_cue(subject, cue), False
        if is_passive(head):
            agent = _agent(head)
            if agent is not None:
                return agent, phrase_span(agent, skip_case=True), False
        if head.dep_ not in INHERITING or head.head.i == head.i:
            break
        head = head.head
    return None, None, False


def relayed_speech(verb: Token) -> tuple[Token, Token] | None:
    """(person quoted, speech participle) of "X quoted / cited Y (as) saying ...", else None."""
    if verb.lemma_.lower() not in QUOTING_LEMMAS:
        return None
    quoted = next((c for c in verb.children if c.dep_ in OBJECTS and c.i > verb.i), None)
    if quoted is None:
        return None
    speech = next((c for c in verb.children if c.dep_ in ("advcl", "xcomp") and c.tag_ == "VBG"
                   and c.i > quoted.i and c.lemma_.lower() in RELAYED_SPEECH_LEMMAS), None)
    return (quoted, speech) if speech is not None else None


def quoted_after(verb: Token, content_end: int) -> Token | None:
    """The speaker a post-posed quoting verb names as its object ("“...,” the agency cites an official of the port
    authority"): the quotation is the speaker's, relayed by the verb's subject; else None."""
    if verb.lemma_.lower() not in QUOTING_LEMMAS or content_end > verb.idx:
        return None
    quoted = next((c for c in verb.children if c.dep_ in OBJECTS and c.i > verb.i), None)
    if quoted is None or not (quoted.ent_type_ == "PER" or quoted.lower_ in SPEAKING_NOUNS):
        return None
    return quoted


def relay_recipient(verb: Token) -> tuple[int, int] | None:
    """The outlet that relays a quoted speaker's words ("TASS" of "TASS quoted ... as saying")."""
    if verb.dep_ not in ("advcl", "xcomp") or verb.head.i == verb.i:
        return None
    relayed = relayed_speech(verb.head)
    relay = subject_of(verb.head)
    if relayed is None or relayed[1].i != verb.i or relay is None:
        return None
    return phrase_span(relay)


def _agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("obl:agent", "agent", "obl") and any(
            g.lower_ == "by" for g in child.children if g.dep_ == "case"
        ):
            return child
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def recipient_span(verb: Token, content: tuple[int, int]) -> tuple[int, int] | None:
    """Whom the source told: the objects between the cue and a content that follows it."""
    objects = [
        c for c in verb.children
        if c.dep_ in RECIPIENTS and c.pos_ in ("PROPN", "NOUN", "PRON") and verb.i < c.i and c.idx < content[0]
    ]
    if not objects:
        return None
    return trim(verb.doc, objects[0].left_edge.i, objects[-1].right_edge.i + 1)
