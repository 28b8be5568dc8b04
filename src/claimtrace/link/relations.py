"""Relations between matched claims: corroborates, contradicts or updates, with the evidence.

Finds, for two claims that match (:func:`claimtrace.link.matching.match_score`):
- opposite evidence: a polarity flip, different counts of the same thing ("20 people vs 35 people"),
  a different responsible actor, a different place or a different date of the event, and (optionally)
  the stance model judging that one claim disagrees with the other;
- time: each claim is about ``ClaimRecord.time`` (its event time, else its publication date).
  Opposite claims about the same time frame contradict each other. When the later claim reports a
  change (leave, withdraw, pull out, begin, end, no longer, now, rose to, ...) or the two are far apart
  in time, the later claim ``updates`` the story instead: the world changed, nobody was wrong.
- no opposite evidence and a strong match: corroborates.

Misses: contradictions carried only by antonyms ("advanced" vs "retreated") and by quantities with
different units; a time gap with no change verb between ``UPDATE_MIN_DAYS`` and ``STALE_DAYS`` is
read as a contradiction. Measured: no gold corpus of cross-article claim relations is available; the
behaviour is pinned by self-written cases in tests/test_relations.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from claimtrace.link.matching import (
    MATCH_THRESHOLD,
    NormalizedClaim,
    Quantity,
    days_between,
    form_agreement,
    normalized_form,
    score_forms,
    tokens,
)
from claimtrace.model import Frame, PartialDate, first_day
from claimtrace.store.records import ClaimRecord, Relation, place_name

CORROBORATION_THRESHOLD = 0.6
FRAMED = frozenset({"responsibility", "presence", "toll"})
AREA_FEATURES = frozenset({"country", "admin1", "region", "continent"})  # predicates compared frame to frame
STATE_WINDOW_DAYS = 180  # reports of a state this far apart tell of two moments, not one
SAME_EVENT_DAYS = 7  # event dates given in the texts further apart than this: two events
TOLL_SAME_TIME_DAYS = 2


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


UPDATE_MIN_DAYS = 2  # a change reported within a day or two is a conflicting account of one moment
STALE_DAYS = 180  # opposite claims this far apart describe different states of the world
STANCE_MIN_PROBABILITY = 0.6

CHANGE_LEMMAS = _words(
    "leave withdraw withdrawal pull retreat exit depart begin began begun start end ended stop halt resume "
    "return rise rose risen climb climbed increase increased grow grew reach reached become became now "
    "longer anymore finally since"
)
_CHANGE_PHRASES = ("no longer", "pulled out", "pull out", "pulling out", "rose to", "risen to", "climbed to")


def change_markers(text: str) -> list[str]:
    """Words and phrases in ``text`` that report a change of state."""
    low = " ".join(tokens(text)).lower()
    found = [p for p in _CHANGE_PHRASES if f" {p} " in f" {low} "]
    found += [t for t in low.split() if t in CHANGE_LEMMAS and not any(t in p.split() for p in found)]
    return list(dict.fromkeys(found))


_GENERIC_UNITS = frozenset({"", "people", "person"})


def _same_thing(qa: Quantity, qb: Quantity) -> bool:
    """Counts of the same thing: the same unit, or one of them generic ("20 people" vs "35 dead")."""
    return qa.unit == qb.unit or qa.unit in _GENERIC_UNITS or qb.unit in _GENERIC_UNITS


def _number_conflict(na: NormalizedClaim, nb: NormalizedClaim) -> tuple[Quantity, Quantity] | None:
    for qa in na.quantities:
        for qb in nb.quantities:
            if _same_thing(qa, qb) and abs(qa.value - qb.value) > 0.02 * max(qa.value, qb.value):
                return qa, qb
    return None


def _difference(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[list[str], list[str]] | None:
    """The names only one side has, when both sides name something and share nothing."""
    if a and b and not set(a) & set(b):
        return sorted(set(a)), sorted(set(b))
    return None


def _folded_names(record: ClaimRecord) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """The case-folded names of ``record``'s places, and (case-folded, as written) of its entities in
    their order: made once per record (kept on it, or on its stored form, whose names it shares), as a
    claim meets many others."""
    kept = record.stored.cache if record.stored is not None else record.__dict__
    folded = kept.get("_folded_names")
    if folded is None:
        folded = (frozenset(place_name(p).casefold() for p in record.places),
                  tuple((e.casefold(), e) for e in record.entities))
        kept["_folded_names"] = folded
    return folded


def _actor_conflict(
    a: ClaimRecord, b: ClaimRecord, na: NormalizedClaim | None = None, nb: NormalizedClaim | None = None
) -> tuple[list[str], list[str]] | None:
    """Both name actors, they share none, each names one the other does not, and the rest agrees.

    Names compare case-blind ("al-Assad" is "Al-Assad"). Claims that share an actor and each add
    other names ("Shoigu met Assad in Damascus" / "Shoigu met Assad on behalf of Putin") tell more
    of the same event; only wholly different actors ("Russian jets" / "Syrian jets") oppose.
    """
    (places_a, names_a), (places_b, names_b) = _folded_names(a), _folded_names(b)
    places = places_a | places_b
    actors_a = {folded: e for folded, e in names_a if folded not in places}
    actors_b = {folded: e for folded, e in names_b if folded not in places}
    if actors_a.keys() & actors_b.keys():
        return None
    only_a, only_b = sorted(actors_a.values()), sorted(actors_b.values())
    if not only_a or not only_b:
        return None
    names = {w.lower() for name in only_a + only_b for w in name.split()}
    # the content lemmas of each claim: those of its normalized form (the same words, made once per claim)
    rest_a = {w for w in (na or normalized_form(a)).arguments if w not in names}
    rest_b = {w for w in (nb or normalized_form(b)).arguments if w not in names}
    overlap = len(rest_a & rest_b) / max(1, len(rest_a | rest_b))
    return (only_a, only_b) if overlap >= 0.5 else None


def _date_conflict(a: ClaimRecord, b: ClaimRecord) -> tuple[str, str] | None:
    """Both give an event time and neither contains the other ("2022-02" contains "2022-02-16")."""
    ta, tb = a.event_time, b.event_time
    if not ta or not tb or PartialDate.leading(ta) is None or PartialDate.leading(tb) is None:
        return None
    if ta.startswith(tb) or tb.startswith(ta):
        return None
    return ta, tb


def opposite_evidence(
    a: ClaimRecord, b: ClaimRecord, na: NormalizedClaim | None = None, nb: NormalizedClaim | None = None
) -> list[str]:
    """Reasons why ``a`` and ``b`` (already matched) cannot both hold of the same moment."""
    na, nb = na or normalized_form(a), nb or normalized_form(b)
    return form_evidence(a, b, na, nb) + _date_evidence(a, b)


def form_evidence(a: ClaimRecord, b: ClaimRecord, na: NormalizedClaim, nb: NormalizedClaim) -> list[str]:
    """The reasons of :func:`opposite_evidence` read from the claims' normalized forms, names and frames'
    places alone (polarity, numbers, actors, places), in its order; the dates are the claims' own."""
    reasons: list[str] = []
    if na.polarity != nb.polarity:
        reasons.append(f"polarity flip: {na.polarity} vs {nb.polarity}")
    numbers = _number_conflict(na, nb)
    if numbers:
        verb = f" ({na.predicate})" if na.predicate and na.predicate == nb.predicate else ""
        reasons.append(f"different numbers: {numbers[0].text} vs {numbers[1].text}{verb}")
    actors = _actor_conflict(a, b, na, nb)
    if actors:
        reasons.append(f"different actor: {', '.join(actors[0])} vs {', '.join(actors[1])}")
    places = _difference(na.places, nb.places)
    if places and not compatible_places(a.frame, b.frame):  # an airport in Syria is in Syria
        reasons.append(f"different place: {', '.join(places[0])} vs {', '.join(places[1])}")
    return reasons


