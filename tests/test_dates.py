"""Time expressions: detection, ISO values and resolution against the publication date.

``CASES`` is also the case list of ``benchmarks/dates.py``: each case is a
text, a publication date (or None) and the expected mentions as
(text, value, granularity, resolved); an expected list that is empty means
"no time expression here".
"""

from __future__ import annotations

import random

import pytest
import spacy

from claimtrace.errors import InputError
from claimtrace.extract.dates import find_dates, parse_published
from claimtrace.model import PartialDate

PUB = "2022-02-16"  # a Wednesday

CASES: list[tuple[str, str | None, list[tuple[str, str | None, str, bool]]]] = [
    # absolute dates
    ("The talks opened on February 16, 2022 in Vienna.", PUB, [("February 16, 2022", "2022-02-16", "day", True)]),
    ("The convoy left on 16 Feb 2022.", PUB, [("16 Feb 2022", "2022-02-16", "day", True)]),
    ("The report is dated 2022-02-16.", PUB, [("2022-02-16", "2022-02-16", "day", True)]),
    ("The report is dated 2021/11/03.", PUB, [("2021/11/03", "2021-11-03", "day", True)]),
    ("It was signed on Sept. 3, 2019.", PUB, [("Sept. 3, 2019", "2019-09-03", "day", True)]),
    ("It was signed on 3rd September 2019.", PUB, [("3rd September 2019", "2019-09-03", "day", True)]),
    ("It was signed on the 3rd of September, 2019.", PUB, [("the 3rd of September, 2019", "2019-09-03", "day", True)]),
    ("On Tuesday, February 15, 2022, the ships sailed.", PUB,
     [("Tuesday, February 15, 2022", "2022-02-15", "day", True)]),
    ("The base was built in March 2021.", PUB, [("March 2021", "2021-03", "month", True)]),
    ("The base was built in March of 2021.", PUB, [("March of 2021", "2021-03", "month", True)]),
    ("Fighting resumed in late August 2020.", PUB, [("late August 2020", "2020-08", "month", True)]),
    ("The town fell in 2019.", PUB, [("2019", "2019", "year", True)]),
    ("The town has been held since 2015.", PUB, [("2015", "2015", "year", True)]),
    ("Prices rose in early 2021.", PUB, [("early 2021", "2021", "year", True)]),
    ("The 2018 agreement collapsed.", PUB, [("2018", "2018", "year", True)]),
    ("It was 2014's worst attack.", PUB, [("2014", "2014", "year", True)]),
    ("The 2014 elections were boycotted.", PUB, [("2014", "2014", "year", True)]),
    ("The 2000 troops crossed the river.", PUB, []),
    ("The conflict began in the 1990s.", PUB, [("the 1990s", "1990/1999", "range", True)]),
    ("The treaty was signed on February 16, 2022.", None, [("February 16, 2022", "2022-02-16", "day", True)]),
    # dates without a year
    ("On February 16, the minister met his counterpart.", PUB, [("February 16", "2022-02-16", "day", True)]),
    ("On February 17, the minister met his counterpart.", PUB, [("February 17", "2021-02-17", "day", True)]),
    ("On December 30, the army shelled the town.", "2022-01-03", [("December 30", "2021-12-30", "day", True)]),
    ("On January 2, the army shelled the town.", "2022-01-03", [("January 2", "2022-01-02", "day", True)]),
    ("The talks ended on 30 December.", "2022-01-03", [("30 December", "2021-12-30", "day", True)]),
    ("On February 16, the minister met his counterpart.", None, [("February 16", "--02-16", "day", False)]),
    ("The truce collapsed in March.", PUB, [("March", "2021-03", "month", True)]),
    ("The truce collapsed in February.", PUB, [("February", "2022-02", "month", True)]),
    ("The truce collapsed in March.", None, [("March", "--03", "month", False)]),
    ("Clashes erupted in mid-December.", "2022-01-03", [("mid-December", "2021-12", "month", True)]),
    ("Elections will be held on March 5.", PUB, [("March 5", "2022-03-05", "day", True)]),
    ("The leaders will meet in January.", PUB, [("January", "2023-01", "month", True)]),
    ("The ceasefire held until last March.", PUB, [("last March", "2021-03", "month", True)]),
    ("A vote is planned for next March.", PUB, [("next March", "2022-03", "month", True)]),
    ("The rally took place on February 29.", "2022-03-10", [("February 29", "2020-02-29", "day", True)]),
    # relative expressions
    ("Yesterday the ministry issued a statement.", PUB, [("Yesterday", "2022-02-15", "day", True)]),
    ("The ministry issued a statement today.", PUB, [("today", "2022-02-16", "day", True)]),
    ("The envoy arrives tomorrow.", PUB, [("tomorrow", "2022-02-17", "day", True)]),
    ("Explosions were heard last night.", PUB, [("last night", "2022-02-15", "day", True)]),
    ("The minister spoke this morning.", PUB, [("this morning", "2022-02-16", "day", True)]),
    ("He spoke two days ago.", PUB, [("two days ago", "2022-02-14", "day", True)]),
    ("He spoke 10 days ago.", PUB, [("10 days ago", "2022-02-06", "day", True)]),
    ("The offensive began a week ago.", PUB, [("a week ago", "2022-02-09", "day", True)]),
    ("The offensive began three months ago.", PUB, [("three months ago", "2021-11", "month", True)]),
    ("The offensive began a year ago.", PUB, [("a year ago", "2021", "year", True)]),
    ("The vote takes place in two weeks.", PUB, [("in two weeks", "2022-03-02", "day", True)]),
    ("The city was shelled a few days ago.", PUB, [("a few days ago", None, "day", False)]),
    ("He said last Tuesday that talks had failed.", PUB, [("last Tuesday", "2022-02-15", "day", True)]),
    ("He said last Wednesday that talks had failed.", PUB, [("last Wednesday", "2022-02-09", "day", True)]),
    ("On Monday, officials met in Geneva.", PUB, [("Monday", "2022-02-14", "day", True)]),
    ("Officials met in Geneva on Wednesday.", PUB, [("Wednesday", "2022-02-16", "day", True)]),
    ("Officials met in Geneva on Friday.", PUB, [("Friday", "2022-02-11", "day", True)]),
    ("Officials will meet in Geneva on Friday.", PUB, [("Friday", "2022-02-18", "day", True)]),
    ("The summit is next Friday.", PUB, [("next Friday", "2022-02-18", "day", True)]),
    ("Monday's attack killed four people.", PUB, [("Monday", "2022-02-14", "day", True)]),
    ("Protesters gathered on Sunday night.", PUB, [("Sunday night", "2022-02-13", "day", True)]),
    ("Last Monday the army withdrew.", "2022-01-03", [("Last Monday", "2021-12-27", "day", True)]),
    ("Earlier this month, the army said it had advanced.", PUB, [("Earlier this month", "2022-02", "month", True)]),
    ("Troops were redeployed last week.", PUB, [("last week", "2022-02-07/2022-02-13", "range", True)]),
    ("Talks continue this week.", PUB, [("this week", "2022-02-14/2022-02-20", "range", True)]),
    ("Protests are expected this weekend.", PUB, [("this weekend", "2022-02-19/2022-02-20", "range", True)]),
    ("Thousands protested this weekend.", PUB, [("this weekend", "2022-02-12/2022-02-13", "range", True)]),
    ("The fortress was built in 1683.", PUB, [("1683", "1683", "year", True)]),
    ("The city was founded in the 12th century.", PUB, [("the 12th century", "1100/1199", "range", True)]),
    ("Borders were drawn in the late 1800s.", PUB, [("the late 1800s", "1800/1899", "range", True)]),
    ("Rainfall was low January-June 2020.", PUB, [("January-June 2020", "2020-01/2020-06", "range", True)]),
    ("His first book (2005) sold well.", PUB, [("2005", "2005", "year", True)]),
    ("Markets open every Monday and on a Friday.", PUB, []),
    ("Flights leave on Saturday mornings.", PUB, []),
    ("It is a 2000 year old custom at 1100 ft.", PUB, []),
    ("The ceasefire, agreed on February 6 - this year, held.", PUB,
     [("February 6", "2022-02-06", "day", True), ("this year", "2022", "year", True)]),
    ("Aid stopped in the summer of 2020.", PUB, [("the summer of 2020", "2020-06/2020-08", "range", True)]),
    ("Aid stopped last winter.", PUB, [("last winter", "2020-12/2021-02", "range", True)]),
    ("Aid stopped last summer.", PUB, [("last summer", "2021-06/2021-08", "range", True)]),
    ("Aid resumes next spring.", PUB, [("next spring", "2022-03/2022-05", "range", True)]),
    ("Summers here are hot, and the fall of the city came in autumn.", PUB, []),
    ("Reforms are due by the end of the year.", PUB, [("the end of the year", "2022", "year", True)]),
    ("The fort was rebuilt (c. 1871) after the war.", PUB, [("1871", "1871", "year", True)]),
    ("Doha hosted the 2022 World Cup.", PUB, [("2022", "2022", "year", True)]),
    ("Troops will withdraw next month.", PUB, [("next month", "2022-03", "month", True)]),
    ("Troops withdrew last month.", "2022-01-03", [("last month", "2021-12", "month", True)]),
    ("Exports fell this year.", PUB, [("this year", "2022", "year", True)]),
    ("Exports fell late last year.", PUB, [("late last year", "2021", "year", True)]),
    ("Elections are due next year.", PUB, [("next year", "2023", "year", True)]),
    ("Yesterday the ministry issued a statement.", None, [("Yesterday", None, "day", False)]),
    ("Troops were redeployed last week.", None, [("last week", None, "range", False)]),
    ("On Monday, officials met in Geneva.", None, [("Monday", None, "day", False)]),
    ("He spoke two days ago.", None, [("two days ago", None, "day", False)]),
    # ranges
    ("Fighting raged from March 1 to March 5.", PUB, [("from March 1 to March 5", "2021-03-01/2021-03-05", "range", True)]),
    ("Fighting raged from March 1 to March 5.", None, [("from March 1 to March 5", "--03-01/--03-05", "range", False)]),
    ("Fighting raged March 1-5.", PUB, [("March 1-5", "2021-03-01/2021-03-05", "range", True)]),
    ("Fighting raged March 1-5, 2022.", PUB, [("March 1-5, 2022", "2022-03-01/2022-03-05", "range", True)]),
    ("Fighting raged 1-5 March 2020.", PUB, [("1-5 March 2020", "2020-03-01/2020-03-05", "range", True)]),
    ("Fighting raged between 2019 and 2021.", PUB, [("between 2019 and 2021", "2019/2021", "range", True)]),
    ("Fighting raged from 2014 to 2016.", PUB, [("from 2014 to 2016", "2014/2016", "range", True)]),
    ("The 2019-2021 drought hit the region.", PUB, [("2019-2021", "2019/2021", "range", True)]),
    ("Aid fell in 2011-12.", PUB, [("2011-12", "2011/2012", "range", True)]),
    ("The siege lasted from February 24 until March 2, 2022.", PUB,
     [("from February 24 until March 2, 2022", "2022-02-24/2022-03-02", "range", True)]),
    ("The siege lasted from December 28 to January 4.", "2022-02-01",
     [("from December 28 to January 4", "2021-12-28/2022-01-04", "range", True)]),
    ("Talks were held between March and May.", "2022-06-01",
     [("between March and May", "2022-03/2022-05", "range", True)]),
    ("The offensive ran between 12 and 14 March 2021.", PUB,
     [("between 12 and 14 March 2021", "2021-03-12/2021-03-14", "range", True)]),
    # several in one text
    ("In 2019 the town fell; on February 10 it was retaken, and yesterday it was shelled.", PUB,
     [("2019", "2019", "year", True), ("February 10", "2022-02-10", "day", True),
      ("yesterday", "2022-02-15", "day", True)]),
    ("The army said in 2019 and 2020 it lost ground.", PUB,
     [("2019", "2019", "year", True), ("2020", "2020", "year", True)]),
    # not time expressions
    ("May God protect the soldiers.", PUB, []),
    ("The rebels may withdraw soon.", PUB, []),
    ("Thousands will march on the capital.", PUB, []),
    ("March toward the border, the commander ordered.", PUB, []),
    ("The Sunday Times reported the attack.", PUB, []),
    ("Crowds marked Bloody Sunday in the city.", PUB, []),
    ("Theresa May met the president.", PUB, []),
    ("About 2000 troops crossed the border.", PUB, []),
    ("Shells hit 2019 homes in the region.", PUB, []),
    ("Aid reached 1,500 families and 2,019 people.", PUB, []),
    ("The council adopted Resolution 2254.", PUB, []),
    ("The attack on February 30 was denied.", PUB, []),
    ("The Mar-a-Lago estate and Jan Egeland were mentioned.", PUB, []),
]


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def _found(nlp, text: str, published: str | None) -> list[tuple[str, str | None, str, bool]]:
    return [(d.text, d.value, d.granularity, d.resolved) for d in find_dates(nlp(text), published)]


