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
    ("Officials said there is no immediate risk to the plant.", "stated"),
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
