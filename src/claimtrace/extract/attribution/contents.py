"""Where the content of a cue is: its clause, its object, an adjacent or neighbouring quote.

Misses: the contents of noun and adjective cues (left to the role tagger of :mod:`.learned`), and
nested attributions, which are not linked to each other. Figures: docs/benchmarks_attribution.md.
"""

from __future__ import annotations

import bisect
from itertools import islice
from typing import TYPE_CHECKING

import numpy
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.quotes import QUOTE_CHARS
from claimtrace.extract.attribution.spans import (
    by_agent,
    is_passive,
    is_posed,
    is_pronoun,
    stray_conjunct,
    subject_of,
    subtree_span,
    trim,
    widen_to_quotes,
)
from claimtrace.extract.attribution.speakers import CLAUSE_CONTENT, OBJECTS, TIME_WORDS
from claimtrace.extract.attribution.state import known_cue

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context






PARATAXIS = frozenset({"parataxis"})


CUE_PREPOSITIONS = frozenset({"to", "for", "about", "of", "on", "against", "with", "in"})


PREPOSITIONAL_CONTENT = CUE_PREPOSITIONS - {"in"}


# ", while Israeli media reported ...": the article sets something else beside the content
CONTRAST_MARKS = lex.words("while whereas")


def content_of(
    verb: Token, entry: lex.CueEntry, sent: SpacySpan, context: Context
) -> tuple[tuple[int, int], Token, bool] | None:
    """(content char span, content's head, whether the content comes after the cue)."""
    doc = verb.doc
    summary = what_was_said_before(verb, sent, context)
    if summary is not None:
        return summary
    clause = clause_of(verb)
    if clause is not None:
        span = _clause_after(verb, clause, context) if clause.i > verb.i else subtree_span(clause)
        return (widen_to_quotes(span, context), clause, clause.i > verb.i) if span else None
    if verb.dep_ in PARATAXIS or (verb.dep_ == "ccomp" and verb.i > verb.head.i and is_posed(verb)):
        posed = _posed_content(verb, context)
        if posed is not None:
            return posed
    quote = _adjacent_quote(verb, sent, context)
    if quote is not None:
        return quote, None, True  # type: ignore[return-value]
    quote = _quote_before(verb, context)
    if quote is not None:
        return quote, None, False  # type: ignore[return-value]
    that = _following_that_clause(verb, sent)
    if that is not None:
        mark, clause = that
        span = trim(doc, mark.i, clause.right_edge.i + 1)
        return (widen_to_quotes(span, context), clause, True) if span else None
    xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i), None)
    obj = next((c for c in verb.children if c.dep_ in OBJECTS and c.i > verb.i
                and c.lower_ not in TIME_WORDS), None)  # ("said Wednesday": when, not what)
    if xcomp is not None and entry.p >= context.config.object_cue and known_cue(verb, context):
        first = obj if obj is not None and obj.i < xcomp.i else xcomp
        span = trim(doc, first.left_edge.i, xcomp.right_edge.i + 1)
        return (widen_to_quotes(span, context), xcomp, True) if span else None
    if obj is not None and entry.p >= context.config.object_cue and known_cue(verb, context):
        span = _clause_after(verb, obj, context)
        if span is not None and (not is_pronoun(obj) or span[1] > obj.idx + len(obj)):
            return widen_to_quotes(span, context), obj, True
    oblique = _prepositional_object(verb)
    if oblique is not None and entry.p >= context.config.object_cue and known_cue(verb, context):
        span = trim(doc, oblique.left_edge.i + 1, oblique.right_edge.i + 1)
        return (widen_to_quotes(span, context), oblique, True) if span else None
    passive = _passive_statement(verb)
    if passive is not None:
        return passive
    as_said = _as_said(verb)
    if as_said is not None:
        return as_said
    subject = subject_of(verb)
    if verb.dep_ == "conj" and subject is not None and stray_conjunct(verb.doc[subject.left_edge.i]) is not None:
        # "..., residents and a security source said on Wednesday.": the parser split the
        # coordinated source and made the cue a conjunct of the content
        posed = _posed_content(verb, context)
        if posed is not None:
            return posed
    quote = _neighbouring_quote(sent, context)
    if quote is not None:
        return quote, None, True  # type: ignore[return-value]
    return first_of_two_subjects(verb) or _split_off_content(verb, sent, context)


