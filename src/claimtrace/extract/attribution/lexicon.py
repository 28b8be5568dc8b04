"""Word lists behind attribution: the learned cue lexicon, the hand-made kind lexicon and the hedge and denial lists.

The cue lexicon (``claimtrace/data/attribution/cues.json``) is learned from
PolNeAR train by ``training/attribution/learn_cues.py``: for each word form that
heads a gold cue, its lemma, counts and P(cue | form). ``SEED_CUES`` adds the
reporting verbs of conflict news that US political news rarely uses
("rumored", "stressing"). The kind lexicon (``claimtrace/data/attribution/kinds.json``)
holds every hand-made list behind the source kinds (head nouns, name words, known bodies),
read through :func:`kind_lexicon`. Everything is loaded once and kept as dicts and
frozensets so lookups cost a hash each.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from claimtrace.errors import ClaimtraceError

if TYPE_CHECKING:
    from spacy.tokens import Token


def words(text: str) -> frozenset[str]:
    """A set of the whitespace-separated words of ``text``."""
    return frozenset(text.split())


_NAME_WORD = re.compile(r"[^\s()\[\],;:“”\"]+")


def name_words(text: str) -> tuple[str, ...]:
    """The lower-case words of a name, for matching the kind lexicon ("Al-Shabaab's" -> ("al-shabaab",))."""
    words = (w.replace("’", "'") for w in _NAME_WORD.findall(text.lower()))
    return tuple(w.removesuffix("'s").rstrip(".") if w not in ("u.n.", "u.s.") else w for w in words)


@dataclass(frozen=True)
class KindLexicon:
    words: dict[str, frozenset[str]]  # a word list's name -> its words (head nouns, name words of a kind)
    bodies: dict[str, list[tuple[tuple[str, ...], str]]]  # first word -> (a name's words, its kind)
    international: dict[str, list[tuple[str, ...]]]  # first word -> word sequences that make a body international


def _by_first(phrases: list[tuple[tuple[str, ...], str]]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, kind in phrases:
        index.setdefault(phrase[0], []).append((phrase, kind))
    return index


@lru_cache(maxsize=1)
def kind_lexicon() -> KindLexicon:
    """The hand-made kind lexicon (``claimtrace/data/attribution/kinds.json``), indexed by first word."""
    try:
        raw = json.loads(resources.files("claimtrace").joinpath("data/attribution/kinds.json").read_text("utf-8"))
        bodies = _by_first([(name_words(name), kind) for kind, names in raw["bodies"].items() for name in names])
        international = _by_first([(name_words(name), "") for name in raw["international"]])
        lists = {name: words(text) for name, text in raw["words"].items()}
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise ClaimtraceError(f"the attribution kind lexicon cannot be read ({exc}); reinstall claimtrace") from exc
    return KindLexicon(lists, bodies, {first: [p for p, _ in entries] for first, entries in international.items()})


def kind_words(name: str) -> frozenset[str]:
    """One word list of the kind lexicon ("anonymous_heads", "office_heads"): every hand-made list behind the
    source kinds is data, read here."""
    try:
        return kind_lexicon().words[name]
    except KeyError as exc:
        raise ClaimtraceError(f"the attribution kind lexicon has no list {name!r}; reinstall claimtrace") from exc


def known_body(words: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    """(kind, matched words) of the longest known body name inside ``words`` ("the Rapid Support Forces"
    -> organization), else None."""
    bodies = kind_lexicon().bodies
    found = [(len(phrase), kind, phrase) for i, word in enumerate(words) for phrase, kind in bodies.get(word, ())
             if words[i:i + len(phrase)] == phrase]
    if not found:
        return None
    _, kind, phrase = max(found)
    return kind, phrase


def is_international(words: tuple[str, ...]) -> bool:
    """A name that makes a body international ("the UN human rights office", "International Criminal Court")."""
    international = kind_lexicon().international
    return any(words[i:i + len(phrase)] == phrase for i, word in enumerate(words)
               for phrase in international.get(word, ()))


@dataclass(frozen=True)
class CueEntry:
    lemma: str
    p: float  # P(the form heads an attribution cue) in PolNeAR train
    count: int


# Verbs that attribute in conflict news whatever their PolNeAR frequency.
SEED_CUES: dict[str, str] = {
    form: lemma
    for lemma, forms in {
        "say": "say says said saying",
        "tell": "tell tells told telling",
        "report": "report reports reported reporting",
        "confirm": "confirm confirms confirmed confirming",
        "deny": "deny denies denied denying",
        "claim": "claim claims claimed claiming",
        "allege": "allege alleges alleged alleging",
        "stress": "stress stresses stressed stressing",
        "emphasize": "emphasize emphasizes emphasized emphasizing emphasise emphasised emphasising",
        "warn": "warn warns warned warning",
        "announce": "announce announces announced announcing",
        "state": "states stated stating",
        "insist": "insist insists insisted insisting",
        "add": "adds added adding",
        "rumor": "rumored rumoured",
        "dismiss": "dismissed dismissing",
        "reject": "rejected rejecting",
        "refute": "refute refutes refuted refuting",
        "acknowledge": "acknowledged acknowledging",
        "admit": "admitted admitting",
        "accuse": "accused accusing",
        "quote": "quoted quoting",
        "disclose": "disclosed disclosing",
        "reveal": "revealed revealing",
        "estimate": "estimated",
        "assert": "asserted asserting",
        "declare": "declared declaring",
        "show": "show shows showed",
        "indicate": "indicate indicates indicated",
        "dispute": "dispute disputes disputed disputing",
        "condemn": "condemn condemns condemned condemning",
        "blame": "blame blames blamed blaming",
        "detect": "detected",
        "verify": "verified verify",
        "corroborate": "corroborate corroborated corroborates",
        "judge": "judges judged",  # intelligence findings: "has judged that", "assessed that", "concluded that"
        "assess": "assesses assessed",
        "conclude": "concludes concluded",
    }.items()
    for form in forms.split()
}

DENY_LEMMAS = words("deny dismiss reject refute rebut dispute contradict disavow debunk")
CONFIRM_LEMMAS = words("confirm verify acknowledge admit corroborate prove concede")
RUMOR_LEMMAS = words("rumor rumour speculate gossip")
RUMOR_WORDS = words("rumored rumoured rumor rumors rumour rumours purportedly unconfirmed unverified")
HEDGE_LEMMAS = words(
    "suggest believe think allege claim estimate expect appear seem hint suspect speculate"
)
HEDGE_WORDS = words(
    "reportedly allegedly apparently possibly perhaps probably likely may might could "
    "supposedly seemingly presumably"
)
# Passive participles that make "X is said to ..." an impersonal, hedged attribution.
RAISING_FORMS = words("said reported rumored rumoured believed thought alleged understood expected claimed")
# Passive verbs that make "X is said to ..." an impersonal, hedged attribution.
RAISING_LEMMAS = words(
    "say report rumor rumour believe think expect allege suppose understand know claim consider"
)
# "said on Sunday": a preposition heading a time expression is not part of the cue
TIME_NOUNS = words(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december day week month year morning afternoon evening night weekend"
)
# "a group called X", "the program, known as Y": participles that name, not cue a claim
NAMING_LEMMAS = words("call name dub know title label brand nickname")
NEGATIONS = words("not n't never no")
NEGATIVE_PRONOUNS = words("nothing nobody none neither")

PERSON_PRONOUNS = words("he she him her i we you me us")
PLURAL_PRONOUNS = words("they them")
THING_PRONOUNS = words("it this that which these those")

ANONYMOUS_HEADS = kind_words("anonymous_heads")
WITNESS_HEADS = kind_words("witness_heads")
MEDIA_HEADS = kind_words("media_heads")
# Names that are outlets whatever the NER label ("Al Jazeera" tagged PER is still media).
OUTLET_NAMES = kind_words("outlet_names")
MEDIA_NAME_WORDS = kind_words("media_name_words")
DOCUMENT_HEADS = kind_words("document_heads")
GOVERNMENT_HEADS = kind_words("government_heads")
SPOKESPERSON_HEADS = kind_words("spokesperson_heads")
ORGANIZATION_HEADS = kind_words("organization_heads")
# Nouns that denote people (roles, jobs, groups of people): a source with such a head and no
# name is a person; any other unknown common noun ("activity", "the economy") is no speaker.
PERSON_HEADS = kind_words("person_heads")
# Verbs of aspect and plain events: "X has continued ...", "X began ..." report no speech, so a
# learned cue headed by one makes no claim unless its content is quoted ("he continued, “...”").
ASPECT_LEMMAS = words(
    "continue begin start stop keep remain resume finish end cease happen occur become"
)
GOVERNMENT_NAME_WORDS = kind_words("government_name_words")

# verbs that report through their object noun: "gave conflicting accounts of", "has published images of",
# "provided inconsistent statements", "have released death tolls", "sheds doubt on", "presented evidence"
LIGHT_VERB_FORMS = words(
    "give gives gave given giving provide provides provided providing present presents presented presenting "
    "publish publishes published publishing release releases released releasing issue issues issued issuing "
    "post posts posted posting offer offers offered offering shed sheds shedding cast casts casting "
    "change changes changed changing trade trades traded trading put puts putting"
)
# nouns of a claim that take the claim as a "that" clause: "reports that the fire was started by a shell",
# "Portuguese claims that a cable caused the fire", "Spain's assertion that ..."
CLAIM_NOUN_FORMS = words(
    "report reports claim claims allegation allegations assertion assertions accusation accusations suggestion "
    "suggestions insistence"
)

REPORTED_NOUNS = words(
    "account accounts statement statements story stories version versions claim claims allegation allegations "
    "accusation accusations assessment assessments estimate estimates figure figures toll tolls number numbers "
    "report reports theory theories evidence doubt doubts explanation explanations details testimony images "
    "image photos photographs footage video videos data findings disclaimer warning warnings denial denials"
)


def reports_through_object(verb: Token, thing: Token | None) -> bool:
    """A light verb with a reported thing as its content ("gave conflicting accounts", "released death tolls")."""
    return thing is not None and verb.lower_ in LIGHT_VERB_FORMS and thing.lower_ in REPORTED_NOUNS


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, CueEntry]:
    """The learned cue lexicon, form (lower case) -> entry, with the seed cues added."""
    try:
        raw = resources.files("claimtrace").joinpath("data/attribution/cues.json").read_text("utf-8")
        learned = json.loads(raw)["cues"]
    except (OSError, ValueError, KeyError) as exc:
        raise ClaimtraceError(f"the attribution cue lexicon cannot be read ({exc}); reinstall claimtrace") from exc
    lexicon = {
        form: CueEntry(entry["lemma"], float(entry["p"]), int(entry["cue"])) for form, entry in learned.items()
    }
    for form, lemma in SEED_CUES.items():
        known = lexicon.get(form)
        lexicon[form] = CueEntry(lemma, max(known.p if known else 0.0, 1.0), known.count if known else 0)
    return lexicon


def is_naming_participle(token: Token) -> bool:
    """A past participle modifying a noun that gives it a name ("a group called X"); the tagger
    sometimes calls the participle a past tense (VBD) while the parser hangs it on the noun."""
    return token.dep_ == "acl" and token.tag_ in ("VBN", "VBD") and token.lemma_.lower() in NAMING_LEMMAS
