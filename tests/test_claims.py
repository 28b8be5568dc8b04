"""Claims on conflict news: who speaks and for whom, no claim without a reporting act, resolution,
certainty, and the story benchmark's scoring. Texts are written for these tests."""

from __future__ import annotations

import json

import pytest

from claimtrace.extract.attribution.certainty import settle_certainty
from claimtrace.extract.attribution.kinds import demonym_country
from claimtrace.extract.attribution.sources import dateline_length
from claimtrace.model import Affiliation, Analysis, Article, Claim, Cue, Source, Span
from claimtrace.nlp import model_path

needs_model = pytest.mark.skipif(
    not (model_path() / "config.cfg").is_file(), reason="the trained pipeline is not installed"
)


def by_source(claims: list[Claim]) -> dict[str, Claim]:
    return {c.source.text: c for c in claims}


# --------------------------------------------------------------------------- without the pipeline


@pytest.mark.parametrize("text, rest", [
    ("BEIRUT - The army spokesman", "The army spokesman"),
    ("LONDON (Wire) – An internal report", "An internal report"),
    ("Odesa, Jun. 12, (wire/agency) – The agency", "The agency"),
    ("/WIRE/. The harbour master", "The harbour master"),
    ("The ministry", "The ministry"),
    ("NATO", "NATO"),
])
def test_datelines_never_start_a_source(text, rest):
    assert text[dateline_length(text, len(text) - 1):] == rest


def test_a_dateline_that_would_swallow_the_head_stays():
    assert dateline_length("KHARKIV (Wire", 0) == 0


def test_nationalities_name_their_country():
    assert demonym_country("Xyzian") is None
    assert demonym_country("Syrian") is not None


def test_affiliation_round_trips_through_json():
    source = Source("Officials", 0, 9, kind="anonymous", canonical="Officials",
                    affiliation=Affiliation(text="Syrian", canonical="Syria", kind="government"))
    analysis = Analysis(article=Article(text="Officials said it."), claims=[
        Claim(content=Span("it", 15, 17), source=source, cue=Cue("said", 10, 14, lemma="say"), form="indirect")])
    again = Analysis.from_dict(json.loads(json.dumps(analysis.to_dict())))
    assert again.claims[0].source.affiliation == source.affiliation


def test_the_schema_describes_the_affiliation():
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    schema = json.loads(resources.files("claimtrace").joinpath("schema/analysis.schema.json").read_text())
    source = Source("Officials", 0, 9, kind="anonymous", canonical="Officials",
                    affiliation=Affiliation(text="Syrian", canonical="Syria", kind="government"))
    analysis = Analysis(article=Article(text="Officials said it."), claims=[
        Claim(content=Span("it", 15, 17), source=source, cue=Cue("said", 10, 14, lemma="say"), form="indirect")])
    jsonschema.validate(analysis.to_dict(), schema)
    analysis.claims[0].source.affiliation.kind = "weather"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(analysis.to_dict(), schema)


# --------------------------------------------------------------------------- trained pipeline


@needs_model
def test_named_officials_are_persons_speaking_for_their_body(claims_of):
    claims = by_source(claims_of(
        "Kremlin spokesman Dmitry Peskov said the bridge had been shelled overnight.\n\n"
        "Four Syrian officials said the convoy never reached the border.\n\n"
        "The mayor of Mariupol said the water supply was cut."
    ))
    peskov = claims["Kremlin spokesman Dmitry Peskov"].source
    assert peskov.kind == "person"
    assert peskov.affiliation is not None and peskov.affiliation.text == "Kremlin"
    officials = claims["Four Syrian officials"].source
    assert officials.kind == "anonymous"
    assert officials.affiliation is not None and officials.affiliation.kind == "government"
    assert claims["The mayor of Mariupol"].source.kind == "person"


@needs_model
def test_kinds_follow_the_convention(claims_of):
    claims = by_source(claims_of(
        "A woman who was inside the hospital told reporters that the roof collapsed.\n\n"
        "Satellite images showed that the bridge was destroyed.\n\n"
        "Reports said the border crossing was closed.\n\n"
        "A spokesperson said the talks would resume.\n\n"
        "The health ministry said 40 people died."
    ))
    assert claims["A woman who was inside the hospital"].source.kind == "witness"
    assert claims["Satellite images"].source.kind == "document"
    assert claims["Reports"].source.kind == "media"
    assert claims["A spokesperson"].source.kind == "anonymous"
    assert claims["The health ministry"].source.kind == "government"


@needs_model
def test_a_compound_source_takes_the_kind_of_its_first_member(claims_of):
    (claim,) = claims_of("Jane Morrow and the inspection team said the reactor was stable.")
    assert claim.source.kind == "person"


@needs_model
def test_no_claim_where_nobody_speaks(claims_of):
    claims = claims_of(
        "The army attacked the town on Monday. The government ordered an evacuation of the coast. "
        "The US is looking to exert pressure on its rivals. Officials said the port was closed."
    )
    assert [c.source.text for c in claims] == ["Officials"]


@needs_model
def test_a_definite_description_resolves_to_the_latest_named_body(claims_of):
    claims = claims_of(
        "The Northern Liberation Front claimed the attack on Sunday. "
        "The group said its fighters had taken the airport."
    )
    group = next(c for c in claims if c.source.text == "The group")
    assert group.source.canonical == "Northern Liberation Front" and group.source.kind == "organization"


@pytest.mark.parametrize("sentence, certainty", [
    ("Officials said the blast was likely caused by a faulty rocket.", "hedged"),
    ("Officials said the rocket may have misfired.", "hedged"),
    ("Officials said the evidence suggests the dam was mined.", "hedged"),
    ("Officials said the plant faces no immediate danger.", "stated"),
    ("Officials said the attack came from the north.", "stated"),
    ("Officials confirmed that the bridge was destroyed.", "confirmed"),
    ("A reporter saw that the bridge was destroyed.", "confirmed"),
    ("Officials said 40 people were killed in what they called a massacre.", "hedged"),
])
@needs_model
def test_certainty_follows_the_convention(claims_of, sentence, certainty):
    (claim,) = claims_of(sentence)
    assert claim.certainty == certainty


@needs_model
def test_a_hedge_on_a_side_detail_does_not_hedge_the_claim(claims_of):
    (claim,) = claims_of("Officials said the troops struck the depot with a rocket presumably from the east.")
    assert claim.certainty == "stated"


@needs_model
def test_a_coordinated_clause_stays_in_the_content(claims_of):
    (claim,) = claims_of(
        "Local news sites are rumored to have reported plans to close the border crossings, "
        "and gradually withdraw from the northern towns."
    )
    assert claim.content.text.endswith("gradually withdraw from the northern towns")
    assert claim.certainty == "rumored"


@needs_model
def test_a_headline_the_body_repeats_is_no_second_claim(claims_of):
    claims = claims_of(
        "Ministry says floods destroyed hundreds of homes\n"
        "The ministry said on Monday that the floods destroyed hundreds of homes in the valley."
    )
    assert len(claims) == 1 and claims[0].source.text == "The ministry"


def test_settled_certainty_keeps_a_denial_free_of_the_distance_it_reports(nlp):
    from claimtrace.extract.attribution.claims import read_doc
    from claimtrace.extract.attribution.config import DEFAULT_CONFIG, bundled_models

    text = "Officials rejected claims that the army allegedly shelled the town."
    doc = nlp(text)
    context = read_doc(doc, [], DEFAULT_CONFIG, bundled_models())
    content = (text.index("that"), len(text) - 1)
    cue = (text.index("rejected"), text.index("rejected") + len("rejected"))
    assert settle_certainty("stated", content, cue, "reject", context) == "stated"
    assert settle_certainty("stated", content, cue, "say", context) == "hedged"


# --------------------------------------------------------------------------- the story benchmark