def test_there_are_enough_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize(("text", "published", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_case(blank, text, published, expected):
    assert _found(blank, text, published) == expected


def test_offsets_point_into_the_text(blank):
    text = "On February 16, Sergei Shoigu met officials. Two days ago the ministry spoke."
    for mention in find_dates(blank(text), PUB):
        assert text[mention.start : mention.end] == mention.text


def test_today_is_never_borrowed(blank):
    for text in ("Yesterday troops left.", "Troops left on Monday.", "Troops left last month."):
        (mention,) = find_dates(blank(text), None)
        assert mention.value is None and mention.resolved is False


def test_publication_datetime_and_rfc_dates_are_read():
    assert str(parse_published("2022-02-16T10:30:00Z")) == "2022-02-16"
    assert str(parse_published("Wed, 16 Feb 2022 10:00:00 GMT")) == "2022-02-16"
    assert parse_published(None) is None and parse_published("  ") is None


def test_a_bad_publication_date_is_an_input_error(blank):
    with pytest.raises(InputError, match="cannot read the date"):
        find_dates(blank("Yesterday troops left."), "not a date at all")


def test_a_publication_date_known_to_the_month_or_year_anchors_no_relative_date(blank):
    for published in ("2022", "2022-02", PartialDate(2022, 2)):
        [mention] = find_dates(blank("Yesterday troops left."), published)
        assert (mention.text, mention.resolved) == ("Yesterday", False)
    [mention] = find_dates(blank("Yesterday troops left."), PartialDate(2022, 2, 16))
    assert (mention.value, mention.resolved) == ("2022-02-15", True)


def test_an_absurd_publication_year_is_an_input_error(blank):
    with pytest.raises(InputError, match="out of range"):
        find_dates(blank("Yesterday troops left."), "0001-01-01")


def test_random_date_like_text_never_raises(blank):
    words = ["from", "between", "and", "to", "-", "–", "in", "on", "last", "next", "this", "the", "of", "May",
             "March", "Feb.", "Sept", "December", "Monday", "Sunday", "1", "29", "31", "30th", "2019", "1999",
             "2000s", "12th", "century", "ago", "two", "days", "weeks", "a", "few", "summer", "fall", "winter",
             "yesterday", "Today", "(", ")", ",", ".", "2022-02-29", "2021/12/31", "'s", "will", "said", "c."]
    rng = random.Random(4)
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        published = rng.choice([None, PUB, "2020-02-29", "2022-01-01", "2021-12-31"])
        for mention in find_dates(blank(text), published):
            assert text[mention.start : mention.end] == mention.text
            assert mention.granularity in {"day", "month", "year", "range"}
            assert mention.resolved == (mention.value is not None and not mention.value.startswith("--")
                                        and "/--" not in mention.value)


def test_a_weekday_inside_an_organization_is_not_a_date(blank):
    doc = blank("Monday Night Group said so on Tuesday.")
    doc.ents = [doc.char_span(0, 18, label="ORG")]
    assert [d.text for d in find_dates(doc, PUB)] == ["Tuesday"]


def test_empty_and_dateless_texts(blank):
    assert find_dates(blank(""), PUB) == []
    assert find_dates(blank("No time is given here at all."), None) == []


def test_example_article_without_and_with_publication(blank, example_text):
    doc = blank(example_text)
    (unresolved,) = find_dates(doc, None)
    assert (unresolved.text, unresolved.value, unresolved.resolved) == ("February 16", "--02-16", False)
    (resolved,) = find_dates(doc, "2022-03-01")
    assert (resolved.value, resolved.granularity, resolved.resolved) == ("2022-02-16", "day", True)


def test_tense_from_the_trained_parser(nlp):
    said = nlp("The minister said on Friday that troops will leave.")
    assert [d.value for d in find_dates(said, PUB)] == ["2022-02-11"]
    will = nlp("The ministers will meet in Geneva on Friday.")
    assert [d.value for d in find_dates(will, PUB)] == ["2022-02-18"]
    summit = nlp("The next summit is on Friday.")
    assert [d.value for d in find_dates(summit, PUB)] == ["2022-02-18"]


def test_the_example_analysis_carries_its_date(example_analysis):
    assert [(d.text, d.value, d.resolved) for d in example_analysis.dates] == [("February 16", "2022-02-16", True)]


def test_trained_pipeline_cases(nlp):
    wrong = [(t, p, e) for t, p, e in CASES if _found(nlp, t, p) != e]
    assert len(wrong) <= len(CASES) // 10, wrong
