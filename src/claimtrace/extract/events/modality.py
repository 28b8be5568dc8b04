"""Negation and modality of an event trigger, read from the words that govern it.

- negated: "not"/"never" on the trigger or on the verb that governs it, "no"/"without" before an
  event noun ("there will be no Russian withdrawal");
- modality: ``threatened`` under threaten/warn; ``planned`` under intend/plan/aim/prepare/decide/
  agree/pledge/want/seek or "intentions to", or with "will"/"would"/"to be going to"; ``possible``
  under may/might/could or possible/likely; ``denied`` when negated, or under deny/reject/refute; else ``actual``.
``coded_as`` gives PLOVER's coding of the statement: an intended cooperative event is AGREE, an intended
or threatened hostile one THREATEN, a refused one REJECT ("will not accept" too), one its subject "must" do a REQUEST (of that subject).
Misses: negation scoped over a whole clause by a quantifier ("none of the troops"), irony, and
conditions ("if Russia withdraws").
"""

from __future__ import annotations

from spacy.tokens import Token

from claimtrace.extract.events.coder import COMMISSIVE_VERBS, PROMISING_VERBS, complements, doc_tables

NEGATIONS = frozenset({"not", "n't", "never", "no", "without", "nor", "neither"})
PLANNING = frozenset({"intend", "intention", "plan", "aim", "prepare", "decide", "pledge", "promise", "want",
                      "seek", "vow", "swear", "expect", "propose", "offer", "agree", "consider", "hope", "schedule",
                      "ready", "willing", "prepared", "commit", "committed", "determined"})
REFUSING = frozenset({"refuse", "reject", "decline", "rule"})
COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
HOSTILE = frozenset({"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})
THREATENING = frozenset({"threaten", "threat", "warn", "ultimatum"})
POSSIBILITY = frozenset({"may", "might", "could", "possible", "possibly", "likely", "perhaps", "probably",
                         "can", "potential"})
DENYING = frozenset({"deny", "reject", "refute", "dismiss", "rule"})
FUTURE = frozenset({"will", "would", "shall", "'ll"})
OBLIGATION = frozenset({"must", "ought"})  # "Y must withdraw": what someone requires of Y (PLOVER REQUEST)
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


def obligation_clause(trigger: Token) -> Token | None:
    """The clause head carrying "must"/"ought to" over the trigger ("Sudan must return ...", "the US must be ready
    to mediate", "must reach an agreement"), when that clause has a subject (whom the obligation binds)."""
    tables = doc_tables(trigger.doc)
    start, end = tables.starts[trigger.i], tables.ends[trigger.i]
    if not any(w in OBLIGATION for w in tables.words[start:end]):
        return None  # most sentences have no "must": no walk
    token = trigger
    for _ in range(3):
        if any(c.dep_ == "aux" and c.lower_ in OBLIGATION for c in token.children):
            return token if any(c.dep_ in {"nsubj", "nsubj:pass"} for c in token.children) else None
        if token.head.i == token.i or not (token.dep_ == "xcomp" or token.dep_ == "obj" and token.pos_ == "NOUN"):
            return None
        token = token.head
    return None


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
    if (any(lemma in PLANNING for lemma in lemmas) or auxiliaries & FUTURE or _going_to(trigger)
            or obligation_clause(trigger) is not None):
        return "planned"
    if trigger.pos_ != "VERB" and trigger.head.pos_ in {"VERB", "AUX"} and any(
        c.lower_ in FUTURE for c in trigger.head.children
    ):
        return "planned"
    return "actual"


def coded_as(category: str, trigger: Token, modality_value: str) -> str:
    """The PLOVER category of the statement, the first that holds: a refused event ("refused to withdraw"),
    a refusal or promise that is the trigger, or a cooperative one announced as not to be ("will not accept")
    REJECT or AGREE; one its subject "must" do REQUEST; a threatened event, or a prospective one under
    "unless" (a hostile act or a cut under "if"), THREATEN; an intended cooperative event AGREE, an intended
    hostile one THREATEN (CAMEO 12, 03, 10, 13); else the event's category. ``find_events`` puts REQUEST first
    (a codebook rule, :func:`obligation_clause`); this order is what the typer's features were trained on."""
    if any(t.lemma_.lower() in REFUSING for t in governors(trigger)[:2]):
        return "REJECT"
    commitment = _commitment(trigger)
    if commitment:
        return commitment  # "agreed to share information" (the sharing codes nothing): AGREE (CAMEO 03)
    if category in COOPERATIVE and _will_not(trigger):
        return "REJECT"  # "it will not accept more refugees": a refusal (CAMEO 12), not a denied acceptance
    if obligation_clause(trigger) is not None:
        return "REQUEST"  # "Y must return the helicopter": a demand on Y (CAMEO 10), not Y's return
    if modality_value == "threatened" and category in HOSTILE | COOPERATIVE:
        return "THREATEN"
    if modality_value in {"planned", "possible"} and _conditional_threat(trigger, category):
        return "THREATEN"  # "will boycott the vote unless ...", "may halt aid if ...": a conditional threat
    if modality_value == "planned":
        if category in COOPERATIVE:
            return "AGREE"
        if category in HOSTILE:
            return "THREATEN"
    return category


def _commitment(trigger: Token) -> str | None:
    """A promise or a refusal with a complement, as a trigger: AGREE or REJECT. (The coder makes it the trigger
    only when what it frames codes nothing, :func:`claimtrace.extract.events.coder.candidate_verbs`.)"""
    lemma = trigger.lemma_.lower()
    if lemma not in COMMISSIVE_VERBS:
        return None
    if not complements(trigger):  # the same complements the coder read it as framing
        return None
    return "AGREE" if lemma in PROMISING_VERBS else "REJECT"


HALTING = frozenset({"halt", "suspend", "stop", "cut", "end", "freeze", "break", "withdraw", "cancel", "reduce"})


def _conditional_threat(trigger: Token, category: str) -> bool:
    """A prospective act under a condition on someone else: any under "unless", a hostile act or a cut
    (halting aid or talks) under "if"."""
    heads = [trigger, trigger.head] if trigger.dep_ in {"ccomp", "xcomp"} else [trigger]  # "said it will X unless"
    for clause in (c for h in heads for c in h.children):
        if clause.dep_ not in {"advcl", "obl"}:  # the parser takes "if cooperation founders" for an oblique too
            continue
        marks = {c.lower_ for c in clause.children if c.dep_ == "mark"}
        if "unless" in marks or "if" in marks and (category in HOSTILE or trigger.lemma_.lower() in HALTING):
            return True
    return False


def _will_not(trigger: Token) -> bool:
    """ "will not / would not / won't / cannot" + the trigger: an announced refusal."""
    children = [c.lower_ for c in trigger.children if c.dep_ in {"aux", "advmod"}]
    return any(c in FUTURE or c in {"wo", "ca", "can", "cannot"} for c in children) and any(
        c in {"not", "n't", "never"} for c in children)


def _going_to(trigger: Token) -> bool:
    head = trigger.head
    return trigger.dep_ == "xcomp" and head.lower_ == "going" and any(c.lemma_ == "be" for c in head.children)
