"""The stores, SQLite and PostgreSQL: schema and migrations, round trips, the linking interface.

Tests taking ``store`` or ``store_location`` run on both backends (PostgreSQL on the server in
``CLAIMTRACE_TEST_POSTGRES``, see conftest); the others test what only one backend has.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from claimtrace.errors import ClaimtraceError
from claimtrace.model import (
    Analysis,
    Article,
    Claim,
    DateMention,
    Entity,
    Place,
    Sentence,
    Source,
    Span,
)
from claimtrace.store import ClaimFilter, Store, open_store
from claimtrace.store.records import Relation
from claimtrace.store.sqlite import SCHEMA_VERSION, SQLiteStore

TEXT = "The ministry said 12 soldiers died in Dorvik. Anna Reyes denied the report on 2024-05-02."


def make_analysis(text: str = TEXT, outlet: str = "Daily Example", published: str = "2024-05-03") -> Analysis:
    """One article with two claims: a ministry's claim about Dorvik and a denial by Anna Reyes."""
    second = text.index("Anna")
    return Analysis(
        article=Article(text=text, title="Title", outlet=outlet, published=published, url="https://example.org/1",
                        language="en"),
        sentences=[Sentence(0, second - 1), Sentence(second, len(text))],
        entities=[Entity("Anna Reyes", second, second + 10, label="PER", canonical="Anna Reyes"),
                  Entity("Dorvik", text.index("Dorvik"), text.index("Dorvik") + 6, label="LOC", canonical="Dorvik")],
        places=[Place("Dorvik", text.index("Dorvik"), text.index("Dorvik") + 6, name="Dorvik", lat=1.0, lon=2.0,
                      id="geo:1")],
        dates=[DateMention("2024-05-02", text.index("2024"), text.index("2024") + 10, value="2024-05-02",
                           resolved=True)],
        claims=[
            Claim(content=Span("12 soldiers died in Dorvik", 18, 44), source=Source("The ministry", 0, 12,
                  kind="government"), form="indirect", sentence=0),
            Claim(content=Span("the report", text.index("the report"), text.index("the report") + 10),
                  source=Source("Anna Reyes", second, second + 10, kind="person", canonical="Anna Reyes"),
                  polarity="denies", sentence=1),
        ],
    )


@pytest.fixture
def store(store_location) -> Store:
    opened = open_store(store_location)
    yield opened
    opened.close()


def test_new_store_is_migrated_in_wal_mode(tmp_path):
    path = tmp_path / "new.db"
    with SQLiteStore(path) as store:
        assert isinstance(store, Store)
        assert store.schema_version() == SCHEMA_VERSION
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"articles", "claims", "entities", "places", "dates", "relations", "stories", "skips",
            "articles_fts", "claims_fts"} <= tables


def test_reopening_keeps_data_and_does_not_migrate_again(store_location):
    with open_store(store_location) as store:
        store.add_analysis(make_analysis(), "h1")
        assert isinstance(store, Store) and store.schema_version() == SCHEMA_VERSION
    with open_store(store_location) as store:
        assert store.counts()["articles"] == 1
        assert store.schema_version() == SCHEMA_VERSION


def test_a_version_1_store_is_migrated_keeping_its_data(tmp_path):
    from claimtrace.store.sqlite import MIGRATIONS

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    db.close()
    with SQLiteStore(path) as store:
        store.add_analysis(make_analysis(), "h1")
        assert store.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
        assert store.setting("claim_encoder") is None
        store.set_setting("claim_encoder", "static")
        store.set_setting("claim_encoder", "minilm")
    with SQLiteStore(path) as store:
        assert store.setting("claim_encoder") == "minilm"
        assert store.counts()["articles"] == 1


def test_clearing_embeddings_forgets_every_vector(store):
    store.add_analysis(make_analysis(), "h1")
    ids = [r.id for r in store.claim_records()]
    store.save_embeddings([(i, np.ones(384, dtype=np.float32)) for i in ids])
    assert store.has_embeddings()
    store.clear_embeddings()
    assert not store.has_embeddings()
    assert all(r.embedding is None for r in store.claim_records())


def test_store_from_a_newer_claimtrace_is_refused(tmp_path):
    path = tmp_path / "future.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(ClaimtraceError, match="newer"):
        SQLiteStore(path)


def test_a_file_that_is_not_a_database_is_one_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some notes, not a database " * 100)
    with pytest.raises(ClaimtraceError, match="not a claimtrace store"):
        SQLiteStore(path)


