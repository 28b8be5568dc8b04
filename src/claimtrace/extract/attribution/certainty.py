"""How firmly a claim's content is put: hedge and distancing words on its main proposition.

A content is hedged when a hedge word ("likely", "may", "suggests", "apparently", "believe", "risk",
"theory", "reportedly") or a distancing phrase ("what he called", "allegedly", "without offering
evidence", "incorrectly") bears on its main proposition: the word's way up to the content's root runs
through clauses and the arguments of the main predicate ("the most likely cause was ..."), not through
a side detail (a prepositional phrase, a relative clause, an apposition, a noun conjoined to another:
"a raid ... presumably from a northern airfield", "a grave loss and probably the worst flood"). "If
confirmed, ..." hedges what follows it. First-hand perception given as the reporting verb ("saw", "had
seen", "witnessed") confirms.

What it misses: hedges carried by whole clauses ("it is unclear whether"), irony, and hedges on a side
detail that the parser attached to the main verb. Figures: docs/benchmarks_claims.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.tokentable import token_table

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context

HEDGE_CONTENT_WORDS = lex.words(
    "likely probably possibly perhaps may might could apparently seemingly reportedly suggest suggests suggested "
    "suggesting appear appears appeared appearing believe believes believed estimate estimates estimated risk "
    "theory likelihood probable plausible hypothesis possibility unclear uncertain"
)
# hedging adjectives count on any noun of the proposition ("resulted from an apparent rocket")
HEDGE_ADJECTIVES = lex.words("likely probable possible apparent presumed suspected alleged")
# the text keeps its distance from the claim, wherever in the sentence outside quotes
DISTANCING_WORDS = lex.words("allegedly purportedly supposedly incorrectly falsely")
# "is expected to", "plans to": an outcome given only as expected or planned
EXPECTATION_WORDS = lex.words("expected")
# the way from a word to the root through one of these is a side detail, not the main proposition
SIDE_DEPS = frozenset({"obl", "nmod", "acl", "acl:relcl", "relcl", "appos", "nmod:poss", "compound", "prep", "pobj",
                       "obl:npmod", "obl:tmod", "dislocated", "vocative", "list"})
RELATIVE_DEPS = frozenset({"acl", "acl:relcl", "relcl", "appos"})
NOMINAL_POS = frozenset({"NOUN", "PROPN", "NUM", "PRON"})
EVIDENCE_NOUNS = lex.words("evidence proof")
PERCEPTION_FORMS = lex.words("saw seen witnessed watched")
EVIDENCE_VERBS = lex.words("reveal present provide")
CALLING_FORMS = lex.words("call calls called calling termed dubbed described")


# The only words content_hedged tests further, and the words _what_called and _without_evidence accept.
_HEDGE_TESTED = HEDGE_CONTENT_WORDS | HEDGE_ADJECTIVES | EXPECTATION_WORDS | {"if"}
_DISTANCE_TESTED = CALLING_FORMS | EVIDENCE_NOUNS


def content_hedged(doc: Doc, start: int, end: int) -> bool:
    """Whether a hedge word bears on the main proposition of the content at [start, end)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    lo, hi = span.start, span.end
    lowers = token_table(doc).lowers
    for i in range(lo, hi):
        lower = lowers[i]
        if lower not in _HEDGE_TESTED:
            continue  # no test below holds for another word (and a Token costs more than this test)
        token = doc[i]
        if lower in HEDGE_CONTENT_WORDS and not _negated_noun(token) and _on_main_line(token, lo, hi):
            return True
        if lower in HEDGE_ADJECTIVES and token.dep_ == "amod" and _on_main_line(token, lo, hi, RELATIVE_DEPS):
            return True
        if lower in EXPECTATION_WORDS and _raising_expectation(token) and _on_main_line(token, lo, hi):
            return True
        if lower == "if" and token.i + 1 < hi and doc[token.i + 1].lower_ in ("confirmed", "true"):
            return True
    return False


