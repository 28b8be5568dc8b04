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

SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
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
class Affiliation:
    """Whom a source speaks for ("Dmitry Peskov" -> the Kremlin, government)."""

    text: str  # as the article words it ("Kremlin", "Syrian")
    canonical: str  # the fullest name of the body ("Syria" for "Syrian")
    kind: str = "organization"  # one of SourceKind: government, organization or media


@dataclass
class Source(Span):
    kind: str = "author"  # one of SourceKind
    canonical: str | None = None
    affiliation: Affiliation | None = None  # for a person or anonymous source: the body it speaks for


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
class Analysis:
    """What one article yields; serialized by :func:`to_dict`."""

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    entity_groups: list[EntityGroup] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
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
