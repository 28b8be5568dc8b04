"""The one data model of claimtrace and its JSON form.

Everything downstream of reading (extractors, store, reports, web) reads and
writes these objects. Every span is a pair of character offsets into
``Article.text``; ``text`` fields repeat the covered substring for readability.
``to_dict``/``from_dict`` are the only (de)serializers; the JSON Schema in
``claimtrace/schema/analysis.schema.json`` describes their output.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from types import UnionType
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from claimtrace.errors import InputError

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


_ISO_PREFIX = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_ISO_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2}))?")
YEARS = range(1000, 9001)  # the years a publication date may have


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to the day, the month or only the year ("2024-04-05", "2024-04", "2024").

    Parsed once where a date enters (readers, the API, the store) and carried as this value after;
    ``str()`` gives its ISO 8601 form back, with the time of day when one was given.
    """

    year: int
    month: int | None = None
    day: int | None = None
    time: str | None = None  # "12:30:00+00:00" when a datetime was given (day granularity only)

    def __post_init__(self) -> None:
        if self.year not in YEARS:
            raise InputError(f"the date {self.isoformat()!r} is out of range (years 1000 to 9000)")
        dt.date(self.year, self.month or 1, self.day or 1)  # raises ValueError on a day that does not exist

    @property
    def granularity(self) -> str:
        """"day", "month" or "year"."""
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    def isoformat(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return f"{text}T{self.time}" if self.time else text

    def __str__(self) -> str:
        return self.isoformat()

    def as_date(self) -> dt.date | None:
        """The calendar day when known to the day, else None."""
        return dt.date(self.year, self.month, self.day) if self.day is not None and self.month else None

    def first_day(self) -> dt.date:
        """The first day it may be ("2024-04" -> 2024-04-01)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The last day it may be ("2024-04" -> 2024-04-30)."""
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is None:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year + self.month // 12, self.month % 12 + 1, 1) - dt.timedelta(days=1)

    @classmethod
    def from_datetime(cls, value: dt.datetime | dt.date, with_time: bool = False) -> PartialDate:
        """The day of ``value``, with its time of day (and offset) when ``with_time``."""
        time = value.isoformat()[11:] if with_time and isinstance(value, dt.datetime) else None
        return cls(value.year, value.month, value.day, time)

    @classmethod
    def from_iso(cls, text: str, where: str = "published") -> PartialDate:
        """Parse ISO 8601: "2024", "2024-04", "2024-04-05" or a datetime; InputError names ``where``."""
        value = text.strip()
        try:
            if partial := _ISO_PARTIAL.fullmatch(value):
                return cls(int(partial[1]), int(partial[2]) if partial[2] else None)
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{where}: cannot read the date '{value}' (use YYYY-MM-DD, YYYY-MM or YYYY)") from None
        midnight = parsed.hour == parsed.minute == parsed.second == 0
        return cls.from_datetime(parsed, with_time=not (midnight and len(value) <= 10 or _date_only(parsed, value)))

    @classmethod
    def leading(cls, text: str | None) -> PartialDate | None:
        """The date an ISO value starts with ("2022-02-16/2022-02-20" -> 2022-02-16), None if none."""
        match = _ISO_PREFIX.match(text or "")
        if not match:
            return None
        try:
            return cls(int(match[1]), int(match[2]) if match[2] else None, int(match[3]) if match[3] else None)
        except (ValueError, InputError):
            return None


def _date_only(parsed: dt.datetime, text: str) -> bool:
    return parsed.tzinfo is None and ":" not in text


def first_day(value: PartialDate | None) -> dt.date | None:
    """:meth:`PartialDate.first_day`, None staying None."""
    return value.first_day() if value is not None else None


@dataclass
class Article:
    """A text plus its metadata: the unit of everything.

    ``published`` may be given as ISO 8601 text (or a date); it is kept as a :class:`PartialDate`.
    """

    text: str
    title: str | None = None
    published: PartialDate | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.published, str):
            self.published = PartialDate.from_iso(self.published) if self.published.strip() else None
        elif isinstance(self.published, dt.date):
            self.published = PartialDate.from_datetime(self.published)


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
class Frame:
    """The proposition a claim states, normalized for comparing claims across articles.

    ``predicate`` is a state ("responsibility" for an event, "presence" of forces, "toll") or an event
    class ("attack", "capture", ...); ``polarity`` is that of the proposition after folding antonyms
    (a reported withdrawal is ``presence`` denied, with ``change`` true); ``agent`` is the side the
    actor stands for ("Russia" for "Russian forces"). See extract/frames.py.
    """

    predicate: str
    polarity: str = "affirms"  # one of Polarity
    modality: str = "asserted"  # asserted, possible, reported, intention, future, conditional, obligation
    agent: str | None = None
    agent_text: str | None = None
    target: str | None = None  # what the event befell ("hospital", "dam"), a lower-case noun
    place: str | None = None  # gazetteer id of the place the claim is about
    place_name: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2 of that place
    place_feature: str | None = None  # its FeatureClass
    time: str | None = None  # ISO date the claim is about: the event time in the text, else published
    time_from: str = "unknown"  # "text" (the claim), "sentence" (its sentence), "published" or "unknown"
    change: bool = False  # the claim reports a change of state (left, arrived, rose to)
    quantity: float | None = None
    unit: str | None = None  # what the quantity counts ("killed", "wounded", "missing", ...)


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
    frame: Frame | None = None  # what the claim states, normalized (extract/frames.py)


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

    category: str  # one of PloverCategory: what is done (a planned withdrawal is a RETREAT)
    trigger: Span
    coded_as: str | None = None  # how PLOVER codes the statement: AGREE / THREATEN / REJECT for an intended,
    # threatened or refused event, else the category
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

    def sentence_of(self, claim: Claim) -> Sentence:
        """The sentence a claim is in (its content's offsets when the index is out of range)."""
        if 0 <= claim.sentence < len(self.sentences):
            return self.sentences[claim.sentence]
        return Sentence(claim.content.start, claim.content.end)

    def event_time(self, claim: Claim) -> str | None:
        """The ISO value of the date a claim is about: the first calendar-resolved date in its
        content, else in its sentence.

        Misses dates stated in neighbouring sentences ("On Monday ... . He said ...").
        """
        sentence = self.sentence_of(claim)
        resolved = [d for d in self.dates if d.resolved and d.value]
        for start, end in ((claim.content.start, claim.content.end), (sentence.start, sentence.end)):
            for d in resolved:
                if d.start >= start and d.end <= end:
                    return d.value
        return None