def distanced(doc: Doc, start: int, end: int, quoted: Callable[[int], bool]) -> bool:
    """Whether the text distances itself from what it reports between [start, end) outside quotes:
    "allegedly", "purportedly", "in what he called", "with no evidence", "without offering evidence"."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    lowers = token_table(doc).lowers
    return any((lowers[i] in DISTANCING_WORDS or lowers[i] in _DISTANCE_TESTED
                and (_what_called(doc[i]) or _without_evidence(doc[i]))) and not quoted(doc[i].idx)
               for i in range(span.start, span.end))


def _negated_noun(token: Token) -> bool:
    """ "no immediate risk": a hedge noun that is denied hedges nothing."""
    return token.pos_ == "NOUN" and any(c.lower_ in ("no", "increasing") for c in token.children)


def _on_main_line(token: Token, lo: int, hi: int, side: frozenset[str] | None = None) -> bool:
    """The way up from ``token`` to the content's root passes through no side detail."""
    side = SIDE_DEPS if side is None else side
    current = token
    for _ in range(40):
        head = current.head
        if head.i == current.i or not lo <= head.i < hi:
            return True
        dep = current.dep_
        if dep in side or (dep == "conj" and current.pos_ in NOMINAL_POS and side is SIDE_DEPS):
            return False
        current = head
    return True


def _what_called(token: Token) -> bool:
    """ "in what he called a 'rebel massacre'": the outlet keeps its distance."""
    if token.lower_ not in CALLING_FORMS:
        return False
    return token.head.lower_ == "what" or any(c.lower_ == "what" for c in token.children)


def _without_evidence(token: Token) -> bool:
    """ "with no evidence to back their claims", "without offering evidence"."""
    if token.lower_ not in EVIDENCE_NOUNS:
        return False
    doc = token.doc
    before = {t.lower_ for t in doc[max(0, token.i - 3):token.i]}
    return "without" in before or ("no" in before and "with" in before)


def _raising_expectation(token: Token) -> bool:
    """ "is expected to ...": a passive "expected" with an infinitive."""
    return any(c.dep_ in ("xcomp",) for c in token.children) and any(
        c.dep_ in ("aux:pass", "auxpass", "cop") for c in token.children)


def perceived(cue_words: list[str]) -> bool:
    """First-hand perception given as the reporting verb ("saw", "had seen", "witnessed")."""
    return any(w in PERCEPTION_FORMS for w in cue_words)


def settle_certainty(certainty: str, content: tuple[int, int], cue: tuple[int, int], cue_lemma: str,
                     context: Context) -> str:
    """The certainty the cue gave, hedged by the content's own hedges or the text's distance (not when the
    source itself denies: "rejects claims that it was allegedly involved"), confirmed by a perception
    cue or evidence revealed."""
    if certainty in ("rumored", "hedged"):
        return certainty
    if cue_lemma not in lex.DENY_LEMMAS:
        sentence = context.sentences[context.sentence_of(min(content[0], cue[0]))]
        if content_hedged(context.doc, *content) or distanced(
                context.doc, sentence.start_char, sentence.end_char, lambda i: context.quote_at(i) is not None):
            return "hedged"
    cue_words = context.text[cue[0]:cue[1]].lower().split()
    if certainty == "stated" and (perceived(cue_words) or _evidence_revealed(cue_lemma, content, cue, context)):
        return "confirmed"
    return certainty


def _evidence_revealed(cue_lemma: str, content: tuple[int, int], cue: tuple[int, int], context: Context) -> bool:
    """ "revealed evidence showing ...", "presented conclusive evidence that ..."."""
    if cue_lemma not in EVIDENCE_VERBS:
        return False
    following = context.text[cue[0]:max(cue[1], content[0]) + 40].lower().split()[:5]
    return "evidence" in following


def author_certainty(root: Token, span: tuple[int, int], context: Context) -> str:
    """The certainty of the author's own sentence: rumour words, hedges on its proposition, or stated."""
    words = {t.lower_ for t in context.doc.char_span(*span, alignment_mode="expand") or ()}
    if words & lex.RUMOR_WORDS:
        return "rumored"
    if {c.lower_ for c in root.children if c.dep_ in ("advmod", "aux")} & lex.HEDGE_WORDS:
        return "hedged"
    if content_hedged(context.doc, *span) or distanced(context.doc, *span, lambda i: context.quote_at(i) is not None):
        return "hedged"
    return "stated"