def _benchmark():  # noqa: ANN202
    """benchmarks/claims.py as a module (it imports its sibling report.py)."""
    import importlib.util
    import sys
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "benchmarks"
    spec = importlib.util.spec_from_file_location("claims_benchmark", folder / "claims.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    sys.path.insert(0, str(folder))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
    return module


def _story(folder, text: str, quotes: list[dict]) -> None:
    folder.mkdir()
    (folder / "articles.jsonl").write_text(json.dumps(
        {"id": "a1", "url": None, "outlet": "Test Wire", "published": "2024-05-01", "title": None, "text": text}) + "\n")
    (folder / "gold.jsonl").write_text(json.dumps({"id": "a1", "on_story": True, "claims": quotes}) + "\n")


def _gold(quote: str, source: str | None, kind: str, certainty: str = "stated") -> dict:
    return {"quote": quote, "source": source, "source_kind": kind, "cue": None, "certainty": certainty,
            "polarity": "affirms", "stance": "other", "toll": None, "where": None, "when": None}


@needs_model
def test_the_claims_benchmark_scores_a_story(tmp_path):
    benchmark = _benchmark()
    text = ("Officials said the bridge was destroyed on Monday. The army attacked the town. "
            "Jane Morrow, a local teacher, said the school was closed.")
    _story(tmp_path / "story", text, [
        _gold("the bridge was destroyed on Monday", "Officials", "anonymous"),
        _gold("the school was closed", "Jane Morrow, a local teacher", "named_person", "hedged"),
    ])
    figures = benchmark.score_story(tmp_path / "story")
    assert figures["found"] == 1.0 and figures["source"] == 1.0 and figures["kind"] == 1.0
    assert figures["certainty"] == 0.5  # the second claim is stated, not hedged
    assert figures["precision"] == 1.0 and figures["attributed_claims"] == 2
    assert figures["confusion"]["person"] == {"person": 1}


def test_the_claims_benchmark_refuses_a_folder_without_gold(tmp_path, capsys):
    benchmark = _benchmark()
    assert benchmark.main(["--data", str(tmp_path)]) == 2
    assert "no story folder" in capsys.readouterr().err


# --------------------------------------------------------------------------- the outlets profile


def _said(outlet: str, source: Source) -> Analysis:
    text = f"{source.text} said the dam broke."
    start = len(source.text) + len(" said ")
    return Analysis(
        article=Article(text=text, outlet=outlet, published="2024-06-06", language="en"),
        claims=[Claim(content=Span("the dam broke", start, start + 13), source=source, form="indirect")],
    )


def test_outlets_profile_counts_witnesses_and_persons_speaking_for_a_government(tmp_path):
    from claimtrace.store import open_store

    store = open_store(tmp_path / "o.db")
    spokesman = Source("Kremlin spokesman Ivan Petrov", 0, 29, kind="person", canonical="Ivan Petrov",
                       affiliation=Affiliation(text="Kremlin", canonical="Kremlin", kind="government"))
    store.add_analysis(_said("River Post", spokesman), "h1")
    store.add_analysis(_said("River Post", Source("A resident", 0, 10, kind="witness", canonical="A resident")), "h2")
    rows = {r["outlet"]: r for r in store.outlets()}
    store.close()
    post = rows["River Post"]
    assert post["attributed"] == 2
    assert (post["official_share"], post["witness_share"], post["named_share"], post["anonymous_share"]) == (
        0.5, 0.5, 0.5, 0.0)


# --------------------------------------------------------------------------- session 7 rules


@needs_model
def test_a_time_after_a_posed_cue_is_not_its_speaker(claims_of):
    claims = claims_of("The number of flooded villages has grown to 12, the district's chief administrator, "
                       "Pavel Orlov, said on Sunday.")
    (claim,) = [c for c in claims if c.cue is not None and c.cue.text.startswith("said")]
    assert "Orlov" in claim.source.text and "Sunday" not in claim.source.text


@needs_model
@pytest.mark.parametrize("text, name", [
    ("PJSC Volgaenergo said the turbine hall was flooded.", "Volgaenergo"),
    ("The regional utility Volgaenergo said the turbine hall was flooded.", "Volgaenergo"),
])
def test_a_firm_the_tagger_may_call_a_person_is_an_organization(claims_of, text, name):
    (claim,) = [c for c in claims_of(text) if c.source.kind != "author"]
    assert name in claim.source.text and claim.source.kind == "organization"


@needs_model
def test_footage_that_a_participle_follows_is_a_document(claims_of):
    claims = claims_of("Video circulating on messaging apps appears to show the ferry sinking near the pier.")
    assert any(c.source.text.startswith("Video") and c.source.kind == "document" for c in claims)


@needs_model
def test_he_is_the_speaker_not_a_person_the_speaker_talked_about(claims_of):
    claims = claims_of("Ivan Petrov said the aim was to deprive Oleg Markov of his seat. "
                       "He alleged that the vote was rigged.")
    he = next(c for c in claims if c.source.text == "He")
    assert he.source.canonical == "Ivan Petrov"


@needs_model
def test_he_follows_a_person_named_as_the_next_speaker(claims_of):
    claims = claims_of("Ivan Petrov said the vote was rigged. Oleg Markov denied it. "
                       "He said that the count was fair.")
    he = next(c for c in claims if c.source.text == "He")
    assert he.source.canonical == "Oleg Markov"


@needs_model
def test_the_organization_is_the_body_that_spoke_not_one_it_spoke_of(claims_of):
    claims = claims_of("The Baltic Geology Institute said its sensors had picked up tremors near the Volna Power "
                       "Station. The organization said the tremors pointed to a blast.")
    later = next(c for c in claims if c.source.text == "The organization")
    assert later.source.canonical == "Baltic Geology Institute"


def test_a_body_title_and_name_is_a_person_speaking_for_the_body():
    import spacy
    from spacy.tokens import Doc

    from claimtrace.extract.attribution.kinds import classify

    # the parse a tagger gives when a dateline swallows the body's name: the name is an apposition of the body
    words = ["Water", "Agency", "Director", "General", "Jan", "Kowalski", "believes", "it", "is", "safe"]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[True] * 9 + [False],
              heads=[1, 6, 4, 4, 1, 4, 6, 8, 6, 8],
              deps=["compound", "nsubj", "nmod:desc", "nmod:desc", "appos", "flat", "ROOT", "nsubj", "ccomp",
                    "xcomp"],
              pos=["PROPN", "PROPN", "PROPN", "PROPN", "PROPN", "PROPN", "VERB", "PRON", "AUX", "ADJ"],
              ents=["B-ORG", "I-ORG", "O", "O", "B-PER", "I-PER", "O", "O", "O", "O"])
    people = [e for e in doc.ents if e.label_ == "PER"]
    kind, _ = classify(doc[1], doc[1].idx, doc[5].idx + len(doc[5]), people, {})
    assert kind == "person"


@needs_model
def test_according_to_a_source_at_the_end_of_a_paragraph(claims_of):
    claims = claims_of("The losses run to hundreds in the lower town alone, one of the largest on the river with "
                       "some 9,000 people living there then, according to Ukrainian officials.\n\n"
                       "Officials said the water receded.")
    claim = next(c for c in claims if c.cue is not None and c.cue.text == "according to")
    assert claim.source.text == "Ukrainian officials" and claim.source.kind == "anonymous"


def test_a_dateline_the_parser_took_for_the_head_is_cut_and_the_head_found_after_it():
    import spacy
    from spacy.tokens import Doc

    from claimtrace.extract.attribution.sources import without_dateline

    words = ["Lviv", ",", "Jul.", "12", "–", "The", "agency", "said"]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[False, True, True, True, True, True, True, False],
              heads=[7, 0, 0, 2, 0, 6, 0, 7], deps=["nsubj", "punct", "nmod", "nummod", "punct", "det", "appos", "ROOT"],
              pos=["PROPN", "PUNCT", "PROPN", "NUM", "PUNCT", "DET", "NOUN", "VERB"])
    start, head = without_dateline((0, doc[6].idx + len(doc[6])), doc[0], doc, doc.text)
    assert doc.text[start:doc[6].idx + len(doc[6])] == "The agency" and head.text == "agency"


