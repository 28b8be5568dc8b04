"""The one data model of claimtrace and its JSON form.

Everything downstream of reading (extractors, store, reports, web) reads and
writes these objects. Every span is a pair of character offsets into
``Article.text``; ``text`` fields repeat the covered substring for readability.
``to_dict``/``from_dict`` are the only (de)serializers; the JSON Schema in
``claimtrace/schema/analysis.schema.json`` describes their output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from types import UnionType
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

SCHEMA_VERSION = "claimtrace.analysis/1"

SourceKind = Literal[
    "person", "organization", "government", "media", "anonymous", "witness", "document", "author"
]
ClaimForm = Literal["direct", "indirect", "mixed", "according_to", "author"]
Certainty = Literal["confirmed", "stated", "hedged", "rumored"]
Polarity = Literal["affirms", "denies"]
Granularity = Literal["day", "month", "year", "range"]
FeatureClass = Literal[
    "country", "admin1", "admin2", "city", "airport", "military_base", "natural", "region", "continent"
]

PloverCategory = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
    "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]
Modality = Literal["actual", "planned", "threatened", "possible", "denied"]
ActorSector = Literal[
    "government", "military", "police", "rebel", "opposition", "civilian", "international", "media",
    "business", "judiciary", "religious", "criminal", "other",
]
CasualtyKind = Literal["killed", "injured", "missing", "displaced", "evacuated", "affected", "damaged"]
CasualtyWho = Literal["civilians", "children", "women", "combatants", "soldiers", "police", "unspecified"]

SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
PLOVER_CATEGORIES: tuple[str, ...] = get_args(PloverCategory)
MODALITIES: tuple[str, ...] = get_args(Modality)
ACTOR_SECTORS: tuple[str, ...] = get_args(ActorSector)
CASUALTY_KINDS: tuple[str, ...] = get_args(CasualtyKind)
CASUALTY_WHO: tuple[str, ...] = get_args(CasualtyWho)
CLAIM_FORMS: tuple[str, ...] = get_args(ClaimForm)
CERTAINTIES: tuple[str, ...] = get_args(Certainty)
POLARITIES: tuple[str, ...] = get_args(Polarity)


@dataclass
class Article:
    """A text plus its metadata: the unit of everything."""

    text: str
    title: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as given
    outlet: str | None = None
    url: str | None = None
    language: str | None = None


@dataclass
class Span:
    text: str
    start: int
    end: int


@dataclass
class Sentence:
    start: int
    end: int


@dataclass
class Entity(Span):
    label: str = ""  # PER, ORG, LOC, MISC
    canonical: str | None = None  # the fullest name of the same referent in the article


@dataclass
class EntityGroup:
    """All mentions of one referent in one article ("Shoigu" -> "Sergei Shoigu")."""

    canonical: str
    label: str
    mentions: list[Span] = field(default_factory=list)


@dataclass
class Place(Span):
    name: str = ""
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    feature: str | None = None  # one of FeatureClass
    id: str | None = None  # GeoNames id where known, else "source:id"
    confidence: float = 0.0


@dataclass
class DateMention(Span):
    value: str | None = None  # ISO 8601, partial when the text is ("--02-16", "2022-02")
    granularity: str = "day"  # one of Granularity
    resolved: bool = False  # True when anchored to the calendar


@dataclass
class Source(Span):
    kind: str = "author"  # one of SourceKind
    canonical: str | None = None


@dataclass
class Cue(Span):
    lemma: str = ""


@dataclass
class Claim:
    content: Span
    source: Source | None = None
    cue: Cue | None = None
    form: str = "author"  # one of ClaimForm
    certainty: str = "stated"  # one of Certainty
    polarity: str = "affirms"  # one of Polarity
    recipient: Span | None = None
    sentence: int = 0  # index into Analysis.sentences


@dataclass
class Actor(Span):
    """A participant of an event: its words, the entity they name, country and sector."""

    canonical: str | None = None  # the fullest name of the referent in the article
    country: str | None = None  # ISO 3166-1 alpha-3
    sector: str | None = None  # one of ActorSector
    code: str | None = None  # CAMEO actor code from the PETRARCH-2 dictionaries ("SYRGOV")


@dataclass
class Event:
    """Who did what to whom, where and when (PLOVER 0.8), and the claim that carries it."""

    category: str  # one of PloverCategory
    trigger: Span
    mode: str | None = None  # PLOVER mode where the manual defines one ("visit", "withdraw", ...)
    context: str | None = None  # PLOVER context of the CAMEO code ("military", "diplomatic", ...)
    cameo: str | None = None  # the CAMEO code the trigger was coded with
    source: list[Actor] = field(default_factory=list)
    target: list[Actor] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    date: DateMention | None = None
    negated: bool = False
    modality: str = "actual"  # one of Modality
    claim: int | None = None  # index into Analysis.claims of the claim whose content holds the trigger
    sentence: int = 0  # index into Analysis.sentences


@dataclass
class Casualty(Span):
    """A count of people harmed, as written (the span) and as numbers."""

    kind: str = "killed"  # one of CasualtyKind
    who: str = "unspecified"  # one of CasualtyWho
    unit: str | None = None  # the counted noun's lemma ("people", "civilian", "house")
    value: int | None = None  # the count, or the lower bound of a range or vague count
    high: int | None = None  # the upper bound of a range or vague count, else equal to value
    qualifier: str | None = None  # "at least", "more than", "about", "up to", ... as written
    cause: str | None = None  # airstrike, shelling, rocket, explosion, flood, ...
    blamed: Actor | None = None  # the actor the sentence blames
    place: Place | None = None
    date: DateMention | None = None
    negated: bool = False
    event: int | None = None  # index into Analysis.events
    claim: int | None = None  # index into Analysis.claims
    sentence: int = 0


@dataclass
class Analysis:
    """What one article yields; serialized by :func:`to_dict`."""

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    entity_groups: list[EntityGroup] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    schema: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        return from_dict(cls, data)


def to_dict(obj: Any) -> dict[str, Any]:
    """Serialize any model object to plain JSON-ready data ("schema" first)."""
    data = asdict(obj)
    if "schema" in data:
        data = {"schema": data.pop("schema"), **data}
    return data


T = TypeVar("T")


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a model object from :func:`to_dict` output; unknown keys are ignored."""
    hints = get_type_hints(cls)
    kwargs = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            kwargs[f.name] = _coerce(hints[f.name], data[f.name])
    return cls(**kwargs)


def _coerce(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    candidates = get_args(tp) if isinstance(tp, UnionType) else (tp,)
    for candidate in candidates:
        if get_origin(candidate) is list:
            (item_type,) = get_args(candidate)
            return [_coerce(item_type, v) for v in value]
        if is_dataclass(candidate) and isinstance(value, dict):
            return from_dict(candidate, value)
    return value
