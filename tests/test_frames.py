"""Claim frames: responsibility, presence, tolls, with agent sides, places, times (self-written texts)."""

from __future__ import annotations

import pytest

from claimtrace.extract.actors import actor_mentions, side_of
from claimtrace.extract.frames import attach_frames, frame_of
from claimtrace.model import Analysis, Article, Claim, Cue, DateMention, Place, Sentence, Source, Span


def _claim(text: str, polarity: str = "affirms", source: str | None = None, cue: str | None = None) -> Claim:
    return Claim(
        content=Span(text, 0, len(text)),
        source=Source(source, 0, len(source), kind="government") if source else None,
        cue=Cue(cue, 0, len(cue), lemma=cue) if cue else None,
        polarity=polarity,
    )


def _frame(text: str, **kwargs):  # noqa: ANN003, ANN202
    return frame_of(_claim(text, **kwargs), published="2024-05-02")


@pytest.mark.parametrize(
    ("name", "side"),
    [("Russian forces", "Russia"), ("the Kremlin", "Russia"), ("Moscow", "Russia"), ("Islamic Jihad", "Palestine"),
     ("the IDF", "Israel"), ("U.S. officials", "United States"), ("the Houthis", "Yemen"), ("Velko Daran", None),
     ("Russia and Ukraine", None)],
)
def test_sides_of_actor_names(name, side):
    assert side_of(name) == side


def test_actor_mentions_are_case_blind_but_us_must_be_capital():
    assert [m.side for m in actor_mentions("let us see what KYIV and the US say")] == ["Ukraine", "United States"]


@pytest.mark.parametrize(
    ("text", "agent", "polarity"),
    [
        ("An Israeli air strike hit the hospital", "Israel", "affirms"),
        ("the depot fire was started by a stray rocket launched by Islamic Jihad", "Palestine", "affirms"),
        ("Russian forces blew up the dam from the inside", "Russia", "affirms"),
        ("Ukraine was not responsible for the destruction of the dam", "Ukraine", "denies"),
        ("none of the evidence suggests a Russian strike was involved", "Russia", "denies"),
        ("barbaric terrorists from Gaza attacked the hospital, not the IDF", "Palestine", "affirms"),
        ("the rocket was fired from within Gaza", "Palestine", "affirms"),
    ],
)
def test_who_is_blamed(text, agent, polarity):
    frame = _frame(text)
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", agent, polarity)


def test_the_target_of_the_harm_is_not_its_agent():
    frame = _frame("a shell aimed at Russia misfired and hit the school in Ukraine")
    assert frame.agent is None or frame.agent != "Russia"


def test_the_blamed_side_follows_a_blame_cue():
    frame = _frame("Israel for the explosion at the hospital", source="Hamas", cue="blame")
    assert (frame.agent, frame.polarity, frame.target) == ("Israel", "affirms", "hospital")


def test_a_denial_without_another_actor_clears_the_speaker():
    frame = _frame("responsibility for the blast", source="the Israeli military", cue="deny", polarity="denies")
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", "Israel", "denies")


def test_the_passive_blamed_is_the_agent_not_those_who_condemn():
    frame = _frame("Moscow was swiftly condemned by Poland and France for the strike")
    assert frame.agent == "Russia"


@pytest.mark.parametrize(
    ("text", "claim_polarity", "polarity", "change", "modality"),
    [
        ("Russia is intending to withdraw from Syria", "affirms", "denies", True, "intention"),
        ("there will be no Russian withdrawal from Syria", "denies", "affirms", False, "future"),
        ("Russian troops remain at the base", "affirms", "affirms", False, "asserted"),
        ("new Russian equipment arrived at the base", "affirms", "affirms", True, "asserted"),
        ("Russian forces have withdrawn from the airport", "affirms", "denies", True, "asserted"),
    ],
)
def test_presence_folds_withdrawal_and_its_denial(text, claim_polarity, polarity, change, modality):
    frame = _frame(text, polarity=claim_polarity)
    assert (frame.predicate, frame.agent, frame.polarity) == ("presence", "Russia", polarity)
    assert (frame.change, frame.modality) == (change, modality)