FINAL_PUNCTUATION = frozenset('.!?"”’\'…:;')


def _split_off_content(verb: Token, sent: SpacySpan, context: Context) -> tuple[tuple[int, int], Token, bool] | None:
    """ "..., came from a shell that hit the depot, the Coastal Rights | Group said Monday.": the sentence
    splitter cut a sentence before its post-posed cue; the content is the previous sentence on the same line,
    up to its last comma (the words after it begin the speaker's name), when that sentence has no final
    punctuation."""
    doc = verb.doc
    if sent.start == 0 or verb.i - sent.start > 12 or any(t.pos_ == "VERB" for t in doc[sent.start:verb.i]):
        return None
    prev = doc[sent.start - 1].sent
    last = sent.start - 1
    while last > prev.start and (doc[last].is_space or doc[last].text == ","):
        last -= 1
    gap = context.text[doc[last].idx + len(doc[last]):sent.start_char]
    if doc[last].text in FINAL_PUNCTUATION or "\n" in gap or "\n" in context.text[doc[last].idx:verb.idx]:
        return None
    end = sent.start
    if doc[sent.start].text != ",":  # the name began in the previous sentence
        commas = [t.i for t in doc[prev.start:sent.start] if t.text == ","]
        if not commas:
            return None
        end = commas[-1]
    span = trim(doc, prev.start, end)
    root = doc[prev.start:end].root if end > prev.start else None
    if span is None or root is None or root.pos_ not in ("VERB", "AUX"):
        return None
    return span, root, False


def first_of_two_subjects(verb: Token) -> tuple[tuple[int, int], Token, bool] | None:
    """ "Two missiles struck the clinic on Sunday, destroying the ward, medics reported.": the parser gave the cue
    both the reported clause's subject (its verb hung on that subject) and the speaker after the comma; the
    first subject's words up to that comma are the content, when they hold a verb."""
    doc = verb.doc
    before = [c for c in verb.children if c.dep_ in ("nsubj", "nsubj:pass") and c.i < verb.i and not c.is_space]
    if len(before) < 2 or not any(t.text == "," for t in doc[before[-2].i + 1:before[-1].left_edge.i]):
        return None
    first, speaker = before[-2], before[-1]
    end = speaker.left_edge.i
    if not any(t.pos_ == "VERB" and t.dep_ != "amod" for t in doc[first.left_edge.i:end]):
        return None
    span = trim(doc, first.left_edge.i, end)
    return (span, first, False) if span else None


SUMMARY_SENTENCES = 3  # "This is what X told us": the sentences of the paragraph before it, at most this many
SUMMARY_OPENINGS = (("this", "is", "what"), ("that", "is", "what"), ("this", "was", "what"), ("that", "was", "what"),
                    ("such", "is", "what"), ("here", "is", "what"))


def summary_opening(sent: SpacySpan) -> int | None:
    """The index of "what" when the sentence opens "This is what ..." (a summing up of what came before)."""
    words = list(islice((t for t in sent if not t.is_space), 3))  # (not the whole sentence, once per cue)
    if len(words) == 3 and tuple(t.lower_ for t in words) in SUMMARY_OPENINGS:
        return words[2].i
    return None


def what_was_said_before(verb: Token, sent: SpacySpan,
                         context: Context) -> tuple[tuple[int, int], Token, bool] | None:
    """ "... Meanwhile, boats are being seized. This is what witnesses told the paper about the first night": a
    cue in a sentence opening "This is what" sums up the sentences of its paragraph before it."""
    what = summary_opening(sent)
    if what is None or verb.i <= what:
        return None
    first = context.sentence_of(sent.start_char)
    start = first
    while start > 0 and first - start < SUMMARY_SENTENCES and "\n" not in context.text[
            context.sentences[start - 1].end_char - 1:context.sentences[start].start_char]:
        start -= 1
    if start == first:
        return None
    span = trim(verb.doc, context.sentences[start].start, context.sentences[first - 1].end)
    return (span, context.sentences[first - 1].root, False) if span else None


