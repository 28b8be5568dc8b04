"""What the store hands to linking, and what linking hands back.

A :class:`ClaimRecord` is one stored claim with what linking needs of its
article; a :class:`Relation` links two stored claims with its evidence.
Corpus objects only point at analyses by id and offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from claimtrace.model import Claim, Frame, PartialDate

RelationKind = Literal["corroborates", "contradicts", "updates"]
RELATION_KINDS: tuple[str, ...] = get_args(RelationKind)


@dataclass
class ArticleRecord:
    id: int
    title: str | None
    text: str
    outlet: str | None
    published: PartialDate | None  # ISO text is parsed on construction
    url: str | None
    entities: list[str] = field(default_factory=list)  # canonical names
    places: list[str] = field(default_factory=list)  # place keys: "name (place id)", or the name when unresolved
    story_id: int | None = None
    embedding: Any = None  # the story vector (MiniLM of title + lead), or None until computed

    def __post_init__(self) -> None:
        self.published = _published(self.published)


def place_key(name: str, place_id: str | None) -> str:
    """How linking names a place: "Qamishli (geo:1)" when resolved (two mentions of one place
    compare equal, and reasons read in words), else the name alone."""
    return f"{name} ({place_id})" if place_id else name


def place_name(key: str) -> str:
    """The name part of a :func:`place_key` ("Qamishli (geo:1)" -> "Qamishli")."""
    name, _, rest = key.rpartition(" (")
    return name if name and rest.endswith(")") else key


@dataclass
class ClaimRecord:
    id: int
    article_id: int
    claim: Claim
    outlet: str | None = None
    published: PartialDate | None = None  # ISO text is parsed on construction
    url: str | None = None
    event_time: str | None = None  # ISO value of the date mention the claim is about (may be a range), else None
    entities: list[str] = field(default_factory=list)  # canonical names in the claim's sentence
    places: list[str] = field(default_factory=list)  # place keys in the claim's sentence (as above)
    embedding: Any = None  # numpy float32 vector (L2-normalized) or None
    # The normalized form, made once per record by ``matching.normalized_form`` (kept in memory only).
    form: Any = field(default=None, repr=False, compare=False)
    # The stored part of that form (``matching.encode_text_form``, JSON), None until the claim is linked.
    normalized: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.published = _published(self.published)

    @property
    def frame(self) -> Frame:
        """The claim's frame: as analysed, else derived now from the claim alone (stores written
        before frames existed), kept on the claim."""
        if self.claim.frame is None:
            from claimtrace.extract.frames import frame_of

            frame = frame_of(self.claim, published=self.published, entities=self.entities)
            if self.places and frame.place is None:
                frame.place_name = place_name(self.places[0])
                frame.place = self.places[0]
            if self.event_time:
                frame.time, frame.time_from = self.event_time, "sentence"
            self.claim.frame = frame
        return self.claim.frame

    @property
    def time(self) -> PartialDate | None:
        """The time the claim is about: (the start of) its event time, else the publication date."""
        return PartialDate.leading(self.event_time) if self.event_time else self.published


@dataclass
class Relation:
    a: int  # claim id (the earlier claim)
    b: int  # claim id (the later claim)
    relation: RelationKind
    reason: str  # human-readable evidence: "polarity flip", "20 killed vs 35 killed", ...
    score: float = 0.0  # match strength in [0, 1]


def _published(value: PartialDate | str | None) -> PartialDate | None:
    return PartialDate.from_iso(value) if isinstance(value, str) else value