def test_a_noun_that_looks_like_a_verb_is_no_presence():
    assert _frame("Northern forces shelled the railway station").predicate != "presence"


def test_a_toll_keeps_its_count_and_what_it_counts():
    frame = _frame("at least 318 people were killed at the market")
    assert (frame.predicate, frame.quantity, frame.unit, frame.target) == ("toll", 318, "killed", "market")


def test_other_claims_get_an_event_class_or_statement():
    assert _frame("the bridge was destroyed").predicate == "attack"
    assert _frame("the weather was mild").predicate == "statement"


def test_attach_frames_reads_places_dates_speakers_and_the_article_target():
    text = ("Strike on the dam. IDF spokesman Avi Kor said on Monday that no Israeli aircraft struck the dam. "
            "Kor denied it.")
    second = text.index("IDF")
    third = text.index("Kor denied")
    said = Claim(content=Span("no Israeli aircraft struck the dam", text.index("no Israeli"),
                              text.index("no Israeli") + 34), source=Source("IDF spokesman Avi Kor", second,
                              second + 21, kind="person", canonical="Avi Kor"), sentence=1, polarity="denies")
    denied = Claim(content=Span("it", third + 11, third + 13), source=Source("Kor", third, third + 3, kind="person",
                   canonical="Avi Kor"), cue=Cue("denied", third + 4, third + 10, lemma="deny"), sentence=2,
                   polarity="denies")
    monday = text.index("Monday")
    from claimtrace.model import EntityGroup

    analysis = Analysis(
        article=Article(text=text, published="2024-05-07"),
        sentences=[Sentence(0, 18), Sentence(19, third - 1), Sentence(third, len(text))],
        entity_groups=[EntityGroup("Avi Kor", "PER", [Span("Avi Kor", second + 14, second + 21), Span("Kor", third, third + 3)])],
        dates=[DateMention("Monday", monday, monday + 6, value="2024-05-06", resolved=True)],
        places=[Place("the area", 0, 0)],
        claims=[said, denied],
    )
    attach_frames(analysis)
    assert said.frame.time == "2024-05-06" and said.frame.time_from == "sentence"
    assert (said.frame.predicate, said.frame.agent, said.frame.polarity) == ("responsibility", "Israel", "denies")
    assert denied.frame.time_from == "published"
    assert (denied.frame.predicate, denied.frame.agent, denied.frame.polarity) == ("responsibility", "Israel", "denies")
    assert denied.frame.target == "dam"  # the article's event


def test_a_claim_pointing_at_an_earlier_one_takes_its_frame_or_denies_it():
    text = "Velk said Russian forces blew up the dam. Lorn repeated those claims. Dask called this a lie."
    blew = text.index("Russian")
    repeated, called = text.index("those claims"), text.index("this a lie")
    claims = [
        Claim(content=Span("Russian forces blew up the dam", blew, blew + 30), sentence=0),
        Claim(content=Span("those claims", repeated, repeated + 12), cue=Cue("repeated", 0, 0, lemma="repeat"),
              sentence=1),
        Claim(content=Span("this a lie", called, called + 10), cue=Cue("called", 0, 0, lemma="call"), sentence=2),
    ]
    analysis = Analysis(article=Article(text=text, published="2024-05-07"),
                        sentences=[Sentence(0, 41), Sentence(42, 69), Sentence(70, len(text))], claims=claims)
    attach_frames(analysis)
    assert [(c.frame.predicate, c.frame.agent, c.frame.polarity) for c in claims] == [
        ("responsibility", "Russia", "affirms"), ("responsibility", "Russia", "affirms"),
        ("responsibility", "Russia", "denies"),
    ]


def test_a_sideless_agent_takes_the_side_the_article_gives_it():
    text = "Palestinian militants fired rockets. Palestinian militants were seen. The blast was caused by militants."
    from claimtrace.extract.frames import agent_noun_sides

    sides = agent_noun_sides(text)
    assert sides == {"militants": "Palestine"}
    frame = frame_of(_claim("The blast was caused by militants"), agent_nouns=sides)
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", "Palestine", "affirms")