def clause_of(verb: Token) -> Token | None:
    """The head of the clause a cue governs: a ``ccomp``, a ``parataxis`` after it, or a "that"/"whether" clause;
    a paragraph break the parser hung on the cue as a clause is none."""
    clause = next((c for c in verb.children if c.dep_ in CLAUSE_CONTENT and not c.is_space), None)
    if clause is None:
        clause = next((c for c in verb.children if c.dep_ in PARATAXIS and c.i > verb.i and not c.is_space), None)
    if clause is None:
        clause = next((c for c in verb.children if c.i > verb.i and _has_complementizer(c)), None)
    return clause


# verbs whose passive subject is what was said ("the claim was denied"), not whom it was said to or about
PASSIVE_STATEMENT_LEMMAS = lex.words(
    "deny confirm condemn denounce cite report announce dispute reject refute rebut contradict describe "
    "acknowledge admit endorse echo question dismiss verify corroborate debunk repeat reiterate"
)


def _as_said(verb: Token) -> tuple[tuple[int, int], Token, bool] | None:
    """ "not nearly 500 as the rebels had claimed", "..., as the health office initially reported": what the
    "as" clause hangs on is what was said (without its negation: the claim is the figure or the event)."""
    if verb.dep_ != "advcl" or verb.head.i == verb.i or verb.head.i > verb.i:
        return None
    if not any(c.dep_ == "mark" and c.lower_ == "as" and c.i < verb.i for c in verb.children):
        return None
    if any(c.dep_ in ("obj", "dobj", "ccomp", "xcomp") for c in verb.children):
        return None
    head = verb.head
    doc = verb.doc
    start, end = head.left_edge.i, verb.left_edge.i
    if head.pos_ not in ("VERB", "AUX"):
        while start < head.i and (doc[start].lower_ in lex.NEGATIONS or doc[start].dep_ in ("advmod", "punct", "cc")):
            start += 1
    span = trim(doc, start, end)
    return (span, head, False) if span else None


def _passive_statement(verb: Token) -> tuple[tuple[int, int], Token, bool] | None:
    """ "The allegation was denied by X", "seven deaths have been confirmed by the administration": a speech
    verb in the passive with its agent; what is denied or confirmed is the passive subject."""
    if verb.lemma_.lower() not in PASSIVE_STATEMENT_LEMMAS or not is_passive(verb):
        return None
    if by_agent(verb) is None:
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj:pass", "nsubjpass") and c.i < verb.i), None)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN", "NUM"):
        return None
    span = trim(verb.doc, subject.left_edge.i, subject.right_edge.i + 1)
    return (span, subject, False) if span else None


def _posed_content(verb: Token, context: Context) -> tuple[tuple[int, int], Token, bool] | None:
    """The clause a post-posed cue hangs on, without the cue's own words ("..., X said.")."""
    if not known_cue(verb, context, context.config.postposed_floor):
        return None
    span = subtree_span(verb.head, exclude=verb)
    return (widen_to_quotes(span, context), verb.head, False) if span else None


NOUN_PHRASE_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM", "AUX", "ADV"})


def _quote_before(verb: Token, context: Context) -> tuple[int, int] | None:
    """The quotation that ends right before a post-posed cue and its subject ("“...,” he said"),
    even when the sentence splitter cut between them."""
    doc = verb.doc
    subject = subject_of(verb)
    first = min(verb.i, subject.left_edge.i) if subject is not None and subject.i < verb.i else verb.i
    while first > 0 and doc[first - 1].pos_ in ("AUX", "ADV"):
        first -= 1
    if subject is None:  # "“...,” the ODNI assessment states": a speaker the parser left unattached
        while first > 0 and doc[first - 1].pos_ in NOUN_PHRASE_POS and not doc[first - 1].is_punct:
            first -= 1
    i = bisect.bisect_right(context.quote_starts, doc[first].idx) - 1
    if i < 0:
        return None
    start, end = context.quotes[i]
    if end <= doc[first].idx and not context.text[end:doc[first].idx].strip(" \t\n,"):
        return start, end
    return None