def to_dict(obj: Any) -> dict[str, Any]:
    """Serialize any model object to plain JSON-ready data ("schema" first; dates as ISO text)."""
    data = _plain(obj)
    if "schema" in data:
        data = {"schema": data.pop("schema"), **data}
    return data


_SCALARS = (str, int, float, type(None))


def _plain(value: Any) -> Any:
    if isinstance(value, _SCALARS):  # most values of an analysis: checked first, since storing calls this per claim
        return value
    if isinstance(value, PartialDate):
        return value.isoformat()
    names = _field_names(type(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass, in order; None for any other class."""
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None


T = TypeVar("T")


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a model object from :func:`to_dict` output (the one deserializer of every model
    type, the store's included); unknown keys are ignored."""
    kwargs = {}
    for name, read in _field_readers(cls):
        if name in data:
            kwargs[name] = data[name] if read is None else read(data[name])
    return cls(**kwargs)


Reader = Callable[[Any], Any]
_READERS: dict[type, list[tuple[str, Reader | None]]] = {}


def _field_readers(cls: type) -> list[tuple[str, Reader | None]]:
    """How to read each field of a model class from JSON data (worked out once per class: reading
    type hints on every call would dominate decoding a store's claims)."""
    if cls not in _READERS:
        hints = get_type_hints(cls)
        _READERS[cls] = [(f.name, _reader(hints[f.name])) for f in fields(cls)]  # type: ignore[arg-type]
    return _READERS[cls]


def _reader(tp: Any) -> Reader | None:
    """How to read a value of type ``tp`` from JSON data; None when it is read as it is."""
    candidates = [c for c in (get_args(tp) if isinstance(tp, UnionType) else (tp,)) if c is not type(None)]
    for candidate in candidates:
        if candidate is PartialDate:
            return lambda v: PartialDate.from_iso(v) if isinstance(v, str) else v
        if get_origin(candidate) is list:
            item = _reader(get_args(candidate)[0]) or (lambda x: x)
            return lambda v: None if v is None else [item(x) for x in v]
        if is_dataclass(candidate):
            nested = candidate
            return lambda v: from_dict(nested, v) if isinstance(v, dict) else v
    return None
