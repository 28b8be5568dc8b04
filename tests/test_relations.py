"""Relations between matched claims: corroborates, contradicts, updates, with their evidence."""

from __future__ import annotations

from types import SimpleNamespace

from claimtrace.link.relations import change_markers, relate
from claimtrace.model import PartialDate
from conftest import claim_record

claim = claim_record


def test_different_death_tolls_at_the_same_time_contradict_with_the_numbers():
    a = claim("20 people were killed in the strike on the market")
    b = claim("35 people were killed in the strike on the market")
    relation = relate(a, b)
    assert relation is not None and relation.relation == "contradicts"
    assert "20 vs 35 killed at the market" in relation.reason


def test_a_later_higher_toll_updates_the_earlier_one():
    a = claim("20 people were killed in the strike on the market")
    b = claim("35 people were killed in the strike on the market", published="2024-04-09")
    relation = relate(b, a)
    assert relation.relation == "updates" and (relation.a, relation.b) == (a.id, b.id)
    assert "revised toll 7 days on" in relation.reason


def test_tolls_without_a_shared_target_or_place_are_not_compared():
    assert relate(claim("20 people were killed on Monday"), claim("35 people were killed on Monday")) is None


def test_denial_and_affirmation_at_the_same_time_contradict():
    a = claim("The army will withdraw from the eastern district", entities=["Army"])
    b = claim(
        "The army will not withdraw from the eastern district",
        polarity="denies",
        entities=["Army"],
        published="2024-04-03",
    )
    relation = relate(a, b)
    assert relation.relation == "contradicts"
    assert relation.reason == "Army: leaving (future) vs staying (future), 1 days apart"
    assert (relation.a, relation.b) == (a.id, b.id)


def test_later_report_of_leaving_updates_an_old_denial():
    denial = claim(
        "There will be no Russian withdrawal from Syria",
        polarity="denies",
        published="2022-03-01",
        entities=["Russia"],
        places=["SY"],
    )
    later = claim(
        "Russian troops began to leave the airbase in Syria",
        published="2026-05-10",
        entities=["Russia"],
        places=["SY"],
    )
    relation = relate(later, denial)
    assert relation is not None and relation.relation == "updates"
    assert (relation.a, relation.b) == (denial.id, later.id)
    assert relation.reason == (
        "Russia in SY: staying (future) (2022-03-01), then leaving (2026-05-10): a later report of a change, 1531 days on"
    )


def test_same_denial_repeated_a_day_later_with_a_change_verb_still_contradicts():
    denial = claim("The brigade will not leave the town", polarity="denies", published="2024-04-01")
    report = claim("The brigade will leave the town", published="2024-04-01")
    assert relate(denial, report).relation == "contradicts"


def test_paraphrases_corroborate():
    a = claim("Rebels shot down a military helicopter near the airport")
    b = claim("A military helicopter was downed by rebels close to the airport", published="2024-04-03")
    relation = relate(a, b)
    assert relation is not None and relation.relation == "corroborates"


def test_different_responsible_actor_contradicts():
    a = claim("Northern forces shelled the railway station", entities=["Northern Army"])
    b = claim("Southern forces shelled the railway station", entities=["Southern Militia"])
    relation = relate(a, b)
    assert relation.relation == "contradicts" and "different actor" in relation.reason


def test_two_sides_blamed_for_one_event_contradict_whatever_the_dates():
    a = claim("An Israeli air strike hit the hospital", published="2023-10-17")
    b = claim("A misfired Islamic Jihad rocket hit the hospital", published="2024-03-01")
    relation = relate(a, b)
    assert relation.relation == "contradicts"
    assert relation.reason == "Israel vs Palestine blamed for the hospital, 2023-10-17"


def test_clearing_one_side_corroborates_blaming_the_other():
    a = claim("Russian forces blew up the dam from the inside")
    b = claim("Ukraine was not responsible for the destruction of the dam")
    relation = relate(a, b)
    assert relation.relation == "corroborates" and relation.reason.startswith("Russia blamed, Ukraine cleared")


def test_a_denial_of_leaving_corroborates_a_report_of_staying():
    a = claim("Russian forces will not withdraw from Syria", polarity="denies")
    b = claim("Russian troops remain at the base in Syria")
    assert relate(a, b).relation == "corroborates"


