"""Frames completed at link time from a claim's sentence and source (link/context.py)."""

from __future__ import annotations

from claimtrace.link.context import clause_text, refine_frames, sentence_bounds
from claimtrace.model import Claim, Cue, Source, Span
from claimtrace.store.records import ArticleRecord, ClaimRecord

ARTICLE = 7


def _span(text: str, part: str, after: int = 0) -> tuple[int, int]:
    start = text.index(part, after)
    return start, start + len(part)


def _claim(text: str, content: str, source: str | None = None, cue: str | None = None, lemma: str = "",
           polarity: str = "affirms", claim_id: int = 1) -> ClaimRecord:
    c0, c1 = _span(text, content)
    found = Claim(content=Span(content, c0, c1), polarity=polarity)
    if source is not None:
        s0, s1 = _span(text, source)
        found.source = Source(source, s0, s1, kind="government")
    if cue is not None:
        k0, k1 = _span(text, cue)
        found.cue = Cue(cue, k0, k1, lemma=lemma or cue)
    return ClaimRecord(id=claim_id, article_id=ARTICLE, claim=found, published="2024-05-02")


def _article(text: str) -> ArticleRecord:
    return ArticleRecord(id=ARTICLE, title=None, text=text, outlet="Test", published="2024-05-02", url="u")


def test_an_actor_outside_the_quote_is_the_one_blamed():
    text = "Fighting went on. The rebels accused the Syrian army of \u201cthe massacre at the clinic\u201d on Monday."
    record = _claim(text, "\u201cthe massacre at the clinic\u201d", source="The rebels", cue="accused", lemma="accuse")
    assert record.frame.predicate != "responsibility"
    assert refine_frames([record], [_article(text)]) == 1
    frame = record.frame
    assert (frame.predicate, frame.agent, frame.polarity) == ("responsibility", "Syria", "affirms")


def test_the_speaker_is_never_taken_for_the_actor():
    text = "Syrian officials said that it had bombed the clinic at dawn."
    record = _claim(text, "that it had bombed the clinic at dawn", source="Syrian officials", cue="said", lemma="say")
    refine_frames([record], [_article(text)])
    assert record.frame.agent is None


def test_another_speakers_claim_in_the_sentence_is_not_this_ones():
    text = "The rebels blamed Syria for the blast, while the army said a rebel mortar hit the clinic."
    rebels = _claim(text, "Syria for the blast", source="The rebels", cue="blamed", lemma="blame", claim_id=1)
    army = _claim(text, "a rebel mortar hit the clinic", source="the army", cue="said", lemma="say", claim_id=2)
    army_words = army.claim.content.text
    clause = clause_text(army, [rebels, army], text)
    assert "Syria" not in clause and army_words in clause
    before = (army.frame.predicate, army.frame.agent)
    refine_frames([rebels, army], [_article(text)])
    assert (army.frame.predicate, army.frame.agent) == before  # no actor of its own: left as it was


def test_reciprocal_blame_names_no_single_actor():
    text = "Moscow and Kyiv blamed each other for destroying the bridge."
    record = _claim(text, "each other for destroying the bridge", source="Moscow and Kyiv", cue="blamed", lemma="blame")
    refine_frames([record], [_article(text)])
    assert record.frame.predicate != "responsibility" or record.frame.agent is None


def test_a_negative_source_denies_what_it_reports():
    text = "The ministry said none of the evidence indicates a Russian missile struck the bridge."
    record = _claim(text, "a Russian missile struck the bridge", source="none of the evidence", cue="indicates",
                    lemma="indicate")
    assert (record.frame.agent, record.frame.polarity) == ("Russia", "affirms")
    refine_frames([record], [_article(text)])
    assert (record.frame.agent, record.frame.polarity) == ("Russia", "denies")
    assert record.claim.polarity == "denies"


def test_a_positive_source_is_left_alone():
    text = "New evidence indicates a Russian missile struck the bridge."
    record = _claim(text, "a Russian missile struck the bridge", source="New evidence", cue="indicates",
                    lemma="indicate")
    assert refine_frames([record], [_article(text)]) == 0
    assert record.frame.polarity == "affirms"


def test_sentences_end_at_stops_without_a_space_but_not_after_abbreviations():
    text = "U.S. officials met on Oct. 17 in Gaza.The army said it hit the dam. Then"
    begin, end = sentence_bounds(text, text.index("officials"), text.index("Gaza") + 4)
    assert text[begin:end] == "U.S. officials met on Oct. 17 in Gaza."
    begin, end = sentence_bounds(text, text.index("army"), text.index("dam"))
    assert text[begin:end] == "The army said it hit the dam."