@pytest.mark.parametrize(
    "text",
    [
        "the Russian pullout from the airbase began on Tuesday",
        "a pull-out of Russian troops from the northern province",
        "Russian forces began a pullback from the river bank",
        "the drawdown of Russian forces in the region",
        "the redeployment of Russian units away from the capital",
        "the evacuation of Russian troops from the port",
        "Russian soldiers vacated the barracks overnight",
        "Russian forces are exiting the city",
    ],
)
def test_general_withdrawal_words_deny_presence(text):
    frame = _frame(text)
    assert (frame.predicate, frame.agent, frame.polarity, frame.change) == ("presence", "Russia", "denies", True)


@pytest.mark.parametrize(
    "text",
    ["Russia withdrew from the grain deal last year", "Russian negotiators pulled out of the talks",
     "Russian shelling left 12 dead in the village", "Russia withdrew its ambassador from the capital",
     "the Russian government kept its promise", "a Russian man has been left in a critical condition"],
)
def test_leaving_an_agreement_or_leaving_casualties_is_no_presence(text):
    assert _frame(text).predicate != "presence"


def test_no_pullout_affirms_presence():
    frame = _frame("there will be no Russian pullout from the base", polarity="denies")
    assert (frame.predicate, frame.agent, frame.polarity, frame.change) == ("presence", "Russia", "affirms", False)


@pytest.mark.parametrize(
    ("stored", "text", "lemma"),
    [("blam", "blamed", "blame"), ("blamed", "blamed", "blame"), ("accusing", "accusing", "accuse"),
     ("denies", "denies", "deny"), ("slammed", "slammed", "slam"), (None, "has rejected", "reject"),
     ("say", "said", "say")],
)
def test_cue_lemmas_are_read_back_to_the_cue_lists(stored, text, lemma):
    from claimtrace.extract.frames import cue_lemma

    claim = Claim(content=Span("x", 0, 1), cue=Cue(text, 0, len(text), lemma=stored))
    assert cue_lemma(claim) == lemma


def test_a_cut_stem_still_makes_a_blame_cue_for_the_event_of_the_article():
    claim = Claim(content=Span("Ukraine for the flood", 0, 21), source=Source("Moscow", 0, 6, kind="government"),
                  cue=Cue("blamed", 0, 6, lemma="blam"))
    frame = frame_of(claim, published="2024-05-02", event="dam")
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", "Ukraine", "affirms")
    # blamed for what? No harm named, no facility the article is about: no claim of responsibility
    assert frame_of(claim, published="2024-05-02").predicate != "responsibility"
    near = frame_of(claim, published="2024-05-02", sentence_text="The dam was blown up. Moscow blamed Ukraine.")
    assert (near.predicate, near.agent) == ("responsibility", "Ukraine")


@pytest.mark.parametrize(
    ("text", "agent"),
    [("dozens of people were killed in a Syrian air strike on the clinic", "Syria"),
     ("the school was hit in a Russian missile attack overnight", "Russia"),
     ("three workers died in a U.S. drone strike near the port", "United States")],
)
def test_an_actor_qualifying_the_harm_after_a_preposition_is_its_agent(text, agent):
    frame = _frame(text)
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", agent, "affirms")


@pytest.mark.parametrize(
    "text", ["Israeli jets carried out strikes on Gaza overnight", "Ukrainian drones struck Russian drone bases"]
)
def test_a_place_or_site_after_a_preposition_stays_the_target(text):
    frame = _frame(text)
    assert frame.agent != ("Palestine" if "Gaza" in text else "Russia")


def test_a_country_leaving_a_country_is_presence_but_civilians_evacuating_are_not():
    frame = _frame("the United States will leave Afghanistan by the end of the year")
    assert (frame.predicate, frame.agent, frame.polarity) == ("presence", "United States", "denies")
    assert _frame("Ukrainian officials ordered the evacuation of residents").predicate != "presence"


