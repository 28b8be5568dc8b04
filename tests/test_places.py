"""The geoparser: detection on hand-built docs and the example article, resolution in context."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

from claimtrace.errors import InputError
from claimtrace.extract.places import find_places, resolve_mentions
from claimtrace.geo import distance_km


def _doc(words: list[str], ents: list[tuple[int, int, str]] = (), spaces: list[bool] | None = None) -> Doc:
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=spaces)
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    for i, token in enumerate(doc):
        token.is_sent_start = i == 0
    return doc


def _spans(text: str, *names: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for name in names:
        start = text.index(name, cursor)
        spans.append((start, start + len(name)))
        cursor = start + len(name)
    return spans


def _near(place, lat: float, lon: float, km: float = 50.0) -> bool:
    return place.lat is not None and distance_km(place.lat, place.lon, lat, lon) <= km


@pytest.fixture(scope="module")
def example_places(nlp, example_path):
    return find_places(nlp(example_path.read_text(encoding="utf-8")))


def test_example_article_facilities_and_areas(example_places):
    by_text = {p.text.lower(): p for p in example_places}
    qamishli = by_text["qamishli airport"]
    assert qamishli.feature == "airport" and _near(qamishli, 37.02, 41.19, 10)
    tabqa = next(p for p in example_places if p.text.lower().startswith("tabqa"))
    assert tabqa.feature == "airport" and _near(tabqa, 35.75, 38.57, 10)
    hasakah = by_text["al-hasakah province"]
    assert hasakah.feature == "admin1" and hasakah.country == "SY" and _near(hasakah, 36.5, 40.9, 80)
    syria = by_text["syria"]
    assert (syria.lat, syria.lon, syria.country, syria.feature) == (35.0, 38.0, "SY", "country")


def test_example_article_regions_and_no_demonyms(example_places, example_path):
    text = example_path.read_text(encoding="utf-8")
    euphrates = [p for p in example_places if "euphrates" in p.text.lower()]
    assert euphrates and all(p.feature in ("region", "natural") for p in euphrates)
    assert any(p.text.lower() == "the east of the euphrates" for p in euphrates)
    assert not [p for p in example_places if p.text in ("Russian", "Syrian", "American", "Russians")]
    for place in example_places:
        assert text[place.start:place.end] == place.text


def test_detection_from_entities_patterns_and_gazetteer():
    words = ["Troops", "left", "Idlib", "Province", "for", "Hama", "air", "base", "near", "the", "Orontes", "in",
             "Syria", "."]
    doc = _doc(words, ents=[(2, 3, "LOC")])
    places = {p.text: p for p in find_places(doc)}
    assert places["Idlib Province"].feature == "admin1" and places["Idlib Province"].country == "SY"
    assert places["Hama air base"].feature == "military_base" and _near(places["Hama air base"], 35.12, 36.71, 30)
    assert places["Syria"].feature == "country"  # found by the gazetteer without an entity
    assert places["Orontes"].feature == "natural"


def test_coordinated_airports():
    doc = _doc(["Planes", "landed", "at", "Aleppo", "and", "Damascus", "airports", "."])
    places = find_places(doc)
    assert [p.text for p in places] == ["Aleppo", "Damascus airports"]
    assert all(p.feature == "airport" for p in places)
    assert _near(places[1], 33.41, 36.52, 10)


def test_demonyms_inform_context_but_are_not_places():
    words = ["Russian", "jets", "struck", "Idlib", "."]
    doc = _doc(words, ents=[(0, 1, "MISC"), (3, 4, "LOC")])
    places = find_places(doc)
    assert [p.text for p in places] == ["Idlib"]
    assert [p.text for p in find_places(doc, include_demonyms=True)] == ["Russian", "Idlib"]


def test_unknown_location_is_kept_without_coordinates():
    doc = _doc(["They", "met", "in", "Zqxwvville", "."], ents=[(3, 4, "LOC")])
    (place,) = find_places(doc)
    assert place.text == "Zqxwvville" and place.lat is None and place.lon is None


def test_organisations_tagged_as_locations_are_dropped():
    doc = _doc(["The", "United", "Nations", "met", "."], ents=[(1, 3, "LOC")])
    assert find_places(doc) == []


def test_common_words_and_person_names_are_not_places():
    doc = _doc(["No", "one", "saw", "Jordan", "Peterson", "."], ents=[(3, 5, "PER")])
    assert find_places(doc) == []


def test_empty_doc():
    assert find_places(_doc(["ok"])) == []


def test_us_abbreviation_is_the_country():
    text = "The US and the U.S. Navy"
    us, usa = resolve_mentions(text, _spans(text, "US", "U.S."))
    assert us.country == usa.country == "US" and us.feature == "country"


def test_city_state_pairs_pick_the_town_in_the_state():
    text = "He grew up in Springfield, Ill., and moved to Paris, Texas."
    springfield, illinois, paris, texas = resolve_mentions(text, _spans(text, "Springfield", "Ill.", "Paris", "Texas"))
    assert illinois.name == "Illinois" and texas.name == "Texas"
    assert _near(springfield, 39.80, -89.64, 20)
    assert _near(paris, 33.66, -95.56, 20)


def test_context_country_decides_between_namesakes():
    text = "Protests in Syria reached Homs and then Tripoli in Lebanon."
    _, homs, tripoli, _ = resolve_mentions(text, _spans(text, "Syria", "Homs", "Tripoli", "Lebanon"))
    assert homs.country == "SY"
    assert tripoli.country == "LB"
    text = "Fighting in Libya: Tripoli was shelled."
    _, tripoli = resolve_mentions(text, _spans(text, "Libya", "Tripoli"))
    assert tripoli.country == "LY"


def test_demonyms_and_continents_resolve_when_given_as_spans():
    text = "Russian and European officials met."
    russian, european = resolve_mentions(text, _spans(text, "Russian", "European"))
    assert russian.country == "RU" and russian.feature == "country"
    assert european.feature == "continent" and european.name == "Europe"


def test_capital_before_namesake_state():
    text = "Officials in Washington said so."
    (washington,) = resolve_mentions(text, _spans(text, "Washington"))
    assert _near(washington, 38.9, -77.04, 20)


def test_unknown_names_get_the_nearest_town_only_when_asked():
    text = "A fire on Zqxwv Street in Leeds."
    street, leeds = resolve_mentions(text, _spans(text, "Zqxwv Street", "Leeds"))
    assert street.confidence == 0.1 and (street.lat, street.lon) == (leeds.lat, leeds.lon)
    street, _ = resolve_mentions(text, _spans(text, "Zqxwv Street", "Leeds"), guess_unknown=False)
    assert street.lat is None


def test_spans_outside_the_text_are_an_input_error():
    with pytest.raises(InputError):
        resolve_mentions("Paris", [(0, 10)])
    with pytest.raises(InputError):
        resolve_mentions("Paris", [(3, 3)])


def test_lowercase_admin_word_joins_the_name():
    doc = _doc(["Shelling", "hit", "Idlib", "province", "again", "."], ents=[(2, 3, "LOC")])
    (place,) = find_places(doc)
    assert place.text == "Idlib province" and place.feature == "admin1" and place.country == "SY"


def test_postal_codes_only_after_a_comma():
    doc = _doc(["IN", "Hartford", ",", "CT", ",", "rain", "."], ents=[(1, 2, "LOC")],
               spaces=[True, False, True, False, True, False, False])
    places = find_places(doc)
    assert [p.text for p in places] == ["Hartford", "CT"]
    assert places[0].country == "US" and places[1].name == "Connecticut"


def test_well_known_places_inside_organisation_names():
    words = ["The", "Reserve", "Bank", "of", "Zimbabwe", "and", "the", "U.S.", "Navy", "said", "."]
    doc = _doc(words, ents=[(1, 5, "ORG"), (7, 9, "ORG")])
    places = find_places(doc)
    assert [(p.text, p.country) for p in places] == [("Zimbabwe", "ZW"), ("U.S.", "US")]


def test_part_of_a_name_counts_only_in_the_articles_country():
    text = "Mass at the Manila Cathedral drew crowds across the Philippines."
    cathedral, _ = resolve_mentions(text, _spans(text, "Manila Cathedral", "Philippines"), guess_unknown=False)
    assert cathedral.country == "PH" and _near(cathedral, 14.6, 121.0, 30)
    text = "Mass at the Manila Cathedral drew crowds."
    (cathedral,) = resolve_mentions(text, _spans(text, "Manila Cathedral"), guess_unknown=False)
    assert cathedral.lat is None
