"""Entity mentions grouped by referent, with canonical names."""

from __future__ import annotations

import random
import re

import pytest
import spacy

from claimtrace.extract.entities import (
    canonical_by_span,
    canonical_for,
    entities_with_canonical,
    group_at,
    initials,
    is_acronym,
    link_mentions,
    name_key,
    strip_title,
)


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def make_doc(nlp, text: str, ents: list[tuple[str, str]]):
    """A doc whose entities are every (non-overlapping) occurrence of the given surface strings."""
    doc = nlp(text)
    spans = []
    for surface, label in ents:
        for match in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w-])", text):
            span = doc.char_span(match.start(), match.end(), label=label)
            if span is not None and all(span.start >= s.end or span.end <= s.start for s in spans):
                spans.append(span)
    doc.ents = sorted(spans, key=lambda s: s.start)
    return doc


def groups_by_canonical(doc) -> dict[str, list[str]]:
    return {g.canonical: [m.text for m in g.mentions] for g in link_mentions(doc)}


def test_surnames_join_the_full_name(blank):
    doc = make_doc(blank, "Sergei Shoigu arrived. Later Shoigu left, and Vladimir Putin called. Putin agreed.",
                   [("Sergei Shoigu", "PER"), ("Shoigu", "PER"), ("Vladimir Putin", "PER"), ("Putin", "PER")])
    assert groups_by_canonical(doc) == {
        "Sergei Shoigu": ["Sergei Shoigu", "Shoigu"],
        "Vladimir Putin": ["Vladimir Putin", "Putin"],
    }


def test_a_surname_before_the_full_name_joins_it(blank):
    doc = make_doc(blank, "Putin spoke. Vladimir Putin said more.", [("Vladimir Putin", "PER"), ("Putin", "PER")])
    assert groups_by_canonical(doc) == {"Vladimir Putin": ["Putin", "Vladimir Putin"]}


def test_titles_are_kept_out_of_names(blank):
    doc = make_doc(blank, "Syrian President Bashar Al-Assad met Russian Defense Minister Sergei Shoigu.",
                   [("Syrian President Bashar Al-Assad", "PER"), ("Russian Defense Minister Sergei Shoigu", "PER")])
    groups = link_mentions(doc)
    assert [(g.canonical, g.label) for g in groups] == [("Bashar Al-Assad", "PER"), ("Sergei Shoigu", "PER")]
    assert [(m.text, m.start) for m in groups[0].mentions] == [("Bashar Al-Assad", 17)]


def test_united_states_spellings_form_one_group(blank):
    doc = make_doc(blank, "The US sent aid. The United States denied it. U.S. officials spoke. America agreed.",
                   [("US", "LOC"), ("United States", "LOC"), ("U.S.", "ORG"), ("America", "LOC")])
    (group,) = link_mentions(doc)
    assert group.canonical == "United States"
    assert [m.text for m in group.mentions] == ["US", "United States", "U.S.", "America"]
    assert group.label == "LOC"


def test_acronym_by_apposition_and_untagged_later_uses(blank):
    text = "Areas held by the Kurdish People Units (YPG) and the Syrian Democratic Forces (SDF). The SDF left; YPG stayed."
    doc = make_doc(blank, text, [("Kurdish People Units", "ORG"), ("Syrian Democratic Forces", "ORG"), ("SDF", "ORG")])
    groups = groups_by_canonical(doc)
    assert groups["Syrian Democratic Forces"] == ["Syrian Democratic Forces", "SDF", "SDF"]
    assert groups["Kurdish People Units"] == ["Kurdish People Units", "YPG", "YPG"]


def test_acronym_by_initials_without_apposition(blank):
    doc = make_doc(blank, "The North Atlantic Treaty Organization met. NATO said no.",
                   [("North Atlantic Treaty Organization", "ORG"), ("NATO", "ORG")])
    assert groups_by_canonical(doc) == {"North Atlantic Treaty Organization": ["North Atlantic Treaty Organization", "NATO"]}


def test_acronym_before_its_expansion(blank):
    doc = make_doc(blank, "The UN warned. The United Nations said aid was blocked.",
                   [("UN", "ORG"), ("United Nations", "ORG")])
    assert groups_by_canonical(doc) == {"United Nations": ["UN", "United Nations"]}


def test_a_foreign_language_acronym_used_before_its_declaration_joins_the_declared_name(blank):
    text = ("The BRN agency spoke first. Later the Office of Naval Intelligence (BRN) said the hull held. "
            "The BRN added that divers saw no breach.")
    doc = make_doc(blank, text, [("BRN", "ORG"), ("Office of Naval Intelligence", "ORG")])
    groups = groups_by_canonical(doc)
    assert groups == {"Office of Naval Intelligence": ["BRN", "Office of Naval Intelligence", "BRN", "BRN"]}


