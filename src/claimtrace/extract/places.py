"""Place mentions resolved to coordinates (the geoparser).

``find_places(doc)`` finds place mentions and resolves each to one
:class:`~claimtrace.model.Place`; ``resolve_mentions(text, spans)`` resolves
spans found elsewhere (e.g. gold toponyms) with the same context logic.

What it finds: NER ``LOC``/``GPE`` entities; gazetteer matches of capitalized
names the NER missed (countries, admin areas, continents, regions, rivers,
seas, and cities of 100k+ people); facility patterns ("X airport",
"X and Y airports", "X air base", "X Province", "X County") and directional
regions ("the east of the Euphrates"). Demonyms ("Syrian") are not returned
(unless ``include_demonyms``) but vote for the article's focus country.

How it resolves: candidates from the local gazetteer (:mod:`claimtrace.geo`),
scored by feature class, population, the cue word in the mention, the
countries and admin areas the article mentions (and its demonyms), "City,
State" pairs, and distance to the other places of the article.

What it misses: streets, buildings, and small places absent from GeoNames'
cities >= 500 people; rivers and regions outside the hand table; metonymic
uses are geocoded like literal ones. Unresolvable mentions are kept with
``lat``/``lon`` None.

Figures (``benchmarks/geo.py``): ``docs/benchmarks_geo.md``.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from spacy.attrs import ORTH, SPACY
from spacy.tokens import Doc

from claimtrace.errors import InputError
from claimtrace.extract.doctext import doc_text
from claimtrace.geo import Candidate, Gazetteer, distance_km, load_gazetteer
from claimtrace.geo.names import name_key, strip_admin_words
from claimtrace.geo.tables import DEMONYMS, US_STATE_ABBREVIATIONS
from claimtrace.model import Place

FEATURE_PRIOR = {
    "country": 3.0, "continent": 3.0, "region": 2.0, "natural": 2.0, "admin1": 1.0, "city": 0.0,
    "admin2": -0.6, "airport": -1.0, "military_base": -1.0,
}
_FACILITY_RE = re.compile(
    r"\s+(?:international\s+)?(airports?|air\s*bases?|airfields?|air\s+force\s+bases?|military\s+airports?)$",
    re.IGNORECASE,
)
_RIVER_RE = re.compile(r"^(?:the\s+)?(?:river\s+(?P<a>.+)|(?P<b>.+?)\s+river)$", re.IGNORECASE)
_DIRECTION_RE = re.compile(
    r"^(?:the\s+)?(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+"
    r"(?:part\s+of\s+|of\s+)?(?:the\s+)?)(?P<rest>.+)$",
    re.IGNORECASE,
)
_LEADING_MODIFIER_RE = re.compile(
    r"^(?:greater|downtown|central|upper|lower|metro|metropolitan|northern|southern|eastern|western|"
    r"north|south|east|west|rural|inner|outer|old)\s+",
    re.IGNORECASE,
)
_POSSESSIVE_RE = re.compile(r"(?:'s|’s|'|’)$")


@dataclass
class Mention:
    """A span to geocode, with what its own words say about it."""

    text: str
    start: int
    end: int
    lookup: str = ""  # the name part to look up ("Qamishli" in "Qamishli airport")
    hint: str | None = None  # feature the mention's cue word points to
    demonym: str | None = None  # ISO2 or region key when the mention is an adjective of place
    partial: bool = False  # resolved through a part of its name ("Manila" of "Manila Cathedral")
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def areas(self) -> set[str]:
        """Admin1 codes among the candidates (for cities named like their own province)."""
        return {c.admin1 for c in self.candidates if c.feature == "admin1" and c.admin1}


def _clean(surface: str) -> str:
    surface = _POSSESSIVE_RE.sub("", surface.strip().strip(",;:()[]\"“”"))
    if surface.endswith(".") and not re.search(r"(?:^|[.\s])\w{1,4}\.$", surface):
        surface = surface[:-1]  # a sentence's full stop, not the one of "U.S." or "Ky."
    if surface.lower().startswith("the "):
        surface = surface[4:]
    return surface.strip()


def _people_noun(surface: str) -> bool:
    """ "Russians", "Saudis": a people, not the adjective of a place."""
    return surface.endswith("s") and surface not in DEMONYMS and surface[:-1] in DEMONYMS


def _demonym_target(surface: str) -> str | None:
    if surface in DEMONYMS:
        return DEMONYMS[surface]
    if surface.endswith("s") and surface[:-1] in DEMONYMS:  # "Russians", "Syrians"
        return DEMONYMS[surface[:-1]]
    return None


def describe(surface: str, start: int, end: int) -> Mention:
    """Split a mention into the name to look up and the feature its cue word implies."""
    cleaned = _clean(surface)
    mention = Mention(surface, start, end, lookup=cleaned)
    facility = _FACILITY_RE.search(cleaned)
    if facility:
        word = facility.group(1).lower()
        mention.hint = "airport" if word.startswith(("airport", "airfield", "military airport")) else "military_base"
        mention.lookup = cleaned[: facility.start()]
        return mention
    river = _RIVER_RE.match(cleaned)
    if river:
        mention.hint = "natural"
        mention.lookup = river.group("a") or river.group("b")
        return mention
    key, admin_hint = strip_admin_words(name_key(cleaned))
    if admin_hint and key:
        mention.hint = admin_hint
    mention.demonym = _demonym_target(cleaned)
    return mention


def _demonym_candidates(target: str, gazetteer: Gazetteer) -> list[Candidate]:
    if len(target) == 2 and target.isupper():
        country = gazetteer.country(target)
        return [country] if country else []
    return [c for c in gazetteer.lookup(target) if c.feature in ("continent", "region", "natural", "admin1")]


def candidates_for(mention: Mention, gazetteer: Gazetteer) -> list[Candidate]:
    """Gazetteer entries the mention may name, widest sensible net first, then fallbacks."""
    if mention.demonym:
        return _demonym_candidates(mention.demonym, gazetteer)
    if mention.hint in ("airport", "military_base"):
        return _facility_candidates(mention, gazetteer)
    found = gazetteer.lookup(mention.lookup)
    if mention.hint in ("admin1", "admin2"):
        bare = strip_admin_words(name_key(mention.lookup))[0]
        found = found + [c for c in gazetteer.lookup(mention.lookup, key=bare) if c not in found]
        areas = [c for c in found if c.feature in ("admin1", "admin2")]
        found = areas or found
    if mention.hint == "natural":
        found = found + [c for c in gazetteer.lookup(mention.lookup + " river") if c not in found]
    if not found:
        found = _fallback_candidates(mention.lookup, gazetteer)
    if not found:
        found = _partial_candidates(mention.lookup, gazetteer)
        mention.partial = bool(found)
    return found


def _fallback_candidates(lookup: str, gazetteer: Gazetteer) -> list[Candidate]:
    """For names not in the index: drop a direction, a modifier or a ", qualifier"."""
    direction = _DIRECTION_RE.match(lookup)
    if direction and (found := gazetteer.lookup(direction.group("rest"))):
        return found
    modifier = _LEADING_MODIFIER_RE.match(lookup)
    if modifier and (found := gazetteer.lookup(lookup[modifier.end():])):
        return found
    if "," in lookup and (found := gazetteer.lookup(lookup.split(",")[0])):
        return found
    return []


# Words that make a name part too generic to stand for the whole ("Western Trust", "City Hall").
_GENERIC_WORDS = frozenset(
    ["the", "of", "and", "for", "at", "in", "on", "a", "an", "city", "town", "county", "state", "university", "college", "school", "hospital", "street", "road", "avenue", "square", "park", "hall", "house", "center", "centre", "court", "church", "cathedral", "station", "west", "east", "north", "south", "western", "eastern", "northern", "southern", "central", "new", "old", "great", "little", "upper", "lower", "national", "international", "federal", "royal", "academy", "institute", "club", "stadium", "united"]
)


_PARTIAL_MIN_POPULATION = 10_000


def _partial_candidates(lookup: str, gazetteer: Gazetteer) -> list[Candidate]:
    """A known place inside a longer name ("Manila Cathedral", "US Federal Reserve"), longest part first."""
    words = lookup.split()
    if len(words) < 2:
        return []
    for size in range(len(words) - 1, 0, -1):
        for first in range(len(words) - size + 1):
            part = words[first: first + size]
            if all(w.lower() in _GENERIC_WORDS for w in part) or not part[0][:1].isupper():
                continue
            # a village named "White" does not make the White House a place: parts must be well known
            found = [c for c in gazetteer.lookup(" ".join(part))
                     if c.feature in ("country", "admin1", "admin2", "continent", "region")
                     or (c.feature == "city" and c.population >= _PARTIAL_MIN_POPULATION)]
            if found:
                return found
    return []


def _facility_candidates(mention: Mention, gazetteer: Gazetteer) -> list[Candidate]:
    """Facilities by their own name, else facilities near the place the name part names."""
    facilities = ("airport", "military_base")
    named = [c for c in gazetteer.lookup(mention.lookup + " airport") if c.feature in facilities]
    named += [c for c in gazetteer.lookup(mention.lookup + " air base") if c.feature in facilities]
    named += [c for c in gazetteer.lookup(mention.lookup) if c.feature in facilities and c not in named]
    if named:
        return named
    nearby: list[Candidate] = []
    for place in gazetteer.lookup(mention.lookup):
        if place.feature in facilities:
            nearby.append(place)
        elif place.feature == "city":
            nearby.extend(gazetteer.near(place.lat, place.lon, 25.0, facilities)[:1] or [place])
    return nearby


# ---------------------------------------------------------------- context

# Score weights, chosen on the GeoWebNews / TR-News dev gold (see docs/benchmarks_geo.md).
WEIGHTS = {
    "population": 0.5,  # per decade of population
    "admin2_population": 0.25,
    "capital": 2.5,  # national capitals of 100k+ people ("Washington" before the state)
    "hint": 3.0,  # the mention's own cue word ("airport", "Province") matches the feature
    "primary_name": 0.5,
    "seat": 0.7,  # a city named like the admin1 area it lies in ("New York", "Aleppo"): news mean the city
    "country_share": 2.5,  # times the share of the article's country votes
    "admin1": 1.5,  # the candidate lies in an admin1 area the article names
    "container": 5.0,  # "Springfield, Ill.": inside the place named right after the comma
    "proximity": 2.0,  # near another place of the article (linear fade to 0 at PROXIMITY_KM)
    "anchor_margin": 1.0,  # first-pass margin a place needs to count as an anchor
    "vote_margin": 2.0,  # first-pass margin at which a place's vote for its country counts fully
}
PROXIMITY_KM = 300.0


@dataclass
class Context:
    """What the whole article says about where it is."""

    countries: Counter = field(default_factory=Counter)  # ISO2 -> votes
    admin1: Counter = field(default_factory=Counter)  # admin1 code -> votes
    anchors: list[tuple[int, Candidate]] = field(default_factory=list)  # (mention index, confident place)
    containers: dict[int, list[Candidate]] = field(default_factory=dict)  # "X, Y": index of X -> Y's places

    def country_share(self, cc: str | None) -> float:
        total = sum(self.countries.values())
        return self.countries[cc] / total if cc and total else 0.0

    @cached_property
    def nearby(self) -> NearbyAnchors:
        """The anchors indexed by position (built once, after the votes that fill ``anchors``)."""
        return NearbyAnchors(self.anchors)


class NearbyAnchors:
    """The article's anchors on a k-d tree of unit vectors: the nearest one in O(log n), not O(n).

    One point per distinct place, with the mention indices that anchor it. A candidate is never its
    own anchor, nor is the place anchored only by the candidate's own mention; since a mention has
    one winner, at most two points are excluded and the three nearest suffice.
    """

    def __init__(self, anchors: list[tuple[int, Candidate]]) -> None:
        by_row: dict[int, tuple[Candidate, set[int]]] = {}
        for index, place in anchors:
            by_row.setdefault(place.rowid, (place, set()))[1].add(index)
        self._places = [place for place, _ in by_row.values()]
        self._indices = [indices for _, indices in by_row.values()]
        self._tree: Any = None
        if len(self._places) > _SCAN_AT_MOST:
            from scipy.spatial import cKDTree

            self._tree = cKDTree([_unit_vector(p.lat, p.lon) for p in self._places])

    def nearest_km(self, candidate: Candidate, index: int) -> float | None:
        """Distance to the nearest anchor other than the candidate itself and its own mention's."""
        if self._tree is None:  # a few anchors: a scan is cheaper than a tree, with the same answer
            positions: Any = range(len(self._places))
        else:
            _, positions = self._tree.query(_unit_vector(candidate.lat, candidate.lon), k=3)
        distances = [
            distance_km(candidate.lat, candidate.lon, self._places[p].lat, self._places[p].lon)
            for p in positions
            if self._places[p].rowid != candidate.rowid and self._indices[p] != {index}
        ]
        return min(distances, default=None)


