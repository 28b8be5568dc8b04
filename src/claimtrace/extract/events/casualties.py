"""Casualty counts: how many were killed, injured, missing, displaced, evacuated or affected, and homes damaged.

A count is a number ("471", "1,300", "ten", "2 million"), a range ("100 to 300", "200-300", "between 10
and 50"), or a vague amount ("dozens", "several dozen", "hundreds", "tens of thousands"), with its
qualifier ("at least", "more than", "about", "up to", ...). It is a casualty count when the words it
counts or the words that govern it name a harm: killed/dead/deaths/bodies/lives/toll (killed),
injured/wounded (injured), missing, displaced/fled/homeless (displaced), evacuated, affected, and
houses/villages flooded, destroyed or damaged (damaged). Who is read from the counted noun (civilians,
children, women, soldiers, fighters, police, else unspecified); the cause from the nearest harm word of
the sentence (airstrike, shelling, rocket, explosion, flood, ...); the actor blamed is the source of
the sentence's nearest assault or coercion event, else the nationality in front of the cause word.

Values follow the conventions of docs/schema.md ("Casualty counts"): ``value`` is the lowest figure the
words allow (ACLED's conservative reading), ``high`` the highest (``None`` when open-ended).
Misses: counts spread over two sentences, tables, written-out compounds ("three hundred and two"),
and percentages. Figures: docs/benchmarks_events.md.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from claimtrace.extract.doctext import doc_text
from claimtrace.model import Casualty, Claim, DateMention, Event, Place

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100, "one hundred": 100,
    "a dozen": 12, "a thousand": 1000,
}
# Vague amounts: (lowest, highest) figure; None = open-ended. See docs/schema.md for the conventions.
VAGUE = {
    "a few": (2, 9), "several": (3, 9), "dozens": (24, 99), "several dozen": (36, 99), "scores": (40, 99),
    "hundreds": (200, 999), "several hundred": (300, 999), "thousands": (2000, 9999),
    "several thousand": (3000, 9999), "tens of thousands": (20000, 99999),
    "hundreds of thousands": (200000, 999999), "millions": (2000000, None),
}
QUALIFIERS = ("at least", "more than", "over", "about", "around", "some", "nearly", "almost", "up to",
              "as many as", "approximately", "roughly", "fewer than", "less than", "in the", "at least in the",
              "an estimated", "upwards of", "close to", "no fewer than")
OPEN_ENDED = frozenset({"at least", "more than", "over", "upwards of", "no fewer than", "at least in the"})
UPPER_BOUND = frozenset({"up to", "as many as", "fewer than", "less than", "nearly", "almost", "close to"})

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?:million|thousand))?"
_WORD = "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True))
_VAGUE = "|".join(sorted((re.escape(w) for w in VAGUE), key=len, reverse=True))
_QUAL = "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True))
_ONE = rf"(?:{_NUMBER}|{_WORD})"
COUNT_RE = re.compile(
    rf"\b(?:(?P<qual>{_QUAL})\s+)?(?P<count>(?:between|from)\s+{_ONE}\s+(?:and|to)\s+{_ONE}"
    rf"|{_ONE}\s*(?:-|–|to|-to-)\s*{_ONE}|{_VAGUE}|{_ONE})\b(?!\s*%|\s*per\s?cent)",
    re.IGNORECASE,
)
_WORD_RUN = re.compile(r"\w+")
# the first words a count can start with (a digit aside): of a qualifier, a number word, a vague amount, a range
_FIRST_WORDS = tuple(sorted({phrase.split()[0] for phrase in (*QUALIFIERS, *WORD_NUMBERS, *VAGUE, "between", "from")}))


def count_matches(text: str) -> Iterator[re.Match]:
    r"""``COUNT_RE.finditer(text)``, with the regex tried only where a count can start: a count starts a word
    (``\b``), and that word starts with a digit or with one of ``_FIRST_WORDS``. A word with a non-ASCII letter is
    always tried (case-insensitive matching folds some non-ASCII letters onto ASCII ones). Trying the regex at
    every character costs three times as much."""
    end = 0
    for run in _WORD_RUN.finditer(text):
        start = run.start()
        if start < end:
            continue
        word = run.group()
        if word.isascii() and not word[0].isdigit() and not word.lower().startswith(_FIRST_WORDS):
            continue
        match = COUNT_RE.match(text, start)
        if match is not None:
            yield match
            end = match.end()


KIND_WORDS = {
    "killed": {"kill", "killed", "die", "dead", "death", "body", "life", "fatality", "martyr", "drown", "toll",
               "slay", "massacre", "perish", "victim", "corpse", "succumb"},
    "injured": {"injure", "injured", "wound", "wounded", "hurt", "injury", "casualty"},
    "missing": {"missing", "disappear"},
    "displaced": {"displace", "displaced", "flee", "homeless", "refugee", "uproot"},
    "evacuated": {"evacuate", "evacuated", "evacuation", "relocate", "rescue"},
    "affected": {"affect", "affected", "need", "stranded", "trap", "trapped"},
}
DAMAGE_UNITS = frozenset({"house", "home", "building", "community", "settlement", "village", "town", "city",
                          "location", "dwelling", "locality", "apartment", "hectare"})
DAMAGE_WORDS = frozenset({"flood", "flooded", "destroy", "destroyed", "damage", "damaged", "submerge",
                          "submerged", "inundate", "inundated", "zone"})
WHO = {
    "civilians": {"civilian", "resident", "inhabitant", "villager"},
    "children": {"child", "children", "kid", "minor", "boy", "girl", "infant", "baby"},
    "women": {"woman", "women"},
    "soldiers": {"soldier", "troop", "serviceman", "servicemen", "marine", "conscript"},
    "combatants": {"fighter", "militant", "combatant", "rebel", "insurgent", "guerrilla", "terrorist"},
    "police": {"police", "policeman", "officer", "policemen"},
}
CAUSES = (
    ("airstrike", ("airstrike", "air strike", "air raid", "airstrikes", "air strikes", "bombing", "bombed", "warplane")),
    ("drone strike", ("drone",)),
    ("shelling", ("shelling", "shelled", "artillery", "mortar")),
    ("rocket", ("rocket", "missile", "projectile")),
    ("explosion", ("explosion", "blast", "bomb", "explosive", "detonat")),
    ("gunfire", ("gunfire", "shot dead", "shooting", "gunmen", "opened fire", "gunbattle")),
    ("flood", ("flood", "flooding", "floods", "dam")),
    ("chemical agent", ("chemical", "sarin", "chlorine", "nerve agent", "gas attack")),
    ("fire", ("fire", "blaze")),
)
COUNTED_SKIP = frozenset({"year", "day", "hour", "minute", "km", "kilometre", "kilometer", "mile", "meter", "metre",
                          "percent", "%", "dollar", "euro", "ton", "tonne", "time", "week", "month", "am", "pm"})
HARM_EVENTS = frozenset({"ASSAULT", "COERCE"})
# People under rubble or trapped are missing (their fate unknown) unless the words say they died.
TRAPPED_WORDS = frozenset({"rubble", "debris", "trapped", "trap", "buried", "bury"})
CERTAIN_DEATH = KIND_WORDS["killed"] - {"victim", "toll", "casualty"}
NEGATIONS = frozenset({"not", "n't", "n’t", "no", "never"})
# A count that names no harm itself is a death count in a sentence about a death toll ("the toll was at the
# lower end of the 40 to 90 range", "more likely between 20 and 60").
TOLL_WORDS = frozenset({"toll", "deaths", "fatalities", "dead"})
MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                    "sept", "oct", "nov", "dec"})


@dataclass(frozen=True)
class Count:
    value: int | None
    high: int | None
    qualifier: str | None


def parse_count(text: str, qualifier: str | None = None) -> Count:
    """The numbers a count phrase stands for (see the module docstring for the conventions)."""
    words = text.lower().strip()
    qualifier = qualifier.lower() if qualifier else None
    if words in VAGUE:
        low, high = VAGUE[words]
        return Count(low, None if qualifier in OPEN_ENDED else high, qualifier)
    parts = re.split(r"\s*(?:-to-|–|-|\bto\b|\band\b)\s*", re.sub(r"^(?:between|from)\s+", "", words))
    numbers = [n for n in (_number(p) for p in parts) if n is not None]
    if not numbers:
        return Count(None, None, qualifier)
    low, high = min(numbers), max(numbers)
    if qualifier in OPEN_ENDED:
        high = None
    elif qualifier in UPPER_BOUND and len(numbers) == 1:
        low = None
    return Count(low, high, qualifier)


def _number(text: str) -> int | None:
    text = text.strip()
    if text in WORD_NUMBERS:
        return WORD_NUMBERS[text]
    match = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)(?:\s+(million|thousand))?", text)
    if not match:
        return None
    value = float(match.group(1).replace(",", ""))
    scale = {"million": 1_000_000, "thousand": 1_000}.get(match.group(2) or "", 1)
    return int(value * scale)


def find_casualties(
    doc: Doc,
    events: list[Event] | None = None,
    claims: list[Claim] | None = None,
    places: list[Place] | None = None,
    dates: list[DateMention] | None = None,
) -> list[Casualty]:
    """Every casualty count of ``doc`` (offsets into ``doc.text``), in text order."""
    events, claims, places, dates = events or [], claims or [], places or [], dates or []
    sentence_index = {sent.start: i for i, sent in enumerate(doc.sents)}
    out = []
    text = doc_text(doc)
    for match in count_matches(text):
        span = doc.char_span(match.start("count"), match.end("count"), alignment_mode="expand")
        if span is None or _is_date_or_measure(span) or _inside_a_date(span, dates) or _owner_or_reference(
                text, match):
            continue
        kind, counted = _kind(span)
        if kind is None:
            continue
        count = parse_count(match.group("count"), match.group("qual"))
        sentence = span.root.sent
        casualty = Casualty(
            text=match.group(0), start=match.start(), end=match.end(), kind=kind, who=_who(counted),
            unit=counted.lemma_.lower() if counted is not None and counted.i not in range(span.start, span.end) else None,
            value=count.value, high=count.high, qualifier=count.qualifier,
            cause=_cause(text[sentence.start_char : sentence.end_char]),
            negated=_negated(span), sentence=sentence_index.get(sentence.start, 0),
        )
        casualty.event = _nearest_event(events, casualty, sentence.start_char, sentence.end_char)
        if casualty.event is not None and events[casualty.event].source:
            casualty.blamed = copy.deepcopy(events[casualty.event].source[0])
        casualty.claim = _holding_claim(claims, casualty.start)
        casualty.place = _nearest(places, casualty.start, sentence.start_char, sentence.end_char)
        casualty.date = _nearest(dates, casualty.start, sentence.start_char, sentence.end_char)
        out.append(casualty)
    return out


def _owner_or_reference(text: str, match: re.Match) -> bool:
    """Not a new count: a number that owns something ("Channel 4's report", so part of a name), or a figure
    referred back to with a demonstrative ("those 471 victims")."""
    after = text[match.end() : match.end() + 3]
    if re.match(r"['’]s\b", after):
        return True
    if match.group("qual"):
        return False
    before = text[max(0, match.start() - 12) : match.start()].lower()
    return re.search(r"\b(?:those|these)\s+$", before) is not None


def _inside_a_date(span, dates: list[DateMention]) -> bool:  # noqa: ANN001
    """ "October 17, 2023": the day of a date, not a count."""
    start, end = span.start_char, span.end_char
    if any(d.start < end and start < d.end for d in dates):
        return True
    previous = span.doc[span.start - 1] if span.start > 0 else None
    return previous is not None and previous.lower_.rstrip(".") in MONTHS


def _is_date_or_measure(span) -> bool:  # noqa: ANN001
    """Dates, money, percentages, measures, "one of", and numbers inside names ("Channel 4")."""
    if any(t.ent_type_ in {"ORG", "MISC"} for t in span) or span.start > 0 and span.doc[span.start - 1].pos_ == "PROPN" \
            and span.doc[span.start - 1].is_title and span.doc[span.start - 1].ent_type_:
        return True
    if any(t.ent_type_ in {"DATE", "TIME", "MONEY", "PERCENT"} for t in span):
        return True
    following = span.doc[span.end] if span.end < len(span.doc) else None
    if following is not None and span.text.lower() == "one" and following.lower_ == "of":
        return True  # "in one of the villages"
    return following is not None and following.lemma_.lower() in COUNTED_SKIP


def _kind(span) -> tuple[str | None, Token | None]:  # noqa: ANN001
    """The harm a count is about, and the noun it counts (None when the count counts itself)."""
    root = span.root
    counted = root.head if root.dep_ in {"nummod", "amod", "compound", "det"} else root
    for child in root.children:  # "dozens of people"
        if child.dep_ == "nmod" and any(m.lower_ == "of" for m in child.children):
            counted = child
    neighbourhood = _neighbourhood(counted)
    lemmas = [t.lemma_.lower() for t in neighbourhood] + [t.lower_ for t in neighbourhood]
    if any(lemma in TRAPPED_WORDS for lemma in lemmas) and not any(lemma in CERTAIN_DEATH for lemma in lemmas):
        return "missing", counted  # "victims still under the rubble": trapped, their fate unknown
    following = _kind_following(span)
    if following:
        return following, counted
    for kind, words in KIND_WORDS.items():
        if any(lemma in words for lemma in lemmas):
            if kind == "affected" and counted.lemma_.lower() in DAMAGE_UNITS:
                return "damaged", counted
            return kind, counted
    if counted.lemma_.lower() in DAMAGE_UNITS and any(lemma in DAMAGE_WORDS for lemma in lemmas):
        return "damaged", counted
    if counted.lemma_.lower() not in COUNTED_SKIP and any(t.lower_ in TOLL_WORDS for t in root.sent):
        return "killed", counted
    return None, counted


def _kind_following(span) -> str | None:  # noqa: ANN001
    """The harm named right after the count ("25 remain missing", "471 people were killed", "10 dead")."""
    doc, sentence_end = span.doc, span.root.sent.end
    trapped = False  # "12 trapped under the rubble": missing, unless a harm word follows ("buried and killed")
    for token in doc[span.end : min(span.end + 6, sentence_end)]:
        if token.like_num or token.is_punct and token.text not in {"-", "–"}:
            break
        if token.lemma_.lower() in TRAPPED_WORDS or token.lower_ in TRAPPED_WORDS:
            trapped = True
            continue
        for kind, words in KIND_WORDS.items():
            if kind != "affected" and (token.lemma_.lower() in words or token.lower_ in words):
                return kind
    return "missing" if trapped else None


def _neighbourhood(counted: Token) -> list[Token]:
    """The counted noun, its modifiers, the verb or noun that governs it, and that word's complements."""
    tokens = [counted, *[c for c in counted.children if c.dep_ in {"amod", "acl", "acl:relcl", "compound", "nmod"}]]
    for child in list(tokens[1:]):
        tokens.extend(t for t in child.subtree if t.i - counted.i < 6)
    node = counted
    while node.dep_ in {"conj", "appos", "nmod"} and node.head.i != node.i and node.i - node.head.i < 8:
        node = node.head
    governor = node.head
    tokens.append(governor)
    if governor.head.i != governor.i and governor.dep_ in {"xcomp", "ccomp", "acl:relcl", "advcl", "acl"}:
        tokens.append(governor.head)
    for child in governor.children:
        if child.dep_ in {"xcomp", "nsubj", "nsubj:pass", "obj", "advcl", "obl", "obl:agent", "cop"}:
            tokens.extend(t for t in child.subtree if abs(t.i - counted.i) < 12)
    return tokens


