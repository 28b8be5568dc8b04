import json
from pathlib import Path

import jsonschema
import pytest

from claimtrace.model import (
    SCHEMA_VERSION,
    Analysis,
    Article,
    Claim,
    Cue,
    DateMention,
    Entity,
    EntityGroup,
    PartialDate,
    Place,
    Sentence,
    Source,
    Span,
    from_dict,
    to_dict,
)

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "src/claimtrace/schema/analysis.schema.json").read_text()
)


def _sample() -> Analysis:
    text = "Officials said the bridge was destroyed on March 3. Kyiv denied it."
    return Analysis(
        article=Article(text=text, title="T", published="2022-03-05", outlet="Desk", url="https://x.test/a", language="en"),
        sentences=[Sentence(0, 51), Sentence(52, 68)],
        entities=[Entity("Kyiv", 52, 56, label="LOC", canonical="Kyiv")],
        entity_groups=[EntityGroup("Kyiv", "LOC", [Span("Kyiv", 52, 56)])],
        places=[Place("Kyiv", 52, 56, name="Kyiv", lat=50.45, lon=30.52, country="UA", feature="city", id="703448", confidence=0.9)],
        dates=[DateMention("March 3", 43, 50, value="2022-03-03", granularity="day", resolved=True)],
        claims=[
            Claim(
                content=Span("the bridge was destroyed on March 3", 15, 50),
                source=Source("Officials", 0, 9, kind="anonymous", canonical="Officials"),
                cue=Cue("said", 10, 14, lemma="say"),
                form="indirect",
                certainty="stated",
                polarity="affirms",
                sentence=0,
            )
        ],
    )


def test_round_trip_preserves_every_field():
    analysis = _sample()
    data = to_dict(analysis)
    assert Analysis.from_dict(json.loads(json.dumps(data))) == analysis


def test_schema_key_comes_first_and_names_the_version():
    data = to_dict(_sample())
    assert next(iter(data)) == "schema"
    assert data["schema"] == SCHEMA_VERSION


def test_serialized_sample_validates_against_json_schema():
    jsonschema.validate(to_dict(_sample()), SCHEMA)


def test_json_schema_rejects_unknown_source_kind():
    data = to_dict(_sample())
    data["claims"][0]["source"]["kind"] = "rumour-mill"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_spans_point_into_the_text():
    analysis = _sample()
    text = analysis.article.text
    for span in [*analysis.entities, *analysis.places, *analysis.dates, analysis.claims[0].content]:
        assert text[span.start : span.end] == span.text


def test_from_dict_ignores_unknown_keys_and_keeps_nulls():
    claim = from_dict(Claim, {"content": {"text": "x", "start": 0, "end": 1}, "source": None, "future": 1})
    assert claim.source is None and claim.content == Span("x", 0, 1)


@pytest.mark.parametrize(
    ("text", "granularity", "first", "last"),
    [
        ("2024-04-05", "day", "2024-04-05", "2024-04-05"),
        ("2024-04", "month", "2024-04-01", "2024-04-30"),
        ("2024-12", "month", "2024-12-01", "2024-12-31"),
        ("2024", "year", "2024-01-01", "2024-12-31"),
    ],
)
def test_partial_dates_keep_their_granularity(text, granularity, first, last):
    date = PartialDate.from_iso(text)
    assert (date.granularity, str(date.first_day()), str(date.last_day()), str(date)) == (granularity, first, last, text)
    assert (date.as_date() is not None) == (granularity == "day")


def test_article_published_is_parsed_once_and_serialized_as_iso_text():
    article = Article(text="x", published="2024-04")
    assert article.published == PartialDate(2024, 4)
    data = to_dict(Analysis(article=article))
    assert data["article"]["published"] == "2024-04"
    assert from_dict(Analysis, data).article.published == PartialDate(2024, 4)
    assert Article(text="x", published="2022-02-16T08:30:00+00:00").published.time == "08:30:00+00:00"


@pytest.mark.parametrize("text", ["2024-13", "16/02/2022", "0999-05-01", "2022-02-30"])
def test_a_published_value_that_is_not_an_iso_date_is_an_input_error(text):
    from claimtrace.errors import InputError

    with pytest.raises(InputError):
        Article(text="x", published=text)


def test_partial_date_leading_reads_the_start_of_a_range():
    assert PartialDate.leading("2022-02-16/2022-02-20") == PartialDate(2022, 2, 16)
    assert PartialDate.leading("--02-16") is None


def test_settings_are_read_from_one_environment_mapping(tmp_path):
    from claimtrace.settings import Settings

    read = Settings.from_env({
        "CLAIMTRACE_MODEL": str(tmp_path), "CLAIMTRACE_THREADS": "3", "CLAIMTRACE_CLAIM_ENCODER": " MiniLM ",
        "CLAIMTRACE_USE_BLIS": "1", "XDG_CACHE_HOME": str(tmp_path / "xdg"),
    })
    assert (read.model, read.threads, read.claim_encoder, read.use_blis) == (tmp_path, 3, "minilm", True)
    assert read.cache_dir == tmp_path / "xdg" / "claimtrace" and read.embedding_model is None
    assert Settings.from_env({"CLAIMTRACE_CACHE": str(tmp_path), "CLAIMTRACE_THREADS": "many"}).cache_dir == tmp_path
    assert Settings.from_env({"CLAIMTRACE_THREADS": "many"}).threads is None