_SCAN_AT_MOST = 32  # anchors up to which a scan beats building a k-d tree


def _unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _prior(candidate: Candidate) -> float:
    weight = WEIGHTS["admin2_population"] if candidate.feature == "admin2" else WEIGHTS["population"]
    value = FEATURE_PRIOR.get(candidate.feature, 0.0) + weight * math.log10(candidate.population + 1)
    big_capital = candidate.capital and candidate.population >= 100_000
    return value + (WEIGHTS["capital"] if big_capital else 0.0)


# "Springfield, Ill.", "Tripoli in Lebanon", "Homs (Syria)": the right-hand place contains the left one
_CONTAINER_GAP = re.compile(r"\s*,\s*|\s+in\s+|\s*\(\s*")


def _containers(text: str, mentions: list[Mention]) -> dict[int, list[Candidate]]:
    containers = {}
    for index in range(len(mentions) - 1):
        left, right = mentions[index], mentions[index + 1]
        if _CONTAINER_GAP.fullmatch(text[left.end: right.start]):
            containers[index] = [c for c in right.candidates if c.feature in ("country", "admin1", "admin2")]
    return containers


def _votes(mentions: list[Mention], winners: list[tuple[Candidate | None, float]],
           extra_demonyms: list[str]) -> Context:
    context = Context()
    for target in extra_demonyms:
        if len(target) == 2:
            context.countries[target] += 1
    for index, (mention, (best, margin)) in enumerate(zip(mentions, winners, strict=True)):
        if best is None or mention.partial:
            continue
        weight = min(1.0, margin / WEIGHTS["vote_margin"])  # an ambiguous name votes less
        if (mention.demonym or best.feature in ("country", "admin1", "admin2", "city")) and best.cc:
            context.countries[best.cc] += weight
        if best.feature == "admin1" and best.admin1:
            context.admin1[best.admin1] += weight
        if margin >= WEIGHTS["anchor_margin"] and best.feature in (
            "admin1", "city", "admin2", "airport", "military_base"
        ):
            context.anchors.append((index, best))
    return context