@needs_model
def test_a_raising_passive_conjoined_to_its_subject_s_verb_is_an_unnamed_rumour(claims_of):
    (claim,) = claims_of("The number of missing fishermen is unclear but is rumored to be above forty.")
    assert claim.source.kind == "anonymous" and claim.certainty == "rumored"


@needs_model
def test_words_inside_a_quote_do_not_speak_for_the_cue_after_it(claims_of):
    claims = claims_of("“Our review of the photographs shows that on May 2 a mortar round hit the playground,” said "
                       "Maria Lenz, research director at the Civic Monitor.")
    said = next(c for c in claims if c.cue is not None and c.cue.text == "said")
    assert said.source.text.startswith("Maria Lenz") and said.source.kind == "person"


def _all_claims(nlp, text: str) -> list[Claim]:
    from claimtrace.extract.attribution import find_claims
    from claimtrace.extract.entities import link_mentions

    doc = nlp(text)
    return find_claims(doc, link_mentions(doc))


@needs_model
def test_a_headline_with_a_subject_and_verb_is_the_outlet_s_own_claim(nlp):
    claims = _all_claims(nlp, "Flood Waters Cut the Only Road to the Valley\n"
                              "The council said on Monday that the road was closed.")
    assert any(c.form == "author" and c.content.text.startswith("Flood Waters") for c in claims)


@needs_model
def test_a_headline_without_its_auxiliary_is_the_outlet_s_own_claim(nlp):
    text = "Scores killed in Varnian airstrike on Lisk hospital\n" \
           "Families sift through the debris of a house after a raid in Lisk."
    claims = _all_claims(nlp, text)
    assert any(c.form == "author" and c.content.text.startswith("Scores killed") for c in claims)


@needs_model
def test_a_caption_of_nouns_is_no_headline_claim(nlp):
    claims = _all_claims(nlp, "Photo by Screenshot from the army on 18 October, 2023\n"
                              "Families sift through the debris of a house after a raid in Lisk.")
    assert not any(c.form == "author" and "Photo" in c.content.text for c in claims)


@needs_model
def test_a_dateline_line_is_no_headline_claim(nlp):
    claims = _all_claims(nlp, "KYIV, June 6 (Wire)\nOfficials said the bridge was closed.")
    assert not any(c.form == "author" and "KYIV" in c.content.text for c in claims)


@needs_model
def test_a_statement_denied_in_the_passive_is_the_agent_s_claim(claims_of):
    claims = claims_of("The accusation was promptly rejected by the navy.")
    (claim,) = claims
    assert claim.source.text == "the navy" and claim.source.kind == "government" and claim.form != "author"


@needs_model
@pytest.mark.parametrize("text", [
    "The ferry operator did not immediately respond to a request for comment.",
    "The harbour police have not yet commented on the incident.",
    "Many traders declined to speak to reporters.",
])
def test_a_silence_is_no_claim(claims_of, text):
    assert claims_of(text) == []


@needs_model
def test_a_refusal_with_a_stated_reason_stays_a_claim(claims_of):
    assert claims_of("The ministry declined to comment, saying that the inquiry was still open.") != []


@needs_model
def test_a_report_seen_by_an_outlet_is_a_document(claims_of):
    claims = claims_of("A confidential police report, seen by the Daily Courier, estimated that 40 cars were damaged.")
    estimated = next(c for c in claims if c.cue is not None and c.cue.text == "estimated")
    assert estimated.source.kind == "document"


def test_a_claim_without_a_source_phrase_needs_an_agentless_passive_or_a_clause():
    import spacy
    from spacy.tokens import Doc

    from claimtrace.extract.attribution.claims import _agentless_passive
    from claimtrace.extract.attribution.state import Draft

    class Text:
        def __init__(self, text: str) -> None:
            self.text = text

    words = ["Mayor", "Tells", "Villagers", "About", "Floods"]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=[1, 1, 1, 4, 1],
              deps=["nsubj", "ROOT", "obj", "case", "obl"])
    tells = Draft(cue=(6, 11), cue_lemma="tell", cue_root=None, source=None, source_head=None,
                  content=(12, 34), content_root=doc[2])
    assert not _agentless_passive(tells, Text(doc.text))
    said = Draft(cue=(0, 8), cue_lemma="say", cue_root=None, source=None, source_head=None,
                 content=(9, 20), content_root=None)
    assert _agentless_passive(said, Text("are said to be missing"))


@needs_model
def test_the_name_that_opens_the_sentence_speaks_not_a_later_apposition(claims_of):
    (claim,) = claims_of("Maria Lenz, the head of Saint Anne Clinic, the only clinic still open in the valley, "
                         "announced on Friday the end of night shifts.")
    assert claim.source.text.startswith("Maria Lenz") and claim.source.kind == "person"


@needs_model
def test_an_outlet_s_own_analysis_is_the_outlet_speaking(claims_of):
    claims = claims_of("The Daily Courier said the video was misread. Their analysis concluded that the shell came "
                       "from the east.")
    analysis = next(c for c in claims if c.source.text == "Their analysis")
    assert analysis.source.kind == "media" and analysis.source.canonical == "Daily Courier"


@needs_model
def test_a_ministry_s_own_report_stays_a_document(claims_of):
    claims = claims_of("The defence ministry said the bridge was intact. Its report concluded that the shell "
                       "came from the east.")
    report = next(c for c in claims if c.source.text == "Its report")
    assert report.source.kind != "media"


@needs_model
def test_a_caption_credit_is_no_source(claims_of):
    claims = claims_of("A handout photo courtesy of the port authority shows the damaged pier. Officials said the "
                       "pier was closed.")
    assert [c.source.text for c in claims] == ["Officials"]


@pytest.mark.parametrize("content, why", [
    ("the condition of anonymity or on condition that their villages stay unnamed", True),
    ("conditions of anonymity", True),
    ("not to be named", True),
    ("the conditions in the camp were dire", False),
])
def test_speaking_on_condition_of_anonymity_is_no_claim(content, why):
    from claimtrace.extract.attribution.claims import _ANONYMITY_REQUEST

    assert bool(_ANONYMITY_REQUEST.match(content)) is why


@needs_model
def test_a_motive_is_no_claim_but_a_feared_clause_is(claims_of):
    assert claims_of("Many traders declined to speak, fearing reprisal from the cartel.") == []
    assert claims_of("Engineers worked through the night, fearing that the dam would burst.") != []


@needs_model
def test_it_in_a_clause_names_the_body_that_is_the_sentence_s_subject(claims_of):
    claims = claims_of("The health ministry said 40 people died. Norway has shared radar data and other material it "
                       "says shows the drone came from the sea.")
    it = next(c for c in claims if c.source.text == "it")
    assert it.source.canonical == "Norway"


@needs_model
def test_a_that_clause_after_an_adjunct_is_the_content(claims_of):
    (claim,) = claims_of("Minister Jan Kos said during a trip to Vilnius on Friday morning that he was sure the fire "
                         "had been set on purpose.")
    assert claim.source.canonical == "Jan Kos" and claim.content.text.startswith("that he was sure")


@needs_model
def test_a_quote_before_a_speaker_the_parser_left_unattached(claims_of):
    (claim,) = claims_of("“We are still checking whether the fire began in the kitchen or in the cellar,” the fire "
                         "brigade assessment states.")
    assert "assessment" in claim.source.text and claim.form == "direct"


@needs_model
def test_a_place_based_description_names_the_latest_body_of_its_class(claims_of):
    claims = claims_of("The Delta Front said the depot was hit. The Lagos-based militant group says it is "
                       "fighting for the villagers. Radio Kora said the video was old. The Nairobi-based network said "
                       "the footage was recent.")
    by_text = {c.source.text: c.source.canonical for c in claims}
    assert by_text["The Lagos-based militant group"] == "Delta Front"
    assert by_text["The Nairobi-based network"] == "Radio Kora"


@needs_model
def test_a_definite_office_of_a_named_body_names_its_holder(claims_of):
    claims = claims_of("Maria Lenz, director-general of the IMO, visited the port on Monday. The IMO’s "
                       "director-general said the port was closed.")
    (claim,) = claims
    assert claim.source.canonical == "Maria Lenz" and claim.source.kind == "person"