def test_an_acronym_group_with_other_letters_stays_apart(blank):
    text = "The KLM spoke first. Later the Office of Naval Intelligence (BRN) said the hull held."
    doc = make_doc(blank, text, [("KLM", "ORG"), ("Office of Naval Intelligence", "ORG")])
    groups = groups_by_canonical(doc)
    assert groups["KLM"] == ["KLM"]


def test_the_ministry_resolves_to_the_unique_ministry(blank):
    text = "The ministry was silent. According to the Russian Defense Ministry, talks went well. The ministry added more."
    doc = make_doc(blank, text, [("Russian Defense Ministry", "ORG")])
    (group,) = link_mentions(doc)
    assert group.canonical == "Russian Defense Ministry"
    assert [(m.text, text[m.start : m.end]) for m in group.mentions][-1] == ("The ministry", "The ministry")
    assert len(group.mentions) == 2  # the first "the ministry" comes before any ministry is named


def test_a_description_with_a_nationality(blank):
    text = "The Syrian Arab Army and the Russian Defense Ministry spoke. The Syrian army advanced; the Russian army did not."
    doc = make_doc(blank, text, [("Syrian Arab Army", "ORG"), ("Russian Defense Ministry", "ORG"), ("Syrian", "MISC"),
                                 ("Russian", "MISC")])
    groups = groups_by_canonical(doc)
    assert groups["Syrian Arab Army"] == ["Syrian Arab Army", "The Syrian army"]
    assert groups["Russian Defense Ministry"] == ["Russian Defense Ministry"]


def test_an_ambiguous_description_stays_unlinked(blank):
    text = "The Russian Defense Ministry and the Syrian Foreign Ministry spoke. The ministry said no."
    doc = make_doc(blank, text, [("Russian Defense Ministry", "ORG"), ("Syrian Foreign Ministry", "ORG")])
    assert all(len(g.mentions) == 1 for g in link_mentions(doc))


def test_the_president_resolves_through_a_title(blank):
    text = "Syrian President Bashar Al-Assad met the envoy. The president said the talks were useful."
    doc = make_doc(blank, text, [("Bashar Al-Assad", "PER")])
    (group,) = link_mentions(doc)
    assert [m.text for m in group.mentions] == ["Bashar Al-Assad", "The president"]


def test_two_presidents_make_the_president_ambiguous(blank):
    text = "President Joe Biden called President Vladimir Putin. The president said no."
    doc = make_doc(blank, text, [("President Joe Biden", "PER"), ("President Vladimir Putin", "PER")])
    assert [len(g.mentions) for g in link_mentions(doc)] == [1, 1]


def test_a_description_followed_by_a_name_is_not_a_description(blank):
    text = "The Russian Defense Ministry spoke. The ministry of the interior did not."
    doc = make_doc(blank, text, [("Russian Defense Ministry", "ORG")])
    (group,) = link_mentions(doc)
    assert len(group.mentions) == 1


def test_a_shared_surname_goes_to_the_most_recent_person(blank):
    text = "George Bush met Laura Bush. Later Bush spoke."
    doc = make_doc(blank, text, [("George Bush", "PER"), ("Laura Bush", "PER"), ("Bush", "PER")])
    assert groups_by_canonical(doc)["Laura Bush"] == ["Laura Bush", "Bush"]


def test_people_and_places_never_join(blank):
    text = "Jordan Peterson visited Jordan. Jordan replied."
    doc = make_doc(blank, text, [("Jordan Peterson", "PER"), ("Jordan", "LOC")])
    groups = {(g.canonical, g.label): [m.text for m in g.mentions] for g in link_mentions(doc)}
    assert groups == {("Jordan Peterson", "PER"): ["Jordan Peterson"], ("Jordan", "LOC"): ["Jordan", "Jordan"]}


def test_nested_places_stay_apart(blank):
    text = "The base in Al-Hasakah Province is near Al-Hasakah."
    doc = make_doc(blank, text, [("Al-Hasakah Province", "LOC"), ("Al-Hasakah", "LOC")])
    assert len(link_mentions(doc)) == 2


def test_an_organization_part_must_be_its_end(blank):
    text = "The United Nations Security Council met. The Security Council voted. The United Nations objected."
    doc = make_doc(blank, text, [("United Nations Security Council", "ORG"), ("Security Council", "ORG"),
                                 ("United Nations", "ORG")])
    groups = groups_by_canonical(doc)
    assert groups["United Nations Security Council"] == ["United Nations Security Council", "Security Council"]
    assert groups["United Nations"] == ["United Nations"]