def _contained(candidate: Candidate, container: Candidate) -> bool:
    if container.feature == "country":
        return candidate.cc == container.cc
    if container.feature == "admin1":
        return candidate.admin1 == container.admin1 and candidate.admin1 is not None
    return candidate.cc == container.cc and distance_km(candidate.lat, candidate.lon, container.lat, container.lon) < 80


def score(candidate: Candidate, mention: Mention, index: int, context: Context) -> float:
    """How likely ``candidate`` is the referent, in log-odds-like points."""
    value = _prior(candidate)
    if mention.hint and candidate.feature == mention.hint:
        value += WEIGHTS["hint"]
    if name_key(candidate.name) == name_key(mention.lookup):
        value += WEIGHTS["primary_name"]
    if candidate.feature == "city" and candidate.admin1 and candidate.admin1 in mention.areas:
        value += WEIGHTS["seat"]
    value += WEIGHTS["country_share"] * context.country_share(candidate.cc)
    if candidate.admin1 and context.admin1[candidate.admin1] >= 0.5 and candidate.feature != "admin1":
        value += WEIGHTS["admin1"]
    container = context.containers.get(index)
    if container and any(_contained(candidate, c) for c in container):
        value += WEIGHTS["container"]
    return value + _proximity_bonus(candidate, index, context)


