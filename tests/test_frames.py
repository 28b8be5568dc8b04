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
        ("the blast was caused by a misfired rocket launched by Islamic Jihad", "Palestine", "affirms"),
        ("Russian forces blew up the dam from the inside", "Russia", "affirms"),
        ("Ukraine was not responsible for the destruction of the dam", "Ukraine", "denies"),
        ("none of the evidence indicates an Israeli strike was involved", "Israel", "denies"),
        ("barbaric terrorists from Gaza attacked the hospital, not the IDF", "Palestine", "affirms"),
        ("the rocket was fired from within Gaza", "Palestine", "affirms"),
    ],
)
def test_who_is_blamed(text, agent, polarity):
    frame = _frame(text)
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", agent, polarity)


def test_the_target_of_the_harm_is_not_its_agent():
    frame = _frame("a rocket aimed at Israel misfired and hit the hospital in Gaza")
    assert frame.agent is None or frame.agent != "Israel"


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
    frame = _frame("at least 471 people were killed at the hospital")
    assert (frame.predicate, frame.quantity, frame.unit, frame.target) == ("toll", 471, "killed", "hospital")


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