@needs_model
def test_an_unnamed_civilian_telling_what_they_did_is_a_witness(claims_of):
    claims = claims_of("A nurse, who asked that her name not be used, said she and two orderlies carried 30 "
                       "patients to the roof during the night. Two officials said they expected more rain.")
    nurse = next(c for c in claims if c.source.text.startswith("A nurse,"))
    officials = next(c for c in claims if c.source.text == "Two officials")
    assert nurse.source.kind == "witness" and officials.source.kind == "anonymous"


@needs_model
def test_a_capitalized_class_noun_names_the_latest_body_of_its_class(claims_of):
    claims = claims_of("The Lutheran World Federation condemned the attack on Monday. The Church stated on its website "
                       "that two buildings were damaged.")
    church = next(c for c in claims if c.source.text == "The Church")
    assert church.source.canonical == "Lutheran World Federation" and church.source.kind == "organization"


@needs_model
def test_an_assessment_nested_in_a_report_is_a_claim_of_its_own(claims_of):
    claims = claims_of("The report states that some farmers in the valley assessed that the fire was likely started "
                       "by a spark from the railway.")
    assert {c.source.text for c in claims} == {"The report", "some farmers in the valley"}


# --------------------------------------------------------------------------- resolution of short references


def _canonical_of(claims: list[Claim], text: str) -> Source:
    return next(c.source for c in claims if c.source.text == text)


@needs_model
def test_a_definite_office_names_the_latest_untitled_speaker(claims_of):
    claims = claims_of("Anna Kowal says the port must reopen within a week. The PM said the decision rested on the "
                       "advice of engineers.")
    pm = _canonical_of(claims, "The PM")
    assert pm.canonical == "Anna Kowal" and pm.kind == "person" and pm.text == "The PM"


@needs_model
def test_a_definite_office_is_not_given_to_a_speaker_with_another_office(claims_of):
    claims = claims_of("President Jan Nowak said the port must reopen within a week. The prime minister said the "
                       "decision rested on the advice of engineers.")
    assert "Nowak" not in (_canonical_of(claims, "The prime minister").canonical or "")


@needs_model
def test_he_takes_a_person_noun_subject_that_was_no_source(claims_of):
    claims = claims_of("Mr Orlov said the shelling stopped at dawn. The spokesman for the Water Authority stood before "
                       "the crowd in the square. “The damage is severe,” he said.")
    he = _canonical_of(claims, "he")
    assert he.canonical.startswith("The spokesman for the Water Authority") and he.kind == "person"


@needs_model
def test_he_skips_a_body_named_by_a_thing_noun(claims_of):
    claims = claims_of("Colonel Pedro Ruiz said the bridge fell on Monday. According to army intelligence, the "
                       "convoy turned back. He said the road would stay closed.")
    assert _canonical_of(claims, "He").canonical == "Pedro Ruiz"


@needs_model
def test_the_report_of_an_outlet_is_the_outlet(claims_of):
    claims = claims_of("The Daily Courier said the shell came from the north. A video showed smoke over the port. "
                       "“The crater is far too small for a bomb,” the report argued. The newspaper’s report found that the video was old.")
    for text in ("the report", "The newspaper’s report"):
        source = _canonical_of(claims, text)
        assert source.canonical == "Daily Courier" and source.kind == "media", text


@needs_model
def test_the_report_names_the_latest_document_of_its_class(claims_of):
    claims = claims_of("An internal assessment estimated that 40 people died in the fire. The toll “reflects a grave "
                       "loss,” the report said, according to the Courier.")
    source = next(c.source for c in claims if c.source.text.startswith("the report"))
    assert source.canonical.startswith("An internal assessment") and source.kind == "document"


@needs_model
def test_a_pronoun_with_an_adverb_is_still_a_pronoun(claims_of):
    claims = claims_of("The Daily Courier said the shell came from the north. However, it further claims there "
                       "is a gap in the videos.")
    source = next(c.source for c in claims if c.source.text.lower().startswith("it"))
    assert source.canonical == "Daily Courier" and source.kind == "media"


@needs_model
def test_an_office_named_before_its_holder_takes_the_next_named_subject(claims_of):
    claims = claims_of("A civilian died after the city was shelled overnight, local governor said on Sunday. "
                       "“One of the shells hit the kitchen,” Ivan Petrenko said on the messaging app.")
    governor = _canonical_of(claims, "local governor")
    assert governor.canonical == "Ivan Petrenko" and governor.kind == "person"


@needs_model
def test_an_office_of_a_named_place_is_not_given_to_a_later_name(claims_of):
    claims = claims_of("The mayor of Dolyna said the water had reached the square. One man, Taras, said his "
                       "house was flooded. Marta Hrytsenko said the school was closed.")
    mayor = next(c.source for c in claims if c.source.text.startswith("The mayor of Dolyna"))
    assert "Hrytsenko" not in (mayor.canonical or "") and "Taras" not in (mayor.canonical or "")


def test_who_after_a_comma_is_the_people_before_it_whatever_the_parse():
    import spacy
    from spacy.tokens import Doc

    from claimtrace.extract.attribution.coreference import relative_antecedent

    vocab = spacy.blank("en").vocab

    def parsed(rows: list[tuple[str, int, str, str, str]]) -> Doc:  # (word, head, dep, pos, tag) per token
        return Doc(vocab, words=[r[0] for r in rows], heads=[r[1] for r in rows], deps=[r[2] for r in rows],
                   pos=[r[3] for r in rows], tags=[r[4] for r in rows])

    # the claims made by the Norlanders, who assert it: the parse hangs "who assert" on "claims"
    rows = [("the", 1, "det", "DET", "DT"), ("claims", 1, "ROOT", "NOUN", "NNS"), ("made", 1, "acl", "VERB", "VBN"),
            ("by", 5, "case", "ADP", "IN"), ("the", 5, "det", "DET", "DT"), ("Norlanders", 2, "obl", "PROPN", "NNPS"),
            (",", 8, "punct", "PUNCT", ","), ("who", 8, "nsubj", "PRON", "WP"), ("assert", 1, "acl:relcl", "VERB", "VBP"),
            ("it", 8, "obj", "PRON", "PRP")]
    doc = parsed(rows)
    assert relative_antecedent(doc[7]).text == "Norlanders"
    # "the report, which ...": a thing's relative pronoun keeps the parse's noun
    rows[7] = ("which", 8, "nsubj", "PRON", "WDT")
    doc = parsed(rows)
    assert relative_antecedent(doc[7]).text == "claims"
    # "a statement by a spokesman for the army, who said it": the person noun whose phrase "army" ends
    rows = [("a", 1, "det", "DET", "DT"), ("statement", 1, "ROOT", "NOUN", "NN"), ("by", 4, "case", "ADP", "IN"),
            ("a", 4, "det", "DET", "DT"), ("spokesman", 1, "nmod", "NOUN", "NN"), ("for", 7, "case", "ADP", "IN"),
            ("the", 7, "det", "DET", "DT"), ("army", 4, "nmod", "NOUN", "NN"), (",", 10, "punct", "PUNCT", ","),
            ("who", 10, "nsubj", "PRON", "WP"), ("said", 1, "acl:relcl", "VERB", "VBD"), ("it", 10, "obj", "PRON", "PRP")]
    doc = parsed(rows)
    assert relative_antecedent(doc[9]).text == "spokesman"


@needs_model
def test_a_relative_who_keeps_the_affiliation_of_its_noun(claims_of):
    claims = claims_of("The figures were disputed by Norlandic officials, who said the dam was intact.")
    who = _canonical_of(claims, "who")
    assert who.canonical == "Norlandic officials"
    assert who.affiliation is not None and who.affiliation.text == "Norlandic"


@needs_model
def test_a_first_person_inside_a_quotation_is_its_speaker(claims_of):
    claims = claims_of("“According to our intelligence, the convoy left the depot at dawn,” General Ivan Morozov "
                       "said on Tuesday.")
    ours = next(c.source for c in claims if c.source.text.lower().startswith("our"))
    assert ours.canonical == "Ivan Morozov" and ours.kind == "person"


