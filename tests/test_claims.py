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