def _date_evidence(a: ClaimRecord, b: ClaimRecord) -> list[str]:
    dates = _date_conflict(a, b) if a.frame.time_from == b.frame.time_from == "text" else None  # not in passing
    return [f"different date: {dates[0]} vs {dates[1]}"] if dates else []


def claim_time(record: ClaimRecord) -> PartialDate | None:
    """The time a claim is about when relating: its event time, unless that date only starts a period
    ("under their control since 2022": linking marks the frame's time "period"), then its publication date."""
    if record.event_time and record.frame.time_from == "period":
        return record.published
    return record.time


def _in_time_order(a: ClaimRecord, b: ClaimRecord) -> tuple[ClaimRecord, ClaimRecord]:
    """Earlier claim first; the same or an unknown time falls back to the order they were stored in,
    so that relating (a, b) and (b, a) gives the same relation."""
    da, db = first_day(claim_time(a)), first_day(claim_time(b))
    if da and db and da != db:
        return (a, b) if da < db else (b, a)
    return (a, b) if a.id <= b.id else (b, a)


def _is_update(
    earlier: ClaimRecord, later: ClaimRecord, reasons: list[str], markers_of: Callable[[], list[str]] | None = None
) -> str | None:
    """Why the later claim reports a change rather than disputing the earlier one, else None;
    ``markers_of``: the later claim's :func:`change_markers`, when they may be known already."""
    gap = days_between(claim_time(earlier), claim_time(later))
    if gap is None or gap < UPDATE_MIN_DAYS:
        return None
    markers = markers_of() if markers_of is not None else change_markers(later.claim.content.text)
    if markers:
        return f"later report of a change ({', '.join(markers)}) {gap} days after"
    if gap >= STALE_DAYS:
        return f"{gap} days apart: a later state, not the same time frame"
    if any(r.startswith("different numbers") for r in reasons) and len(reasons) == 1:
        return f"revised count {gap} days after"
    return None