def _proximity_bonus(candidate: Candidate, index: int, context: Context) -> float:
    if candidate.feature in ("country", "continent", "region", "natural"):
        return 0.0
    km = context.nearby.nearest_km(candidate, index)
    if km is None or km >= PROXIMITY_KM:
        return 0.0
    return WEIGHTS["proximity"] * (1 - km / PROXIMITY_KM)


def _to_place(mention: Mention, ranked: list[tuple[float, Candidate]]) -> Place:
    if not ranked:
        return Place(mention.text, mention.start, mention.end, name=_clean(mention.text), confidence=0.0)
    best_score, best = ranked[0]
    margin = best_score - ranked[1][0] if len(ranked) > 1 else 4.0
    feature = best.feature
    if mention.hint in ("airport", "military_base") and feature == "city":
        feature = mention.hint  # the facility itself is not in the gazetteer: its town's point stands in
    return Place(
        mention.text, mention.start, mention.end, name=best.name, lat=best.lat, lon=best.lon, country=best.cc,
        feature=feature, id=best.pid, confidence=round(1 / (1 + math.exp(-margin)), 3),
    )


def _trusted(mention: Mention, ranked: list[tuple[float, Candidate]], context: Context
             ) -> list[tuple[float, Candidate]]:
    """A place found through part of a longer name counts only in a country the article is about."""
    if not mention.partial or not ranked:
        return ranked
    best = ranked[0][1]
    if best.feature in _STRONG_FEATURES or context.country_share(best.cc) >= 0.2:
        return ranked
    return []


