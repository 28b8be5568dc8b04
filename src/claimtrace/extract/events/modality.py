"""Negation and modality of an event trigger, read from the words that govern it.

- negated: "not"/"never" on the trigger or on the verb that governs it, "no"/"without" before an
  event noun ("there will be no Russian withdrawal");
- modality: ``threatened`` under threaten/warn; ``planned`` under intend/plan/aim/prepare/decide/
  agree/pledge/want/seek or "intentions to", or with "will"/"would"/"to be going to"; ``possible``
  under may/might/could or possible/likely; ``denied`` when negated, or under deny/reject/refute; else ``actual``.
``coded_as`` gives PLOVER's coding of the statement: an intended cooperative event is AGREE, an intended
or threatened hostile one THREATEN, a refused one REJECT.
Misses: negation scoped over a whole clause by a quantifier ("none of the troops"), irony, and
conditions ("if Russia withdraws").
"""

from __future__ import annotations

from spacy.tokens import Token

NEGATIONS = frozenset({"not", "n't", "never", "no", "without", "nor", "neither"})
PLANNING = frozenset({"intend", "intention", "plan", "aim", "prepare", "decide", "pledge", "promise", "want",
                      "seek", "vow", "expect", "propose", "offer", "agree", "consider", "hope", "schedule",
                      "ready", "willing", "prepared", "commit", "committed", "determined"})
REFUSING = frozenset({"refuse", "reject", "decline", "rule"})
COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
HOSTILE = frozenset({"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})
THREATENING = frozenset({"threaten", "threat", "warn", "ultimatum"})
POSSIBILITY = frozenset({"may", "might", "could", "possible", "possibly", "likely", "perhaps", "probably",
                         "can", "potential"})
DENYING = frozenset({"deny", "reject", "refute", "dismiss", "rule"})
FUTURE = frozenset({"will", "would", "shall", "'ll"})
GOVERNING_DEPS = frozenset({"xcomp", "ccomp", "acl", "obj", "obl", "nmod", "advcl", "acl:relcl", "nsubj", "csubj"})


def is_negated(trigger: Token) -> bool:
    if any(c.lower_ in NEGATIONS and c.dep_ in {"det", "advmod", "case"} for c in trigger.children):
        return True
    if trigger.pos_ != "VERB" and trigger.dep_ in {"nsubj", "obj"}:
        return any(c.lower_ in NEGATIONS and c.dep_ == "advmod" for c in trigger.head.children)
    return False


def governors(trigger: Token, depth: int = 3) -> list[Token]:
    """The trigger's chain of governing words (up to ``depth`` steps), nearest first."""
    chain: list[Token] = []
    token = trigger
    for _ in range(depth):
        if token.head.i == token.i or token.dep_ not in GOVERNING_DEPS | {"conj"}:
            break
        token = token.head
        chain.append(token)
    return chain


def modality(trigger: Token, *, negated: bool) -> str:
    if negated:
        return "denied"
    chain = governors(trigger)
    lemmas = [t.lemma_.lower() for t in chain]
    if any(lemma in DENYING for lemma in lemmas):
        return "denied"
    if any(lemma in THREATENING for lemma in lemmas):
        return "threatened"
    auxiliaries = {c.lower_ for t in [trigger, *chain[:1]] for c in t.children if c.dep_ in {"aux", "advmod"}}
    if auxiliaries & POSSIBILITY or any(lemma in POSSIBILITY for lemma in lemmas):
        return "possible"
    if any(lemma in PLANNING for lemma in lemmas) or auxiliaries & FUTURE or _going_to(trigger):
        return "planned"
    if trigger.pos_ != "VERB" and trigger.head.pos_ in {"VERB", "AUX"} and any(
        c.lower_ in FUTURE for c in trigger.head.children
    ):
        return "planned"
    return "actual"


def coded_as(category: str, trigger: Token, modality_value: str) -> str:
    """The PLOVER category of the statement: an intended or offered cooperative event is AGREE, an intended
    or threatened hostile one THREATEN, a refused one REJECT (CAMEO 03, 13, 12); else the event's category."""
    if any(t.lemma_.lower() in REFUSING for t in governors(trigger)[:2]):
        return "REJECT"
    if modality_value == "threatened" and category in HOSTILE | COOPERATIVE:
        return "THREATEN"
    if modality_value == "planned":
        if category in COOPERATIVE:
            return "AGREE"
        if category in HOSTILE:
            return "THREATEN"
    return category


def _going_to(trigger: Token) -> bool:
    head = trigger.head
    return trigger.dep_ == "xcomp" and head.lower_ == "going" and any(c.lemma_ == "be" for c in head.children)