def _stance_disagrees(earlier: ClaimRecord, later: ClaimRecord, stance_model: Any) -> float:
    prediction = stance_model.predict(earlier.claim.content.text, later.claim.content.text)
    return prediction.probabilities.get("disagree", 0.0) if prediction.label == "disagree" else 0.0


# -- frame to frame ---------------------------------------------------------------------------


def compatible_places(fa: Frame, fb: Frame) -> bool:
    """Whether two frames can be about one place: either is unplaced, the same place, or one is an
    area (country, province, region) of the country the other lies in (an airport in Al-Hasakah is
    in Syria, and east of the Euphrates); two different provinces, or two different towns or bases,
    are two places."""
    if not fa.place or not fb.place or fa.place == fb.place:
        return True
    if fa.country and fb.country and fa.country != fb.country:
        return False
    if fa.place_feature == fb.place_feature == "admin1":
        return False
    return bool({fa.place_feature, fb.place_feature} & AREA_FEATURES)


def frame_days(fa: Frame, fb: Frame) -> int | None:
    """Days between the times two frames are about (None when either is unknown)."""
    return days_between(PartialDate.leading(fa.time), PartialDate.leading(fb.time))


def _same_event(fa: Frame, fb: Frame, same_story: bool = False) -> bool:
    """Two claims of responsibility or tolls can be about one event: the event dates the claims give
    and, across stories, their targets do not tell two events apart. Within one story (articles
    grouped by event) targets are parts and names of one thing ("the dam", "the power plant").
    (Places do not count: the place a blame claim names is as often the actor's as the event's.)"""
    if not same_story and fa.target and fb.target and fa.target != fb.target:
        return False
    if fa.time_from == fb.time_from == "text":
        gap = frame_days(fa, fb)
        if gap is not None and gap > SAME_EVENT_DAYS:
            return False
    return True


def _event_words(fa: Frame, fb: Frame) -> str:
    """The event both frames are about, in words: "the hospital, 2023-10-17" (the event date a
    claim gives, else the earlier publication date)."""
    target = fa.target or fb.target
    when = next((f.time for f in (fa, fb) if f.time_from == "text" and f.time), None)
    when = when or min((f.time for f in (fa, fb) if f.time), default=None)
    return f"the {target or 'event'}" + (f", {when}" if when else "")


