"""Claim matching: do two stored claims state the same proposition (whatever their polarity)?

Finds a match from a normalized form of each claim (predicate class, content lemmas, quantities,
polarity, modality, entities, places, time) together with the embedding similarity of their
polarity-neutral text (by the claim encoder, the static MiniLM imitation unless
``$CLAIMTRACE_CLAIM_ENCODER=minilm``; cosines mapped onto MiniLM's scale either way). The score is 0.45 x embedding similarity + 0.10 x word overlap + 0.30 x
frame (the same kind of event, e.g. withdraw/leave/pull out, about shared actors or places) + 0.15 x
entity/place overlap. Negation words are removed before embedding and the extracted polarity is not
part of the score, so a denial of X scores exactly like X: a match is what can then corroborate or
contradict. Numbers are left out of the word comparison ("20 killed" matches "35 killed"), and time
is left out altogether (relations judge time).

Misses: paraphrases with different verbs outside the predicate classes and a low embedding cosine;
predicates come from a verb lexicon and suffix rules, not the parser, so rare verbs fall back to
the first "-ed" word; antonyms ("arrived" vs "left") do not match.
Measured: no gold claim-matching corpus is available, so there is no score. The threshold was set
on self-written pairs (tests/test_matching.py, tests/test_relations.py) and on the example article
against a self-written later report.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimtrace.model import PartialDate, first_day
from claimtrace.store.records import ClaimRecord

MATCH_THRESHOLD = 0.42


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EMBEDDING_FLOOR = 0.35  # MiniLM cosine of unrelated news sentences sits around 0.0-0.3

NEGATION_WORDS = _words("no not never n't none nothing nobody neither nor without")
MODAL_WORDS = {
    "may": "possible",
    "might": "possible",
    "could": "possible",
    "possibly": "possible",
    "perhaps": "possible",
    "reportedly": "reported",
    "allegedly": "reported",
    "will": "future",
    "would": "conditional",
    "should": "obligation",
    "must": "obligation",
    "intend": "intention",
    "intends": "intention",
    "plan": "intention",
    "plans": "intention",
    "planning": "intention",
}
_STOP = _words(
    "a an the of to in on at for from by with and or but as is are was were be been being has have had do "
    "does did that this these those it its their there they he she his her we our you your which who whom "
    "whose what when where while than then also into over under about after before during since until "
    "any such some more most other same so very just only"
)
_IRREGULAR = {
    "left": "leave",
    "leaves": "leave",
    "leaving": "leave",
    "killed": "kill",
    "kills": "kill",
    "dead": "die",
    "died": "die",
    "dies": "die",
    "begun": "begin",
    "began": "begin",
    "fled": "flee",
    "shot": "shoot",
    "struck": "strike",
    "hit": "hit",
    "held": "hold",
    "met": "meet",
    "said": "say",
    "says": "say",
    "told": "tell",
    "took": "take",
    "taken": "take",
    "made": "make",
    "sent": "send",
    "brought": "bring",
    "fought": "fight",
    "seized": "seize",
    "withdrew": "withdraw",
    "withdrawn": "withdraw",
    "withdrawal": "withdraw",
    "retreated": "retreat",
    "wounded": "wound",
    "injured": "injure",
    "people": "people",
    "forces": "force",
    "troops": "troop",
    "was": "be",
    "were": "be",
    "is": "be",
    "are": "be",
    "been": "be",
    "has": "have",
    "had": "have",
    "ended": "end",
}
NEWS_VERBS = _words(
    "kill die attack strike shell bomb fire shoot launch hit withdraw leave retreat advance capture seize "
    "occupy deploy send arrive meet sign agree reject deny confirm announce claim report accuse blame "
    "destroy damage injure wound arrest detain release evacuate flee invade enter begin start end stop "
    "resume continue reduce increase cut raise move pull hold take lose win control target intercept "
    "down sink besiege surround bombard intend plan negotiate sanction support supply retake recapture depart exit halt"
)
# Verbs that name the same kind of event share a class, so "withdrew" and "left" compare as equal.
PREDICATE_CLASSES = {
    "withdraw": "withdraw",
    "leave": "withdraw",
    "pull": "withdraw",
    "exit": "withdraw",
    "depart": "withdraw",
    "evacuate": "withdraw",
    "retreat": "withdraw",
    "kill": "kill",
    "die": "kill",
    "death": "kill",
    "attack": "attack",
    "strike": "attack",
    "shell": "attack",
    "bomb": "attack",
    "bombard": "attack",
    "hit": "attack",
    "target": "attack",
    "capture": "capture",
    "seize": "capture",
    "take": "capture",
    "retake": "capture",
    "retook": "capture",
    "recapture": "capture",
    "occupy": "capture",
    "deploy": "deploy",
    "send": "deploy",
    "arrive": "deploy",
    "injure": "wound",
    "wound": "wound",
    "begin": "begin",
    "start": "begin",
    "launch": "begin",
    "end": "end",
    "stop": "end",
    "halt": "end",
}
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
    "dozens": 24,
    "hundreds": 200,
    "thousand": 1000,
    "thousands": 2000,
}
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+(?:'[a-z]+)?")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # the lemma of the word the number counts ("people"), "" when none follows
    text: str  # as written, "20 people"


@dataclass(frozen=True)
class NormalizedClaim:
    """What a claim asserts, stripped of wording: predicate, arguments, quantities, polarity, modality."""

    predicate: str | None
    arguments: tuple[str, ...]  # content lemmas (no negations, numbers, modals or stop words)
    quantities: tuple[Quantity, ...]
    polarity: str  # "affirms" or "denies", as the attribution extractor found it
    modality: str  # "asserted", "possible", "reported", "future", "intention", ...
    entities: tuple[str, ...]
    places: tuple[str, ...]
    time: PartialDate | None
    events: tuple[str, ...] = ()  # every event-verb class in the content (see :func:`predicates`)

    @functools.cached_property
    def entity_set(self) -> frozenset[str]:
        return frozenset(self.entities)

    @functools.cached_property
    def place_set(self) -> frozenset[str]:
        return frozenset(self.places)

    @functools.cached_property
    def stems(self) -> frozenset[str]:
        """The arguments' stems (:func:`_stems`), made once per form: a claim meets many candidates."""
        return frozenset(_stems(self.arguments))