def test_possessives_and_leading_the_are_ignored(blank):
    text = "Russia's army moved. The Kremlin said Russia would stay."
    doc = make_doc(blank, text, [("Russia", "LOC"), ("The Kremlin", "ORG")])
    assert groups_by_canonical(doc) == {"Russia": ["Russia", "Russia"], "Kremlin": ["Kremlin"]}


def test_entities_get_their_canonical_names(blank):
    text = "Russian President Vladimir Putin spoke. Putin left."
    doc = make_doc(blank, text, [("Russian President Vladimir Putin", "PER"), ("Putin", "PER")])
    entities = entities_with_canonical(doc, link_mentions(doc))
    assert [(e.text, e.canonical) for e in entities] == [
        ("Russian President Vladimir Putin", "Vladimir Putin"), ("Putin", "Vladimir Putin")]


def test_canonical_for_source_spans(blank):
    text = "Russian Defense Minister Sergei Shoigu said so, and Syrian opposition news outlets denied it."
    doc = make_doc(blank, text, [("Russian Defense Minister Sergei Shoigu", "PER"), ("Syrian", "MISC")])
    groups = link_mentions(doc)
    assert canonical_for(groups, 0, 38) == "Sergei Shoigu"
    assert canonical_for(groups, text.index("Shoigu"), text.index("Shoigu") + 6) == "Sergei Shoigu"
    outlets = text.index("Syrian opposition")
    assert canonical_for(groups, outlets, outlets + len("Syrian opposition news outlets")) is None
    assert group_at(groups, 100, 101) is None


def spans_doc(nlp, text: str, pieces: list[tuple[str, str]]):
    """A doc whose entities are the given pieces, each at its first occurrence."""
    doc = nlp(text)
    doc.ents = [doc.char_span(text.index(piece), text.index(piece) + len(piece), label=label)
                for piece, label in pieces]
    return doc


def test_a_name_split_at_its_hyphen_is_mended(blank):
    doc = spans_doc(blank, "He met Bashar Al-Assad today.", [("Bashar Al", "PER"), ("Assad", "PER")])
    (group,) = link_mentions(doc)
    assert (group.canonical, [m.text for m in group.mentions]) == ("Bashar Al-Assad", ["Bashar Al-Assad"])
    assert [e.canonical for e in entities_with_canonical(doc, [group])] == ["Bashar Al-Assad"] * 2


def test_different_kinds_across_a_hyphen_stay_apart(blank):
    doc = spans_doc(blank, "The US-Western pressure grew.", [("US", "LOC"), ("Western", "MISC")])
    assert [g.canonical for g in link_mentions(doc)] == ["US", "Western"]


def test_a_nationality_before_an_organization_belongs_to_it(blank):
    doc = spans_doc(blank, "The Russian Defense Ministry said so. Russian troops left.",
                    [("Russian", "MISC"), ("Defense Ministry", "ORG")])
    (group,) = link_mentions(doc)
    assert (group.canonical, group.label) == ("Russian Defense Ministry", "ORG")


def test_punctuation_at_the_edges_of_an_entity_is_dropped(blank):
    text = "Areas of the Syrian Democratic Forces (SDF) shrank."
    doc = blank(text)
    start = text.index("Syrian")
    doc.ents = [doc.char_span(start, text.index("(") + 1, label="MISC")]
    (group,) = link_mentions(doc)
    assert [m.text for m in group.mentions] == ["Syrian Democratic Forces", "SDF"]


def test_the_same_name_with_different_labels_is_one_group(blank):
    text = "Jets landed at Qamishli. Qamishli airport was closed."
    doc = blank(text)
    doc.ents = [doc.char_span(15, 23, label="LOC"), doc.char_span(25, 33, label="PER")]
    (group,) = link_mentions(doc)
    assert (group.canonical, len(group.mentions)) == ("Qamishli", 2)


def test_an_organization_name_without_its_generic_last_word(blank):
    doc = make_doc(blank, "She studied at Damascus University. Damascus said no.",
                   [("Damascus University", "ORG"), ("Damascus", "ORG")])
    assert groups_by_canonical(doc) == {"Damascus University": ["Damascus University", "Damascus"]}