def _responsibility(fa: Frame, fb: Frame, same_story: bool) -> tuple[str, str] | None:
    if not fa.agent or not fb.agent or not _same_event(fa, fb, same_story):
        return None
    event = _event_words(fa, fb)
    if fa.agent == fb.agent:
        if fa.polarity == fb.polarity:
            verb = "blamed" if fa.polarity == "affirms" else "cleared"
            return "corroborates", f"both: {fa.agent} {verb} for {event}"
        return "contradicts", f"{fa.agent} blamed vs cleared for {event}"
    if fa.polarity == fb.polarity == "affirms":
        return "contradicts", f"{fa.agent} vs {fb.agent} blamed for {event}"
    if fa.polarity == fb.polarity:
        return "contradicts", f"{fa.agent} vs {fb.agent} cleared of {event}: one of them did it"
    blamed, cleared = (fa.agent, fb.agent) if fa.polarity == "affirms" else (fb.agent, fa.agent)
    return "corroborates", f"{blamed} blamed, {cleared} cleared for {event}"


def _presence(fa: Frame, fb: Frame, gap: int | None) -> tuple[str, str] | None:
    if not fa.agent or not fb.agent or fa.agent.casefold() != fb.agent.casefold() or not compatible_places(fa, fb):
        return None
    if "obligation" in (fa.modality, fb.modality):
        return None  # "the troops must leave", "demanded that they withdraw": what is asked, not what is
    where = fb.place_name or fa.place_name
    state = f"{fa.agent}" + (f" in {where}" if where else "")
    if gap is not None and gap > STATE_WINDOW_DAYS:
        if fa.polarity == fb.polarity:
            return None
        return "updates", (
            f"{state}: {_state_words(fa)} ({fa.time}), then {_state_words(fb)} ({fb.time}):"
            f" a later report of a change, {gap} days on"
        )
    if fa.polarity == fb.polarity:
        return "corroborates", f"both: {state} {_state_words(fa)}"
    return "contradicts", f"{state}: {_state_words(fa)} vs {_state_words(fb)}" + (
        f", {gap} days apart" if gap else ", at the same time"
    )


def _state_words(frame: Frame) -> str:
    """"staying", "leaving (intention)"."""
    words = "staying" if frame.polarity == "affirms" else "leaving"
    return words + (f" ({frame.modality})" if frame.modality not in ("asserted", "reported") else "")


def _toll(fa: Frame, fb: Frame, gap: int | None) -> tuple[str, str] | None:
    if fa.unit != fb.unit or fa.quantity is None or fb.quantity is None:
        return None
    if not (fa.target or fa.place) or not _same_event(fa, fb) or not (fa.target == fb.target or fa.place == fb.place):
        return None  # counts meet only when they name the same target or place
    event = _event_words(fa, fb)
    if abs(fa.quantity - fb.quantity) <= 0.02 * max(fa.quantity, fb.quantity):
        return "corroborates", f"same toll: {fa.quantity:g} {fa.unit} at {event}"
    counts = f"{fa.quantity:g} vs {fb.quantity:g} {fa.unit} at {event}"
    if gap is not None and gap > TOLL_SAME_TIME_DAYS:
        return "updates", f"revised toll {gap} days on: {counts}"
    return "contradicts", f"different tolls: {counts}"


def frame_relation(earlier: ClaimRecord, later: ClaimRecord, same_story: bool = False) -> tuple[str, str] | None:
    """The relation of two framed claims (``FRAMED`` predicates) by their frames alone, or None;
    ``same_story``: their articles were grouped as reports of one event."""
    fa, fb = earlier.frame, later.frame
    gap = frame_days(fa, fb)
    if fa.predicate == "responsibility":
        return _responsibility(fa, fb, same_story)  # a past event: publication dates do not matter
    if fa.predicate == "presence":
        return _presence(fa, fb, gap)
    return _toll(fa, fb, gap)


