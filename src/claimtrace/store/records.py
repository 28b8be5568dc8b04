"""What the store hands to linking, and what linking hands back.

A :class:`ClaimRecord` is one stored claim with what linking needs of its
article; a :class:`Relation` links two stored claims with its evidence.
Corpus objects only point at analyses by id and offsets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from claimtrace.model import Claim, Frame, PartialDate, from_dict, to_dict

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
    """One stored claim with what linking needs of its article and sentence.

    ``claim`` may be given as the claim's stored JSON text: it is then decoded when first read. A record
    made from a claim's stored link form (:func:`linked_claim_record`) answers :attr:`frame`,
    :attr:`polarity` and :attr:`certainty` from that form, so relating a stored candidate that does not
    match decodes no claim at all.
    """

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
    # The stored link form (:func:`encode_link_form`, JSON), None until the claim is linked.
    link_form: str | None = field(default=None, repr=False, compare=False)
    # What this claim shares with every stored claim of the same wording, normalized form and link form
    # (:class:`StoredForm`), when read as a linking candidate; None otherwise.
    stored: StoredForm | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.published = _published(self.published)
        if isinstance(self.claim, str):  # the stored JSON text, decoded when first read (__getattr__)
            self.__dict__["_claim_text"] = self.__dict__.pop("claim")

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not set: ``claim`` given as JSON text and not read yet.
        if name == "claim" and "_claim_text" in self.__dict__:
            claim = from_dict(Claim, json.loads(self.__dict__.pop("_claim_text")))
            frame = self._link_frame()
            if frame is not None:
                claim.frame = frame  # the frame linking completed, as its link form holds it
            self.__dict__["claim"] = claim
            return claim
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _summary(self, name: str) -> Any:
        """``name`` (polarity, certainty) from the link form while the claim is not decoded, else None."""
        return None if "claim" in self.__dict__ else self.__dict__.get(name)

    def _link_frame(self) -> Frame | None:
        """The frame of the link form (made from its data when first asked), None without one."""
        frame = self.__dict__.get("_frame")
        if frame is None and "_frame_data" in self.__dict__:
            frame = self.__dict__["_frame"] = from_dict(Frame, self.__dict__.pop("_frame_data"))
        return frame

    @property
    def predicate(self) -> str:
        """The predicate of the claim's frame (read from the link form without making the frame)."""
        data = self.__dict__.get("_frame_data")
        return data["predicate"] if data is not None and "claim" not in self.__dict__ else self.frame.predicate

    @property
    def frame(self) -> Frame:
        """The claim's frame: as analysed, else derived now from the claim alone (stores written
        before frames existed), kept on the claim."""
        if "claim" not in self.__dict__:
            frame = self._link_frame()
            if frame is not None:
                return frame
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
    def polarity(self) -> str:
        """The claim's polarity (as linking completed it)."""
        summary = self._summary("_polarity")
        return summary if summary is not None else self.claim.polarity

    @property
    def certainty(self) -> str:
        summary = self._summary("_certainty")
        return summary if summary is not None else self.claim.certainty

    @property
    def time(self) -> PartialDate | None:
        """The time the claim is about: (the start of) its event time, else the publication date."""
        return PartialDate.leading(self.event_time) if self.event_time else self.published


# What relating reads of a stored claim besides its wording and its normalized form: written when the claim
# is linked (after linking completed its frame and polarity), so that a later run relating it as a
# candidate reads one short row instead of decoding the claim and looking up its sentence's names.
LINK_FORM_VERSION = 1
_LINK_FORM_PREFIX = f'{{"v":{LINK_FORM_VERSION},'


def encode_link_form(record: ClaimRecord) -> str:
    """The link form of ``record`` (its sentence's names, polarity, certainty and frame) as compact JSON."""
    frame = {key: value for key, value in to_dict(record.frame).items() if value is not None or key == "predicate"}
    return json.dumps(
        {"v": LINK_FORM_VERSION, "entities": list(record.entities), "places": list(record.places),
         "polarity": record.polarity, "certainty": record.certainty, "frame": frame},
        ensure_ascii=False, separators=(",", ":"))


def link_form_is_current(text: str | None) -> bool:
    return text is not None and text.startswith(_LINK_FORM_PREFIX)


@dataclass(eq=False)
class StoredForm:
    """What stored claims with the same claim JSON, normalized form and link form have in common: a
    wire report republished word for word by several outlets, or a claim repeated in one outlet's
    updated articles, is one stored form under several claim ids (which differ in article, outlet,
    publication and event dates, vector). Its link form is decoded once (``data``), and whatever linking
    reads of these texts alone is worked out once per form and kept in ``cache``
    (link/relations.py :class:`~claimtrace.link.relations.PairJudge`). Compared by identity: two
    reads of the same texts make two forms, which is only slower."""

    claim: str | None
    normalized: str | None
    link_form: str
    data: dict[str, Any]
    cache: dict[str, Any] = field(default_factory=dict)


def linked_claim_record(
    claim_id: int, article_id: int, claim: str | Claim, link_form: str,
    forms: dict[tuple[str | None, str | None, str], StoredForm] | None = None, **columns: Any
) -> ClaimRecord:
    """A record of a linked claim from its stored link form (current, see :func:`link_form_is_current`);
    ``claim``: its JSON text (decoded when first read); ``columns``: the other fields (outlet,
    published, url, event_time, normalized). ``forms``: the stored forms made so far by one read (by
    their texts), so that claims sharing their texts share one :class:`StoredForm`."""
    key = (claim if isinstance(claim, str) else None, columns.get("normalized"), link_form)
    stored = forms.get(key) if forms is not None and key[0] is not None else None
    if stored is None:
        stored = StoredForm(key[0], key[1], link_form, json.loads(link_form))
        if forms is not None and key[0] is not None:
            forms[key] = stored
    data = stored.data
    record = ClaimRecord(id=claim_id, article_id=article_id, claim=claim, entities=data["entities"],
                         places=data["places"], link_form=link_form, stored=stored, **columns)
    record.__dict__["_frame_data"] = data["frame"]  # made into a Frame when first read (most candidates never are)
    record.__dict__["_polarity"] = data["polarity"]
    record.__dict__["_certainty"] = data["certainty"]
    if "claim" in record.__dict__:  # given decoded: the link form's frame is the one linking completed
        record.claim.frame = record._link_frame()
    return record


@dataclass
class Relation:
    a: int  # claim id (the earlier claim)
    b: int  # claim id (the later claim)
    relation: RelationKind
    reason: str  # human-readable evidence: "polarity flip", "20 killed vs 35 killed", ...
    score: float = 0.0  # match strength in [0, 1]


def _published(value: PartialDate | str | None) -> PartialDate | None:
    return PartialDate.from_iso(value) if isinstance(value, str) else value