def _attack(text: str, content: str, **frame) -> ClaimRecord:
    from claimtrace.model import Frame

    record = _claim(text, content, source="The governor", cue="said", lemma="say")
    record.claim.frame = Frame(predicate="attack", **frame)
    return record


def test_an_attack_by_an_actor_in_subject_position_is_its_responsibility():
    text = "The governor said the Syrian army shelled the dam at night."
    record = _attack(text, "the Syrian army shelled the dam at night", agent="Syria", target="dam")
    assert refine_frames([record], [_article(text)]) == 1
    assert (record.frame.predicate, record.frame.agent, record.frame.agent_text) == ("responsibility", "Syria", "Syrian")


def test_an_actor_qualifying_the_target_or_hit_by_the_attack_is_not_responsible():
    for content in ("the Syrian-controlled dam was shelled at night", "a blast in the area of Syria's dam",
                    "the rebels shelled a Syrian army post near the dam", "no Syrian strike hit the dam"):
        text = f"The governor said {content}."
        record = _attack(text, content, agent="Syria", target="dam")
        refine_frames([record], [_article(text)])
        assert (record.frame.predicate, record.frame.polarity) != ("responsibility", "affirms"), content


def test_a_fragment_naming_an_actor_is_read_in_its_clause():
    text = "The minister called Syria's shelling of the dam a war crime."
    record = _claim(text, "Syria's", source="The minister", cue="called", lemma="call")
    refine_frames([record], [_article(text)])
    assert (record.frame.predicate, record.frame.agent, record.frame.polarity) == ("responsibility", "Syria", "affirms")


def test_a_speaker_inside_the_claim_denies_for_itself():
    text = "The rebels blamed the army for the blast at the clinic. Syria quickly denied the charge."
    record = _claim(text, "Syria quickly denied the charge")
    refine_frames([record], [_article(text)])
    assert (record.frame.predicate, record.frame.agent, record.frame.polarity) == ("responsibility", "Syria", "denies")


def test_a_passive_denial_names_who_denies():
    text = "Rebels said the army shelled the clinic. The charge was quickly denied by Syria on state television."
    record = _claim(text, "The charge was quickly denied by Syria on state television")
    refine_frames([record], [_article(text)])
    assert (record.frame.agent, record.frame.polarity) == ("Syria", "denies")


def test_a_speaker_taken_for_the_agent_loses_the_frame():
    from claimtrace.model import Frame

    text = "Reports said the Syrian army said a strike that hit a clinic killed 20 people."
    record = _claim(text, "the Syrian army said a strike that hit a clinic killed 20 people", source="Reports")
    record.claim.frame = Frame(predicate="responsibility", agent="Syria", agent_text="Syrian", target="clinic")
    refine_frames([record], [_article(text)])
    assert record.frame.predicate != "responsibility"


def test_accusations_against_an_actor_blame_it_and_rejecting_them_clears_it():
    for content, polarity in (("The ministry levelled accusations against Syria over the blast", "affirms"),
                              ("The ministry rejected the accusations against Syria over the blast", "denies")):
        record = _claim(content, content)
        refine_frames([record], [_article(content)])
        assert (record.frame.predicate, record.frame.agent, record.frame.polarity) == (
            "responsibility", "Syria", polarity), content


def test_a_pointer_far_from_the_claim_it_points_at_takes_its_frame_when_the_article_holds_one_account():
    text = ("The ministry said the Syrian army did not shell the clinic. " + "Nothing else happened. " * 5
            + "Reporting from its allies corroborates the findings, the ministry added.")
    account = _claim(text, "the Syrian army did not shell the clinic", source="The ministry", claim_id=1)
    pointer = _claim(text, "Reporting from its allies corroborates the findings", claim_id=2)
    account.claim.polarity = "denies"
    assert (account.frame.agent, account.frame.polarity) == ("Syria", "denies")
    refine_frames([account, pointer], [_article(text)])
    assert (pointer.frame.predicate, pointer.frame.agent, pointer.frame.polarity) == ("responsibility", "Syria", "denies")