def relate(
    a: ClaimRecord,
    b: ClaimRecord,
    *,
    stance_model: Any = None,
    similarity: float | None = None,
    same_story: bool = False,
) -> Relation | None:
    """The relation between two claims, or None when they do not state the same proposition.

    ``Relation.a`` is the earlier claim. ``stance_model`` (optional: any object whose
    ``predict(claim, body)`` gives a ``label`` and ``probabilities``, such as the ``StanceModel`` of
    training/stance/stance_model.py) is consulted only when nothing else shows opposition. ``similarity``: the claims' calibrated
    embedding similarity when already computed (see :func:`~claimtrace.link.matching.score_forms`);
    ``same_story``: the two articles were grouped as reports of one event.
    """
    return PairJudge(a, stance_model).relate(b, similarity=similarity, same_story=same_story)


_Verdict = TypeVar("_Verdict")


class PairJudge:
    """Relates one claim to many others exactly as :func:`relate` does pair by pair, working out what
    depends only on the other claim's stored texts (``ClaimRecord.stored``, shared by the stored claims
    of one wording, normalized form and link form: a wire report several outlets republished) once per
    such form: the agreement of the two normalized forms, the opposite evidence but for the dates, the
    relation of two frames, the change words of the later claim, the stance model's reading. What is
    each claim's own (similarity, times and their order, event dates, ids, the same story) is read per
    pair. Claims read without a stored form are judged one by one."""

    def __init__(self, claim: ClaimRecord, stance_model: Any = None) -> None:
        self.claim = claim
        self.stance_model = stance_model
        self._verdicts: dict[tuple[Any, ...], Any] = {}

    def _once(self, other: ClaimRecord, key: tuple[Any, ...], judge: Callable[[], _Verdict]) -> _Verdict:
        """``judge()``, worked out once per stored form of ``other`` and ``key`` (the rest of what it reads)."""
        if other.stored is None:
            return judge()
        key = (other.stored, *key)
        if key not in self._verdicts:
            self._verdicts[key] = judge()
        return self._verdicts[key]

    def relate(self, b: ClaimRecord, *, similarity: float | None = None, same_story: bool = False) -> Relation | None:
        """The relation between the judge's claim and ``b`` (see :func:`relate`)."""
        a = self.claim
        if a.predicate in FRAMED or b.predicate in FRAMED:
            if a.predicate != b.predicate:
                return None
            earlier, later = _in_time_order(a, b)
            found = self._once(b, ("frames", earlier is a, same_story),
                               lambda: frame_relation(earlier, later, same_story))
            if found is None:
                return None
            return Relation(earlier.id, later.id, found[0], found[1], 1.0)  # type: ignore[arg-type]
        na, nb = normalized_form(a), normalized_form(b)
        agreement = self._once(b, ("agreement",), lambda: form_agreement(na, nb))
        score = score_forms(a, b, na, nb, similarity, agreement)
        if score < MATCH_THRESHOLD:
            return None
        earlier, later = _in_time_order(a, b)
        ne, nl = (na, nb) if earlier is a else (nb, na)
        first = earlier is a
        reasons = self._once(b, ("evidence", first), lambda: form_evidence(earlier, later, ne, nl))
        reasons = reasons + _date_evidence(earlier, later)
        if not reasons and self.stance_model is not None:
            p = self._once(b, ("stance", first), lambda: _stance_disagrees(earlier, later, self.stance_model))
            if p >= STANCE_MIN_PROBABILITY:
                reasons.append(f"stance model: disagree ({p:.2f})")
        if reasons:
            update = _is_update(earlier, later, reasons,
                                lambda: self._once(b, ("markers", first), lambda: change_markers(later.claim.content.text)))
            kind = "updates" if update else "contradicts"
            reason = "; ".join(([update] if update else []) + reasons)
            return Relation(earlier.id, later.id, kind, reason, score)
        if score < CORROBORATION_THRESHOLD:
            return None
        shared = self._once(b, ("shared",), lambda: sorted((set(a.entities) & set(b.entities)) | (set(a.places) & set(b.places))))
        detail = f"; shared: {', '.join(shared)}" if shared else ""
        return Relation(earlier.id, later.id, "corroborates", f"same claim (match {score:.2f}){detail}", score)
