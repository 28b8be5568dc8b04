"""Document-level NER label consistency (claimtrace.nlp.ner_consistency), on hand-set entities."""

import spacy
from spacy.tokens import Doc, Span

from claimtrace.nlp.ner_consistency import harmonize_entities

NLP = spacy.blank("en")


def _doc(text: str, ents: list[tuple[str, str]]) -> Doc:
    """ents: (words, label) set as the NER's output, each on the first occurrence not yet used."""
    doc = NLP(text)
    spans: list[Span] = []
    for words, label in ents:
        n = len(words.split())
        taken = {i for s in spans for i in range(s.start, s.end)}
        hits = [i for i in range(len(doc) - n + 1) if doc[i : i + n].text == words and i not in taken]
        spans.append(Span(doc, hits[0], hits[0] + n, label=label))
    doc.ents = spans
    return doc


def _ents(doc: Doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in harmonize_entities(doc)]


def test_majority_label_wins_across_the_document():
    doc = _doc(
        "Marlow Dynamics sold shares. Marlow Dynamics hired staff. Later Marlow Dynamics grew.",
        [("Marlow Dynamics", "ORG"), ("Marlow Dynamics", "PER"), ("Marlow Dynamics", "ORG")],
    )
    assert _ents(doc) == [("Marlow Dynamics", "ORG")] * 3


def test_a_tie_keeps_the_ner_labels():
    doc = _doc("Corvin spoke. Then Corvin left.", [("Corvin", "ORG"), ("Corvin", "LOC")])
    assert _ents(doc) == [("Corvin", "ORG"), ("Corvin", "LOC")]


def test_headline_capitals_count_as_the_same_name():
    doc = _doc(
        "TALKS IN VELMORA STALL . Envoys met in Velmora and left Velmora on Friday .",
        [("VELMORA", "PER"), ("Velmora", "LOC"), ("Velmora", "LOC")],
    )
    assert _ents(doc) == [("VELMORA", "LOC"), ("Velmora", "LOC"), ("Velmora", "LOC")]


def test_surname_of_a_person_becomes_per():
    doc = _doc(
        "Minister Odile Ferrand said the plan was ready. Ferrand added that talks would go on.",
        [("Odile Ferrand", "PER"), ("Ferrand", "ORG")],
    )
    assert _ents(doc) == [("Odile Ferrand", "PER"), ("Ferrand", "PER")]


def test_missed_repeat_of_a_name_is_labeled():
    doc = _doc(
        "Talks were held in Port Severin on Monday. Delegates left Port Severin on Tuesday.",
        [("Port Severin", "LOC")],
    )
    assert _ents(doc) == [("Port Severin", "LOC"), ("Port Severin", "LOC")]


def test_missed_surname_is_labeled_per():
    doc = _doc("Odile Ferrand spoke first. Later Ferrand declined to comment.", [("Odile Ferrand", "PER")])
    assert _ents(doc) == [("Odile Ferrand", "PER"), ("Ferrand", "PER")]


def test_lowercase_words_and_existing_entities_are_left_alone():
    doc = _doc(
        "Sterling Bank lent money. The pound sterling fell. Sterling Bank Tower opened.",
        [("Sterling Bank", "ORG"), ("Sterling Bank Tower", "LOC")],
    )
    assert _ents(doc) == [("Sterling Bank", "ORG"), ("Sterling Bank Tower", "LOC")]


def test_organization_parts_do_not_spread():
    doc = _doc(
        "Fans of Kelburn United cheered. Kelburn is a port city.",
        [("Kelburn United", "ORG"), ("Kelburn", "LOC")],
    )
    assert _ents(doc) == [("Kelburn United", "ORG"), ("Kelburn", "LOC")]


def test_docs_without_entities_or_tokens_are_fine():
    assert harmonize_entities(NLP("")) == []
    assert harmonize_entities(NLP("nothing here at all")) == []


def test_one_word_names_that_are_common_words_are_not_repeated():
    doc = _doc(
        "Premier Ada May spoke. Talks may resume. May was quiet. Elections are due in May.",
        [("Ada May", "PER")],
    )
    assert _ents(doc) == [("Ada May", "PER")]


def test_a_name_cut_at_a_hyphen_gives_no_name_part():
    doc = _doc("President Omar Al-Rashid met envoys in Al-Karif on Monday.", [("Omar Al", "PER"), ("Al", "LOC")])
    assert _ents(doc) == [("Omar Al", "PER"), ("Al", "LOC")]


def test_a_name_part_is_not_found_inside_a_hyphenated_word():
    doc = _doc(
        "Nadim Al spoke to reporters. Troops entered Al-Hasakah while Al stayed home.",
        [("Nadim Al", "PER")],
    )
    # the standalone "Al" is a repeat of the name part; the "Al" of "Al-Hasakah" is not
    assert _ents(doc) == [("Nadim Al", "PER"), ("Al", "PER")]


def test_a_mention_inside_a_hyphenated_word_keeps_its_label():
    doc = _doc(
        "Nadim Al spoke to reporters. Troops entered Al-Hasakah on Monday.",
        [("Nadim Al", "PER"), ("Al", "LOC")],
    )
    assert _ents(doc) == [("Nadim Al", "PER"), ("Al", "LOC")]