def test_queries_on_a_missing_store_say_so(tmp_path):
    with pytest.raises(ClaimtraceError, match="no store"):
        open_store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_queries_on_an_empty_postgres_database_say_so(postgres_location):
    with pytest.raises(ClaimtraceError, match="no store"):
        open_store(postgres_location, create=False)
    with open_store(postgres_location) as store:  # and nothing was half created on the way
        assert store.schema_version() == SCHEMA_VERSION


def test_a_postgres_store_from_a_newer_claimtrace_is_refused(postgres_location):
    with open_store(postgres_location) as store:
        store._db.execute("UPDATE claimtrace_schema SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(ClaimtraceError, match="newer"):
        open_store(postgres_location)


def test_an_unreachable_postgres_server_is_one_clear_error(tmp_path):
    url = f"postgresql://nobody:secret@/claimtrace?host={tmp_path}"
    with pytest.raises(ClaimtraceError, match="cannot connect to PostgreSQL") as error:
        open_store(url)
    assert "secret" not in str(error.value)


def test_other_url_schemes_are_refused():
    with pytest.raises(ClaimtraceError, match="no store backend for .mysql"):
        open_store("mysql://user@host/db")


def test_the_store_is_chosen_by_environment_when_not_given(monkeypatch, tmp_path):
    from claimtrace.store import DB_VARIABLE

    monkeypatch.setenv(DB_VARIABLE, str(tmp_path / "from-env.db"))
    with open_store() as store:
        store.add_skip("a.txt", "file is empty")
    assert (tmp_path / "from-env.db").is_file()


def test_analysis_round_trips_and_a_known_hash_adds_nothing(store):
    analysis = make_analysis()
    first = store.add_analysis(analysis, "h1", "a.txt")
    again = store.add_analysis(make_analysis(outlet="Other"), "h1", "b.txt")
    assert first.added and not again.added and again.id == first.id
    assert store.analysis(first.id) == analysis
    counts = store.counts()
    assert (counts["articles"], counts["claims"], counts["entities"], counts["places"], counts["dates"]) == (
        1, 2, 2, 1, 1)
    assert store.has_hash("h1") and not store.has_hash("h2")


def test_claim_records_carry_sentence_entities_places_and_event_time(store):
    article_id = store.add_analysis(make_analysis(), "h1").id
    ministry, denial = store.claim_records([article_id])
    assert ministry.claim.source.kind == "government"
    assert ministry.places == ["Dorvik (geo:1)"] and ministry.entities == ["Dorvik"]
    assert ministry.event_time is None and str(ministry.time) == "2024-05-03"
    assert denial.entities == ["Anna Reyes"] and denial.places == []
    assert denial.event_time == "2024-05-02"
    assert (denial.outlet, denial.url) == ("Daily Example", "https://example.org/1")
    assert denial.embedding is None


def test_embeddings_are_stored_as_float32(store):
    store.add_analysis(make_analysis(), "h1")
    claim_id = store.claim_records()[0].id
    store.save_embeddings([(claim_id, np.array([0.5, -0.25, 1.0], dtype=np.float64))])
    vector = store.claim_records()[0].embedding
    assert vector.dtype == np.float32
    assert vector.tolist() == [0.5, -0.25, 1.0]


def test_article_records_list_entities_and_places(store):
    article_id = store.add_analysis(make_analysis(), "h1").id
    (record,) = store.article_records()
    assert record.id == article_id
    assert record.entities == ["Dorvik", "Anna Reyes"] and record.places == ["Dorvik (geo:1)"]
    assert store.article_records([article_id + 100]) == []


def test_relations_are_unique_per_pair(store):
    store.add_analysis(make_analysis(), "h1")
    a, b = (r.id for r in store.claim_records())
    store.add_relations([Relation(a, b, "corroborates", "same numbers", 0.5)])
    store.add_relations([Relation(a, b, "contradicts", "polarity flip", 0.9)])
    assert store.counts()["relations"] == 1
    (conflict,) = store.conflicts()
    assert conflict["reason"] == "polarity flip"


def test_stories_get_labels_dates_and_empty_ones_go(store):
    one = store.add_analysis(make_analysis(published="2024-05-01"), "h1").id
    two = store.add_analysis(make_analysis(text=TEXT + " More.", published="2024-05-09"), "h2").id
    store.set_stories({one: 7, two: 7}, {7: "Dorvik"})
    (story,) = store.stories()
    assert (story["id"], story["label"], story["first_date"], story["last_date"]) == (7, "Dorvik", "2024-05-01",
                                                                                     "2024-05-09")
    store.set_stories({one: 8, two: 8}, {8: "Dorvik again"})
    assert [s["id"] for s in store.stories()] == [8]
    assert {r.story_id for r in store.article_records()} == {8}


def test_linked_flags(store):
    one = store.add_analysis(make_analysis(), "h1").id
    two = store.add_analysis(make_analysis(text=TEXT + " More."), "h2").id
    assert store.unlinked_article_ids() == [one, two]
    store.mark_linked([one])
    assert store.unlinked_article_ids() == [two]


def test_a_failed_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.add_analysis(make_analysis(), "h1")
        raise RuntimeError("killed halfway")
    assert store.counts()["articles"] == 0 and store.counts()["claims"] == 0


def test_skips_are_kept_once_per_path_and_reason(store):
    store.add_skip("a.txt", "file is empty")
    store.add_skip("a.txt", "file is empty")
    store.add_skip("b.txt", "invalid JSON")
    assert sorted((s["path"], s["reason"]) for s in store.skips()) == [("a.txt", "file is empty"),
                                                                        ("b.txt", "invalid JSON")]


def test_full_text_search_and_filters(store):
    store.add_analysis(make_analysis(), "h1")
    assert [c["source_kind"] for c in store.find_claims(ClaimFilter(search="soldiers"))] == ["government"]
    assert [c["source"] for c in store.find_claims(ClaimFilter(source_kind="person"))] == ["Anna Reyes"]
    assert len(store.find_claims(ClaimFilter(place="dorvik"))) == 1
    assert len(store.find_claims(ClaimFilter(about="DORVIK"))) == 1
    assert [c["time"] for c in store.find_claims(ClaimFilter(until="2024-05-02"))] == ["2024-05-02"]
    assert store.find_claims(ClaimFilter(since="2024-06-01")) == []
    assert [c["source"] for c in store.find_claims(ClaimFilter(search="report OR soldiers"))] in (
        ["Anna Reyes", "The ministry"], ["The ministry", "Anna Reyes"])


def test_a_bad_fts5_query_is_one_clear_error(tmp_path):
    with open_store(tmp_path / "s.db") as store, pytest.raises(ClaimtraceError, match="search"):
        store.find_claims(ClaimFilter(search='"unbalanced'))


def test_claim_vectors_can_be_stored_with_the_analysis(store):
    vectors = [np.ones(4, dtype=np.float32), np.zeros(4, dtype=np.float32)]
    store.add_analysis(make_analysis(), "h1", embeddings=vectors)
    store.add_analysis(make_analysis(text=TEXT + " More."), "h2", embeddings=vectors[:1])
    stored = [r.embedding for r in store.claim_records()]
    assert [v.tolist() for v in stored[:2]] == [[1.0] * 4, [0.0] * 4]
    assert stored[2:] == [None, None]


def test_claims_round_trip_through_to_dict_and_from_dict():
    import json

    from claimtrace.model import Cue, from_dict, to_dict

    full = Claim(content=Span("x", 1, 2), source=Source("S", 0, 1, kind="person", canonical="Sam"),
                 cue=Cue("said", 3, 7, lemma="say"), form="direct", certainty="hedged", polarity="denies",
                 recipient=Span("r", 8, 9), sentence=4)
    for claim in (full, Claim(content=Span("y", 0, 1))):
        text = json.dumps(to_dict(claim))
        assert from_dict(Claim, json.loads(text)) == claim


def test_a_postgres_sidecar_travels_with_the_database(postgres_location, tmp_path, monkeypatch):
    from claimtrace.geo.index import CACHE_ENV
    from claimtrace.store import postgres

    monkeypatch.setattr(postgres, "_SIDECAR_PART", 4)  # files of several parts
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "machine-a"))
    with open_store(postgres_location) as store:
        path = store.sidecar("claims.faiss")
        assert not path.exists()
        path.write_bytes(b"index v1")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "machine-b"))  # another machine: fetched from the database
    with open_store(postgres_location) as store:
        path = store.sidecar("claims.faiss")
        assert path.read_bytes() == b"index v1" and str(tmp_path / "machine-b") in str(path)
        path.write_bytes(b"index v2, longer")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "machine-a"))  # its own copy is stale now: replaced
    with open_store(postgres_location) as store:
        assert store.sidecar("claims.faiss").read_bytes() == b"index v2, longer"
        assert store.sidecar("other") != store.sidecar("claims.faiss")


def test_a_sqlite_sidecar_lies_beside_the_file(tmp_path):
    with open_store(tmp_path / "c.db") as store:
        assert store.sidecar("claims.faiss") == tmp_path / "c.db.claims.faiss"
