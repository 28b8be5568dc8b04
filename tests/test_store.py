"""The stores, SQLite and PostgreSQL: schema and migrations, round trips, the linking interface.

Tests taking ``store`` or ``store_location`` run on both backends (PostgreSQL on the server in
``CLAIMTRACE_TEST_POSTGRES``, see conftest); the others test what only one backend has.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import numpy as np
import pytest

from claimtrace.errors import ClaimtraceError
from claimtrace.model import (
    Analysis,
    Article,
    Claim,
    DateMention,
    Entity,
    Event,
    Frame,
    Place,
    Sentence,
    Source,
    Span,
)
from claimtrace.store import ArticleFilter, ClaimFilter, ConflictFilter, Store, open_store
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


def test_a_version_4_store_gets_the_normalized_column_and_keeps_its_claims(tmp_path):
    path = tmp_path / "v4.db"
    with SQLiteStore(path) as store:
        store.add_analysis(make_analysis(), "h1")
    db = sqlite3.connect(path)
    db.executescript(f"{UNDO_V7}"
                     " ALTER TABLE claims DROP COLUMN link_form; ALTER TABLE claims DROP COLUMN normalized;"
                     " PRAGMA user_version = 4;")
    db.close()
    with SQLiteStore(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 8
        records = store.claim_records()
        assert len(records) == 2 and all(r.normalized is None for r in records)
        store.save_normalized([(records[0].id, "{}")])
        assert store.claim_records()[0].normalized == "{}"


UNDO_V8 = ("DROP INDEX articles_linking; DROP INDEX articles_published; DROP INDEX articles_story;"
           " CREATE INDEX articles_published ON articles(published); CREATE INDEX articles_story ON articles(story_id);")
UNDO_V7 = UNDO_V8 + ("DROP TABLE claim_vectors; ALTER TABLE claims ADD COLUMN embedding BLOB; DROP TABLE claim_key_counts;"
           " DROP TRIGGER claim_keys_counted_insert; DROP TRIGGER claim_keys_counted_delete;")


def _version_6_store(location: str) -> Any:
    """A store at schema version 6 (claim vectors in the claim rows) at ``location``, made by its own
    migrations, and a function running SQL with ``?`` parameters in it (committed)."""
    if location.startswith("postgresql://"):
        import psycopg

        from claimtrace.store.postgres import MIGRATIONS as STEPS

        connection = psycopg.connect(location, autocommit=True)
        connection.execute("CREATE TABLE claimtrace_schema (version INTEGER NOT NULL)")
        for step in STEPS[:6]:
            connection.execute(step)
        connection.execute("INSERT INTO claimtrace_schema (version) VALUES (6)")
        return lambda sql, params=(): connection.execute(sql.replace("?", "%s"), params)
    from claimtrace.store.sqlite import MIGRATIONS as STEPS

    connection = sqlite3.connect(location, isolation_level=None)
    connection.executescript("\n".join(STEPS[:6]) + "\nPRAGMA user_version = 6;")
    return lambda sql, params=(): connection.execute(sql, params)


def test_a_version_6_store_moves_its_claim_vectors_to_their_own_table(store_location):
    run = _version_6_store(store_location)
    vectors = [np.arange(4, dtype=np.float32) + i for i in range(3)]
    for article in (1, 2):
        run("INSERT INTO articles (id, content_hash, text, analysis, added_at, linked) VALUES (?, ?, 'x', '{}', 'now', 1)",
            (article, f"h{article}"))
    for claim, (article, vector) in enumerate(zip((1, 1, 2, 2), [*vectors, None], strict=True), start=1):
        run("INSERT INTO claims (id, article_id, position, form, certainty, polarity, content, content_start,"
            " content_end, sentence, sentence_start, sentence_end, claim, normalized, link_form, embedding)"
            " VALUES (?, ?, ?, 'indirect', 'asserted', 'affirms', 'c', 0, 1, 0, 0, 1, '{}', 'n', 'l', ?)",
            (claim, article, claim, None if vector is None else vector.tobytes()))
    run("INSERT INTO claim_keys (key, claim_id) VALUES ('entity:Dorvik', 3), ('entity:Dorvik', 4), ('story:1', 4)")
    with open_store(store_location) as store:
        assert store.schema_version() == SCHEMA_VERSION == 8
        claims, articles, matrix = store.claim_vector_matrix([1, 2, 3, 4])
        assert claims.tolist() == [1, 2, 3, 4] and articles.tolist() == [1, 1, 2, 2]
        assert matrix[:3].tolist() == [v.tolist() for v in vectors] and np.isnan(matrix[3]).all()
        assert store.claim_key_blocks(["entity:Dorvik", "story:1"], 1) == {"entity:Dorvik": (2, [4]),
                                                                           "story:1": (1, [4])}
        store.add_claim_keys([("story:1", 3)])
        assert store.claim_key_blocks(["story:1"], 5) == {"story:1": (2, [3, 4])}
        store.save_embeddings([(4, np.ones(4))])
        assert store.claim_vector_matrix([4])[2].tolist() == [[1.0] * 4]
    cursor = run("SELECT * FROM claims ORDER BY id")
    rows = [dict(zip((c[0] for c in cursor.description), row, strict=True)) for row in cursor.fetchall()]
    assert "embedding" not in rows[0] and [(r["article_id"], r["normalized"], r["link_form"]) for r in rows] == [
        (1, "n", "l"), (1, "n", "l"), (2, "n", "l"), (2, "n", "l")]


def test_claim_vectors_go_with_their_claims(store):
    one = store.add_analysis(make_analysis(), "h1", embeddings=[np.ones(4), np.zeros(4)]).id
    store.add_analysis(make_analysis(text=TEXT + " More."), "h2", embeddings=[np.ones(4), np.ones(4)])
    with store.transaction():
        store._db.execute("DELETE FROM articles WHERE id = ?", (one,))
    assert len(store.claim_vector_matrix([r.id for r in store.claim_records()])[0]) == 2
    assert store._db.execute("SELECT COUNT(*) FROM claim_vectors").fetchone()[0] == 2


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


def test_normalized_forms_are_stored_and_read_with_the_claims(store):
    store.add_analysis(make_analysis(), "h1")
    a, b = store.claim_records()
    assert a.normalized is None and b.normalized is None  # not linked yet: computed when read
    store.save_normalized([(b.id, '{"predicate":"deny"}')])
    assert [r.normalized for r in store.claim_records()] == [None, '{"predicate":"deny"}']
    assert [r.normalized for r in store.claim_records(claim_ids=[b.id])] == ['{"predicate":"deny"}']


def test_linked_claim_records_read_the_link_form_and_decode_the_claim_only_when_read(store):
    from claimtrace.store.records import encode_link_form

    store.add_analysis(make_analysis(), "h1")
    ministry, denial = store.claim_records()
    store.save_link_forms([(denial.id, encode_link_form(denial))])
    plain, compact = store.linked_claim_records([ministry.id, denial.id])
    assert plain.link_form is None and plain.claim.source.kind == "government"  # no link form: read in full
    assert "claim" not in compact.__dict__  # not decoded yet
    assert (compact.entities, compact.places, compact.event_time, compact.outlet, compact.url) == (
        ["Anna Reyes"], [], "2024-05-02", "Daily Example", "https://example.org/1")
    assert compact.frame == denial.frame and compact.polarity == denial.claim.polarity == "denies"
    assert compact.certainty == denial.claim.certainty
    assert compact.published == denial.published and compact.embedding is None
    assert "claim" not in compact.__dict__  # frame, polarity and certainty came from the link form
    assert compact.claim == denial.claim and compact.claim.frame is compact.frame


def test_linked_claims_with_the_same_stored_texts_share_one_stored_form(store):
    from claimtrace.link.matching import encode_text_form
    from claimtrace.store.records import encode_link_form

    store.add_analysis(make_analysis(), "h1")
    store.add_analysis(make_analysis(outlet="Evening Example"), "h2")  # the same report republished
    records = store.claim_records()
    store.save_link_forms([(r.id, encode_link_form(r)) for r in records])
    store.save_normalized([(r.id, encode_text_form(r.claim.content.text)) for r in records])
    first, second, first_copy, second_copy = store.linked_claim_records([r.id for r in records])
    assert first.stored is first_copy.stored and second.stored is second_copy.stored
    assert first.stored is not second.stored
    assert (first.outlet, first_copy.outlet) == ("Daily Example", "Evening Example")  # each claim's own columns
    assert first_copy.claim == first.claim and first_copy.frame == first.frame
    assert first.claim is not first_copy.claim  # decoded per claim: what is shared is only read
    again = store.linked_claim_records([first.id])[0]
    assert again.stored is not first.stored  # another read makes its own forms


def test_a_version_5_store_gets_the_link_form_column(tmp_path):
    path = tmp_path / "v5.db"
    with SQLiteStore(path) as store:
        store.add_analysis(make_analysis(), "h1")
    db = sqlite3.connect(path)
    db.executescript(f"{UNDO_V7}"
                     " ALTER TABLE claims DROP COLUMN link_form; PRAGMA user_version = 5;")
    db.close()
    with SQLiteStore(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        records = store.linked_claim_records([1, 2])
        assert [r.link_form for r in records] == [None, None] and records[0].claim.source.kind == "government"


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


def test_a_run_redates_only_the_stories_its_articles_join_and_leave(store):
    one = store.add_analysis(make_analysis(published="2024-05-01"), "h1").id
    two = store.add_analysis(make_analysis(text=TEXT + " More.", published="2024-05-09"), "h2").id
    three = store.add_analysis(make_analysis(text=TEXT + " Other.", published="2024-06-02"), "h3").id
    store.set_stories({one: 1, two: 1, three: 3}, {1: "Dorvik", 3: "Tarvos"})
    with store.transaction():  # a story no article of the next run touches keeps what it has
        store._db.execute("UPDATE stories SET last_date = '1999-01-01' WHERE id = 3")
    store.set_stories({two: 2}, {})
    dates = {s["id"]: (s["first_date"], s["last_date"]) for s in store.stories()}
    assert dates == {1: ("2024-05-01", "2024-05-01"), 2: ("2024-05-09", "2024-05-09"), 3: ("2024-06-02", "1999-01-01")}
    store.set_stories({one: 2}, {})
    assert sorted(s["id"] for s in store.stories()) == [2, 3]  # story 1, left empty, is gone
    assert store.article_stories([one, two, three]) == {one: 2, two: 2, three: 3}


def test_a_version_7_store_gets_the_article_indexes_linking_reads(tmp_path):
    path = tmp_path / "v7.db"
    with SQLiteStore(path) as store:
        article = store.add_analysis(make_analysis(published="2024-05-01"), "h1").id
        store.set_stories({article: 4}, {4: "Dorvik"})
    db = sqlite3.connect(path)
    db.executescript(f"{UNDO_V8} PRAGMA user_version = 7;")
    db.close()
    with SQLiteStore(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 8
        assert store.article_stories([article]) == {article: 4}
        assert store.recent_article_ids(5) == [article]
        (record,) = store.linked_claim_records([store.claim_records()[0].id])
        assert record.claim.source.kind == "government"
        plan = store._db.execute(f"EXPLAIN QUERY PLAN SELECT id, story_id FROM articles{store.ARTICLE_LINKING}"
                                 " WHERE id IN (1, 2)").fetchall()
        assert "COVERING INDEX articles_linking" in " ".join(row[-1] for row in plan)


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


def test_the_change_stamp_changes_with_every_write_and_only_then(store_location):
    with open_store(store_location) as store:
        store.add_skip("a.txt", "file is empty")
        first = store.change_stamp()
        assert first is not None
        store.counts(), store.stories(), store.find_claims(ClaimFilter())
        assert store.change_stamp() == first
        with open_store(store_location, readonly=True) as reader:
            assert reader.change_stamp() == first
            article_id = store.add_analysis(make_analysis(), "h1").id
            second = reader.change_stamp()  # another connection sees the write
            assert second not in (None, first)
            store.add_analysis(make_analysis(), "h1")  # a known hash: no write, but a committed transaction
            store.mark_linked([article_id])
            assert reader.change_stamp() != second
        before = store.change_stamp()
        with pytest.raises(RuntimeError), store.transaction():
            store.add_skip("b.txt", "invalid JSON")
            raise RuntimeError("rolled back")
        assert store.change_stamp() == before  # nothing committed, nothing changed
    with open_store(store_location) as again:  # opening (and checking the schema) writes nothing
        assert again.change_stamp() == before


def test_a_story_timeline_pages_its_claims_and_hangs_relations_on_the_later(store):
    ids = [store.add_analysis(make_analysis(text=TEXT + " " * i, published=f"2024-05-0{i + 3}"), f"h{i}").id
           for i in range(3)]
    outside = store.add_analysis(make_analysis(text=TEXT + " (other story)", published="2024-06-01"), "h9").id
    claims = [c["id"] for c in store.find_claims(ClaimFilter(limit=None, order="published"))]
    by_article = {a: sorted(c["id"] for c in store.find_claims(ClaimFilter(article_id=a))) for a in ids + [outside]}
    store.set_stories({ids[0]: 5, ids[1]: 5, ids[2]: 5, outside: 6}, {5: "Dorvik", 6: "Other"})
    early, late, other = by_article[ids[0]][1], by_article[ids[2]][0], by_article[outside][0]
    store.add_relations([Relation(late, early, "contradicts", "flip", 0.9),  # stored later-first
                         Relation(early, other, "corroborates", "same", 0.5)])
    whole = store.story_timeline(5)
    assert whole["articles"] == 3 and whole["total_claims"] == 6 == len(whole["claims"]) and len(claims) == 8
    times = [c["time"] for c in whole["claims"]]
    assert times == sorted(times)
    pages = [store.story_timeline(5, limit=2, offset=o) for o in (0, 2, 4)]
    assert [c["id"] for p in pages for c in p["claims"]] == [c["id"] for c in whole["claims"]]
    assert all(p["total_claims"] == 6 for p in pages)
    hung = {c["id"]: [(r["relation"], r["claim"]) for r in c["relations"]] for p in pages for c in p["claims"]}
    assert hung == {c["id"]: [(r["relation"], r["claim"]) for r in c["relations"]] for c in whole["claims"]}
    assert hung[late] == [("contradicts", early)]
    assert hung[early] == [("corroborates", other)]  # a claim of another story hangs on this story's claim


def test_event_places_for_the_map(store):
    analysis = make_analysis()
    dorvik = analysis.places[0]
    analysis.events = [
        Event("ASSAULT", Span("died", 30, 34), places=[dorvik], claim=0),
        Event("ASSAULT", Span("died", 30, 34), places=[dorvik], negated=True),
        Event("PROTEST", Span("denied", 57, 63), places=[Place("Nowhere", 0, 3, name="Nowhere")], claim=1),
    ]
    store.add_analysis(analysis, "h1")
    later = make_analysis(text=TEXT + " More.", published="2024-07-01")
    later.events = [Event("AID", Span("died", 30, 34), places=[later.places[0]])]
    store.add_analysis(later, "h2")
    (place,) = store.map_events()  # the unlocated place and the negated event left out
    assert (place["name"], place["place_id"], place["lat"], place["events"], place["articles"]) == (
        "Dorvik", "geo:1", 1.0, 2, 2)
    assert (place["first_date"], place["last_date"]) == ("2024-05-03", "2024-07-01")
    assert place["categories"] == [{"category": "AID", "events": 1}, {"category": "ASSAULT", "events": 1}]
    (may,) = store.map_events(until="2024-05-31")
    assert may["events"] == 1 and may["categories"] == [{"category": "ASSAULT", "events": 1}]
    assert store.map_events(since="2024-08-01") == []
    assert [p["name"] for p in store.map_places()] == ["Dorvik"]


def test_article_search_with_snippets_and_filters(store):
    store.add_analysis(make_analysis(), "h1")
    bridge = "The mayor said the bridge over the river reopened."
    store.add_analysis(Analysis(article=Article(text=bridge, title="Bridge", outlet="Other", published="2024-05-04"),
                                sentences=[Sentence(0, len(bridge))]), "h2")
    (hit,) = store.find_articles(ArticleFilter(search='"soldiers"'))
    assert hit["outlet"] == "Daily Example" and hit["claims"] == 2
    assert "\x02soldiers\x03" in hit["snippet"]
    assert store.find_articles(ArticleFilter(search='"bridge" "soldiers"')) == []
    assert [a["outlet"] for a in store.find_articles(ArticleFilter(search='"said"', source_kind="government"))] == [
        "Daily Example"]
    assert [a["outlet"] for a in store.find_articles(ArticleFilter(search='"said"', outlet="Other"))] == ["Other"]
    assert len(store.find_articles(ArticleFilter(search='"said"', limit=1, offset=1))) == 1
    assert [a["outlet"] for a in store.find_articles(ArticleFilter(source_kind="person"))] == ["Daily Example"]
    with pytest.raises(ClaimtraceError, match="search"):
        store.find_articles(ArticleFilter(search='"unbalanced'))


def test_the_relation_index_pages_like_relations(store):
    ids = [store.add_analysis(make_analysis(text=TEXT + " " * i, outlet=f"Outlet {i % 2}",
                                            published=f"2024-05-0{i + 1}"), f"h{i}").id for i in range(4)]
    claims = {a: [c["id"] for c in store.find_claims(ClaimFilter(article_id=a))] for a in ids}
    first = [claims[a][0] for a in ids]
    store.add_relations([Relation(first[0], first[1], "contradicts", "one", 0.9),
                         Relation(first[2], first[3], "contradicts", "two", 0.8),
                         Relation(first[0], first[3], "corroborates", "three", 0.7),
                         Relation(first[1], first[2], "contradicts", "four", 0.6)])
    index = store.relation_index("contradicts")
    assert [(a, b, newest[:10]) for a, b, newest, _, _ in index] == [
        (first[2], first[3], "2024-05-04"), (first[1], first[2], "2024-05-03"), (first[0], first[1], "2024-05-02")]
    assert index[0][3:] == ("Outlet 0", "Outlet 1")
    assert len(store.relation_index()) == 4
    in_order = store.conflicts()
    assert [(r["a"]["claim_id"], r["b"]["claim_id"]) for r in in_order] == [(a, b) for a, b, *_ in index]
    pairs = [(a, b) for a, b, *_ in index][1:] + [(first[3], first[0])]  # not related that way round
    assert store.relations_of_pairs(pairs) == in_order[1:]
    assert [r["reason"] for r in store.conflicts(filters=ConflictFilter(since="2024-05-03", limit=1, offset=1))] == [
        "four"]
    assert store.relations_of_pairs([]) == []


def test_claim_keys_give_block_sizes_and_the_most_recent_claims(store):
    store.add_analysis(make_analysis(), "h1")
    store.add_analysis(make_analysis(text=TEXT + " More."), "h2")
    a, b, c, d = (r.id for r in store.claim_records())
    store.add_claim_keys([("entity:Dorvik", a), ("entity:Dorvik", c), ("entity:Dorvik", d), ("story:1", b)])
    store.add_claim_keys([("entity:Dorvik", a)])  # filed twice: kept once
    blocks = store.claim_key_blocks(["entity:Dorvik", "story:1", "place:nowhere"], 2)
    assert blocks == {"entity:Dorvik": (3, [c, d]), "story:1": (1, [b])}
    with store.transaction():  # a cascade from a deleted article (claims c and d) counts too
        store._db.execute("DELETE FROM articles WHERE id = (SELECT article_id FROM claims WHERE id = ?)", (d,))
    assert store.claim_key_blocks(["entity:Dorvik", "story:1"], 2) == {"entity:Dorvik": (1, [a]),
                                                                       "story:1": (1, [b])}
    store.clear_claim_keys()
    assert store.claim_key_blocks(["entity:Dorvik"], 2) == {}
    store.add_claim_keys([("entity:Dorvik", b)])  # counted again after a clear
    assert store.claim_key_blocks(["entity:Dorvik"], 2) == {"entity:Dorvik": (1, [b])}


def test_claim_records_by_id_and_articles_by_date_window(store):
    one = store.add_analysis(make_analysis(published="2024-05-01"), "h1").id
    two = store.add_analysis(make_analysis(text=TEXT + " More.", published="2024-06"), "h2").id
    three = store.add_analysis(make_analysis(text=TEXT + " Again.", published=None), "h3").id
    ids = [r.id for r in store.claim_records()]
    assert [r.id for r in store.claim_records(claim_ids=[ids[3], ids[0]])] == [ids[0], ids[3]]
    store.save_embeddings([(ids[3], np.ones(4))])
    claims, articles, vectors = store.claim_vector_matrix([ids[3], ids[2], ids[3]])
    assert claims.tolist() == [ids[2], ids[3]] and articles.tolist() == [two, two]
    assert np.isnan(vectors[0]).all() and vectors[1].tolist() == [1.0] * 4 and vectors.dtype == np.float32
    store.save_embeddings([(ids[2], np.full(4, 0.5))])
    assert store.claim_vector_matrix([ids[2], ids[3]])[2].tolist() == [[0.5] * 4, [1.0] * 4]
    assert [len(part) for part in store.claim_vector_matrix([])] == [0, 0, 0]
    assert store.articles_published_between([("2024-04-25", "2024-06-02")]) == []  # not in a story yet
    store.set_stories({one: 1, two: 2, three: 3}, {})
    assert store.articles_published_between([("2024-04-25", "2024-05-02")]) == [one]
    assert store.articles_published_between([("2024-05-31", "2024-06-02"), ("2024-04-30", "2024-05-01")]) == [two]
    assert store.recent_article_ids(2) == [three, two]
    assert store.recent_article_ids(5, undated=True) == [three]
    assert store.article_stories([one, three]) == {one: 1, three: 3}
    assert store.max_story_id() == 3
    store.mark_linked([two])
    assert store.linked_article_ids() == [two]


def test_claims_completed_by_linking_are_stored_again(store):
    store.add_analysis(make_analysis(), "h1")
    first, second = store.claim_records()[:2]
    completed = first.claim
    completed.polarity = "denies"
    completed.frame = Frame(predicate="responsibility", polarity="denies", agent="Dorvik")
    store.save_claims([(first.id, completed)])
    again = {r.id: r for r in store.claim_records()}
    assert again[first.id].claim.polarity == "denies"
    assert (again[first.id].frame.predicate, again[first.id].frame.agent) == ("responsibility", "Dorvik")
    assert again[second.id].claim == second.claim  # the others untouched
    rows = {c["id"]: c for c in store.find_claims(ClaimFilter(limit=None))}
    assert rows[first.id]["polarity"] == "denies"  # the column the queries read follows the claim


def test_adding_a_known_article_again_leaves_the_change_stamp(store):
    store.add_analysis(make_analysis(), "h1")
    before = store.change_stamp()
    assert store.add_analysis(make_analysis(), "h1").added is False
    assert store.change_stamp() == before  # nothing written: the web caches stay valid
