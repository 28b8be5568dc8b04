"""Events and casualty counts: the lexicon, the coder, actors, modality, counts, and the example article."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from claimtrace.extract.events import load_lexicon
from claimtrace.extract.events.actors import split_code
from claimtrace.extract.events.casualties import COUNT_RE, count_matches, parse_count
from claimtrace.model import Analysis

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "src/claimtrace/schema/analysis.schema.json").read_text())


@pytest.fixture(scope="module")
def analyse():
    from claimtrace.pipeline import analyze

    def run(text: str, published: str | None = "2024-05-10") -> Analysis:
        return analyze(text, published=published)

    return run


@pytest.fixture(scope="module")
def example():
    from claimtrace.pipeline import analyze

    return analyze((ROOT / "examples" / "no-russian-withdrawal.txt").read_text(), published="2022-03-01")


def test_cameo_codes_map_to_plover_08_categories_and_modes():
    lexicon = load_lexicon()
    assert lexicon.plover("040")[0] == "CONSULT"
    assert lexicon.plover("042")[:2] == ("CONSULT", "visit")
    assert lexicon.plover("0874")[0] == "RETREAT"
    assert lexicon.plover("084")[0] == "RETREAT"  # root 08 is split: 080-083 CONCEDE, 084-087 RETREAT
    assert lexicon.plover("081")[0] == "CONCEDE"
    assert lexicon.plover("192")[0] == "COERCE"
    assert lexicon.plover("190")[0] == "ASSAULT"
    assert lexicon.plover("010") is None  # statements have no PLOVER category


def test_missing_lexicon_is_an_error_naming_the_file(tmp_path):
    from claimtrace.errors import ClaimtraceError

    with pytest.raises(ClaimtraceError, match="nowhere.json.gz"):
        load_lexicon(tmp_path / "nowhere.json.gz")


def test_actor_codes_split_into_country_and_sector():
    assert split_code("SYRGOV") == ("SYR", "government")
    assert split_code("IGOUNO") == (None, "international")
    assert split_code("PSEREBHMS") == ("PSE", "rebel")
    assert split_code(None) == (None, None)


@pytest.mark.parametrize(
    ("words", "qualifier", "value", "high"),
    [
        ("471", None, 471, 471),
        ("471", "at least", 471, None),
        ("1,300", "some", 1300, 1300),
        ("100 to 300", None, 100, 300),
        ("200-300", None, 200, 300),
        ("between 10 and 50", None, 10, 50),
        ("ten", None, 10, 10),
        ("dozens", None, 24, 99),
        ("hundreds", None, 200, 999),
        ("900", "as many as", None, 900),
        ("2 million", None, 2_000_000, 2_000_000),
    ],
)
def test_count_conventions(words, qualifier, value, high):
    count = parse_count(words, qualifier)
    assert (count.value, count.high) == (value, high)


def test_assault_with_actors_place_date_and_casualties(analyse):
    analysis = analyse(
        "Turkish troops shelled Kurdish positions near Kobani on Tuesday, killing at least 12 civilians, "
        "including three children.",
        published="2024-05-10",
    )
    assault = next(e for e in analysis.events if e.category == "ASSAULT")
    assert assault.trigger.text == "shelled"
    assert assault.source[0].country == "TUR" and assault.source[0].sector == "military"
    assert assault.date is not None and assault.date.value == "2024-05-07"
    assert assault.modality == "actual" and not assault.negated
    counts = {(c.text, c.kind, c.who, c.value, c.high) for c in analysis.casualties}
    assert ("at least 12", "killed", "civilians", 12, None) in counts
    assert ("three", "killed", "children", 3, 3) in counts
    twelve = next(c for c in analysis.casualties if c.value == 12)
    assert twelve.cause == "shelling"
    assert twelve.blamed is not None and twelve.blamed.country == "TUR"


def test_reported_event_is_carried_by_its_claim(analyse):
    analysis = analyse("Egyptian officials said that Egypt had withdrawn its soldiers from Libya.")
    retreat = next(e for e in analysis.events if e.category == "RETREAT")
    assert retreat.claim is not None
    claim = analysis.claims[retreat.claim]
    assert claim.source is not None and "officials" in claim.source.text
    assert retreat.source[0].country == "EGY"


def test_negated_and_planned_events(analyse):
    analysis = analyse(
        "There will be no French withdrawal from Mali. Germany plans to withdraw its soldiers from Niger."
    )
    retreats = [e for e in analysis.events if e.category == "RETREAT"]
    assert [(e.negated, e.modality) for e in retreats] == [(True, "denied"), (False, "planned")]
    assert retreats[0].source[0].country == "FRA"
    assert retreats[1].source[0].country == "DEU"


def test_counts_of_other_things_are_not_casualties(analyse):
    analysis = analyse("The convoy drove 40 kilometres in 2023 and delivered 300 tonnes of flour to 12 schools.")
    assert analysis.casualties == []


def test_injured_missing_and_evacuated_counts(analyse):
    analysis = analyse(
        "Rescuers said 7 people were injured and 25 remain missing, while more than 3,000 residents were evacuated."
    )
    kinds = {(c.kind, c.value) for c in analysis.casualties}
    assert {("injured", 7), ("missing", 25), ("evacuated", 3000)} <= kinds


def test_example_article_events(example):
    events = example.events
    consult = next(e for e in events if e.category == "CONSULT" and e.trigger.text == "met")
    assert [a.country for a in consult.source] == ["RUS"]
    assert [a.country for a in consult.target] == ["SYR"]
    assert consult.date is not None and consult.date.value == "2022-02-16"

    mobilize = next(e for e in events if e.category == "MOBILIZE")
    assert {p.name for p in mobilize.places} == {"Kamishly Airport", "Tabqa Airport"}

    retreats = [e for e in events if e.category == "RETREAT" and e.claim is not None]
    reported = [e for e in retreats if "opposition" in (example.claims[e.claim].source.text if example.claims[e.claim].source else "")]
    denied = [e for e in retreats if e.modality == "denied" and example.claims[e.claim].source is not None]
    assert reported and all(e.modality != "denied" for e in reported)
    assert denied and all(example.claims[e.claim].source.kind == "anonymous" for e in denied)


def test_example_analysis_validates_against_the_schema(example):
    data = example.to_dict()
    jsonschema.validate(data, SCHEMA)
    again = Analysis.from_dict(json.loads(json.dumps(data)))
    assert again.events == example.events and again.casualties == example.casualties


def test_events_component_declares_what_it_assigns(full_nlp):
    assert "claimtrace_events" in full_nlp.pipe_names
    meta = full_nlp.get_pipe_meta("claimtrace_events")
    assert "doc._.events" in meta.assigns and "token.dep" in meta.requires
    assert full_nlp.get_pipe_config("claimtrace_events")["casualties"] is True


@pytest.fixture
def events_db(example, store_location):
    """The example article's events in a store (SQLite, then PostgreSQL)."""
    from claimtrace.store import open_store

    store = open_store(store_location)
    store.add_analysis(example, "example-hash")
    store.close()
    return store_location