def test_a_pointer_is_left_alone_when_the_article_holds_two_accounts():
    text = ("Rebels said the Syrian army shelled the clinic. The army said a rebel rocket fired by Hamas hit the clinic. "
            "Reporting from its allies corroborates the findings, the ministry added.")
    first = _claim(text, "the Syrian army shelled the clinic", claim_id=1)
    second = _claim(text, "a rebel rocket fired by Hamas hit the clinic", claim_id=2)
    pointer = _claim(text, "Reporting from its allies corroborates the findings", claim_id=3)
    assert first.frame.agent == "Syria" and second.frame.agent == "Palestine"
    refine_frames([first, second, pointer], [_article(text)])
    assert pointer.frame.predicate != "responsibility"


def test_a_claim_of_responsibility_without_a_target_takes_its_storys():
    from claimtrace.model import Frame

    records = []
    for n, target in enumerate(("dam", "dam", None)):
        record = _claim("Syria blew it up.", "Syria blew it up", claim_id=n + 1)
        record.article_id = n + 1
        record.claim.frame = Frame(predicate="responsibility", agent="Syria", target=target)
        records.append(record)
    refine_frames(records, [], {1: 5, 2: 5, 3: 5})
    assert records[2].frame.target == "dam"


def test_a_date_that_only_starts_a_period_is_not_the_events():
    from claimtrace.model import Frame

    text = "Syria, which has shelled the region since the rebel attack on March 3, denied shelling the dam."
    record = _claim(text, text)
    record.claim.frame = Frame(predicate="responsibility", agent="Syria", polarity="denies", target="dam",
                               time="2024-03-03", time_from="text")
    refine_frames([record], [_article(text)])
    assert (record.frame.time_from, record.frame.time) == ("period", "2024-05-02")
    dated = _claim("Syria shelled the dam on March 3.", "Syria shelled the dam on March 3")
    dated.claim.frame = Frame(predicate="responsibility", agent="Syria", target="dam", time="2024-03-03",
                              time_from="text")
    refine_frames([dated], [_article("Syria shelled the dam on March 3.")])
    assert dated.frame.time_from == "text"


def test_an_actor_naming_the_harm_blames_it_after_any_preposition():
    for content, polarity in (("Twenty people were killed in a Syrian air strike on the market", "affirms"),
                              ("The market was not hit by a Syrian missile", "denies")):
        record = _claim(content, content)
        refine_frames([record], [_article(content)])
        assert (record.frame.predicate, record.frame.agent, record.frame.polarity) == (
            "responsibility", "Syria", polarity), content


def test_an_actor_naming_the_target_or_two_actors_naming_harm_tell_nothing():
    from claimtrace.link.context import _qualified_harm

    for content in ("New evidence on the Gaza hospital explosion", "after a Syrian strike and a Turkish rocket"):
        record = _claim(content, content)
        assert not _qualified_harm(record, content), content
    content = "Twenty died after a Syrian strike"
    assert _qualified_harm(_claim(content, content), content)


def test_a_claim_whose_words_are_its_speaker_is_read_in_its_sentence():
    text = "Forty people died in a Syrian air strike on the clinic, the health ministry spokesman told reporters."
    record = _claim(text, "the health ministry spokesman told reporters")
    refine_frames([record], [_article(text)])
    assert (record.frame.predicate, record.frame.agent, record.frame.polarity) == ("responsibility", "Syria", "affirms")


def test_a_side_less_agent_noun_takes_the_side_its_story_gives_it():
    other = ArticleRecord(id=8, title=None, text="Syrian rebels shelled the town. Later Syrian rebels fired again.",
                          outlet="Other", published="2024-05-01", url="v")
    text = "The governor said the blast at the dam was caused by a failed launch by rebels."
    record = _claim(text, "the blast at the dam was caused by a failed launch by rebels", source="The governor")
    refine_frames([record], [_article(text), other], {ARTICLE: 3, 8: 3})
    assert (record.frame.predicate, record.frame.agent) == ("responsibility", "Syria")
    alone = _claim(text, "the blast at the dam was caused by a failed launch by rebels", source="The governor")
    refine_frames([alone], [_article(text), other], {ARTICLE: 3, 8: 4})  # another story: no side known
    assert alone.frame.agent != "Syria"


def test_blame_for_something_that_is_no_harm_gives_no_frame_of_responsibility():
    text = "The Syrian minister accused the producer of harassment at the studio."
    record = _claim(text, "harassment at the studio", source="The Syrian minister", cue="accused", lemma="accuse")
    refine_frames([record], [_article(text)])
    assert record.frame.predicate != "responsibility"