@functools.lru_cache(maxsize=1 << 16)  # a pure function of a word, asked ~45 times per claim linked
def lemma(word: str) -> str:
    """Crude English lemma: irregular table, then -ies/-ied, -ing, -ed and plural -s rules."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    for suffix, replacement in (("ies", "y"), ("ied", "y")):
        if w.endswith(suffix) and len(w) > 4:
            return w[: -len(suffix)] + replacement
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)]
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
                stem = stem[:-1]  # "shelled" keeps ll, "stopped" -> "stop"
            if stem + "e" in NEWS_VERBS:
                return stem + "e"
            return stem
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def tokens(text: str) -> list[str]:
    return [t.replace("\u2019", "'") for t in _TOKEN.findall(text)]


def _is_negation(token: str) -> bool:
    t = token.lower()
    return t in NEGATION_WORDS or t.endswith("n't")


def neutral_text(text: str) -> str:
    """The text with negation words removed: what is embedded, so that X and not-X embed alike."""
    words = text.split()
    kept = [w for w in words if not _is_negation(w.strip(".,;:!?\"'()"))]
    return " ".join(kept)


def quantities(text: str) -> list[Quantity]:
    """Counts in the text: "20 people", "twenty soldiers", "1,200 troops", "3 million"; years are skipped."""
    found: list[Quantity] = []
    toks = tokens(text)
    i = 0
    while i < len(toks):
        value = _number_value(toks[i])
        if value is None or _YEAR.match(toks[i]):
            i += 1
            continue
        j = i + 1
        if j < len(toks) and toks[j].lower() in _SCALE:
            value *= _SCALE[toks[j].lower()]
            j += 1
        unit = next((lemma(t) for t in toks[j : j + 2] if t.lower() not in _STOP and not _is_negation(t)), "")
        found.append(Quantity(value, unit, " ".join(toks[i : j + (1 if unit else 0)])))
        i = j
    return found


def _number_value(token: str) -> float | None:
    if token[0].isdigit():
        try:
            return float(token.replace(",", ""))
        except ValueError:
            return None
    return float(NUMBER_WORDS[token.lower()]) if token.lower() in NUMBER_WORDS else None


def content_lemmas(text: str) -> list[str]:
    out = []
    for token in tokens(text):
        low = token.lower()
        if _is_negation(low) or low in _STOP or low in MODAL_WORDS or _number_value(token) is not None:
            continue
        if len(low) > 1:
            base = lemma(low)
            out.append(PREDICATE_CLASSES.get(base, base))
    return out


_ASPECTUAL = frozenset({"begin", "end", "continue", "resume"})


def predicates(text: str) -> list[str]:
    """Event-verb classes in the text, in order ("began to leave" -> ["begin", "withdraw"])."""
    found = [lemma(t) for t in tokens(text) if not _is_negation(t)]
    return list(dict.fromkeys(PREDICATE_CLASSES.get(x, x) for x in found if x in NEWS_VERBS))


def _predicate(text: str, classes: list[str]) -> str | None:
    """The event class naming the claim; ``classes`` is :func:`predicates` of ``text``."""
    # An aspectual verb ("began to leave") frames the event; the verb after it names it.
    main = [c for c in classes if c not in _ASPECTUAL]
    if main or classes:
        return (main or classes)[0]
    for token in tokens(text):
        if token.lower().endswith("ed") and token.lower() not in _STOP:
            return PREDICATE_CLASSES.get(lemma(token), lemma(token))
    return None


def _modal_word(text: str) -> str | None:
    """The modality a modal word of the text marks ("may" -> "possible"), None when none does."""
    for token in tokens(text):
        if token.lower() in MODAL_WORDS:
            return MODAL_WORDS[token.lower()]
    return None


def content_polarity(record: ClaimRecord) -> str:
    """The claim's polarity as extracted: denies when its cue denies xor its predicate is negated.

    The attribution extractor already reads negation in the content ("no withdrawal", "will not
    leave"), so the content is not searched for negations again here.
    """
    return "denies" if record.polarity == "denies" else "affirms"


def normalized_form(record: ClaimRecord) -> NormalizedClaim:
    """The normalized proposition of a stored claim (see :class:`NormalizedClaim`), kept on the record.

    Linking compares each claim with up to ``NEIGHBOURS`` others, so the form is computed once per
    record, not once per pair; a record whose claim, entities, places or time change must be a new record.
    What the form reads of the claim's wording (:func:`text_form`) is stored with the claim when it is
    first linked (``ClaimRecord.normalized``), so a later run that meets it as a candidate only decodes it;
    claims read with one stored form (``ClaimRecord.stored``: the same wording, normalized form and link form,
    so the same words, polarity, certainty and names) share one form but for the time.
    """
    if record.form is None:
        record.form = _normalized_form(record)
    return record.form


# The rules a stored text form was made with: bump the number when the code of text_form changes; the
# word lists are hashed, so a changed lexicon makes stored forms stale too. A stale form is made again.
FORM_VERSION = "1-" + hashlib.sha256(repr([
    sorted(NEGATION_WORDS), sorted(MODAL_WORDS.items()), sorted(_STOP), sorted(_IRREGULAR.items()), sorted(NEWS_VERBS),
    sorted(PREDICATE_CLASSES.items()), sorted(NUMBER_WORDS.items()), sorted(_SCALE.items()), _TOKEN.pattern,
    _YEAR.pattern,
]).encode()).hexdigest()[:12]
_FORM_PREFIX = '{"v":"' + FORM_VERSION + '"'


def stored_form_is_current(stored: str | None) -> bool:
    """Whether a stored text form (``claims.normalized``) was made with today's rules (else it is made again)."""
    return stored is not None and stored.startswith(_FORM_PREFIX)


def text_form(text: str) -> dict[str, Any]:
    """The part of a claim's normalized form read from its content words alone (the costly part): what
    is stored with the claim (:func:`encode_text_form`). Polarity, the certainty behind an unmarked
    modality, entities, places and time are read from the record whenever a form is made, so a stored
    text form stays true when linking completes the claim's polarity or a copy moves its dates."""
    classes = predicates(text)
    return {
        "v": FORM_VERSION,
        "predicate": _predicate(text, classes),
        "arguments": list(dict.fromkeys(content_lemmas(text))),
        "quantities": [[q.value, q.unit, q.text] for q in quantities(text)],
        "modal": _modal_word(text),
        "events": classes,
    }


def encode_text_form(text: str) -> str:
    """:func:`text_form` as compact JSON (the claims' ``normalized`` column)."""
    return json.dumps(text_form(text), ensure_ascii=False, separators=(",", ":"))


_CACHED = ("entity_set", "place_set", "stems")  # NormalizedClaim's cached properties


def _normalized_form(record: ClaimRecord) -> NormalizedClaim:
    shared = record.stored
    first = shared.cache.get("form") if shared is not None else None
    if first is not None:  # a claim of the same stored texts (records.StoredForm): its form, at this claim's time
        if first.time == record.time:
            return first
        form = dataclasses.replace(first, time=record.time)
        form.__dict__.update((name, first.__dict__[name]) for name in _CACHED if name in first.__dict__)
        return form
    form = _form_of(record)
    if shared is not None:
        shared.cache["form"] = form
    return form


def _form_of(record: ClaimRecord) -> NormalizedClaim:
    stored = record.normalized
    part = json.loads(stored) if stored_form_is_current(stored) else text_form(record.claim.content.text)
    modal = part["modal"]
    certainty = record.certainty
    return NormalizedClaim(
        predicate=part["predicate"],
        arguments=tuple(part["arguments"]),
        quantities=tuple(Quantity(float(v), u, t) for v, u, t in part["quantities"]),
        polarity=content_polarity(record),
        modality=modal if modal is not None else ("asserted" if certainty in ("confirmed", "stated") else certainty),
        entities=tuple(sorted(set(record.entities))),
        places=tuple(sorted(set(record.places))),
        time=record.time,
        events=tuple(part["events"]),
    )


def claim_vector(record: ClaimRecord) -> np.ndarray:
    """The record's stored embedding, else the embedding of its polarity-neutral content."""
    if record.embedding is not None:
        return np.asarray(record.embedding, dtype=np.float32)
    from claimtrace.link.embed import get_claim_encoder

    return get_claim_encoder().encode([neutral_text(record.claim.content.text)])[0]


def claim_similarity(cosine: float) -> float:
    """The cosine of two claim vectors on MiniLM's scale, whichever encoder embedded them."""
    from claimtrace.link.embed import get_claim_encoder

    return float(get_claim_encoder().calibrate(cosine))


def embed_claims(records: list[ClaimRecord]) -> np.ndarray:
    """Polarity-neutral embeddings of many claims at once (what link.py stores), by the claim encoder."""
    from claimtrace.link.embed import get_claim_encoder

    return get_claim_encoder().encode([neutral_text(r.claim.content.text) for r in records])


def _stems(words: Iterable[str]) -> set[str]:
    # Five-letter prefixes let "Russia"/"Russian" and "Syria"/"Syrian" meet without a demonym table.
    return {w[:5] for w in words}


def _as_set(words: Iterable[str]) -> set[str] | frozenset[str]:
    """``words`` as a set, not copied when one already (a form's cached sets)."""
    return words if isinstance(words, set | frozenset) else set(words)


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = _as_set(a), _as_set(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def days_between(a: PartialDate | None, b: PartialDate | None) -> int | None:
    """Days between the first days of two dates, None when either is unknown."""
    da, db = first_day(a), first_day(b)
    return abs((db - da).days) if da and db else None


def overlap(a: Iterable[str], b: Iterable[str]) -> float | None:
    """Shared items over the smaller set (None when either side is empty).

    Not Jaccard: a claim whose sentence names many entities should still fully share its actor.
    """
    sa, sb = _as_set(a), _as_set(b)
    if not sa or not sb:
        return None
    return len(sa & sb) / min(len(sa), len(sb))


def match_score(a: ClaimRecord, b: ClaimRecord) -> float:
    """How surely two claims state the same proposition, in [0, 1]; polarity and time never lower it.

    Time is left out on purpose: a 2022 denial and a 2026 report of the same act must match for the
    relation to call the later one an update.
    """
    return score_forms(a, b, normalized_form(a), normalized_form(b))


def score_forms(
    a: ClaimRecord,
    b: ClaimRecord,
    na: NormalizedClaim,
    nb: NormalizedClaim,
    similarity: float | None = None,
    agreement: tuple[float, float, float] | None = None,
) -> float:
    """:func:`match_score` for claims whose normalized forms (and, optionally, whose calibrated
    embedding similarity, as candidate search computes it, and :func:`form_agreement`) are already known."""
    cos = similarity if similarity is not None else claim_similarity(float(np.dot(claim_vector(a), claim_vector(b))))
    semantic = min(1.0, max(0.0, (cos - _EMBEDDING_FLOOR) / (0.85 - _EMBEDDING_FLOOR)))
    lexical, frame, anchor = agreement if agreement is not None else form_agreement(na, nb)
    # A frame alone (0.3 + 0.15 x anchor) stays under MATCH_THRESHOLD: it needs some wording or meaning too.
    score = 0.45 * semantic + 0.1 * lexical + 0.3 * frame + 0.15 * anchor
    return round(min(1.0, score), 4)


def form_agreement(na: NormalizedClaim, nb: NormalizedClaim) -> tuple[float, float, float]:
    """The parts of :func:`score_forms` read from the two normalized forms alone, not the embeddings:
    (word overlap, frame, entity/place anchor)."""
    lexical = jaccard(na.stems, nb.stems)
    known = [x for x in (overlap(na.entity_set, nb.entity_set), overlap(na.place_set, nb.place_set)) if x is not None]
    anchor = sum(known) / len(known) if known else 0.5
    shared_predicates = set(na.events) & set(nb.events)
    same_predicate = bool(na.predicate and na.predicate == nb.predicate) or bool(shared_predicates)
    # The same kind of event about the same actors or places is the normalized form agreeing.
    frame = (1.0 if anchor > 0 and known else 0.5) if same_predicate else 0.0
    return lexical, frame, anchor