@needs_model
def test_they_names_plural_witnesses_but_not_from_inside_a_quotation(claims_of):
    claims = claims_of("Survivors said the water rose within minutes. They said the boats came too late.")
    assert _canonical_of(claims, "They").canonical == "Survivors"
    claims = claims_of("Survivors said the water rose within minutes. “We were not warned. They said the dam would "
                       "hold,” said one man, Oleg.")
    assert _canonical_of(claims, "They").canonical != "Survivors"


@needs_model
def test_the_report_names_a_report_introduced_after_the_outlet_spoke(claims_of):
    claims = claims_of("The Daily Courier said the port was closed on Monday. Its reporters later obtained a "
                       "confidential harbour authority report. The report said 40 ships were stranded.")
    source = _canonical_of(claims, "The report")
    assert "harbour authority report" in source.canonical and source.kind == "document"


@needs_model
def test_a_bare_report_opening_a_sentence_is_the_report_of_the_outlet(claims_of):
    claims = claims_of("The Daily Courier said the port was closed on Monday. Report, published late on Tuesday, "
                       "says 40 ships were stranded.")
    source = next(c.source for c in claims if c.source.text.startswith("Report"))
    assert source.canonical == "Daily Courier" and source.kind == "media"


@needs_model
def test_he_in_a_quotation_is_not_its_speaker(claims_of):
    claims = claims_of("Mr Petro Lysenko said the mayor had left the city. “We stayed. He said the dam was safe,” "
                       "said Anton Moroz, a fisherman from the village.")
    he = _canonical_of(claims, "He")
    assert he.canonical != "Anton Moroz" and "Lysenko" in he.canonical


@needs_model
def test_a_courtesy_title_gives_the_gender_she_needs(claims_of):
    claims = claims_of("Ms Olena Bondar said the water had reached the second floor. Mr Taras Melnyk said the "
                       "boats came too late. She said the school would stay closed.")
    assert _canonical_of(claims, "She").canonical == "Olena Bondar"


@needs_model
def test_a_name_inside_what_the_speaker_said_does_not_take_the_next_pronoun(claims_of):
    claims = claims_of("Anna Kowal says it means Jan Nowak never paid for the repairs. She says the council "
                       "will ask for the money.")
    assert _canonical_of(claims, "She").canonical == "Anna Kowal"


@needs_model
def test_a_pronoun_inside_the_clause_of_a_named_subject_is_that_subject(claims_of):
    for text in ("Anna Kowal said on Monday that Jan Nowak runs the very system that he claims he will dismantle.",
                 "Anna Kowal says Jan Nowak was wrong when he said that the port had reopened."):
        assert _canonical_of(claims_of(text), "he").canonical == "Jan Nowak", text

@needs_model
def test_a_statement_that_reads_is_the_source(claims_of):
    claims = claims_of("A statement from the Water Board on Sunday morning said that the review drew on public and "
                       "private records.\n\n“This finding rests on a study of the cracks in the lock gates, including "
                       "the nearby pumps and the banks beside the lock, as well as the speed of the rising river,” the "
                       "statement read.\n\nThe board added that more tests would follow.")
    read = next(c for c in claims if c.cue.text == "read")
    assert read.source.text == "the statement" and read.source.kind == "document"


@needs_model
def test_a_sentence_initial_adjunct_never_speaks(claims_of):
    claims = claims_of("In a big relief for the miners, Labour Minister Tom Reyes on Thursday backed the union’s view "
                       "that a gas leak the week before was the cause of the blast, as he visited the pit.")
    assert claims
    assert all(not c.source.text.lower().startswith(("in ", "on ")) for c in claims)


def _parsed(words, heads, deps, pos):
    """A doc with the parse given (a misparse the trained parser makes on some texts), for the rules that repair it."""
    import spacy
    from spacy.tokens import Doc

    spaces = [not w.isspace() and (i + 1 < len(words) and words[i + 1] not in (",", ".") and not words[i + 1].isspace())
              for i, w in enumerate(words)]
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)


def test_a_paragraph_break_hung_on_the_cue_is_no_clause():
    from claimtrace.extract.attribution.contents import clause_of

    doc = _parsed(["Ann", "said", "it", "ended", ".", "\n\n"], [1, 1, 3, 1, 1, 1],
                  ["nsubj", "ROOT", "nsubj", "ccomp", "punct", "ccomp"], ["PROPN", "VERB", "PRON", "VERB", "PUNCT", "SPACE"])
    assert clause_of(doc[1]).text == "ended"
    doc = _parsed(["Ann", "said", "so", ".", "\n\n"], [1, 1, 1, 1, 1],
                  ["nsubj", "ROOT", "advmod", "punct", "ccomp"], ["PROPN", "VERB", "ADV", "PUNCT", "SPACE"])
    assert clause_of(doc[1]) is None


def test_a_reported_clause_parsed_as_a_second_subject_is_the_content():
    from claimtrace.extract.attribution.contents import first_of_two_subjects

    # "Shells hit the school, medics reported." with "Shells" and "medics" both subjects of "reported"
    doc = _parsed(["Shells", "hit", "the", "school", ",", "medics", "reported", "."], [6, 0, 3, 1, 0, 6, 6, 6],
                  ["nsubj", "acl", "det", "obj", "punct", "nsubj", "ROOT", "punct"],
                  ["NOUN", "VERB", "DET", "NOUN", "PUNCT", "NOUN", "VERB", "PUNCT"])
    span, head, _ = first_of_two_subjects(doc[6])
    assert doc.text[span[0]:span[1]] == "Shells hit the school" and head.text == "Shells"
    # no verb in the first subject: "The strikes, the official said" is no such misparse
    doc = _parsed(["The", "strikes", ",", "officials", "said", "."], [1, 4, 1, 4, 4, 4],
                  ["det", "nsubj", "punct", "nsubj", "ROOT", "punct"], ["DET", "NOUN", "PUNCT", "NOUN", "VERB", "PUNCT"])
    assert first_of_two_subjects(doc[4]) is None


def test_a_dateline_before_a_dash_is_not_the_subject():
    from claimtrace.extract.attribution.spans import subject_of

    doc = _parsed(["ODESSA", "-", "The", "navy", "said", "it", "ended", "."], [4, 0, 3, 4, 4, 6, 4, 4],
                  ["nsubj", "punct", "det", "nsubj", "ROOT", "nsubj", "ccomp", "punct"],
                  ["PROPN", "PUNCT", "DET", "NOUN", "VERB", "PRON", "VERB", "PUNCT"])
    assert subject_of(doc[4]).text == "navy"


@needs_model
@pytest.mark.parametrize("text", [
    "The island council has rejected an EU request for entry to the closed harbours of the northern coast.",
    "Governor Mara Lind declared two days of mourning after the collapse of the bridge in Varna.",
    "Leaving the stadium, Orton appeared to be asked by several fans about the transfer.",
    "The origin of the letter, as well as the sender's grasp of the facts, has not been confirmed.",
    "The student paper Campus Echo has talked to the tenants who were waiting to be moved out of the tower.",
    "Source: Holm announced this after a call with the mayor of Tartu, Nordic Daily\n\nThe talks went on.",
    "The port authority has also declined to release any more information about the missing sailors.",
    "While leaks are common, further inquiry is needed to determine who opened the valve and whether the rules were "
    "broken.",
    "Only a desperate gang could plan a theft on this scale. And they will answer for this in "
    "court, all of them.",
])
def test_cue_words_that_state_nothing_make_no_claim(claims_of, text):
    assert claims_of(text) == []


@needs_model
def test_a_rejected_claim_is_still_a_claim(claims_of):
    (claim,) = claims_of("The regional government has rejected the claim that the dam was mined by its troops.")
    assert claim.source.text == "The regional government" and claim.polarity == "denies"


