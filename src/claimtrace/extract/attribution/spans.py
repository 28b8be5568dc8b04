"""Token and character spans: subtrees, trimming, phrase edges, overlaps, and the dependency tests spans rely on.

Everything here reads the dependency parse; a wrong parse gives a wrong span (a few misparses are
repaired by the callers). Figures: docs/benchmarks_attribution.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy
from spacy.tokens import Doc, Token

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.quotes import CLOSING_QUOTES, QUOTE_CHARS, STRAIGHT_QUOTE

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context


SUBJECTS = frozenset({"nsubj", "nsubj:pass", "csubj", "nsubjpass"})


PROMPTS = frozenset({"prompts", "prompting"})


PUNCT_TRIM = frozenset(",.;:—–-!?()[]")


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("aux:pass", "auxpass", "nsubj:pass", "nsubjpass") for c in verb.children)


def by_agent(verb: Token) -> Token | None:
    """The agent of a passive or participle ("denied by X", "announced by the ministry"): an agent dependent or
    an oblique with "by"."""
    return next((c for c in verb.children if c.dep_ in ("obl:agent", "agent") or (c.dep_ == "obl" and any(
        g.lower_ == "by" and g.dep_ == "case" for g in c.children))), None)


def is_posed(verb: Token) -> bool:
    """A cue after its content, set off by a comma or a closing quote ("...,” he said")."""
    doc = verb.doc
    j = verb.i - 1
    while j >= 0 and j >= verb.left_edge.i and doc[j].pos_ in ("PROPN", "NOUN", "PRON", "DET", "ADJ", "ADV"):
        j -= 1
    stray = stray_conjunct(doc[j]) if j >= 0 else None
    if stray is not None:  # "..., residents and a security source said"
        j = stray.left_edge.i if doc[stray.left_edge.i].is_punct else stray.left_edge.i - 1
    return j >= 0 and (doc[j].text in (",", "''", STRAIGHT_QUOTE) or doc[j].text in CLOSING_QUOTES)


def is_pronoun(token: Token) -> bool:
    return token.pos_ == "PRON" or token.lower_ in lex.THING_PRONOUNS


def subtree_span(head: Token, exclude: Token | None = None) -> tuple[int, int] | None:
    """Char span of ``head``'s subtree without ``exclude``'s subtree.

    When ``exclude`` sits inside (a cue between two parts of a quote), the
    longer part is kept; the other quoted part is picked up as its own claim. A
    part after the cue that opens with a conjunction ("..., the air force said,
    while Russia claimed ...") is the article going on, not more of the content.
    """
    start, end = head.left_edge.i, head.right_edge.i + 1
    if exclude is not None and exclude.i != head.i:
        ex_start, ex_end = exclude.left_edge.i, exclude.right_edge.i + 1
        if ex_start <= start < ex_end:
            start = ex_end
        elif ex_start < end <= ex_end:
            end = ex_start
        elif start < ex_start and ex_end < end:
            before = trim(head.doc, start, ex_start)
            after = trim(head.doc, ex_end, end)
            if before is None or after is None:
                return before or after
            if _opens_clause(head.doc, ex_end):
                return before
            return before if before[1] - before[0] >= after[1] - after[0] else after
    return trim(head.doc, start, end)


def _opens_clause(doc: Doc, i: int) -> bool:
    """Whether the words from token ``i`` on start with a conjunction ("while", "but", "as")."""
    while i < len(doc) and (doc[i].is_punct or doc[i].is_space):
        i += 1
    return i < len(doc) and doc[i].dep_ in ("mark", "cc") and doc[i].text not in QUOTE_CHARS


def trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Char span of tokens [start, end) without edge punctuation and leading conjunctions.

    Quotation marks stay, and so does punctuation right before a closing mark.
    """
    while start < end and (_edge_punct(doc[start]) or doc[start].dep_ == "cc" or doc[start].lower_ in PROMPTS):
        start += 1
    while end > start and _edge_punct(doc[end - 1]) and not _closes_bracket(doc, start, end - 1):
        end -= 1
    if start >= end:
        return None
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1])