def _rank(mentions: list[Mention], context: Context) -> list[list[tuple[float, Candidate]]]:
    return [
        sorted(((score(c, m, i, context), c) for c in m.candidates), key=lambda pair: pair[0], reverse=True)
        for i, m in enumerate(mentions)
    ]


def _winners(ranking: list[list[tuple[float, Candidate]]]) -> list[tuple[Candidate | None, float]]:
    winners: list[tuple[Candidate | None, float]] = []
    for ranked in ranking:
        if not ranked:
            winners.append((None, 0.0))
        else:
            winners.append((ranked[0][1], ranked[0][0] - ranked[1][0] if len(ranked) > 1 else 4.0))
    return winners


def resolve(text: str, mentions: list[Mention], extra_demonyms: list[str] | None = None,
            gazetteer: Gazetteer | None = None, guess_unknown: bool = False) -> list[Place]:
    """Geocode prepared mentions together: a context-free pass, then one in the light of its winners.

    With ``guess_unknown``, names the gazetteer lacks ("Royal Street", "City Hall") get the point of
    the article's home place (its most mentioned town) at confidence 0.1 instead of no coordinates.
    """
    gazetteer = gazetteer or load_gazetteer()
    for mention in mentions:
        if not mention.candidates:
            mention.candidates = candidates_for(mention, gazetteer)
    containers = _containers(text, mentions)
    first = _rank(mentions, Context(containers=containers))
    context = _votes(mentions, _winners(first), extra_demonyms or [])
    context.containers = containers
    ranking = [_trusted(m, ranked, context) for m, ranked in zip(mentions, _rank(mentions, context), strict=True)]
    places = [_to_place(m, ranked) for m, ranked in zip(mentions, ranking, strict=True)]
    if guess_unknown:
        _guess_unknown(places, mentions)
    return places


def _guess_unknown(places: list[Place], mentions: list[Mention]) -> None:
    towns = sorted((p for p in places if p.feature in ("city", "admin2") and p.lat is not None),
                   key=lambda t: t.start)
    starts = [t.start for t in towns]
    fallback = _home_place(places)
    for place, mention in zip(places, mentions, strict=True):
        if place.lat is not None or mention.demonym:
            continue
        # the town mentioned closest in the text: local news name the street next to its town
        home = _closest_town(towns, starts, place.start) if towns else fallback
        if home is not None:
            place.lat, place.lon, place.country, place.feature = home.lat, home.lon, home.country, home.feature
            place.confidence = 0.1


def _closest_town(towns: list[Place], starts: list[int], start: int) -> Place:
    """The town whose mention starts closest to ``start`` (the earlier one on ties), by bisection."""
    at = bisect.bisect_left(starts, start)
    near = [i for i in (at - 1, at) if 0 <= i < len(towns)]
    return min((towns[i] for i in near), key=lambda t: abs(t.start - start))