def test_events_query_by_place_category_and_date(events_db, capsys):
    from claimtrace.cli import main

    assert main(["events", "--db", events_db, "--place", "tabqa airport", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["category"] for r in rows] == ["MOBILIZE"]
    assert main(["events", "--db", events_db, "--category", "consult", "--since", "2022-02-16", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["category"] == "CONSULT" for r in rows)
    assert any(r["time"] == "2022-02-16" and r["source_country"] == "RUS" for r in rows)
    assert main(["events", "--db", events_db, "--category", "ASSAULT", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["events", "--db", events_db]) == 0
    assert "RETREAT" in capsys.readouterr().out


def test_casualty_figures_by_who_claims_them(analyse, store_location, capsys):
    from claimtrace.cli import main
    from claimtrace.store import open_store

    analysis = analyse("The health ministry said 40 people were killed in the strike on the market.")
    path = store_location
    store = open_store(path)
    store.add_analysis(analysis, "toll-hash")
    store.close()
    assert main(["casualties", "--db", path, "--kind", "killed", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["value"], r["kind"]) for r in rows] == [(40, "killed")]
    assert "ministry" in rows[0]["claimed_by"]


def test_html_report_highlights_events_and_maps_their_places(example):
    from claimtrace.report.html import render_html

    page = render_html([example])
    assert "class='event denied'" in page and "class='event planned'" in page
    assert "Where the events happen" in page and "Casualty figures" not in page


def test_a_count_in_a_verbless_headline(analyse):
    analysis = analyse("Dozens dead in market blast")
    assert [(c.kind, c.value, c.cause) for c in analysis.casualties] == [("killed", 24, "explosion")]


def test_events_of_a_store_older_than_events_is_a_clear_error(tmp_path, capsys):
    import sqlite3

    from claimtrace.cli import main
    from claimtrace.store.sqlite import MIGRATIONS

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "\n" + MIGRATIONS[1] + "\nPRAGMA user_version = 2;")
    db.close()
    assert main(["events", "--db", str(path)]) == 2
    assert "predates events" in capsys.readouterr().err


def test_events_component_travels_with_its_lexicon(full_nlp, tmp_path):
    from claimtrace.errors import ClaimtraceError
    from claimtrace.nlp.components import EventsComponent

    full_nlp.get_pipe("claimtrace_events").to_disk(tmp_path / "events")
    copy = EventsComponent("claimtrace_events", None, True).from_disk(tmp_path / "events")
    assert copy.lexicon is not None and copy.lexicon.plover("040")[0] == "CONSULT"
    with pytest.raises(ClaimtraceError, match="petrarch.json.gz"):
        EventsComponent("claimtrace_events", None, True).from_disk(tmp_path / "nowhere")
    with pytest.raises(ClaimtraceError, match="no lexicon"):
        EventsComponent("claimtrace_events", None, True)(full_nlp.make_doc("Text."))


def test_names_with_numbers_and_curly_negations(analyse):
    analysis = analyse("Channel 5 reported the news. “There weren’t 300 deaths, more likely between 20 and 60,” he said.")
    counts = [(c.text, c.negated) for c in analysis.casualties]
    assert ("5", False) not in counts and ("300", True) in counts
    assert ("between 20 and 60", False) in counts


def test_actors_of_an_offer_and_a_visit(analyse):
    analysis = analyse("Syria says it is willing to withdraw its troops from Lebanon. "
                       "The Japanese minister praised Kenya's efforts.")
    retreat = next(e for e in analysis.events if e.category == "RETREAT")
    assert retreat.coded_as == "AGREE" and retreat.modality == "planned"
    assert [a.country for a in retreat.source] == ["SYR"]
    assert [a.country for a in retreat.target] == ["LBN"]  # the troops are no actor; Lebanon is
    praise = next(e for e in analysis.events if e.trigger.text == "praised")
    assert [a.country for a in praise.target] == ["KEN"]


@pytest.mark.parametrize(("text", "trigger", "targets"), [
    # the subject of a demanded clause is whom the demand is made of
    ("The Chilean foreign ministry demanded that Bolivia release the detained sailors.", "demanded", ["Bolivia"]),
    # an actor inside the object's phrase: "aid for X"
    ("Chile agreed on Monday to provide 50 tonnes of food aid for Peru.", "provide", ["Peru"]),
    # of a conjoined object, only the conjuncts that name actors
    ("Colombian rebels released the kidnapped senator and his car.", "released", ["kidnapped senator"]),
    # a named place inside the object ("the curfew in X")
    ("Venezuela lifted the curfew in Caracas.", "lifted", ["Caracas"]),
    # the target of a purpose clause (of the support verb's object), and an actor inside a prepositional phrase
    ("Hundreds of Bolivian students staged a hunger strike to demand the resignation of the Chilean ambassador.",
     "staged", ["Chilean ambassador"]),
    ("Peruvian farmers rallied in Lima against Bolivia's decision to ban imports.", "rallied", ["Bolivia"]),
])
def test_targets_beyond_the_direct_object(analyse, text, trigger, targets):
    event = next(e for e in analyse(text).events if e.trigger.text == trigger)
    assert [a.text for a in event.target] == targets


@pytest.mark.parametrize(("text", "expected"), [
    # a number that owns something is part of a name, not a count
    ("Channel 9’s report said that soldiers shot dead a farmer.", set()),
    # a figure referred back to with a demonstrative is not a new count
    ("The ministry declined to name those 312 victims.", set()),
    # people under rubble or trapped are missing, unless the words say they died
    ("Dozens of villagers remain under the rubble, the mayor said.", {("Dozens", "missing")}),
    ("Five people were killed and 12 remain trapped under the rubble.", {("Five", "killed"), ("12", "missing")}),
    ("Rescuers found 7 trapped and dead in the basement.", {("7", "killed")}),
    ("Rescuers pulled 14 bodies from the rubble.", {("14", "killed")}),
])
def test_counts_that_are_names_references_or_trapped_people(analyse, text, expected):
    assert {(c.text, c.kind) for c in analyse(text).casualties} == expected


def test_a_support_verb_carries_the_event_its_object_names(analyse):
    events = analyse("A Peruvian judge opened an investigation against three Chilean officers.").events
    assert [(e.trigger.text, e.category) for e in events] == [("opened", "ACCUSE")]
    assert events[0].source[0].text == "Peruvian judge"
    assert [a.text for a in events[0].target] == ["three Chilean officers"]


@pytest.mark.parametrize(("text", "trigger", "targets"), [
    # a verb of handing over or sending: the object is what moves, the target who gets it
    ("Chile sent two hundred soldiers to Haiti.", "sent", ["Haiti"]),
    # an event noun's "of" phrase is its object
    ("Bolivia ordered a blockade of Paraguay.", "blockade", ["Paraguay"]),
    # "the town of X" names the place
    ("Peruvian police imposed a long curfew in the town of Mirelo.", "imposed", ["Mirelo"]),
    # an accusation's target is the doer of the deed, not the one addressed
    ("Peru complained to the United Nations about Chilean air raids.", "complained", ["Chilean"]),
    ("Bolivian prosecutors opened an inquiry into abuses committed by Peruvian border guards.", "opened",
     ["Peruvian border guards"]),
])
def test_targets_by_the_kind_of_event(analyse, text, trigger, targets):
    event = next(e for e in analyse(text).events if e.trigger.text == trigger)
    assert [a.text for a in event.target] == targets


def test_what_someone_must_do_is_a_request_of_them(analyse):
    events = analyse("The Chilean foreign minister said on Monday that Bolivia must return the seized trucks.").events
    event = next(e for e in events if e.trigger.text == "return")
    assert event.coded_as == "REQUEST" and event.modality == "planned"
    assert [a.text for a in event.source] == ["Chilean foreign minister"]
    assert [a.text for a in event.target] == ["Bolivia"]
    plain = next(e for e in analyse("Bolivia returned the seized trucks to Chile.").events if e.trigger.text == "returned")
    assert plain.coded_as != "REQUEST" and [a.text for a in plain.source] == ["Bolivia"]


def test_who_blocks_decides_blockade_or_protest(analyse):
    protest = analyse("Thousands of angry farmers blocked the main highway in defiance of the Peruvian government.")
    event = next(e for e in protest.events if e.trigger.text == "blocked")
    assert event.category == "PROTEST" and [a.text for a in event.target] == ["Peruvian government"]
    blockade = analyse("The Chilean navy blocked the port of Arica.")
    assert next(e for e in blockade.events if e.trigger.text == "blocked").category == "COERCE"


@pytest.mark.parametrize(("text", "trigger", "category", "targets"), [
    # a demand verb stays a demand when the dictionary's pattern reads an appeal (CAMEO 024 -> 104)
    ("The Bolivian opposition demanded early elections from the government of Peru.", "demanded", "REQUEST",
     ["government"]),
    # a rejection whatever is rejected
    ("Paraguay rejected a Bolivian proposal on the border.", "rejected", "REJECT", ["Bolivian proposal"]),
    # whom a conditional threat is aimed at
    ("Chilean miners threatened to strike unless Bolivia reopened the border.", "threatened", "THREATEN", ["Bolivia"]),
    # an ultimatum names a threat, which the support verb carries
    ("Bolivia issued an ultimatum to Chile over the border.", "issued", "THREATEN", ["Chile"]),
])
def test_codebook_decisions(analyse, text, trigger, category, targets):
    event = next(e for e in analyse(text).events if e.trigger.text == trigger)
    assert event.coded_as == category
    assert [a.text for a in event.target] == targets


@pytest.mark.parametrize(("text", "trigger", "sources", "targets"), [
    # the recipient of a handing over, in a conjoined verb's or object's phrase
    ("Peruvian doctors donated and delivered medicine to Bolivia.", "donated", None, ["Bolivia"]),
    # a possessive pronoun on an event noun stands for the subject of its verb; the verb's purpose names the target
    ("Chilean miners continued their strike to demand the dismissal of the Bolivian minister.", "strike",
     ["Chilean miners"], ["Bolivian minister"]),
])
def test_actors_through_conjuncts_and_light_verbs(analyse, text, trigger, sources, targets):
    event = next(e for e in analyse(text).events if e.trigger.text == trigger)
    assert sources is None or [a.text for a in event.source] == sources
    assert [a.text for a in event.target] == targets


def test_stances_things_and_own_forces_are_no_targets(analyse):
    stance = next(e for e in analyse("Peru is opposed to any mediation by Chile.").events
                  if e.trigger.text == "opposed")
    assert [a.text for a in stance.source] == ["Peru"]  # the parser reads a passive; the copula says a stance
    bridge = analyse("Angry Chilean truckers blocked the Andes Bridge for three hours.").events
    blocked = next(e for e in bridge if e.trigger.text == "blocked")
    assert blocked.category == "PROTEST" and not blocked.target  # people blocking; a structure is no actor
    own = analyse("Peru rejected a call to send its peacekeeping forces to Haiti.").events
    assert all("its" not in a.text for e in own for a in e.target)


def test_promises_and_clipped_lemmas(analyse):
    # a promise is the event when what is promised is not one the dictionary codes
    events = analyse("Peru and Chile agreed to share information on missing fishermen.").events
    agreed = next(e for e in events if e.trigger.text == "agreed")
    assert agreed.coded_as == "AGREE" and [a.text for a in agreed.source] == ["Peru", "Chile"]
    # but not when it is one ("agreed to withdraw": the withdrawal, coded AGREE as an intention)
    events = analyse("Peru agreed to withdraw its troops from the border with Ecuador.").events
    assert [e.trigger.text for e in events if e.coded_as == "AGREE"] == ["withdraw"]
    # a verb whose lemma the lemmatizer clipped ("expelled" -> "expell") is still found in the dictionary
    expelled = analyse("Bolivia expelled two Chilean diplomats on Monday.").events
    assert [(e.trigger.text, e.category) for e in expelled] == [("expelled", "SANCTION")]


def test_a_nationality_names_the_actors_country(analyse):
    # "Iraqi" is no name in the 2014 actor dictionary; the nationality adjective still gives the country, and with
    # it a named actor, so the killing is an event
    events = analyse("A minefield explosion killed two Iraqi youths near the town.").events
    killed = next(e for e in events if e.trigger.text == "killed")
    assert [(a.text, a.country) for a in killed.target] == [("two Iraqi youths", "IRQ")]


def test_commitments_and_conditions(analyse):
    # a promise that is itself the event is an AGREE (CAMEO 03), not the dictionary's diplomatic cooperation
    from claimtrace.extract.events import find_events
    from claimtrace.nlp import load_pipeline

    doc = load_pipeline()("Peru and Chile agreed to share information on missing fishermen.")
    lexicon_only = find_events(doc, doc._.claims, doc._.places, doc._.dates, doc._.entity_groups, classifier=False)
    assert [(e.trigger.text, e.coded_as) for e in lexicon_only] == [("agreed", "AGREE")]
    # a condition on someone else makes an announced withdrawal a threat, also when it hangs on "announced"
    events = analyse("Chile announced that it will withdraw its ambassador from Lima unless Peru apologizes.").events
    assert next(e for e in events if e.trigger.text == "withdraw").coded_as == "THREATEN"


@pytest.mark.parametrize(("text", "trigger", "category"), [
    # CAMEO's own codes where the dictionary files the verb under another block's default
    ("Peru and Chile negotiations resumed in Lima.", "negotiations", "CONSULT"),
    ("The Bolivian mediation failed in March.", "mediation", "CONSULT"),
    ("A Chilean shipping firm is suing the Peruvian navy for damages.", "suing", "ACCUSE"),  # 115, not "sue for" 173
    # a pattern written for another verb of the block refines its event but does not change its kind: "press on"
    # (an attack) does not make a demand an attack, "welcome to" (host a visit) does not make praise a visit
    ("Bolivian farmers demanded new rules on potato prices from Peru.", "demanded", "REQUEST"),
    ("The Bolivian president praised Chile's efforts to improve its ports.", "praised", "SUPPORT"),
    ("Peruvian students rallied against the new mining law in Lima.", "rallied", "PROTEST"),  # "rallied" is "rally"
    # equally long patterns: the one matching nearest the verb ("artillery", not the "border" far in the phrase)
    ("Bolivian forces launched artillery and rocket fire against rebel camps near the Peruvian border.", "launched",
     "ASSAULT"),
    ("Egyptian officials said that Egypt had withdrawn its ambassador from Israel.", "withdrawn", "SANCTION"),  # 161
    # a promise no pattern reads is CAMEO 030 (intent to cooperate), not the block's 050 (diplomatic cooperation)
    ("Peru and Chile agreed on a new fishing treaty.", "agreed", "AGREE"),
    # an infinitive's "to" is no preposition for a pattern ("welcome ... to" hosts a visit)
    ("Chile welcomed the Bolivian plan as evidence of a desire for the border dispute to be settled.",
     "welcomed", "SUPPORT"),
])
def test_dictionary_readings(analyse, text, trigger, category):
    from claimtrace.extract.events import find_events
    from claimtrace.nlp import load_pipeline

    doc = load_pipeline()(text)
    events = find_events(doc, doc._.claims, doc._.places, doc._.dates, doc._.entity_groups, classifier=False)
    assert next(e for e in events if e.trigger.text == trigger).category == category


def test_a_verb_read_as_a_modifier_keeps_its_subject_and_object(analyse):
    # the parser reads "demolished Bolivian homes" as a noun phrase after its subject: the clause is still there
    events = analyse("Peruvian army bulldozers demolished Bolivian homes and shops near the border on Monday, "
                     "Bolivian officials said.").events
    demolished = next(e for e in events if e.trigger.text == "demolished")
    assert [a.text for a in demolished.source] == ["Peruvian army bulldozers"]  # not the officials who said it
    assert [a.text for a in demolished.target] == ["Bolivian homes"]
    # but a noun, a participle and a noun after a verb are a compound modifier, no clause
    events = analyse("Chilean rescuers reached the flood affected villages near Arica.").events
    assert not any(e.trigger.text == "affected" for e in events)


@pytest.mark.parametrize(("text", "trigger", "sources", "targets"), [
    # halting aid (CAMEO 162), mediation (165) or links (160) reduces relations: SANCTION, whatever the verb's block
    ("Chile ended its mediation between the Bolivian rebels and the government.", "ended", ["Chile"],
     ["Bolivian rebels", "government"]),
    # who announces a measure takes it
    ("Ecuador announced a suspension of trade links with Peru.", "suspension", ["Ecuador"], ["Peru"]),
])
def test_halting_aid_talks_or_links_is_a_sanction(analyse, text, trigger, sources, targets):
    events = analyse(text).events
    event = next(e for e in events if e.trigger.text == trigger)
    assert event.category == "SANCTION"
    assert [a.text for a in event.source] == sources and [a.text for a in event.target] == targets
    assert not any(e.category == "CONSULT" for e in events)  # the halted mediation is no event of its own


@pytest.mark.parametrize(("text", "trigger", "category"), [
    # expelling inspectors, peacekeepers or aid agencies is CAMEO 166x (SANCTION), not deporting people (174)
    ("Bolivia expelled the UN inspectors from its mines.", "expelled", "SANCTION"),
    # a mission sent to investigate is the investigation (CAMEO 09, ACCUSE), not a movement of people
    ("The OAS sent a team of experts to Peru to investigate the killings.", "sent", "ACCUSE"),
    # and an ambassador summoned to hear a complaint is the complaint (CAMEO 11), not a consultation
    ("Peru summoned the Chilean ambassador to complain about the border incident.", "summoned", "ACCUSE"),
])
def test_expulsions_and_missions(analyse, text, trigger, category):
    assert next(e for e in analyse(text).events if e.trigger.text == trigger).category == category


@pytest.mark.parametrize(("text", "trigger", "category"), [
    # calling off a protest eases dissent (CAMEO 082), a concession
    ("The Bolivian miners' union called off its national strike after talks with the government.", "called",
     "CONCEDE"),
    # dismissing an appeal rejects it (CAMEO 12), it does not criticise it
    ("Peruvian rebels dismissed an appeal from the president to lay down their arms.", "dismissed", "REJECT"),
    # acceding to demands is a concession (CAMEO 083); the demands are no event of their own
    ("The Bolivian government accepted the miners' demands for higher wages.", "accepted", "CONCEDE"),
    # receiving inspectors (CAMEO 0862) de-escalates; the members of "a team of" are what is received
    ("Bolivia received a team of UN inspectors at its mines on Monday.", "received", "RETREAT"),
    # building up one's forces is CAMEO 154 (mobilize or increase armed forces)
    ("Chile has strengthened its forces near the Bolivian border.", "strengthened", "MOBILIZE"),
    # denying entry is a rejection (CAMEO 12); denying a report is no event
    ("Chile denied entry to the Bolivian delegation at the border.", "denied", "REJECT"),
])
def test_codes_by_what_the_verb_acts_on(analyse, text, trigger, category):
    assert not analyse("Chile denied the Bolivian report about the border.").events
    events = analyse(text).events
    assert next(e for e in events if e.trigger.text == trigger).category == category
    assert not any(e.trigger.text in {"strike", "demands"} for e in events)


def test_what_a_strike_is(analyse):
    # an air strike is an attack (CAMEO 195), a four-day or open-ended strike a protest (143): the typer keeps them
    events = analyse("Dozens died in a Peruvian air strike on the rebel camp near Puno.").events
    assert [e.coded_as for e in events if e.trigger.text == "strike"] == ["ASSAULT"]
    events = analyse("Bolivian teachers began an open-ended strike against the new pay law last week.").events
    assert [e.coded_as for e in events if e.trigger.text == "strike"] == ["PROTEST"]


def test_count_matches_are_the_count_regex_matches():
    texts = [
        "At least 12 people were killed and some 1,500 fled; between three and four thousand stayed.",
        "Tens of thousands marched, oneto two hundred were hurt, 5th-floor flats, 30% turnout, 7 per cent.",
        "ſeveral were wounded, İn the 3 towns, ۳۰ people; a dozen or a few, up to 40 and Nearly Fifty.",
        "Those 471 victims, Channel 4's report, twenty-five soldiers, 2.5 million displaced, from 10 to 20 dead.",
        "",
    ]
    for text in texts:
        assert [(m.span(), m.groupdict()) for m in count_matches(text)] == [
            (m.span(), m.groupdict()) for m in COUNT_RE.finditer(text)
        ]
    assert [m.group("count") for m in count_matches(texts[0])] == ["12", "1,500", "between three and four"]


def test_trigger_candidates_leave_out_only_tokens_no_rule_codes(nlp, example_text):
    from claimtrace.extract.events import load_lexicon
    from claimtrace.extract.events.coder import code_trigger, trigger_candidates

    lexicon = load_lexicon()
    doc = nlp(example_text + "\n\nThe suspension of aid to the region and the withdrawal of the troops were announced.")
    kept = {t.i for t in trigger_candidates(doc)}
    assert all(code_trigger(t, lexicon) is None for t in doc if t.i not in kept)
    coded_nouns = [t.lower_ for t in doc if t.i in kept and t.pos_ == "NOUN" and code_trigger(t, lexicon) is not None]
    assert "withdrawal" in coded_nouns