def _who(counted: Token | None) -> str:
    if counted is None:
        return "unspecified"
    words = {counted.lemma_.lower(), counted.lower_} | {
        t.lemma_.lower() for t in counted.subtree if t.dep_ in {"amod", "compound", "conj", "nmod"}
    }
    for who, nouns in WHO.items():
        if words & nouns:
            return who
    return "unspecified"


def _cause(sentence: str) -> str | None:
    lowered = sentence.lower()
    found = [(lowered.find(word), cause) for cause, words in CAUSES for word in words if word in lowered]
    return min(found)[1] if found else None


def _negated(span) -> bool:  # noqa: ANN001
    doc = span.doc
    before = doc[max(0, span.start - 3) : span.start]
    if any(t.lower_ in NEGATIONS for t in before):
        return True
    verb = span.root.head
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    return any(c.lower_ in NEGATIONS for c in verb.children) and verb.i > span.start - 8


def _nearest_event(events: list[Event], casualty: Casualty, start: int, end: int) -> int | None:
    same = [i for i, e in enumerate(events) if start <= e.trigger.start < end]
    harmful = [i for i in same if events[i].category in HARM_EVENTS] or same
    if not harmful:
        return None
    return min(harmful, key=lambda i: abs(events[i].trigger.start - casualty.start))


def _holding_claim(claims: list[Claim], position: int) -> int | None:
    holding = [i for i, c in enumerate(claims) if c.content.start <= position < c.content.end]
    if not holding:
        return None
    return min(holding, key=lambda i: claims[i].content.end - claims[i].content.start)


def _nearest(items: list, position: int, start: int, end: int):  # noqa: ANN202
    inside = [item for item in items if start <= item.start and item.end <= end and getattr(item, "id", True)]
    if not inside:
        return None
    return copy.deepcopy(min(inside, key=lambda item: abs(item.start - position)))