def test_a_negative_source_leaves_claims_that_are_not_of_responsibility_alone():
    text = "At no time did the minister mention the budget."
    record = _claim(text, "the budget", source="no time", cue="mention")
    assert refine_frames([record], [_article(text)]) == 0
    assert record.claim.polarity == "affirms"


def test_troops_with_no_side_are_the_forces_the_article_last_named():
    from claimtrace.model import Frame

    text = "Turkish troops remain in the north, officials said. The troops would stay, a spokesman added."
    named = _claim(text, "Turkish troops remain in the north", claim_id=1)
    named.claim.frame = Frame(predicate="presence", agent="Turkey")
    bare = _claim(text, "The troops would stay", claim_id=2)
    bare.claim.frame = Frame(predicate="presence", agent="troops")
    earlier = _claim(text, "officials said", claim_id=3)
    refine_frames([bare, earlier, named], [_article(text)])
    assert bare.frame.agent == "Turkey"
    alone = _claim("The troops would stay.", "The troops would stay", claim_id=4)
    alone.claim.frame = Frame(predicate="presence", agent="troops")
    refine_frames([alone], [_article("The troops would stay.")])
    assert alone.frame.agent == "troops"  # no forces named before: left as it was


def test_blame_with_a_misread_cue_stem_in_an_article_about_a_facility_is_blame_for_it():
    text = "The dam collapsed overnight. Syrian officials, in turn, blamed Turkey, but gave no detail of how."
    record = _claim(text, "Turkey, but gave no detail of how", source="Syrian officials", cue="blamed", lemma="blam")
    refine_frames([record], [_article(text)])
    assert (record.frame.predicate, record.frame.agent, record.frame.polarity) == ("responsibility", "Turkey", "affirms")
    other = "The budget passed. Syrian officials, in turn, blamed Turkey, but gave no detail of how."
    unrelated = _claim(other, "Turkey, but gave no detail of how", source="Syrian officials", cue="blamed", lemma="blam")
    refine_frames([unrelated], [_article(other)])  # no facility, no harm: blamed for what?
    assert unrelated.frame.predicate != "responsibility"


def test_that_is_no_pointer_and_a_speaker_named_twice_keeps_the_frame():
    from claimtrace.model import Frame

    text = "Syria shelled the dam. Polls showed that voters backed the mayor."
    account = _claim(text, "Syria shelled the dam", claim_id=1)
    poll = _claim(text, "that voters backed the mayor", source="Polls", cue="showed", claim_id=2)
    refine_frames([account, poll], [_article(text)])
    assert poll.frame.predicate != "responsibility"
    text = "Britain blamed Russia for the dam blast, which Russia adamantly denies."
    record = _claim(text, "Russia for the dam blast, which Russia adamantly denies", source="Britain")
    record.claim.frame = Frame(predicate="responsibility", agent="Russia", agent_text="Russia", target="dam")
    refine_frames([record], [_article(text)])
    assert (record.frame.predicate, record.frame.agent) == ("responsibility", "Russia")


def _story_article(article_id: int, text: str) -> ArticleRecord:
    return ArticleRecord(id=article_id, title=None, text=text, outlet="Other", published="2024-05-01", url=f"s{article_id}")


def test_a_misfire_with_no_actor_blames_the_side_whose_misfires_its_story_names():
    others = [
        _story_article(8, "The army said the clinic was hit by a misfired Syrian rocket. Rebels disputed it."),
        _story_article(9, "Monitors said a rocket fired by Syria to target Turkey misfired over the valley."),
    ]
    text = "The governor said one of the rockets misfired and landed on the clinic."
    record = _claim(text, "one of the rockets misfired and landed on the clinic", source="The governor")
    assert record.frame.predicate != "responsibility"
    refine_frames([record], [_article(text), *others], {ARTICLE: 3, 8: 3, 9: 3})
    assert (record.frame.predicate, record.frame.agent, record.frame.polarity) == ("responsibility", "Syria", "affirms")
    denied = _claim(text, "one of the rockets misfired and landed on the clinic", source="The governor",
                    cue="said", lemma="deny")
    refine_frames([denied], [_article(text), *others], {ARTICLE: 3, 8: 3, 9: 3})
    assert (denied.frame.agent, denied.frame.polarity) == ("Syria", "denies")