def _home_place(places: list[Place]) -> Place | None:
    """The article's most mentioned admin area, else country."""
    for features in (("admin1",), ("country",)):
        counts = Counter(p.id for p in places if p.feature in features and p.lat is not None)
        if counts:
            best = counts.most_common(1)[0][0]
            return next(p for p in places if p.id == best)
    return None


def resolve_mentions(text: str, spans: list[tuple[int, int]], guess_unknown: bool = True) -> list[Place]:
    """Resolve given character spans of ``text`` (one Place per span, in order), demonyms included.

    The spans are taken to be places, so by default a name the gazetteer lacks gets the point of the
    nearest town mentioned (confidence 0.1, see :func:`resolve`); ``guess_unknown=False`` leaves it
    without coordinates. Raises :class:`InputError` for spans outside ``text``.
    """
    for start, end in spans:
        if not (0 <= start < end <= len(text)):
            raise InputError(f"span ({start}, {end}) is not inside the text of {len(text)} characters")
    mentions = [describe(text[start:end], start, end) for start, end in spans]
    return resolve(text, mentions, guess_unknown=guess_unknown)


# ---------------------------------------------------------------- detection

_FACILITY_WORDS = {"airport", "airports", "airbase", "airbases", "airfield", "airfields"}
_BASE_TWO_WORDS = {("air", "base"), ("air", "bases")}
_ADMIN_WORDS = {"province", "governorate", "oblast", "county", "district", "region", "prefecture", "state"}
_DIRECTIONS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}
# LOC entities that are organisations in disguise ("United Nations", "Arab League")
_ORG_WORDS = {"nations", "league", "council", "ministry", "forces", "army", "party", "company", "bank",
              "university", "committee", "organization", "organisation", "agency", "court", "police"}
_STRONG_FEATURES = ("country", "admin1", "continent", "region", "natural")
_BIG_CITY = 100_000


def _is_name_word(text: str) -> bool:
    return text[:1].isupper() and any(c.isalpha() for c in text)


def _name_runs(words: list[str], glued: list[bool], stop: int | None = None) -> list[tuple[int, int]]:
    """Token ranges of capitalized words, joined over in-word hyphens ("Al-Hasakah").

    ``glued[i]`` is True when token i has no whitespace after it.
    """
    runs: list[tuple[int, int]] = []
    n = len(words) if stop is None else stop
    i = 0
    while i < n:
        if not _is_name_word(words[i]):
            i += 1
            continue
        j = i + 1
        while j < n:
            if _is_name_word(words[j]):
                j += 1
            elif words[j] == "-" and glued[j - 1] and j + 1 < n and _is_name_word(words[j + 1]):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _facility_after(doc: Doc, end: int) -> int:
    """Token index after a facility word right behind ``end`` ("airport", "air base"), else ``end``."""
    if end < len(doc) and doc[end].lower_ in _FACILITY_WORDS:
        return end + 1
    if end + 1 < len(doc) and (doc[end].lower_, doc[end + 1].lower_) in _BASE_TWO_WORDS:
        return end + 2
    return end


def _common_word(token) -> bool:  # noqa: ANN001
    """Capitalized words that are rarely places on their own ("No", "Western", "Central")."""
    if token.text.isupper() and len(token.text) <= 4:
        return False  # "US", "UK", "EU": abbreviations, matched case-sensitively
    return token.is_stop or token.lower_ in _GENERIC_WORDS


def _postal_code(word: str) -> bool:
    return len(word) == 2 and word.isupper() and word in US_STATE_ABBREVIATIONS


def _unlikely_unknown_place(name: str) -> bool:
    """An unknown LOC entity worth dropping: an abbreviation ("AP") or a generic word ("Town")."""
    letters = [c for c in name if c.isalpha()]
    if letters and len(letters) <= 4 and all(c.isupper() for c in letters):
        return True
    return " " not in name and name.lower() in _GENERIC_WORDS


def _strong(candidates: list[Candidate]) -> bool:
    return any(c.feature in _STRONG_FEATURES or (c.feature == "city" and c.population >= _BIG_CITY)
               for c in candidates)