def test_a_trailing_possessive_is_ignored_when_resolving_a_span(blank):
    text = "Vladimir Putin spoke. Putin 's aides left."
    doc = make_doc(blank, text, [("Vladimir Putin", "PER"), ("Putin", "PER")])
    groups = link_mentions(doc)
    start = text.index("Putin 's")
    assert canonical_for(groups, start, start + 8, "Putin 's") == "Vladimir Putin"


def test_random_entities_never_raise(blank):
    words = ["the", "The", "ministry", "president", "President", "Al", "-", "Assad", "(", "SDF", ")", "U.S.",
             "US", "United", "States", "Russian", "Defense", "Ministry", "Putin", "'s", ",", ".", "of", "Mr.",
             "Syrian", "Democratic", "Forces", "army", "Damascus", "University", "A", "B"]
    rng = random.Random(7)
    for _ in range(200):
        doc = blank(" ".join(rng.choice(words) for _ in range(rng.randint(1, 25))))
        ents, i = [], 0
        while i < len(doc):
            length = rng.randint(1, 4)
            if rng.random() < 0.4 and i + length <= len(doc):
                ents.append(doc[i : i + length])
                ents[-1].label_ = rng.choice(["PER", "ORG", "LOC", "MISC"])
            i += length
        doc.ents = ents
        groups = link_mentions(doc)
        for group in groups:
            assert group.canonical and group.mentions
            for mention in group.mentions:
                assert doc.text[mention.start : mention.end] == mention.text
        assert len(entities_with_canonical(doc, groups)) == len(doc.ents)


def test_canonical_by_span_answers_for_entity_and_mention_spans(blank):
    text = "Russian Defense Minister Sergei Shoigu met Bashar Al-Assad. The Russian Defense Ministry said the ministry agreed."
    doc = spans_doc(blank, text, [("Russian Defense Minister Sergei Shoigu", "PER"), ("Bashar Al", "PER"),
                                  ("Assad", "PER"), ("Russian Defense Ministry", "ORG")])
    mapping = canonical_by_span(doc, link_mentions(doc))
    assert mapping[(0, 38)] == mapping[(25, 38)] == "Sergei Shoigu"
    assert mapping[(43, 52)] == mapping[(53, 58)] == mapping[(43, 58)] == "Bashar Al-Assad"
    ministry = text.index("the ministry")
    assert mapping[(ministry, ministry + 12)] == "Russian Defense Ministry"


def test_no_entities_no_groups(blank):
    assert link_mentions(blank("Nothing named here.")) == []
    assert link_mentions(blank("")) == []


def test_name_helpers():
    assert name_key("the U.S.") == "us"
    assert name_key("Russia's") == "russia"
    assert is_acronym("U.S.") and is_acronym("SDF") and not is_acronym("Syria")
    assert initials("Islamic State of Iraq and the Levant") == "ISIL"
    assert initials("Hayat Tahrir al-Sham") == "HTS"
    assert strip_title(["Syrian", "President", "Bashar", "Al", "-", "Assad"]) == (2, frozenset({"president"}))
    assert strip_title(["Secretary", "of", "State", "Antony", "Blinken"])[0] == 3
    assert strip_title(["President"]) == (0, frozenset())


def test_example_article_with_the_trained_pipeline(nlp, example_text):
    doc = nlp(example_text)
    groups = link_mentions(doc)
    canonicals = {g.canonical for g in groups}
    for expected in ("Sergei Shoigu", "Bashar Al-Assad", "Vladimir Putin", "Russian Defense Ministry"):
        assert expected in canonicals
    sdf = next(g for g in groups if g.canonical == "Syrian Democratic Forces")
    assert [m.text for m in sdf.mentions] == ["Syrian Democratic Forces", "SDF"]
    for group in groups:
        for mention in group.mentions:
            assert example_text[mention.start : mention.end] == mention.text


def test_indexed_groups_find_the_groups_a_scan_finds(nlp, example_text):
    from claimtrace.extract.entities import IndexedGroups, group_at, link_mentions

    doc = nlp(example_text)
    groups = link_mentions(doc)
    indexed = IndexedGroups(groups)
    assert list(indexed) == groups
    spans = [(m.start, m.end) for g in groups for m in g.mentions]
    spans += [(s - 5, e + 9) for s, e in spans] + [(s + 2, e) for s, e in spans] + [(e, s) for s, e in spans]
    rng = random.Random(7)
    spans += [(a, a + rng.randint(0, 60)) for a in (rng.randint(0, len(example_text)) for _ in range(300))]
    found = 0
    for start, end in spans:
        expected = group_at(groups, start, end, example_text)
        assert group_at(indexed, start, end, example_text) is expected
        found += expected is not None
    assert found > len(groups)
