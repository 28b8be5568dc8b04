"""Claim matching: normalized forms and match scores on self-written claims."""

from __future__ import annotations

import pytest

from claimtrace.link.matching import (
    MATCH_THRESHOLD,
    encode_text_form,
    match_score,
    neutral_text,
    normalized_form,
    quantities,
    stored_form_is_current,
)
from conftest import claim_record

claim = claim_record


def test_normalized_form_separates_predicate_numbers_polarity_and_modality():
    form = normalized_form(
        claim("Twenty soldiers were not killed in the raid, officials reportedly said", polarity="denies")
    )
    assert form.predicate == "kill"
    assert form.polarity == "denies"
    assert form.modality == "reported"
    assert [(q.value, q.unit) for q in form.quantities] == [(20.0, "soldier")]
    assert "not" not in form.arguments and "raid" in form.arguments


@pytest.mark.parametrize("text, extra", [
    ("Twenty soldiers were not killed in the raid, officials reportedly said", {"polarity": "denies"}),
    ("In 2023, 1,200.5 troops and three million dollars may have arrived in Dorvik", {"event_time": "2023-05"}),
    ("The army began to withdraw from the base; shelling ended", {}),
    ("Hospitals said the strike killed 471 people, the ministry's toll", {}),
    ("It rained.", {}),
])
def test_a_stored_text_form_gives_the_same_normalized_form(text, extra):
    fresh = claim(text, entities=["Dorvik", "Anna Reyes", "Dorvik"], places=["Dorvik (geo:1)"], **extra)
    stored = claim(text, entities=["Dorvik", "Anna Reyes", "Dorvik"], places=["Dorvik (geo:1)"], **extra)
    stored.normalized = encode_text_form(text)
    expected = normalized_form(fresh)
    assert normalized_form(stored) == expected
    assert normalized_form(stored) is normalized_form(stored)  # made once, kept on the record


def test_a_stored_text_form_follows_the_record_where_it_changes():
    """Polarity, certainty, entities, places and time are read from the record, not stored: linking may
    complete a claim's polarity after its form was stored, and a copy may move its dates."""
    text = "Troops left the town"
    record = claim(text, polarity="denies", published="2074-04-02")
    record.normalized = encode_text_form(text)
    record.claim.certainty = "reported"
    form = normalized_form(record)
    assert (form.polarity, form.modality, str(form.time)) == ("denies", "reported", "2074-04-02")
    assert form.predicate == normalized_form(claim(text)).predicate


def test_a_stored_text_form_made_with_other_rules_is_made_again():
    text = "Troops left the town"
    record = claim(text)
    record.normalized = encode_text_form(text).replace('"predicate":"withdraw"', '"predicate":"stale"')
    assert stored_form_is_current(record.normalized) and normalized_form(record).predicate == "stale"
    old = claim(text)
    old.normalized = '{"v":"0-old","predicate":"stale","arguments":[],"quantities":[],"modal":null,"events":[]}'
    assert not stored_form_is_current(old.normalized) and not stored_form_is_current(None)
    assert normalized_form(old) == normalized_form(claim(text))


def test_quantities_read_digits_words_and_scales_but_skip_years():
    found = quantities("In 2023, 1,200 troops and three million dollars arrived")
    assert [(q.value, q.unit) for q in found] == [(1200.0, "troop"), (3_000_000.0, "dollar")]


def test_neutral_text_drops_negations():
    assert (
        neutral_text("There will be no withdrawal, and they won't leave.")
        == "There will be withdrawal, and they leave."
    )


def test_polarity_never_lowers_the_match():
    text = "The government will withdraw its forces from the northern province"
    affirmed = claim(text)
    denied = claim(
        "The government will not withdraw its forces from the northern province", polarity="denies"
    )
    denied_by_cue = claim(text, polarity="denies")
    same = match_score(affirmed, claim(text))
    assert match_score(affirmed, denied) == pytest.approx(same)
    assert match_score(affirmed, denied_by_cue) == pytest.approx(same)


def test_different_counts_still_match():
    assert (
        match_score(
            claim("20 people were killed in the strike"), claim("35 people were killed in the strike")
        )
        > 0.7
    )


def test_paraphrase_matches_and_unrelated_does_not():
    base = claim("The rebels shot down a military helicopter near the airport")
    paraphrase = claim("A military helicopter was downed by rebels close to the airport")
    unrelated = claim("Wheat prices rose sharply in the capital's markets")
    assert match_score(base, paraphrase) >= MATCH_THRESHOLD
    assert match_score(base, unrelated) < MATCH_THRESHOLD
    assert match_score(base, paraphrase) == pytest.approx(match_score(paraphrase, base))


def test_shared_entities_and_places_raise_the_score():
    a_text, b_text = "Troops arrived at the base", "New troops reached the base"
    bare = match_score(claim(a_text), claim(b_text))
    anchored = match_score(
        claim(a_text, entities=["Army"], places=["geo:1"]), claim(b_text, entities=["Army"], places=["geo:1"])
    )
    assert anchored > bare


def test_a_given_similarity_is_used_as_is_and_equals_the_computed_one():
    import numpy as np

    from claimtrace.link.matching import claim_similarity, claim_vector, score_forms

    a = claim("Troops withdrew from the airport on Sunday")
    b = claim("The soldiers left the airport at the weekend")
    na, nb = normalized_form(a), normalized_form(b)
    computed = claim_similarity(float(np.dot(claim_vector(a), claim_vector(b))))
    assert score_forms(a, b, na, nb) == score_forms(a, b, na, nb, similarity=computed)
    assert score_forms(a, b, na, nb, similarity=1.0) > score_forms(a, b, na, nb, similarity=0.0)
