"""Corpus queries through the CLI: tables, JSON and CSV shapes, filters, errors (on both stores)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from claimtrace.cli import main
from claimtrace.model import Analysis, Article, Claim, Entity, Place, Sentence, Source, Span, to_dict
from claimtrace.store import open_store
from claimtrace.store.records import Relation


def article(outlet: str, published: str, says: str, kind: str, source: str, polarity: str = "affirms") -> Analysis:
    """One sentence, one claim: '<source> said <says>.' with the place Tarvos in it when mentioned."""
    text = f"{source} said {says}."
    start = len(source) + len(" said ")
    places = []
    if "Tarvos" in text:
        at = text.index("Tarvos")
        places.append(Place("Tarvos", at, at + 6, name="Tarvos", id="geo:9"))
    entities = [Entity(source, 0, len(source), label="PER" if kind == "person" else "ORG", canonical=source)]
    if "Mara Voss" in says:
        at = text.index("Mara Voss")
        entities.append(Entity("Mara Voss", at, at + 9, label="PER", canonical="Mara Voss"))
    return Analysis(
        article=Article(text=text, title=says[:20], outlet=outlet, published=published,
                        url=f"https://{outlet.lower().replace(' ', '')}.example/{published}", language="en"),
        sentences=[Sentence(0, len(text))],
        entities=entities,
        places=places,
        claims=[Claim(content=Span(says, start, start + len(says)),
                      source=Source(source, 0, len(source), kind=kind, canonical=source),
                      form="indirect", polarity=polarity)],
    )


@pytest.fixture
def corpus_db(store_location):
    """Three outlets on one story: a government claim, a contradiction, an anonymous corroboration
    (in a SQLite file, then in PostgreSQL)."""
    store = open_store(store_location)
    ids = [
        store.add_analysis(article("North Post", "2024-03-01", "40 people were killed in Tarvos", "government",
                                   "The defence ministry"), "h1").id,
        store.add_analysis(article("South Wire", "2024-03-02", "nobody was killed in Tarvos", "person",
                                   "Mara Voss", polarity="denies"), "h2").id,
        store.add_analysis(article("East Daily", "2024-03-03", "Mara Voss visited Tarvos", "anonymous",
                                   "Sources"), "h3").id,
    ]
    first, second, third = (r.id for r in store.claim_records())
    store.add_relations([
        Relation(first, second, "contradicts", "40 killed vs nobody killed", 0.9),
        Relation(first, third, "corroborates", "same place", 0.4),
    ])
    store.set_stories({ids[0]: 1, ids[1]: 1, ids[2]: 1}, {1: "Tarvos attack"})
    store.mark_linked(ids)
    store.add_skip("bad.json", "invalid JSON (Expecting value at line 1)")
    store.close()
    return store_location


def run_json(capsys, *argv: str):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_conflicts_json_shape(corpus_db, capsys):
    (pair,) = run_json(capsys, "conflicts", "--db", corpus_db, "--json")
    assert {"relation", "reason", "a", "b"} <= set(pair)
    assert pair["relation"] == "contradicts" and pair["reason"] == "40 killed vs nobody killed"
    for side in ("a", "b"):
        assert {"url", "outlet", "published", "claim"} <= set(pair[side])
    assert pair["a"]["outlet"] == "North Post" and pair["b"]["published"] == "2024-03-02"
    expected = to_dict(article("South Wire", "2024-03-02", "nobody was killed in Tarvos", "person", "Mara Voss",
                               polarity="denies").claims[0])
    assert pair["b"]["claim"] == expected


def test_stories_and_story_timeline(corpus_db, capsys):
    (story,) = run_json(capsys, "stories", "--db", corpus_db, "--json")
    assert story["label"] == "Tarvos attack" and story["articles"] == 3 and story["contradictions"] == 1
    assert (story["first_date"], story["last_date"]) == ("2024-03-01", "2024-03-03")
    timeline = run_json(capsys, "story", str(story["id"]), "--db", corpus_db, "--json")
    assert [c["outlet"] for c in timeline["claims"]] == ["North Post", "South Wire", "East Daily"]
    first, second, third = timeline["claims"]
    assert first["relations"] == []
    assert [(r["relation"], r["claim"]) for r in second["relations"]] == [("contradicts", first["id"])]
    assert [(r["relation"], r["claim"]) for r in third["relations"]] == [("corroborates", first["id"])]
    assert (second["source_kind"], second["certainty"], second["polarity"]) == ("person", "stated", "denies")


def test_unknown_story_is_one_line_error(corpus_db, capsys):
    assert main(["story", "99", "--db", corpus_db]) == 2
    assert "no story with id 99" in capsys.readouterr().err


def test_claims_filters(corpus_db, capsys):
    def outlets(*flags: str) -> list[str]:
        return [c["outlet"] for c in run_json(capsys, "claims", "--db", corpus_db, "--json", *flags)]

    assert outlets() == ["East Daily", "South Wire", "North Post"]
    assert outlets("--about", "mara voss") == ["East Daily"]
    assert outlets("--place", "TARVOS") == ["East Daily", "South Wire", "North Post"]
    assert outlets("--source-kind", "government") == ["North Post"]
    assert outlets("--since", "2024-03-02", "--until", "2024-03-02") == ["South Wire"]
    assert outlets("--search", "killed") == ["South Wire", "North Post"]
    assert outlets("--limit", "1") == ["East Daily"]


def test_outlets_profile(corpus_db, capsys):
    rows = {r["outlet"]: r for r in run_json(capsys, "outlets", "--db", corpus_db, "--json")}
    assert rows["North Post"]["official_share"] == 1.0 and rows["North Post"]["contradicted"] == 1
    assert rows["South Wire"]["named_share"] == 1.0 and rows["South Wire"]["contradicted"] == 1
    assert rows["East Daily"]["anonymous_share"] == 1.0 and rows["East Daily"]["contradicted"] == 0
    assert all(r["articles"] == 1 and r["claims"] == 1 for r in rows.values())


def test_errors_lists_skips(corpus_db, capsys):
    (skip,) = run_json(capsys, "errors", "--db", corpus_db, "--json")
    assert skip["path"] == "bad.json" and skip["reason"].startswith("invalid JSON")


def test_csv_and_table_output(corpus_db, capsys):
    assert main(["conflicts", "--db", corpus_db, "--csv"]) == 0
    (row,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["a_outlet"] == "North Post" and row["b_says"] == "nobody was killed in Tarvos"
    assert main(["claims", "--db", corpus_db]) == 0
    assert "Mara Voss" in capsys.readouterr().out


def test_queries_on_a_missing_store_fail_cleanly(tmp_path, capsys):
    assert main(["claims", "--db", str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("claimtrace: error:") and "Traceback" not in err


def test_bad_filter_values_fail_cleanly(corpus_db, capsys):
    assert main(["claims", "--db", corpus_db, "--since", "not a date"]) == 2
    assert main(["claims", "--db", corpus_db, "--search", '"open']) == 2
    assert capsys.readouterr().err.count("claimtrace: error:") == 2
