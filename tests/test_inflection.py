"""The base forms of clipped or inflected verbs (claimtrace.extract.inflection)."""

from __future__ import annotations

import pytest

from claimtrace.extract.inflection import base_candidates, clipped_verb, listed_base


@pytest.mark.parametrize(("lemma", "word", "listed", "expected"), [
    ("upgrad", "upgraded", {"upgrade"}, "upgrade"),  # a lost final "e"
    ("cancell", "cancelled", {"cancel"}, "cancel"),  # a doubled consonant
    ("expell", "expelled", {"expel"}, "expel"),
    ("blam", "blames", {"blame"}, "blame"),
    ("struck", "struck", {"strike"}, None),  # irregular forms are missed
    ("prove", "proved", {"pry"}, None),  # no loose cut against a large dictionary
])
def test_clipped_verb(lemma, word, listed, expected):
    assert clipped_verb(lemma, word, listed) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("blam", "blame"), ("blamed", "blame"), ("slammed", "slam"), ("slamming", "slam"), ("denies", "deny"),
    ("accusing", "accuse"), ("said", None),
])
def test_listed_base(word, expected):
    assert listed_base(word, {"blame", "slam", "deny", "accuse"}) == expected


def test_the_loose_candidates_reach_other_verbs():
    # why the event coder does not use them: against a large dictionary "prove" would be "pry"
    assert "pry" in base_candidates("prove") and listed_base("prove", {"pry"}) == "pry"
    assert all(len(form) > 2 for form in base_candidates("bet"))