def test_a_misfire_is_left_alone_when_the_story_names_no_side_or_the_claim_asks_who():
    split = [
        _story_article(8, "Officials said an errant Syrian missile hit the clinic."),
        _story_article(9, "Others said an errant Turkish missile hit the clinic."),
    ]
    text = "The governor said a stray missile hit the clinic."
    record = _claim(text, "a stray missile hit the clinic", source="The governor")
    refine_frames([record], [_article(text), *split], {ARTICLE: 3, 8: 3, 9: 3})
    assert record.frame.agent not in ("Syria", "Turkey")
    owned = [_story_article(8, "A misfired Syrian rocket hit it."), _story_article(9, "An errant Syrian missile hit it.")]
    text = "Investigators must determine who launched the misfired rocket that hit the clinic."
    asked = _claim(text, "who launched the misfired rocket that hit the clinic", source="Investigators")
    refine_frames([asked], [_article(text), *owned], {ARTICLE: 3, 8: 3, 9: 3})
    assert asked.frame.agent != "Syria"
    text = "Local families said stray dogs and a failed harvest left the clinic empty."
    dogs = _claim(text, "stray dogs and a failed harvest left the clinic empty", source="Local families")
    refine_frames([dogs], [_article(text), *owned], {ARTICLE: 3, 8: 3, 9: 3})
    assert dogs.frame.predicate != "responsibility"


def test_a_toll_whose_harm_has_a_pronoun_for_subject_names_who_did_it_in_its_clause():
    text = "The rebels blamed Syria, saying it had bombed the clinic and that 40 people had been killed."
    record = _claim(text, "it had bombed the clinic and that 40 people had been killed", source="The rebels",
                    cue="saying", lemma="say")
    assert record.frame.predicate == "toll"
    refine_frames([record], [_article(text)])
    assert (record.frame.predicate, record.frame.agent, record.frame.polarity) == ("responsibility", "Syria", "affirms")
    text = "The rebels blamed Syria, and medics said that 40 people had been killed at the clinic."
    toll = _claim(text, "that 40 people had been killed at the clinic", source="medics", cue="said", lemma="say")
    refine_frames([toll], [_article(text)])
    assert toll.frame.predicate == "toll"  # a count alone stays a count


def test_a_weapon_with_no_actor_that_hit_the_target_is_the_side_whose_weapons_its_story_names():
    others = [
        _story_article(8, "Residents said rockets fired by Syria fell near the border."),
        _story_article(9, "A Syrian rocket had hit a school a week before."),
    ]
    text = "Inspectors said a rocket struck the clinic grounds."
    record = _claim(text, "a rocket struck the clinic grounds", source="Inspectors")
    refine_frames([record], [_article(text), *others], {ARTICLE: 3, 8: 3, 9: 3})
    assert (record.frame.predicate, record.frame.agent) == ("responsibility", "Syria")
    text = "Inspectors said rockets are stored in the valley."
    stored = _claim(text, "rockets are stored in the valley", source="Inspectors")
    refine_frames([stored], [_article(text), *others], {ARTICLE: 3, 8: 3, 9: 3})
    assert stored.frame.predicate != "responsibility"  # no harm done to a target: no blame


def test_a_sides_account_refuted_by_name_is_the_account_its_speakers_give_denied():
    from claimtrace.model import Frame

    told = []
    for n in range(3):
        record = _claim("Syrian officials said Turkish jets bombed the clinic.", "Turkish jets bombed the clinic",
                        source="Syrian officials", claim_id=n + 1)
        record.article_id = 20 + n
        record.claim.frame = Frame(predicate="responsibility", agent="Turkey", target="clinic")
        told.append(record)
    text = "Inspectors dismissed the Syrian lies about the clinic"
    refuting = _claim(text, text, claim_id=9)
    backing = _claim("Monitors backed the Syrian version", "Monitors backed the Syrian version", claim_id=10)
    elsewhere = _claim(text, text, claim_id=11)
    elsewhere.article_id = 30
    refine_frames([*told, refuting, backing, elsewhere], [], {20: 1, 21: 1, 22: 1, ARTICLE: 1, 30: 2})
    assert (refuting.frame.predicate, refuting.frame.agent, refuting.frame.polarity) == (
        "responsibility", "Turkey", "denies")
    assert (backing.frame.agent, backing.frame.polarity, backing.frame.target) == ("Turkey", "affirms", "clinic")
    assert elsewhere.frame.predicate != "responsibility"  # another story: its Syrian speakers told nothing
