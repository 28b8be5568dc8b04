"""Qualities of an attribution: its form (direct, indirect, mixed, according_to), certainty and polarity.

Certainty comes from the cue and the modifiers of the cue and of the content's verb; polarity is the
cue's (deny, reject ...) xor a negated main predicate. Misses: negation or hedging deeper in the
content than its main predicate. Figures: docs/benchmarks_attribution.md, docs/benchmarks_claims.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Token

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.quotes import QUOTE_CHARS, ends_with_quote
from claimtrace.extract.attribution.spans import is_passive

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context, Draft


def assign_qualities(attribution: Draft, context: Context) -> None:
    """Form, certainty and polarity from the cue, its modifiers and the content."""
    if attribution.form == "indirect":  # verb cues; "according to" and colon cues keep theirs
        attribution.form = _form(attribution.content, context)
    attribution.certainty = _certainty(attribution)
    attribution.polarity = _polarity(attribution)


def _form(content: tuple[int, int], context: Context) -> str:
    text = context.text[content[0]:content[1]]
    if not any(q in text for q in QUOTE_CHARS):
        return "indirect"
    region = context.quote_at(content[0])
    if region is not None and region[0] == content[0] and region[1] >= content[1] - 1:
        return "direct"
    if region is not None and region[0] == content[0] and ends_with_quote(text.rstrip(".,;:!? ")):
        return "direct"
    return "mixed"


def _governors(token: Token | None) -> list[Token]:
    """The verbs a cue is the infinitive complement of ("rumored" in "are rumored to have reported")."""
    result = []
    while token is not None and token.head.i != token.i and (
        token.dep_ == "xcomp" or (token.dep_ in ("conj", "advcl") and _is_infinitive(token))
    ):
        token = token.head
        result.append(token)
    return result


def _is_infinitive(token: Token) -> bool:
    """ "to report", "to have reported", "to be reported" (however "to" is attached)."""
    doc = token.doc
    j = token.i - 1
    while j >= 0 and doc[j].lower_ in ("have", "be", "been", "having"):
        j -= 1
    return j >= 0 and doc[j].lower_ == "to"


def modifier_words(token: Token | None) -> set[str]:
    if token is None:
        return set()
    return {c.lower_ for c in token.children if c.dep_ in ("advmod", "aux", "aux:pass", "auxpass", "neg")}


def _certainty(a: Draft) -> str:
    governors = _governors(a.cue_root)
    lemmas = {a.cue_lemma} | {token_lemma(g) for g in governors}
    words = _without_inability(modifier_words(a.cue_root)) | modifier_words(a.content_root)
    for g in governors:
        words |= modifier_words(g) | {g.lower_}
    if a.cue_root is not None:
        words.add(a.cue_root.lower_)
    if lemmas & lex.RUMOR_LEMMAS or words & lex.RUMOR_WORDS:
        return "rumored"
    # "X is said to ...", "it was reported that ...": nobody stands behind the claim
    raising = a.impersonal and a.source is None and a.cue_lemma in lex.RAISING_LEMMAS
    if lemmas & lex.HEDGE_LEMMAS or words & lex.HEDGE_WORDS or raising or any(
        is_passive(g) and token_lemma(g) in lex.RAISING_LEMMAS for g in governors
    ):
        return "hedged"
    if lemmas & lex.CONFIRM_LEMMAS and not is_negated(a.cue_root) and not _unable(a.cue_root):
        return "confirmed"
    return "stated"


ABILITY_MODALS = lex.words("could can ca")


def _without_inability(words: set[str]) -> set[str]:
    """A cue's modifiers less a negated modal of ability: "could not independently verify" states what the
    speaker could not do, it hedges nothing."""
    return words - ABILITY_MODALS if words & lex.NEGATIONS else words


UNABLE_WORDS = lex.words("unable fail failed fails failing impossible")


def _unable(token: Token | None) -> bool:
    """ "was unable to corroborate", "failed to verify": a confirmation that did not happen."""
    return (token is not None and token.dep_ == "xcomp" and token.head.i != token.i
            and (token.head.lower_ in UNABLE_WORDS or token.head.lemma_.lower() in UNABLE_WORDS))


def token_lemma(token: Token) -> str:
    entry = lex.cue_lexicon().get(token.lower_)
    if entry is not None:
        return entry.lemma
    return token.lemma_.lower() if token.lemma_ else token.lower_


def _polarity(a: Draft) -> str:
    denies = a.cue_lemma in lex.DENY_LEMMAS
    if a.content_root is not None and is_negated(a.content_root):
        denies = not denies
    judged = _judged_clause(a.content_root)
    if judged is not None and is_negated(judged):
        denies = not denies  # "“We judge that the army was not responsible,” the report said"
    return "denies" if denies else "affirms"


# verbs of judgment whose clause is the proposition a content states ("We assess that ...")
JUDGMENT_LEMMAS = lex.words("judge assess believe think conclude find know estimate")


def _judged_clause(root: Token | None) -> Token | None:
    """The clause a content's verb of judgment governs ("we judge | that X was not responsible"), else None."""
    if root is None or root.pos_ != "VERB" or root.lemma_.lower() not in JUDGMENT_LEMMAS:
        return None
    return next((c for c in root.children if c.dep_ == "ccomp" and c.i > root.i), None)


def is_negated(token: Token | None) -> bool:
    """Whether a predicate is negated: "not", "never", or a "no"/"nothing" argument."""
    if token is None:
        return False
    if _negative_nominal(token):
        return True
    for child in token.children:
        if child.dep_ == "neg" or (child.dep_ in ("advmod", "neg") and child.lower_ in lex.NEGATIONS):
            return True
        if child.dep_ in ("nsubj", "nsubj:pass", "obj", "dobj", "attr", "nsubjpass") and _negative_nominal(child):
            return True
    return False


def _negative_nominal(token: Token) -> bool:
    if token.lower_ in lex.NEGATIVE_PRONOUNS:
        return True
    return token.pos_ in ("NOUN", "PROPN", "PRON", "NUM") and any(
        c.dep_ == "det" and c.lower_ == "no" for c in token.children
    )