# singular role nouns that stand as a title right before a name ("Kestrel spokesman Ivo Brandt")
TITLE_NOUNS = frozenset(w for w in lex.PERSON_HEADS | lex.SPOKESPERSON_HEADS if not w.endswith("s")) | lex.words(
    "mayor governor president minister premier chancellor secretary ambassador envoy prosecutor commissioner "
    "general spokesman economist")


def _with_title(doc: Doc, start: int, head: Token) -> int:
    """A name's title the parser cut off, often by a sentence break ("Ruiz spokesman | Jan Kowal says"): the
    role noun right before the name and the words that modify it ("Kestrel chief economist Ivo Brandt")."""
    if start == 0 or doc[start].pos_ != "PROPN" or (head.ent_type_ != "PER" and head.pos_ != "PROPN"):
        return start
    title = doc[start - 1]
    if (title.lower_ not in TITLE_NOUNS or title.pos_ not in ("NOUN", "PROPN") or title.whitespace_ == ""
            or title.head.i >= start):
        return start
    first = start - 1
    while first > 0 and doc[first - 1].pos_ in ("PROPN", "ADJ", "NOUN") and doc[first - 1].whitespace_:
        first -= 1
    return first


def _closes_bracket(doc: Doc, start: int, i: int) -> bool:
    """ ")" that closes a "(" opened after ``start`` and after the phrase's first word ("Rep. Ana Ruiz (D-Ore.)",
    "the Office of Naval Intelligence (ONI)"): part of the phrase."""
    pairs = {")": "(", "]": "["}
    opener = pairs.get(doc[i].text)
    if opener is None:
        return False
    depth = 0
    for j in range(i - 1, start, -1):
        token = doc[j]
        if token.text == doc[i].text:
            depth += 1
        elif token.text == opener:
            if depth == 0:
                return True
            depth -= 1
    return False


def _edge_punct(token: Token) -> bool:
    return token.is_space or token.text in PUNCT_TRIM or (token.is_punct and token.text not in QUOTE_CHARS)


def widen_to_quotes(span: tuple[int, int] | None, context: Context) -> tuple[int, int] | None:
    """Widen a content that starts or ends inside a quotation to the whole quotation."""
    if span is None:
        return None
    start, end = span
    first = context.quote_at(start)
    if first is not None:
        start = first[0]
    last = context.quote_at(end - 1)
    if last is not None:
        end = max(end, last[1])
    return start, end


def stray_conjunct(cc: Token) -> Token | None:
    """The noun before the coordinating conjunction ``cc`` when the parser made it a conjunct
    of an earlier word instead of coordinating it with ``cc``'s head."""
    if cc.dep_ != "cc" or cc.i == 0 or cc.head.i < cc.i:
        return None
    first = cc.doc[cc.i - 1]
    if first.dep_ != "conj" or first.pos_ not in ("NOUN", "PROPN") or first.head.i >= first.i:
        return None
    return first