class _Detector:
    """Collects place mentions and demonyms of one doc."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer, text: str) -> None:
        self.doc = doc
        self.text = text
        self.gazetteer = gazetteer
        self.labels: dict[int, tuple[str, int, int]] = {}  # token -> (entity label, ent start, ent end)
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                self.labels[i] = (ent.label_, ent.start, ent.end)
        orths, spaces = doc.to_array([ORTH, SPACY]).reshape(-1, 2).T.tolist()  # no spaCy token built
        strings = doc.vocab.strings
        self.words = [strings[orth] for orth in orths]
        self.glued = [not space for space in spaces]
        self.mentions: list[Mention] = []
        self.demonyms: list[Mention] = []
        self.taken: set[int] = set()

    def span_mention(self, start: int, end: int, hint: str | None = None) -> Mention:
        first, last = self.doc[start], self.doc[end - 1]
        start_char, end_char = first.idx, last.idx + len(last.text)
        mention = describe(self.text[start_char:end_char], start_char, end_char)
        if hint:
            mention.hint = hint
        return mention

    def add(self, mention: Mention, tokens: range) -> None:
        if any(i in self.taken for i in tokens):
            return
        mention.candidates = mention.candidates or candidates_for(mention, self.gazetteer)
        self.taken.update(tokens)
        (self.demonyms if mention.demonym else self.mentions).append(mention)

    def run(self) -> tuple[list[Mention], list[Mention]]:
        runs = _name_runs(self.words, self.glued)
        # facilities first, so "Aleppo and Damascus airports" is not taken as the town Aleppo
        for start, end in runs:
            if _facility_after(self.doc, end) > end:
                self.consider_run(start, end)
        for start, end in runs:
            self.consider_run(start, end)
        for ent in self.doc.ents:
            if ent.label_ in ("LOC", "GPE") and not any(i in self.taken for i in range(ent.start, ent.end)):
                self.consider_entity(ent.start, ent.end)
        self.mentions.sort(key=lambda m: m.start)
        self.demonyms.sort(key=lambda m: m.start)
        return self.mentions, self.demonyms

    def consider_run(self, start: int, end: int) -> None:
        """A run of capitalized tokens: a facility, an admin area, a demonym, or a gazetteer name."""
        doc = self.doc
        after = _facility_after(doc, end)
        if after > end and not _demonym_target(doc[start:end].text):
            self.add_facility(start, end, after)
            return
        text = doc[start:end].text
        if _demonym_target(text):
            self.add(self.span_mention(start, end), range(start, end))
            return
        if end < len(doc) and self.words[end] in _ADMIN_WORDS:  # "Idlib province", "Jefferson county"
            mention = self.span_mention(start, end + 1)
            mention.candidates = candidates_for(mention, self.gazetteer)
            if any(c.feature in ("admin1", "admin2") for c in mention.candidates):
                self.add(mention, range(start, end + 1))
                return
        self.consider_names(start, end)

    def add_facility(self, start: int, end: int, after: int) -> None:
        hint = "military_base" if "base" in self.doc[end:after].text.lower() else "airport"
        self.add(self.span_mention(start, after, hint), range(start, after))
        # "Qamishli and Tabqa airports": the first name is an airport too
        before = start - 1
        if before > 0 and self.doc[before].lower_ in ("and", ",", "&"):
            runs = [r for r in _name_runs(self.words, self.glued, stop=before) if r[1] == before]
            if runs:
                self.add(self.span_mention(runs[0][0], runs[0][1], hint), range(*runs[0]))

    def consider_names(self, start: int, end: int) -> None:
        """The longest sub-run that names a place the entity labels allow, left to right."""
        i = start
        while i < end:
            for j in range(min(end, i + 5), i, -1):
                if self.accept(i, j, whole_run=(i, j) == (start, end)):
                    break
            else:
                j = i + 1
            i = j

    def accept(self, i: int, j: int, whole_run: bool) -> bool:
        """Take tokens i..j as a place if the gazetteer knows them and the NER labels do not object."""
        if self.words[j - 1] == "-" or self.words[i] == "-":
            return False
        label = self.labels.get(i)
        kind = label[0] if label else None
        within = label is not None and label[1] <= i and j <= label[2]
        if not within:
            kind = None  # a name crossing entity borders: judged on the gazetteer alone
        if j - i == 1 and (self.words[i].lower() in _GENERIC_WORDS or
                           (kind not in ("LOC", "GPE") and _common_word(self.doc[i]))):
            return False
        if j - i == 1 and _postal_code(self.words[i]) and (i == 0 or self.words[i - 1] != ","):
            return False  # "IN", "OR", "CT" are states only in "Hartford, CT"
        mention = self.span_mention(i, j)
        if mention.demonym:
            self.add(mention, range(i, j))
            return True
        candidates = candidates_for(mention, self.gazetteer)
        if mention.partial or not candidates or not self.labels_allow(kind, label, i, j, whole_run, candidates):
            return False
        mention.candidates = candidates
        self.add(mention, range(i, j))
        return True

    def labels_allow(self, kind: str | None, label: tuple[str, int, int] | None, i: int, j: int,
                     whole_run: bool, candidates: list[Candidate]) -> bool:
        if kind in ("LOC", "GPE"):
            return True
        country_like = any(c.feature in ("country", "continent", "region", "natural") or
                           (c.feature == "admin1" and c.population >= 1_000_000) for c in candidates)
        if kind == "PER":
            # "Jordan" alone may be the country; inside "Michael Jordan" it is not
            return (label[1], label[2]) == (i, j) and any(c.feature in _STRONG_FEATURES for c in candidates)
        if kind in ("ORG", "MISC"):
            # "U.S. Navy", "Liverpool FC", "Reserve Bank of Zimbabwe": well-known places in a name
            return country_like or (_strong(candidates) and i == label[1])
        if not whole_run:
            return country_like  # "Paul" of "Paul Smith" is not the Cape Verdean county
        if self.doc[i].is_sent_start and j - i == 1:
            return any(c.feature in _STRONG_FEATURES for c in candidates)
        return _strong(candidates)

    def consider_entity(self, start: int, end: int) -> None:
        """A LOC entity no name run explained: keep it (unresolved if need be) unless it is an organisation."""
        words = {t.lower_ for t in self.doc[start:end]}
        if words & _ORG_WORDS:
            return
        mention = self.span_mention(start, end)
        mention.candidates = candidates_for(mention, self.gazetteer)
        if not mention.candidates and _unlikely_unknown_place(mention.lookup):
            return
        self.add(mention, range(start, end))


def _directional_regions(text: str, mentions: list[Mention]) -> list[Mention]:
    """"the east of the Euphrates": the area on one side of a river or region becomes one region mention."""
    result = []
    for mention in mentions:
        head = text[max(0, mention.start - 24): mention.start]
        match = re.search(r"(?:\b[Tt]he\s+)?\b(" + "|".join(_DIRECTIONS) + r")\s+of\s+(?:the\s+)?$", head,
                          re.IGNORECASE)
        natural = any(c.feature in ("natural", "region") for c in mention.candidates)
        if match and natural:
            start = mention.start - len(head) + match.start()
            region = Mention(text[start: mention.end], start, mention.end, lookup=mention.lookup, hint="region",
                             candidates=[c for c in mention.candidates if c.feature in ("natural", "region")])
            result.append(region)
        else:
            result.append(mention)
    return result


def detect_mentions(doc: Doc, gazetteer: Gazetteer | None = None, text: str | None = None
                    ) -> tuple[list[Mention], list[Mention]]:
    """Place mentions and demonym mentions of ``doc``, each with its candidates."""
    text = doc_text(doc) if text is None else text
    mentions, demonyms = _Detector(doc, gazetteer or load_gazetteer(), text).run()
    return _directional_regions(text, mentions), demonyms


def find_places(doc: Doc, include_demonyms: bool = False) -> list[Place]:
    """Every place mention of ``doc`` resolved to a Place (offsets into ``doc.text``), in text order."""
    text = doc_text(doc)
    mentions, demonyms = detect_mentions(doc, text=text)
    if include_demonyms:
        adjectives = [m for m in demonyms if not _people_noun(m.lookup)]
        mentions = sorted(mentions + adjectives, key=lambda m: m.start)
    extra = [] if include_demonyms else [m.demonym for m in demonyms if m.demonym]
    places = resolve(text, mentions, extra)
    for place, mention in zip(places, mentions, strict=True):
        if mention.hint == "region" and place.feature in ("natural", "region") and mention.text != mention.lookup:
            place.feature = "region"
            place.name = _clean(mention.text)
    return places