def _prepositional_object(verb: Token) -> Token | None:
    """ "called for a ceasefire", "spoke about the attack": the oblique right after the cue."""
    if verb.i + 1 >= len(verb.doc):
        return None
    after = verb.doc[verb.i + 1]
    if after.lower_ in PREPOSITIONAL_CONTENT and after.dep_ == "case" and after.head.head.i == verb.i:
        oblique = after.head
        if oblique.left_edge.i == after.i and not is_pronoun(oblique) and oblique.lower_ not in lex.TIME_NOUNS:
            return oblique
    return None


def cut_before_continuation(doc: Doc, start: int, end: int, verb: Token, context: Context) -> int:
    """End a content before ", stressing that ..." when that participle is a cue of its own, and
    before ", while ..." / ", whereas ...", where the article sets something else beside it."""
    words = doc.char_span(start, end, alignment_mode="expand")
    if words is None:
        return end
    after_comma = numpy.flatnonzero(context.lower[words.start:words.end - 1] == context.comma) + words.start + 1
    for i in after_comma.tolist():  # only the words after a comma: no Token object for the others
        token = doc[i]
        if context.quote_at(token.idx) is not None:
            continue
        participle = (token.i in context.candidates and token.i != verb.i and token.tag_ == "VBG"
                      and not (token.lower_ == "according" and token.i - words.start <= 2))
        # (but "stressed that, according to X, Y ...": the source of what follows, inside the content)
        if participle or (token.lower_ in CONTRAST_MARKS and token.dep_ == "mark"):
            cut = trim(doc, words.start, token.i - 1)
            return cut[1] if cut else end
    return end


THAT_WINDOW = 12  # "said during a visit to Poland on Wednesday that ...": words an adjunct may put before "that"


def _following_that_clause(verb: Token, sent: SpacySpan) -> tuple[Token, Token] | None:
    """ "told Al Mayadeen that ...": a "that" a few words after the cue, however it was attached."""
    doc = verb.doc
    for j in range(verb.i + 1, min(verb.i + THAT_WINDOW, sent.end)):
        token = doc[j]
        if token.lower_ == "that" and token.dep_ == "mark" and token.head.i > j:
            return token, token.head
        if token.pos_ in ("VERB", "AUX") or token.text in (".", ";"):
            return None
    return None


def _has_complementizer(token: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") and c.i < token.i for c in token.children)


def _clause_after(verb: Token, clause: Token, context: Context) -> tuple[int, int] | None:
    """The clause after a cue, stretched over later words the parser hung on the cue
    (up to a conjoined verb or another cue, which make statements of their own)."""
    end = clause.right_edge.i + 1
    for child in verb.rights:
        if child.i <= clause.i:
            continue
        if child.dep_ in ("conj", "cc", "parataxis") or child.i in context.candidates:
            break
        end = max(end, child.right_edge.i + 1)
    return trim(verb.doc, clause.left_edge.i, end)


def _adjacent_quote(verb: Token, sent: SpacySpan, context: Context) -> tuple[int, int] | None:
    """A quotation right after "said:" or "said ," with no clause parsed under the verb."""
    doc = verb.doc
    j = verb.i + 1
    while j < sent.end and doc[j].is_punct and doc[j].text not in QUOTE_CHARS:
        j += 1
    if j < len(doc) and doc[j].text in QUOTE_CHARS:
        return context.quote_at(doc[j].idx)
    return None


def _neighbouring_quote(sent: SpacySpan, context: Context) -> tuple[int, int] | None:
    """A quotation that ends right before the cue's sentence ("“...” | He said on Monday.")
    or starts right after it ("He said in a statement: | “...”")."""
    text = context.text
    i = bisect.bisect_right(context.quote_starts, sent.start_char) - 1
    if i >= 0:
        start, end = context.quotes[i]
        if end <= sent.start_char and not text[end:sent.start_char].strip(" \t,.;:—–-"):
            return start, end
    if i + 1 < len(context.quotes):
        start, end = context.quotes[i + 1]
        between = text[sent.end_char:start]
        if start >= sent.end_char and not between.strip() and text[sent.start_char:sent.end_char].rstrip()[-1:] in ":,":
            return start, end
    return None