@needs_model
def test_according_to_vouches_for_what_another_speaker_said(claims_of):
    claims = claims_of("Mia Roth, who speaks for the airport, said the cause of the delay is still unknown and the runway "
                       "stays shut, according to the Varna Times.")
    according = next(c for c in claims if c.cue.text.lower() == "according to")
    said = next(c for c in claims if c.cue.text.startswith("said"))
    assert according.content.text.startswith("the cause of the delay") and said.source.text.startswith("Mia Roth")


@needs_model
def test_a_cue_the_sentence_splitter_cut_off_takes_the_sentence_before(claims_of):
    (claim,) = claims_of("The flood that swept through the old mill in Varna on April 9, 2020, came from an apparent "
                         "burst pipe, such as those often found in old houses, that broke under the yard, Human Rights "
                         "Watch said Monday.")
    assert claim.source.kind == "organization" and "Watch" in claim.source.text
    assert claim.content.text.startswith("The flood that swept through the old mill")


@needs_model
def test_a_light_verb_reports_through_its_object(claims_of):
    claims = claims_of("Soon afterwards, local nurses gave differing accounts of the number of people hurt. The city "
                       "officials have changed their account of the leak. The council has yet to provide any clear "
                       "proof of the leak.")
    assert {c.source.text for c in claims} == {"local nurses", "The city officials"}
    nurses = next(c for c in claims if c.source.text == "local nurses")
    assert nurses.cue.text == "gave" and nurses.content.text == "differing accounts of the number of people hurt"


@needs_model
def test_a_second_that_clause_is_said_too(claims_of):
    (claim,) = claims_of("But the coast guard on Friday said it had no part in the collision, and that a drifting "
                         "barge owned by a private firm caused the damage.")
    assert claim.content.text.endswith("caused the damage")


@needs_model
def test_what_an_as_clause_hangs_on_is_what_was_claimed(claims_of):
    claims = claims_of("Only a few dozen sheep died in the Monday flood near the farm, not nearly 300 as the herders "
                       "had claimed, an official of the farming office said Thursday.")
    herders = next(c for c in claims if c.source.text == "the herders")
    assert herders.content.text == "300" and herders.cue.text == "had claimed"
    assert all(c.content.text != "Thursday" for c in claims)


@needs_model
def test_a_negative_speaker_claims_nothing(claims_of):
    assert claims_of("Neither party produced any public proof of who had started the brawl. Neither the league nor "
                     "the club has claimed the match was fixed.") == []


@needs_model
def test_released_tolls_and_published_images_are_reported(claims_of):
    claims = claims_of("Officials have released death tolls ranging from 20 to 45, before settling on 31.\n\nThe Varna "
                       "Times has published photos of damaged houses along the coast road.")
    assert {c.source.text: c.source.kind for c in claims} == {"Officials": "anonymous", "The Varna Times": "media"}


@needs_model
def test_a_participle_of_speech_with_its_agent_is_the_agents_claim(claims_of):
    claims = claims_of("The auditor noted that the loss is far smaller than the 900 announced by the union.")
    union = next(c for c in claims if c.source.text == "the union")
    assert union.cue.text == "announced" and union.content.text == "the 900"


@needs_model
def test_a_name_the_parser_split_off_before_and_speaks_too(claims_of):
    (claim,) = claims_of("The apology came after Spain and the US said that early tests showed the leak was caused by "
                         "a worn valve.")
    assert claim.source.text == "Spain and the US" and claim.source.kind == "government"


@needs_model
def test_a_named_body_in_a_relative_clause_speaks(claims_of):
    claims = claims_of("Greece has said the spill was caused by a cracked hull built by the Athens Dock Company, which "
                       "denied fault.")
    denial = next(c for c in claims if c.cue.text == "denied")
    assert denial.source.kind == "organization" and denial.polarity == "denies"


@needs_model
def test_a_claim_noun_with_its_that_clause_is_its_holders_claim(claims_of):
    claims = claims_of("The navy said on Monday that a mine had struck the ferry, dismissing reports that the damage "
                       "was caused by a torpedo. The panel has rejected Greek claims that a loose anchor reportedly "
                       "caused the crash.")
    reports = next(c for c in claims if c.cue.text == "reports")
    greek = next(c for c in claims if c.cue.text == "claims")
    assert reports.source.kind == "media" and reports.content.text.startswith("that the damage")
    assert greek.source.text == "Greek" and greek.certainty == "hedged"


@needs_model
def test_according_to_inside_a_quotation_ends_with_it(claims_of):
    claims = claims_of("“According to our records, the smugglers moved the cargo, knew it was stolen goods that had "
                       "been hidden, and chose to sell it abroad to avoid the checks,” Hagen said.")
    according = next(c for c in claims if c.cue.text == "According to")
    assert "Hagen" not in according.content.text


@needs_model
def test_a_name_after_called_is_no_speaker(claims_of):
    (claim,) = claims_of("The mayor of the valley town, the worst hit by the storm, said four cars were swept away "
                         "overnight in the district centre, also called Varna.")
    assert claim.cue.text == "said"


@needs_model
def test_an_apposition_that_names_no_speaker_is_not_the_source(claims_of):
    claims = claims_of("According to Greek inspectors, a loose bolt by the Athens supplier, Metallo SA, was to blame "
                       "for the crash, offering proof to support the finding.")
    according = next(c for c in claims if c.cue.text == "According to")
    assert according.source.text == "Greek inspectors"
    assert according.content.text.startswith("a loose bolt")


@needs_model
def test_a_collective_of_state_bodies_is_a_government_body(claims_of):
    (claim,) = claims_of("The Estonian intelligence community assesses that the fire was likely started by a spark.")
    assert claim.source.kind == "government"


@needs_model
def test_a_name_apposed_to_an_unnamed_civilian_is_a_witness(claims_of):
    claims = claims_of("“The water reached our windows within an hour,” said one woman, Olena, recalling the night the "
                       "river rose.")
    said = next(c for c in claims if c.cue.text == "said")
    assert said.source.kind == "witness"


@needs_model
def test_according_to_right_after_that_stays_inside_the_content(claims_of):
    claims = claims_of("He stressed that, according to border police, the smugglers crossed the river at night and hid "
                       "the boats.")
    stressed = next(c for c in claims if c.cue.text == "stressed")
    assert stressed.content.text.startswith("that, according to border police, the smugglers crossed")


@needs_model
def test_a_light_verb_with_a_reported_number_is_a_claim(claims_of):
    (claim,) = claims_of("The fire chief gave a higher number of injured people.")
    assert claim.source.text == "The fire chief" and claim.content.text == "a higher number of injured people"


@needs_model
def test_an_outlet_unable_to_corroborate_speaks_without_confirming(claims_of):
    (claim,) = claims_of("The charity was unable to corroborate the figure, well above all the other estimates.")
    assert claim.source.text == "The charity" and claim.certainty != "confirmed"


@needs_model
def test_a_line_opening_with_a_dateline_is_no_headline(nlp):
    from claimtrace.extract.attribution.claims import _is_headline, read_doc
    from claimtrace.extract.attribution.config import DEFAULT_CONFIG, bundled_models
    from claimtrace.extract.entities import link_mentions

    doc = nlp("IMO says situation tense but calm at Riga port\n\nRiga, Jun. 3, (dpa/GNA) – The International Maritime "
              "Organization (IMO) on Thursday called the mood at the Riga port tense but calm\n\nThe review "
              "came as the city said it had reopened two piers.")
    context = read_doc(doc, link_mentions(doc), DEFAULT_CONFIG, bundled_models())
    assert [_is_headline(s, context) for s in context.sentences] == [True, False, False]


@needs_model
def test_this_is_what_they_told_sums_up_the_sentences_before(claims_of):
    (claim,) = claims_of("The only road out is mined, and soldiers stop every car at the checkpoint. Food has run out in "
                         "both shops. This is what villagers from Dolna told our reporter on Tuesday.")
    assert claim.source.text == "villagers from Dolna" and claim.cue.text == "told"
    assert claim.content.text.startswith("The only road out") and claim.content.text.endswith("both shops")