@pytest.mark.parametrize(
    ("text", "presence"),
    [("the evacuation of Russian troops from the port", True), ("Russian troops evacuated from the town", True),
     ("Russia evacuated its troops from the island", True), ("Russian army evacuation orders displaced families", False),
     ("floods forced a mass evacuation of civilians, and military setbacks", False),
     ("the Russian army evacuated residents from the bank", False)],
)
def test_evacuation_is_presence_only_when_forces_are_moved(text, presence):
    assert (_frame(text).predicate == "presence") == presence


def test_a_city_before_a_comma_or_ending_in_i_is_no_agent_of_the_harm():
    assert _frame("unknown parties carried out air strikes in Tripoli, bombing militia positions").agent != "Libya"
    assert _frame("two people died in Tripoli missile strikes last night").agent != "Libya"
    assert _frame("two people died in an Iraqi drone strike last night").agent == "Iraq"


def test_that_opening_a_clause_points_at_no_earlier_claim():
    text = "Velk said Russian forces blew up the dam. Lorn reiterated that Kyiv has kept its pledges."
    blew, kept = text.index("Russian"), text.index("that Kyiv")
    claims = [Claim(content=Span("Russian forces blew up the dam", blew, blew + 30), sentence=0),
              Claim(content=Span(text[kept:-1], kept, len(text) - 1), cue=Cue("reiterated", 0, 0, lemma="reiterat"),
                    sentence=1)]
    attach_frames(Analysis(article=Article(text=text, published="2024-05-07"),
                           sentences=[Sentence(0, 41), Sentence(42, len(text))], claims=claims))
    assert claims[1].frame.predicate != "responsibility"


def test_a_government_predicated_responsible_is_the_agent_but_officials_who_speak_are_not():
    frame = _frame("the view that the Russian government was responsible for the poisoning")
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", "Russia", "affirms")
    officials = _frame("U.S. officials said a misfired rocket caused the blast")
    assert (officials.predicate, officials.agent) != ("responsibility", "United States")


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        ("The sabotage at the dam was done at the order of the Syrian authorities", "Syria"),
        ("The rebels shelled the clinic on the orders of the Turkish government", "Turkey"),
        ("The militants in Syria shelled the clinic, not Turkey", "Syria"),
        ("Gunmen from Syria attacked the convoy", "Syria"),
        ("Militants in Syria said Turkish jets bombed the clinic", "Turkey"),
    ],
)
def test_who_ordered_the_harm_and_agents_placed_by_a_side_are_responsible(text, agent):
    frame = _frame(text)
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", agent, "affirms")


def test_militants_placed_by_a_side_who_speak_are_not_the_agent():
    assert _frame("Militants in Syria said jets bombed the clinic").agent != "Syria"
    assert _frame("Syrian officials ordered an inquiry into the strike").predicate != "responsibility"


def test_troops_kept_from_attacking_are_not_the_agent():
    frame = _frame("Syrian forces blew up the dam to prevent Turkish troops from attacking")
    assert (frame.predicate, frame.agent) == ("responsibility", "Syria")
    assert _frame("The flood was meant to stop Turkish troops crossing to strike the town").predicate != "responsibility"


@pytest.mark.parametrize(
    ("text", "source", "polarity"),
    [
        ("its troops would stay at the base in northern Syria", "Ankara", "affirms"),
        ("it would pull its forces out of Syria by May", "the Turkish defence ministry", "denies"),
        ("Turkish soldiers were still at the base near the river", None, "affirms"),
        ("Turkish forces had withdrawn from the base in Syria", "Syrian officials", "denies"),
    ],
)
def test_whose_forces_a_claim_of_presence_is_about_is_not_the_place_they_are_in(text, source, polarity):
    frame = _frame(text, source=source)
    assert (frame.predicate, frame.agent, frame.polarity) == ("presence", "Turkey", polarity)


def test_still_is_presence_only_of_forces_somewhere():
    assert _frame("Turkish troops are still in the valley").change is False
    assert _frame("the Turkish army still denies the report").predicate != "presence"


