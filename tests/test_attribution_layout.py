"""Speaker labels and quote bylines: attributions made by the layout of a line."""

from __future__ import annotations

import pytest

from claimtrace.extract.attribution.layout import layout_attributions
from claimtrace.extract.attribution.quotes import quote_regions
from claimtrace.nlp import model_path

pytestmark = pytest.mark.skipif(
    not (model_path() / "config.cfg").is_file(), reason="the trained pipeline is not installed"
)


@pytest.fixture(scope="module")
def layout_of(nlp):
    def run(text: str) -> list[tuple[str, str, str, str]]:
        doc = nlp(text)
        return [
            (a.kind, text[a.source[0]:a.source[1]], text[a.cue[0]:a.cue[1]], text[a.content[0]:a.content[1]])
            for a in layout_attributions(doc, doc.text, quote_regions(doc.text))
        ]

    return run


TRANSCRIPT = (
    "Defence Minister Sergei Shoigu spoke to the radio host Anna Berg on Monday.\n\n"
    "BERG: Will the troops stay in the north?\n\n"
    "SHOIGU: The troops will stay where they are. There will be no withdrawal.\n\n"
    "BERG: Thank you, minister.\n"
)


def test_transcript_turns_are_direct_claims_of_the_named_speakers(claims_of):
    turns = [c for c in claims_of(TRANSCRIPT) if c.cue.text == ":"]
    assert [c.source.text for c in turns] == ["BERG", "SHOIGU", "BERG"]
    assert all(c.form == "direct" and c.source.kind == "person" for c in turns)
    assert turns[1].source.canonical == "Sergei Shoigu"
    assert turns[1].content.text == "The troops will stay where they are. There will be no withdrawal."
    assert turns[0].source.canonical == "Anna Berg"


def test_headline_speaker_label(claims_of):
    (claim,) = [c for c in claims_of("Lavrov: Russia has no plans to leave Syria\n\nTalks went on.\n")
                if c.cue.text == ":"]
    assert claim.source.text == "Lavrov" and claim.source.kind == "person"
    assert claim.content.text == "Russia has no plans to leave Syria"
    assert claim.form == "indirect" and claim.polarity == "denies"


def test_speaker_before_on_topic(layout_of):
    assert layout_of("Lavrov on Syria: Our forces stay at the airport.\n") == [
        ("label", "Lavrov", ":", "Our forces stay at the airport.")
    ]


def test_institution_noun_label(layout_of):
    (found,) = layout_of("Syrian Observatory for Human Rights: Twelve fighters were killed near the base.\n")
    assert found[1] == "Syrian Observatory for Human Rights"


@pytest.mark.parametrize(
    "line",
    [
        "Update: The ministry later added more details to its statement.",
        "Photo: Smoke rises over the airport after the strike.",
        "Editor's note: This story has been corrected.",
        "Monday: Talks resume in Geneva after the break.",
        "BOOM: The minister just fired back at his critics.",
        "Stealth Over Health: The candidate was headed to hospital.",
        "Netanyahu and Obama: A tortured relationship of many years.",
        "He added: the talks will go on.",
        "Clinton: 1,769.",
        "Q: Will the troops stay?",
    ],
)
def test_lines_that_are_no_speaker_labels(layout_of, line):
    assert [f for f in layout_of(line + "\n") if f[0] == "label"] == []


def test_one_shouted_label_needs_a_transcript_or_a_name(layout_of):
    assert layout_of("WALLACE: Let us start with the news.\n") == []
    assert len(layout_of("WALLACE: Let us start with the news.\n\nWALLACE: And now the weather.\n")) == 2
    named = "Chris Wallace asked the questions.\n\nWALLACE: Let us start with the news.\n"
    assert [f[1] for f in layout_of(named)] == ["WALLACE"]


def test_quote_byline(claims_of):
    text = "Readers wrote to us.\n\n“We will never leave this town.” ― Ahmad Khalil, a teacher in Qamishli.\n"
    (claim,) = [c for c in claims_of(text) if c.cue.text == "―"]
    assert claim.source.text == "Ahmad Khalil, a teacher in Qamishli"
    assert claim.content.text == "“We will never leave this town.”"
    assert claim.form == "direct" and claim.source.kind == "person" and claim.polarity == "denies"


def test_a_dash_inside_a_sentence_is_no_byline(layout_of):
    assert layout_of("He called it “a disgrace” — and then he left the room.\n") == []
    assert layout_of("“The town has fallen” — Reuters reported on Monday.\n") == []


def test_a_verb_cue_keeps_its_claim(claims_of):
    claims = claims_of("Minister Sergei Lavrov said: “Our forces stay at the airport.”\n")
    (claim,) = claims
    assert claim.cue.lemma == "say" and claim.source.text == "Minister Sergei Lavrov"