@needs_model
def test_a_timeline_goes_on_in_the_words_of_its_according_to_source(claims_of):
    claims = claims_of("According to the harbour master, at 5:10 AM, the tanker lost power. Subsequently, at 5:40 AM, "
                       "the first tug reached it. In addition, at 6:05 AM, a second tug was sent.\n\nThe port reopened "
                       "on Friday.")
    assert [c.source.text for c in claims] == ["the harbour master"] * 3
    assert claims[2].content.text == "In addition, at 6:05 AM, a second tug was sent"


def _hand_parsed(words, heads, deps, pos, tags):
    """As :func:`_parsed`, with tags."""
    doc = _parsed(words, heads, deps, pos)
    for token, tag in zip(doc, tags, strict=True):
        token.tag_ = tag
    return doc


def test_a_plural_noun_before_and_ends_the_first_member_whatever_the_parse():
    from claimtrace.extract.attribution.kinds import member_tokens

    # "Ruritanian officials and Kestrel rebels blamed each other", parsed with "rebels" as the head
    doc = _hand_parsed(["Ruritanian", "officials", "and", "Kestrel", "rebels", "blamed", "each", "other"],
                  [1, 4, 3, 1, 5, 5, 5, 6], ["amod", "compound", "cc", "conj", "nsubj", "ROOT", "obj", "fixed"],
                  ["ADJ", "NOUN", "CCONJ", "PROPN", "NOUN", "VERB", "DET", "ADJ"],
                  ["JJ", "NNS", "CC", "NNP", "NNS", "VBD", "DT", "JJ"])
    rebels = doc[4]
    assert [t.text for t in member_tokens(rebels, 0, rebels.idx + len(rebels))] == ["Ruritanian", "officials"]


def test_names_joined_before_a_shared_noun_stay_one_member():
    from claimtrace.extract.attribution.kinds import member_tokens

    # "Valdo and Kestrel officials said": one group of officials of two states
    doc = _hand_parsed(["Valdo", "and", "Kestrel", "officials", "said"], [3, 2, 0, 4, 4],
                  ["compound", "cc", "conj", "nsubj", "ROOT"], ["PROPN", "CCONJ", "PROPN", "NOUN", "VERB"],
                  ["NNP", "CC", "NNP", "NNS", "VBD"])
    officials = doc[3]
    assert len(member_tokens(officials, 0, officials.idx + len(officials))) == 4


@needs_model
def test_a_person_recounting_what_they_went_through_is_a_witness(claims_of):
    claims = claims_of("Dr. Mara Lenk, a surgeon with the Kestrel Relief Fund, spoke to reporters at the clinic. "
                       "“We were operating on a child when the ceiling fell in,” she recounted. “It was a "
                       "massacre,” she added. The governor, Ivo Brandt, said repairs would take a month.")
    kinds = {c.cue.text: c.source.kind for c in claims}
    assert kinds["recounted"] == "witness" and kinds["added"] == "witness" and kinds["said"] == "person"


@needs_model
def test_an_acronym_the_tagger_missed_takes_the_kind_of_its_declared_name(claims_of):
    claims = claims_of("On Friday, the Swedish Office of Naval Intelligence (SONI) stated that the blast was small. "
                       "The SONI explained that the crater was shallow.")
    later = next(c for c in claims if c.cue.text == "explained")
    assert later.source.canonical == "Swedish Office of Naval Intelligence" and later.source.kind == "government"


@needs_model
def test_a_source_keeps_the_bracket_it_opens(claims_of):
    claims = claims_of("Rep. Ana Ruiz (D-Ore.) said the bill would fail. The Swedish Office of Naval Intelligence "
                       "(SONI) said on Monday that the blast was small.")
    assert {c.source.text for c in claims} == {"Rep. Ana Ruiz (D-Ore.)",
                                               "The Swedish Office of Naval Intelligence (SONI)"}


@needs_model
@pytest.mark.parametrize("text, source", [
    ("Jan Kowal on Wednesday said the party must act.", "Jan Kowal"),
    ("Senator Ana Ruiz, at a hastily called briefing, said she would vote no.", "Senator Ana Ruiz"),
    ("Federal prosecutors in April charged that the firm had lied.", "Federal prosecutors"),
    ("Prosecutors this month said the firm lied.", "Prosecutors"),
])
def test_when_and_where_a_speaker_spoke_is_not_the_source(claims_of, text, source):
    (claim,) = claims_of(text)
    assert claim.source.text == source


@needs_model
def test_a_source_keeps_an_office_after_its_name(claims_of):
    (claim,) = claims_of("Officials at the Ministry of Transport said the bridge would reopen in May.")
    assert claim.source.text == "Officials at the Ministry of Transport"


def test_what_a_speaker_was_doing_is_not_the_source():
    from claimtrace.extract.attribution.spans import clean_source

    # "Ana Ruiz, opening the bridge, said it was late", with the participle hung on the name
    doc = _hand_parsed(["Ana", "Ruiz", ",", "opening", "the", "bridge", ",", "said", "it", "was", "late"],
                       [7, 0, 3, 0, 5, 3, 3, 7, 10, 10, 7],
                       ["nsubj", "flat", "punct", "acl", "det", "obj", "punct", "ROOT", "nsubj", "cop", "ccomp"],
                       ["PROPN", "PROPN", "PUNCT", "VERB", "DET", "NOUN", "PUNCT", "VERB", "PRON", "AUX", "ADJ"],
                       ["NNP", "NNP", ",", "VBG", "DT", "NN", ",", "VBD", "PRP", "VBD", "JJ"])
    start, end = clean_source(doc[0], 0, 6)
    assert doc.text[start:end] == "Ana Ruiz"
    # "including" lists members of the source: they stay
    doc = _hand_parsed(["Critics", ",", "including", "the", "union", ",", "said", "no"],
                       [6, 4, 4, 4, 0, 0, 6, 6], ["nsubj", "punct", "case", "det", "nmod", "punct", "ROOT", "obj"],
                       ["NOUN", "PUNCT", "VERB", "DET", "NOUN", "PUNCT", "VERB", "INTJ"],
                       ["NNS", ",", "VBG", "DT", "NN", ",", "VBD", "UH"])
    start, end = clean_source(doc[0], 0, 5)
    assert doc.text[start:end] == "Critics, including the union"


def test_a_hyphenated_name_split_by_the_tokenizer_stays_whole():
    import spacy
    from spacy.tokens import Doc

    from claimtrace.extract.attribution.spans import clean_source

    words = ["Mr.", "Holtz", "-", "Kowal", "said", "no"]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[True, False, False, True, True, False],
              heads=[3, 3, 3, 4, 4, 4], deps=["compound", "compound", "punct", "nsubj", "ROOT", "obj"],
              pos=["PROPN", "PROPN", "PUNCT", "PROPN", "VERB", "INTJ"])
    start, end = clean_source(doc[3], 3, 4)
    assert doc.text[start:end] == "Mr. Holtz-Kowal"


def test_an_adjective_on_the_title_stays_in_the_source():
    from claimtrace.extract.attribution.spans import clean_source

    # "Retired Gen. Ana Ruiz said no", with "Retired" tagged a verb
    doc = _hand_parsed(["Retired", "Gen.", "Ana", "Ruiz", "said", "no"], [1, 2, 4, 2, 4, 4],
                       ["amod", "compound", "nsubj", "flat", "ROOT", "obj"],
                       ["VERB", "PROPN", "PROPN", "PROPN", "VERB", "INTJ"], ["VBN", "NNP", "NNP", "NNP", "VBD", "UH"])
    start, end = clean_source(doc[2], 0, 4)
    assert doc.text[start:end] == "Retired Gen. Ana Ruiz"


@needs_model
def test_a_title_cut_off_by_a_sentence_break_stays_with_the_name(claims_of):
    text = ("The market moved on.\n\n4:40 p.m.\n\nRuiz spokesman Jan Kowal says that the plan works.\n\n"
            "\"The ferry plan is stalling badly,\" Kestrel chief economist Ivo Brandt said.")
    sources = {c.source.text for c in claims_of(text)}
    assert {"Ruiz spokesman Jan Kowal", "Kestrel chief economist Ivo Brandt"} <= sources


