"""The author's own claims: declarative sentences no attribution covers.

Left out: questions, lines without final punctuation (datelines, captions) except a headline among the
first lines, sentences without a verb that has a subject (a headline needs only a verb: headlines drop
the subject's auxiliary, "40 killed in strike on market"), and prescriptive opinion ("should", "must", a
first or second person subject). Missed: title-case headlines the sentence splitter cuts into pieces.
Figures: docs/benchmarks_claims.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy
from spacy.tokens import Span as SpacySpan

from claimtrace.extract.attribution.certainty import author_certainty
from claimtrace.extract.attribution.qualities import is_negated
from claimtrace.extract.attribution.spans import overlap_test, trim
from claimtrace.model import Claim, Source, Span

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context, Draft


PRESCRIPTIVE = frozenset({"should", "must", "ought"})


FIRST_SECOND_PERSON = frozenset({"i", "we", "you"})


def author_claims(found: Iterable[Draft], context: Context) -> list[Claim]:
    taken = overlap_test([span for a in found for span in (a.cue, a.content, a.source) if span], len(context.text))
    claims = []
    for index, sent in enumerate(context.sentences):
        if taken((sent.start_char, sent.end_char)) or not _is_statement(sent, context):
            continue
        trimmed = trim(sent.doc, sent.start, sent.end)
        if trimmed is None:
            continue
        root = sent.root
        claims.append(
            Claim(
                content=Span(context.text[trimmed[0]:trimmed[1]], *trimmed),
                source=Source("", sent.start_char, sent.start_char, kind="author", canonical=None),
                cue=None,
                form="author",
                certainty=author_certainty(root, trimmed, context),
                polarity="denies" if is_negated(root) else "affirms",
                sentence=index,
            )
        )
    return claims


HEADLINE_LINES = 2  # a headline or standfirst opens the text
HEADLINE_WORDS = 4
HEADLINE_REACH = 1000  # characters: a headline is near the top


def _headline(sent: SpacySpan, text: str, context: Context) -> bool:
    """A headline: one of the first lines of the text, a line of its own, of a few words or more ("Dam
    Destroyed by Blast, Officials Fear Floods"); the outlet's own voice like any statement."""
    after = context.text[sent.start_char + len(text):sent.start_char + len(text) + 1]
    if after not in ("\n", "") or len(text.split()) < HEADLINE_WORDS:
        return False
    if sent.start_char > HEADLINE_REACH:
        return False
    before = context.text[:sent.start_char]
    if before and not before.endswith("\n"):
        return False
    return sum(1 for line in before.splitlines() if line.strip()) < HEADLINE_LINES


def _is_statement(sent: SpacySpan, context: Context) -> bool:
    """A declarative sentence: final punctuation, a verb with a subject, no question or prescription."""
    text = context.text[sent.start_char:sent.end_char].rstrip()
    if not text or text.rstrip("\"”'’").endswith("?"):
        return False
    headline = text[-1] not in ".!\"”'’)"
    if headline and not _headline(sent, text, context):
        return False
    subjects = numpy.flatnonzero(context.subjects[sent.start:sent.end])
    if not len(subjects):
        return headline and _headline_verb(sent)
    doc = sent.doc
    for offset in subjects.tolist():
        subject = doc[sent.start + offset]
        if subject.lower_ in FIRST_SECOND_PERSON and context.quote_at(subject.idx) is None:
            return False
        if any(c.lower_ in PRESCRIPTIVE for c in subject.head.children if c.dep_ == "aux"):
            return False
    return True


def _headline_verb(sent: SpacySpan) -> bool:
    """A headline's passive participle with no subject: heading the line ("40 killed in strike on market",
    which the tagger may call an adjective) or hung on the noun it tells of ("Scores killed in strike",
    "Blast Caused by Rocket"); not a caption made of nouns ("Photo by X")."""
    root = sent.root
    if root.pos_ == "VERB" and root.tag_ in ("VBN", "VBD", "JJ"):
        return True
    return root.pos_ in ("NOUN", "PROPN") and any(
        c.dep_ == "acl" and c.pos_ == "VERB" and c.tag_ in ("VBN", "VBD") for c in root.children)