def subject_of(verb: Token) -> Token | None:
    """The verb's subject; of two before it, the nearer: in "The strikes, the official said, hit
    ..." the parser gives "said" both, and the first is the subject of the reported clause; in "CITY (Agency) -
    The ministry said" the first is a dateline."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS and not c.is_space]
    before = [c for c in subjects if c.i < verb.i]
    if len(before) > 1 and any(t.text in (",", "-", "–", "—") for t in verb.doc[before[-2].i + 1:before[-1].left_edge.i]):
        # (a dash: "CITY (Agency) - The ministry said ...", a dateline the parser took for a subject)
        return before[-1]
    return next(iter(subjects), None)


def phrase_span(token: Token, skip_case: bool = False) -> tuple[int, int] | None:
    start = token.left_edge.i
    if skip_case:
        while start < token.i and token.doc[start].dep_ == "case":
            start += 1
    return clean_source(token, start, token.right_edge.i + 1)


SOURCE_LEAD_POS = frozenset({"ADP", "SCONJ", "CCONJ", "ADV", "PUNCT", "SPACE", "VERB", "AUX"})


NAME_POS = frozenset({"PROPN"})


def clean_source(head: Token, start: int, end: int) -> tuple[int, int] | None:
    """A source phrase without leading "when"/"with"/"to", trailing prepositions, and with
    the whole name when the parser split it ("Lindsay | Lohan", "Mr. | de Vos")."""
    doc = head.doc
    while start < head.i and doc[start].pos_ in SOURCE_LEAD_POS and not (
            doc[start].dep_ == "amod" and start < doc[start].head.i < end):  # "Retired Gen. Ana Ruiz"
        start += 1
    while (end - 1 > head.i and doc[end - 1].pos_ in ("ADP", "SCONJ", "CCONJ", "PUNCT", "SPACE")
           and not _closes_bracket(doc, start, end - 1)):
        end -= 1
    end = _before_circumstance(doc, head, end)
    if head.ent_type_:
        ent_start, ent_end = head.i, head.i + 1
        while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
            ent_start -= 1
        while ent_end < len(doc) and doc[ent_end].ent_iob_ == "I":
            ent_end += 1
        start, end = min(start, ent_start), max(end, ent_end)
    start = _with_title(doc, start, head)
    while start > 0 and not doc[start - 1].is_space and not doc[start].is_sent_start:
        before = doc[start - 1]
        if before.pos_ == "PROPN" and doc[start].pos_ in NAME_POS:
            start -= 1
        elif (before.text in ("-", "‑") and start >= 2 and doc[start - 2].pos_ == "PROPN" and not before.whitespace_
              and not doc[start - 2].whitespace_ and doc[start].pos_ in NAME_POS):
            start -= 2  # "Holtz-Kowal": a hyphenated name the tokenizer split
        elif before.pos_ in ("ADJ", "NUM", "NOUN", "PROPN", "DET") and start <= before.head.i < end:
            start -= 1
            if before.pos_ == "DET":
                break
        else:
            break
    return trim(doc, start, end)


# when and how a speaker spoke, which a misparse hangs on the source ("Jan Kowal on Wednesday said", "the
# council in a statement")
TIME_NOUNS = (lex.TIME_NOUNS - {"may"}) | lex.words("today yesterday tonight weeks months years days")  # ("may": a modal)
OCCASION_NOUNS = lex.words(
    "statement statements interview interviews speech letter post briefing conference gaggle hearing call "
    "remarks appearance tweet broadcast"
)
TIME_DETERMINERS = lex.words("this last next earlier later")


def _of_participle(noun: Token, head: Token) -> bool:
    """ "a report released last year": the time belongs to a participle that describes the source."""
    return noun.head.tag_ in ("VBN", "VBG") and noun.head.i > head.i


def _before_circumstance(doc: Doc, head: Token, end: int) -> int:
    """The end of a source phrase before a time or occasion after its head ("Jan Kowal on Wednesday",
    "the council in a statement", "Ana Ruiz, at a press briefing", "prosecutors this month")."""
    for i in range(head.i + 1, end):
        token = doc[i]
        if token.ent_type_ == "PER" or token.i + 1 >= end:
            continue
        after = doc[i + 1]
        if token.text == "," and after.tag_ == "VBG" and after.lower_ not in ("including", "according"):
            return i  # "Ana Ruiz, speaking to a veterans group": what she was doing, not who she is
        if token.pos_ == "ADP" and token.i < token.head.i < end:
            noun = token.head
            if ((noun.lower_ in TIME_NOUNS and noun.ent_type_ != "PER") or noun.lower_ in OCCASION_NOUNS) and not (
                    _of_participle(noun, head)):
                return i - 1 if doc[i - 1].text == "," else i
        if (token.lower_ in TIME_DETERMINERS and after.lower_ in TIME_NOUNS and token.i > head.i
                and not _of_participle(after, head)):
            return i - 1 if doc[i - 1].text == "," else i
    return end


def past_apposition(doc: Doc, start: int, end: int, limit: int) -> int:
    """The end of a source phrase [start, end) grown over an apposition set off by commas that the
    parser hangs on it ("the Institute for the Study of War, a US-based think tank, ..."), if any."""
    if end >= limit or doc[end].text != ",":
        return end
    stop = end + 1
    while stop < limit and doc[stop].text not in (",", ";", "—", "–"):
        stop += 1
    words = doc[end + 1:stop]
    if not len(words) or stop >= limit - 3 or doc[stop].text != "," or len(words) > 8:
        return end
    if words[0].pos_ != "DET" or any(t.pos_ in ("VERB", "AUX") and t.tag_ not in ("VBN", "VBG") for t in words):
        return end
    root = next((t for t in words if not (end < t.head.i < stop)), None)
    first = next((t for t in words if t.pos_ in ("NOUN", "PROPN") and t.dep_ not in ("compound", "flat")), None)
    if root is None or first is None or not _names_a_speaker(first):
        return end
    if start <= root.head.i < end:
        return stop
    # or the parser hung it beside the source (both obliques of one verb), or made it a second
    # subject of the verb whose own subject follows
    source = next((t for t in doc[start:end] if not (start <= t.head.i < end)), None)
    if source is not None and (source.head.i, source.dep_) == (root.head.i, root.dep_):
        return stop
    subjects = [t for t in root.head.children if t.dep_.startswith("nsubj") and t.i > stop]
    return stop if root.dep_.startswith("nsubj") and subjects else end


SPEAKER_NOUNS = (lex.PERSON_HEADS | lex.ORGANIZATION_HEADS | lex.GOVERNMENT_HEADS | lex.MEDIA_HEADS
                 | lex.ANONYMOUS_HEADS | lex.DOCUMENT_HEADS | lex.WITNESS_HEADS | lex.words("tank body institution"))


def _names_a_speaker(root: Token) -> bool:
    """An apposition that can describe a speaker ("a US-based think tank", "the head of the agency"), not a
    thing the sentence goes on about ("According to X, a misguided missile by the group, ...")."""
    return root.pos_ == "PROPN" or root.lower_ in SPEAKER_NOUNS


def root_within(doc: Doc, span: tuple[int, int]) -> Token | None:
    """The token of a char span whose head lies outside it (the span's syntactic root)."""
    words = doc.char_span(span[0], span[1], alignment_mode="expand")
    if words is None:
        return None
    return next((t for t in words if not (words.start <= t.head.i < words.end) or t.head.i == t.i), None)


def phrase_head(noun: Token, start: int, end: int) -> Token:
    """The highest token of [start, end) above ``noun`` (the head of "the facts and exclusive sources")."""
    while start <= noun.head.i < end and noun.head.i != noun.i:
        noun = noun.head
    return noun


def token_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token indices [i, j) of the tokens that start within the char range."""
    words = doc.char_span(start, end, alignment_mode="contract")
    if words is None:
        words = doc.char_span(start, end, alignment_mode="expand")
    return (words.start, words.end) if words is not None else (0, 0)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def overlap_test(spans: list[tuple[int, int]], length: int) -> Callable[[tuple[int, int]], bool]:
    """Whether a span overlaps any of ``spans`` (as :func:`overlaps` says), in two lookups per call
    instead of a pass over every span: prefix sums of the characters they cover. Empty spans cover
    no character and are checked one by one."""
    covered = numpy.zeros(length + 1, dtype=numpy.int32)
    empty = []
    for start, end in spans:
        if start < end:
            covered[start:end] = 1
        else:
            empty.append((start, end))
    sums = numpy.concatenate([[0], numpy.cumsum(covered)])

    def overlaps(span: tuple[int, int]) -> bool:
        start, end = max(0, span[0]), min(span[1], length + 1)
        return bool(start < end and sums[end] > sums[start]) or any(overlaps(span, e) for e in empty)

    return overlaps