@needs_model
def test_a_time_on_a_participle_describing_the_source_stays(claims_of):
    (claim,) = claims_of("A Kestrel Institute report released last year concluded that the river had shrunk.")
    assert claim.source.text == "A Kestrel Institute report released last year"


# --------------------------------------------------------------------------- reciprocal blame


@needs_model
@pytest.mark.parametrize("text, second", [
    ("The Varnian army and Kestrel rebels accused each other of starting the fire at the depot on Friday.",
     "Kestrel rebels"),
    ("Varnian officials and the Kestrel Front accused one another of shelling the dam.", "the Kestrel Front"),
])
def test_a_reciprocal_blame_is_a_claim_of_each_member(claims_of, text, second):
    claims = claims_of(text)
    sources = [c.source.text for c in claims]
    assert second in sources and len(claims) == 2
    assert {c.cue.text for c in claims} == {claims[0].cue.text}


@needs_model
def test_a_compound_source_without_reciprocal_stays_one_claim(claims_of):
    claims = claims_of("The Varnian army and Kestrel rebels said the market had been hit by a shell.")
    assert len(claims) == 1


# --------------------------------------------------------------------------- claim nouns with an agent


@needs_model
@pytest.mark.parametrize("text, holder, content", [
    ("Varnia's foreign ministry on Monday rejected accusations by Ostland and its allies that Varnian troops "
     "had mined the bridge.", "Ostland and its allies", "that Varnian troops had mined the bridge"),
])
def test_an_accusation_by_an_agent_is_the_agent_s_claim(claims_of, text, holder, content):
    claims = {c.cue.text: c for c in claims_of(text)}
    assert claims["accusations"].source.text == holder
    assert claims["accusations"].content.text == content


@needs_model
def test_a_title_with_a_word_in_scare_quotes_stays_with_its_holder(claims_of):
    (claim,) = claims_of("Earlier on Sunday, first deputy of the occupation “administration” in the Lisk region "
                         "Piotr Halen said that rebels had fired on the convoy.")
    assert claim.source.text.endswith("Piotr Halen") and claim.source.kind == "person"


@needs_model
def test_an_assessment_after_an_outlet_is_no_report_of_the_outlet(claims_of):
    claims = by_source(claims_of("The Ostland Tribune reported on Monday that the bridge was closed. "
                                 "The assessment says the damage is severe."))
    assert claims["The assessment"].source.kind == "document"
    assert claims["The Ostland Tribune"].source.kind == "media"


# --------------------------------------------------------------------------- the kind lexicon (data file)


def test_the_kind_lexicon_matches_names_by_their_words():
    from claimtrace.extract.attribution import lexicon as lex
    from claimtrace.extract.attribution.kinds import lexicon_kind

    assert lex.name_words("Al-Shabaab’s fighters") == ("al-shabaab", "fighters")
    assert lexicon_kind("the Rapid Support Forces") == "organization"  # "forces", yet no state's
    assert lexicon_kind("the Hamas government media office") is None  # an office the group runs
    assert lexicon_kind("the U.N. human rights office") == "organization"
    assert lexicon_kind("the Department for International Development") is None  # a state's department
    assert lexicon_kind("the Sudanese army") is None


@needs_model
@pytest.mark.parametrize("speaker, kind", [
    ("The Rapid Support Forces", "organization"),
    ("The Free Syrian Army", "organization"),
    ("Hezbollah", "organization"),
    ("The UN human rights office", "organization"),
    ("The International Criminal Court", "organization"),
    ("The Norwegian Refugee Council", "organization"),
    ("The Sudanese Armed Forces", "government"),
    ("The Hamas government media office", "government"),
    ("The Kyiv Independent", "media"),  # a city and a word of no outlet's own
])
def test_bodies_whose_words_mislead_take_their_kind_from_the_lexicon(claims_of, speaker, kind):
    (claim,) = claims_of(f"{speaker} said on Monday that the convoy had been hit near the bridge.")
    assert claim.source.kind == kind


@needs_model
def test_a_state_army_named_by_its_nationality_is_no_earlier_armed_group(claims_of):
    claims = by_source(claims_of("The Arakan Army said on Monday that the convoy had been hit. "
                                 "The Sudanese army said on Tuesday that the road was open."))
    assert claims["The Arakan Army"].source.kind == "organization"
    assert claims["The Sudanese army"].source.kind == "government"


@needs_model
@pytest.mark.parametrize("speaker, kind", [
    ("The Nasser General Hospital", "organization"),  # a title word inside a body's name, tagged as a place
    ("Kamal Adwan Hospital", "organization"),
    ("The hospital", "organization"),
    ("The hospital director", "person"),
    ("Hospital officials", "anonymous"),
])
def test_a_hospital_speaks_as_an_institution(claims_of, speaker, kind):
    (claim,) = claims_of(f"{speaker} said 40 people had been killed.")
    assert claim.source.kind == kind


@needs_model
def test_a_negated_clause_under_a_verb_of_judgment_denies(claims_of):
    (claim,) = claims_of("“We judge that the Varnian army was not responsible,” said the intelligence report.")
    assert claim.polarity == "denies"
    (claim,) = claims_of("“We judge that the Varnian army was responsible,” said the intelligence report.")
    assert claim.polarity == "affirms"


@needs_model
@pytest.mark.parametrize("speaker, kind", [
    ("Netanyahu's office", "government"),  # an office a named person holds speaks as a body
    ("Netanyahu's spokesman", "person"),
    ("The Qassam Brigades, Hamas' armed wing,", "organization"),
    ("The IRGC", "government"),
    ("The IAEA Director General", "person"),
])
def test_offices_and_armed_wings_take_their_body_s_kind(claims_of, speaker, kind):
    (claim,) = claims_of(f"{speaker} said the convoy had been hit near the bridge.")
    assert claim.source.kind == kind


@needs_model
def test_an_outlet_unable_to_verify_states_so(claims_of):
    (claim,) = claims_of("The Herald could not independently verify the claims.")
    assert claim.certainty == "stated"
    claim = claims_of("Officials said the strike could have hit a school.")[0]
    assert claim.certainty == "hedged"


@needs_model
def test_eyewitnesses_named_again_by_their_bare_plural_stay_eyewitnesses(claims_of):
    claims = claims_of("Nurses and others who were in Lisk during the flood said the water rose within an hour. "
                       "Nurses said they believe 40 people died in the town.")
    assert [c.source.kind for c in claims] == ["witness", "witness"]
    (claim,) = claims_of("Nurses said 40 people died in the town.")
    assert claim.source.kind == "anonymous"


@needs_model
def test_both_names_the_pair_that_spoke_just_before(claims_of):
    claims = claims_of("Since spring, each side in the conflict has charged the other with planning to mine the pass. "
                       "On Sunday, both said a raid on the pass was close.")
    assert claims[-1].source.text == "both" and claims[-1].source.kind == "government"
    assert claims[-1].source.canonical == "each side in the conflict"


@needs_model
def test_a_quotation_an_outlet_cites_is_the_cited_speaker_s(claims_of):
    (claim,) = claims_of("“The militia keeps shelling the port. At noon three rockets landed near the docks,” "
                         "the VNA agency cites a representative of the harbour police.")
    assert claim.source.text == "a representative of the harbour police"
    assert claim.source.kind == "government"


@needs_model
def test_a_correspondent_who_saw_is_an_eyewitness_and_confirms(claims_of):
    (claim,) = claims_of("A Herald correspondent at the scene saw the convoy being hit near the bridge.")
    assert (claim.source.kind, claim.certainty, claim.cue.text) == ("witness", "confirmed", "saw")
    assert not claims_of("The city saw heavy fighting overnight.")  # no observer: no claim


@needs_model
def test_an_intercepted_call_is_a_document(claims_of):
    (claim,) = claims_of("An intercepted phone call suggests the convoy had been hit near the bridge.")
    assert claim.source.kind == "document"