def test_a_demand_is_an_obligation_and_a_speakers_place_is_not_where():
    demand = _frame("that Turkish forces withdraw from the valley", source="Syrian officials", cue="demanded")
    assert (demand.predicate, demand.modality) == ("presence", "obligation")
    named = _frame("the Turkish move illegal", source="Syria", cue="called")
    assert named.modality != "obligation"
    plea = frame_of(Claim(content=Span("the withdrawal of Turkish troops", 0, 32), cue=Cue("called for", 0, 10, lemma="call")))
    assert plea.modality == "obligation"


def test_a_place_in_the_sentence_that_names_the_agent_is_not_where_the_claim_is_about():
    text = "A Turkish official said the troops of Turkey remain at the valley base."
    content = "the troops of Turkey remain at the valley base"
    start = text.index(content)
    claim = Claim(content=Span(content, start, start + len(content)),
                  source=Source("A Turkish official", 0, 18, kind="government"))
    turkey = Place("Turkish", 2, 9, name="Turkey", country="TR", feature="country", id="geo:tr")
    valley = Place("valley base", text.index("valley"), text.index("valley") + 11, name="Valley Base", country="SY",
                   feature="military_base", id="geo:vb")
    frame = frame_of(claim, places=[turkey, valley], sentence=Sentence(0, len(text)), published="2024-05-02")
    assert (frame.predicate, frame.agent, frame.place) == ("presence", "Turkey", "geo:vb")
    alone = frame_of(claim, places=[turkey], sentence=Sentence(0, len(text)), published="2024-05-02")
    assert alone.place is None


@pytest.mark.parametrize(
    ("text", "polarity", "change"),
    [("Turkey has about 900 troops in the valley", "affirms", False),
     ("Turkey will end its military presence in the valley", "denies", True),
     ("Turkey has 3 reasons to doubt the report", None, None)],
)
def test_forces_counted_as_held_are_present_and_ending_a_presence_is_leaving(text, polarity, change):
    frame = _frame(text)
    if polarity is None:
        assert frame.predicate != "presence"
    else:
        assert (frame.predicate, frame.agent, frame.polarity, frame.change) == ("presence", "Turkey", polarity, change)


@pytest.mark.parametrize(
    ("text", "presence"),
    [("that Turkey intends to remain in the nuclear deal", False), ("the Turkish agency will continue its audit", False),
     ("that Turkish pensions keep millions of elderly people out of poverty", False),
     ("Turkey will keep its base at the port", True), ("Turkey will remain in the valley", True),
     ("Ankara will maintain a military presence in the region", True)],
)
def test_keeping_or_continuing_is_presence_only_of_forces(text, presence):
    assert (_frame(text).predicate == "presence") == presence


@pytest.mark.parametrize(
    ("text", "polarity"),
    [("The rebels did not hit the depot; our special group did it", "affirms"),
     ("our forces did not shell the clinic", "denies"), ("it was not our forces that shelled the clinic", "denies")],
)
def test_our_forces_doing_harm_are_the_speakers_side(text, polarity):
    frame = _frame(text, source="the Turkish army")
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", "Turkey", polarity)
    assert _frame("our team will win the match", source="the Turkish coach").predicate != "responsibility"


def test_shrapnel_unlike_a_sides_clears_it():
    frame = _frame("that the fragments were home-made, not Turkish shrapnel")
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", "Turkey", "denies")


@pytest.mark.parametrize(
    ("text", "polarity", "presence"),
    [("Turkish forces handed over the airport to the local police", "denies", True),
     ("Ankara is scaling down its military presence in the valley", "denies", True),
     ("Turkish troops are still deployed at the base", "affirms", True),
     ("the Turkish envoy handed over a letter to the minister", None, False)],
)
def test_handing_over_and_scaling_down_are_leaving_and_still_deployed_is_staying(text, polarity, presence):
    frame = _frame(text)
    assert (frame.predicate == "presence") == presence
    if presence:
        assert (frame.agent, frame.polarity) == ("Turkey", polarity)