def test_a_shared_actor_with_other_names_added_is_not_a_different_actor():
    a = claim(
        "Velko Daran met the army chief in Ostrava on May 2",
        entities=["Velko Daran", "Miro al-Sadan", "Ostrava Council"],
    )
    b = claim(
        "Velko Daran met the army chief on behalf of the president",
        entities=["Velko Daran", "Miro Al-Sadan", "Teodor Vass"],
        published="2024-04-03",
    )
    relation = relate(a, b)
    assert relation is None or "different actor" not in relation.reason


def test_unrelated_claims_have_no_relation():
    assert (
        relate(claim("The ministry said the talks were productive"), claim("Wheat prices rose in March"))
        is None
    )


def test_change_markers():
    assert change_markers("The troops pulled out and are no longer there") == ["no longer", "pulled out"]
    assert change_markers("The troops stayed") == []


class _StubStance:
    """Stands in for StanceModel: says every body disagrees."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.calls = 0

    def predict(self, claim_text: str, body: str):
        self.calls += 1
        return SimpleNamespace(label=self.label, probabilities={self.label: 0.9})


def test_stance_model_turns_a_match_without_other_evidence_into_a_contradiction():
    a = claim("Rebels shot down a military helicopter near the airport")
    b = claim("A military helicopter was downed by rebels close to the airport", published="2024-04-03")
    relation = relate(a, b, stance_model=_StubStance("disagree"))
    assert relation.relation == "contradicts" and "stance model" in relation.reason
    agreeing = _StubStance("agree")
    assert relate(a, b, stance_model=agreeing).relation == "corroborates"
    assert agreeing.calls == 1


def test_stance_model_is_not_consulted_when_evidence_exists():
    stub = _StubStance("agree")
    relation = relate(
        claim("Rebels shot down a military helicopter near the airport", entities=["Rebels"]),
        claim("Rebels did not shoot down a military helicopter near the airport", polarity="denies", entities=["Rebels"]),
        stance_model=stub,
    )
    assert relation.relation == "contradicts" and stub.calls == 0


def test_counts_of_different_things_are_not_a_number_conflict():
    a = claim("Rebels destroyed 3 tanks near the bridge")
    b = claim("Rebels destroyed 12 trucks near the bridge")
    relation = relate(a, b)
    assert relation is None or "different numbers" not in relation.reason


def test_relating_is_the_same_whichever_claim_comes_first():
    from claimtrace.link.relations import relate

    undated = claim_record("Troops withdrew from the northern airport", polarity="affirms")
    dated = claim_record("Troops did not withdraw from the northern airport", polarity="denies")
    assert undated.frame.predicate == dated.frame.predicate == "presence"
    undated.id, dated.id = 7, 3
    undated.published, dated.published = None, PartialDate(2024, 1, 5)
    forward, backward = relate(undated, dated), relate(dated, undated)
    assert forward is not None and forward == backward
    assert (forward.a, forward.b) == (3, 7)  # unknown time: the order they were stored in


def test_places_named_in_the_claims_are_not_taken_for_actors():
    from claimtrace.store.records import place_name

    assert place_name("Velmora (geo:7)") == "Velmora" and place_name("Velmora") == "Velmora"
    a = claim("Artillery shelled the station in Velmora", entities=["Velmora"], places=["Velmora (geo:7)"])
    b = claim("Artillery shelled the station in Dorvik", entities=["Dorvik"], places=["Dorvik (geo:8)"])
    relation = relate(a, b)
    assert relation is not None and "different actor" not in relation.reason
    assert "different place: Velmora (geo:7) vs Dorvik (geo:8)" in relation.reason


def test_targets_tell_events_apart_only_across_stories():
    a = claim("Russian forces blew up the dam")
    b = claim("Ukrainian shelling destroyed the power plant")
    assert relate(a, b) is None
    assert relate(a, b, same_story=True).relation == "contradicts"


def test_places_compare_by_containment():
    from claimtrace.link.relations import compatible_places
    from claimtrace.model import Frame

    def at(place: str, feature: str, country: str = "SY") -> Frame:
        return Frame("presence", place=place, place_feature=feature, country=country)

    airport, syria = at("airport:1", "airport"), at("country:SY", "country")
    assert compatible_places(airport, syria) and compatible_places(at("admin1:1", "admin1"), airport)
    assert not compatible_places(airport, at("airport:2", "airport"))
    assert not compatible_places(at("admin1:1", "admin1"), at("admin1:2", "admin1"))
    assert not compatible_places(airport, at("country:IQ", "country", "IQ"))
    assert compatible_places(airport, Frame("presence"))


def _stored_copies(record, dates, first_id=100):
    """Stored copies of ``record`` (as a wire report republished on ``dates``) read the way linking reads
    candidates: one claim JSON, normalized form and link form, so they share one stored form."""
    import json

    from claimtrace.link.matching import encode_text_form
    from claimtrace.model import to_dict
    from claimtrace.store.records import encode_link_form, linked_claim_record

    forms = {}
    text, link = json.dumps(to_dict(record.claim)), encode_link_form(record)
    normalized = encode_text_form(record.claim.content.text)
    return [linked_claim_record(first_id + i, first_id + i, text, link, forms, published=day, normalized=normalized)
            for i, day in enumerate(dates)]


_COPY_DATES = ["2024-04-01", "2024-04-10", "2024-04-12", "2025-06-01", None]


def test_a_judge_relates_copies_of_one_stored_form_as_relate_does_each_pair():
    from claimtrace.link.relations import PairJudge

    cases = [  # a polarity flip with a change word, two actors, a paraphrase, two tolls (framed)
        (claim("The garrison will leave Tarnow this week", entities=["Garrison"], published="2024-04-10"),
         claim("The garrison will not leave Tarnow", polarity="denies", entities=["Garrison"])),
        (claim("Militia fighters shelled the Kessel bridge at dawn", entities=["Vorn Militia"], published="2024-04-10"),
         claim("Border guards shelled the Kessel bridge at dawn", entities=["Lisk Border Guard"])),
        (claim("Rebels shot down a cargo helicopter near the Orsk airfield", published="2024-04-10"),
         claim("A cargo helicopter was downed by rebels close to the Orsk airfield")),
        (claim("12 people were killed in the shelling of the Palo market", published="2024-04-10"),
         claim("30 people were killed in the shelling of the Palo market")),
    ]
    for new, stored in cases:
        copies = _stored_copies(stored, _COPY_DATES)
        assert len({id(c.stored) for c in copies}) == 1
        judge = PairJudge(new)
        found = [judge.relate(c) for c in copies]
        alone = [relate(new, _stored_copies(stored, [c.published], first_id=c.id)[0]) for c in copies]
        assert found == alone and all(found)
    # the order of the two claims, which each copy's date decides, is kept apart: earlier and later copies differ
    assert [(r.a, r.b) for r in found] == [(100, new.id)] + [(new.id, c.id) for c in copies[1:]]
    assert "30 vs 12 killed" in found[0].reason and "12 vs 30 killed" in found[1].reason


def test_a_judge_asks_the_stance_model_once_per_stored_form_and_order():
    from claimtrace.link.relations import PairJudge

    new = claim("Rebels shot down a cargo helicopter near the Orsk airfield", published="2024-04-10")
    stored = claim("A cargo helicopter was downed by rebels close to the Orsk airfield")
    stub = _StubStance("disagree")
    judge = PairJudge(new, stub)
    relations = [judge.relate(c) for c in _stored_copies(stored, _COPY_DATES)]
    assert all(r.relation in ("contradicts", "updates") and "stance model" in r.reason for r in relations)
    assert stub.calls == 2  # the copy before the new claim, then those after it


def test_a_demand_that_forces_leave_neither_contradicts_nor_corroborates_reports_of_them():
    from claimtrace.model import Frame

    staying = claim("Turkish troops remain at the base", entities=["Turkey"])
    asked = claim("Turkish troops must leave the base", entities=["Turkey"], published="2024-04-03")
    staying.claim.frame = Frame(predicate="presence", polarity="affirms", agent="Turkey")
    asked.claim.frame = Frame(predicate="presence", polarity="denies", agent="Turkey", modality="obligation")
    assert relate(staying, asked) is None
    asked.claim.frame.modality = "asserted"
    assert relate(staying, asked).relation == "contradicts"


def test_a_date_that_only_starts_a_period_does_not_make_an_update():
    from claimtrace.link.relations import claim_time
    from claimtrace.model import Frame

    since = claim("The bridge has been under Turkish control since 2019", event_time="2019",
                  published="2024-04-02")
    since.claim.frame = Frame(predicate="statement", time="2024-04-02", time_from="period")
    assert claim_time(since) == PartialDate.from_iso("2024-04-02")
    dated = claim("The bridge was taken in 2019", event_time="2019")
    dated.claim.frame = Frame(predicate="statement", time="2019", time_from="text")
    assert claim_time(dated) == PartialDate.from_iso("2019")
