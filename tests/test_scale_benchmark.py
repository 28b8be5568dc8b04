"""benchmarks/scale.py: the corpora it synthesizes for linking cost are what its docstring says."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import numpy as np

from claimtrace.store import open_store
from claimtrace.store.records import Relation
from test_store import TEXT, make_analysis

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "scale.py"


def scale_benchmark():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("scale_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def linked_store(path: Path, count: int = 3) -> None:
    """``count`` analysed articles with claim and story vectors, linked into one story."""
    rng = np.random.default_rng(1)
    with open_store(path) as store:
        ids = []
        for i in range(count):
            vectors = [rng.normal(size=8).astype(np.float32) for _ in range(2)]
            stored = store.add_analysis(make_analysis(text=TEXT + " More." * i, published=f"2024-05-0{i + 1}"),
                                        f"h{i}", embeddings=vectors, article_embedding=np.ones(8, np.float32))
            ids.append(stored.id)
        store.set_stories(dict.fromkeys(ids, 1), {1: "Dorvik"})
        store.mark_linked(ids)


def test_synthesized_copies_move_dates_keep_names_and_perturb_vectors(tmp_path):
    benchmark = scale_benchmark()
    linked_store(tmp_path / "real.db")
    made = benchmark.synthesize(tmp_path / "real.db", tmp_path / "big.db", size=7, batch=2)
    assert made == {"articles": 7, "claims": 14, "copies": 2}
    db = sqlite3.connect(tmp_path / "big.db")
    published = [r[0] for r in db.execute("SELECT published FROM articles ORDER BY id")]
    assert published == ["2024-05-01", "2024-05-02", "2024-05-03", "2074-05-01", "2074-05-02", "2074-05-03",
                         "2124-05-01"]
    assert [r[0] for r in db.execute("SELECT linked FROM articles ORDER BY id")] == [1, 1, 1, 1, 1, 0, 0]
    stories = [r[0] for r in db.execute("SELECT story_id FROM articles ORDER BY id")]
    assert stories[:3] == [1, 1, 1] and stories[3:5] == [2, 2] and stories[5:] == [None, None]
    assert db.execute("SELECT COUNT(DISTINCT canonical) FROM entities").fetchone()[0] == 2  # the same names
    event_times = {r[0] for r in db.execute("SELECT event_time FROM claims WHERE event_time IS NOT NULL")}
    assert event_times == {"2024-05-02", "2074-05-02", "2124-05-02"}

    def vector(claim_id: int) -> np.ndarray:
        blob = db.execute("SELECT vector FROM claim_vectors WHERE claim_id = ?", (claim_id,)).fetchone()[0]
        return np.frombuffer(blob, dtype=np.float32)

    original, copy = vector(1), vector(7)  # the first claim of article 1 and of its first copy
    cosine = float(original @ copy / np.linalg.norm(original) / np.linalg.norm(copy))
    assert 0.8 < cosine < 0.999 and np.isclose(np.linalg.norm(copy), np.linalg.norm(original), rtol=1e-4)


def test_the_growth_exponent_is_the_log_log_slope():
    benchmark = scale_benchmark()
    assert benchmark.growth_exponent({1000: 1.0, 10_000: 10.0, 100_000: 100.0}) == 1.0
    assert benchmark.growth_exponent({1000: 2.0, 10_000: 200.0}) == 2.0
    assert benchmark.growth_exponent({1000: 2.0}) is None


def test_ratios_pair_runs_of_a_round_and_leave_out_a_run_that_stored_less():
    benchmark = scale_benchmark()

    def run(rate: float, articles: int = 150) -> dict:
        return {"articles_per_s": rate, "articles": articles}

    runs = {"processes_2": [run(1.0), run(2.0)], "dask_local_2": [run(0.9), run(1.9)],
            "dask_local_1": [run(0.5), run(1.0)], "postgres_processes_2": [run(1.0), run(0.5, articles=90)]}
    figures = benchmark.ingest_figures(runs, 150)
    assert figures["dask_ratio"] == 0.925  # median of 0.9 and 0.95, not 1.4 / 1.5
    assert figures["postgres_ratio"] == 1.0  # round 2 stored 90 of 150 articles: left out
    assert runs["postgres_processes_2"][1]["valid"] is False
    assert figures["articles_per_s"]["postgres_processes_2"] == 1.0


def test_dates_moved_into_a_year_without_29_february_stay_valid(tmp_path):
    benchmark = scale_benchmark()
    db = sqlite3.connect(":memory:")
    shift = benchmark._shift(":d")
    moved = [db.execute(f"SELECT {shift}", {"d": d, "years": 50}).fetchone()[0]
             for d in ("2016-02-29", "2016-02-28", "2016-02", None, "2000-02-29")]
    assert moved == ["2066-02-28", "2066-02-28", "2066-02", None, "2050-02-28"]
    assert db.execute(f"SELECT {shift}", {"d": "2016-02-29", "years": 48}).fetchone()[0] == "2064-02-29"


def test_a_grown_store_files_the_copies_under_moved_story_keys_and_indexes_them(tmp_path):
    from claimtrace.link.linker import INDEX_SETTING, prepare_link_indexes
    from claimtrace.link.vectors import INDEX_NAME, open_vector_index

    benchmark = scale_benchmark()
    db = tmp_path / "grown.db"
    linked_store(db)
    with open_store(db) as store:
        from claimtrace.link.embed import CLAIM_ENCODER_SETTING, claim_encoder_name

        store.set_setting(CLAIM_ENCODER_SETTING, claim_encoder_name())  # its 8-dimensional vectors are kept
        prepare_link_indexes(store)
    benchmark.grow(db, size=3, batch=1, real=3, first=True)
    with open_store(db) as store:
        prepare_link_indexes(store)
        assert store.unlinked_article_ids() == [3]
    made = benchmark.grow(db, size=5, batch=1, real=3, first=False)
    assert made == {"articles": 5, "claims": 10}
    connection = sqlite3.connect(db)
    keys = {k for (k,) in connection.execute("SELECT key FROM claim_keys WHERE claim_id > 6")}
    assert f"story:{1 + benchmark.STORY_STRIDE}" in keys and "story:1" not in keys
    assert "place:Dorvik (geo:1)" in keys  # names and places as the real claims'
    assert [r[0] for r in connection.execute("SELECT linked FROM articles ORDER BY id")] == [1, 1, 0, 1, 0]
    copied = dict(connection.execute("SELECT claim_id, vector FROM claim_vectors WHERE claim_id IN (1, 7)"))
    assert len(copied) == 2 and copied[1] != copied[7]  # the copy's vector is its own (perturbed)
    # claims of articles 1, 2 and 4 (3 was linked again at the first size: in a real run, link_corpus adds it)
    index = open_vector_index(db.with_name(f"{db.name}.{INDEX_NAME}"), None, 8)
    assert len(index) == 6
    setting = connection.execute("SELECT value FROM settings WHERE key = ?", (INDEX_SETTING,)).fetchone()[0]
    assert setting.endswith(f" {index.summary()[0]} {index.summary()[1]}")


def test_a_copy_moves_the_frame_time_of_its_link_form_with_its_dates():
    benchmark = scale_benchmark()
    form = '{"v":1,"entities":["Dorvik"],"frame":{"predicate":"strike","time":"2024-02-29","time_from":"text"}}'
    moved = benchmark.shifted_link_form(form, 50)
    assert moved == form.replace("2024-02-29", "2074-02-28")  # no 29 February in 2074
    assert benchmark.shifted_link_form(form, 0) == form
    unknown = '{"v":1,"entities":[],"frame":{"predicate":"statement","time_from":"unknown"}}'
    assert benchmark.shifted_link_form(unknown, 50) == unknown and benchmark.shifted_link_form(None, 50) is None


def test_grown_copies_store_link_forms_with_moved_frame_times(tmp_path):
    import json

    from claimtrace.link.linker import prepare_link_indexes

    benchmark = scale_benchmark()
    db = tmp_path / "grown.db"
    linked_store(db)
    with open_store(db) as store:
        from claimtrace.link.embed import CLAIM_ENCODER_SETTING, claim_encoder_name

        store.set_setting(CLAIM_ENCODER_SETTING, claim_encoder_name())
        prepare_link_indexes(store)
    assert benchmark.store_forms(db) == 12  # normalized and link forms of the 6 real claims
    benchmark.grow(db, size=3, batch=1, real=3, first=True)
    benchmark.grow(db, size=5, batch=1, real=3, first=False)
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT a.published, c.link_form FROM claims c JOIN articles a ON a.id = c.article_id"
                              " WHERE c.link_form IS NOT NULL ORDER BY c.id").fetchall()
    times = {(published[:4], (json.loads(form)["frame"].get("time") or "")[:4]) for published, form in rows}
    assert any(year.startswith("207") for year, _ in times)  # a copy was made
    assert all(not frame_year or frame_year == year for year, frame_year in times), times


def test_table_hashes_tell_stores_linked_alike_from_others(tmp_path):
    import shutil

    benchmark = scale_benchmark()
    linked_store(tmp_path / "a.db")
    with open_store(tmp_path / "a.db") as store:
        store.add_claim_keys([("entity:Dorvik", 1), ("story:1", 2)])
        store.add_relations([Relation(1, 3, "corroborates", "same figure", 0.8)])
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
    assert benchmark.table_hashes(tmp_path / "a.db") == benchmark.table_hashes(tmp_path / "b.db")
    with open_store(tmp_path / "b.db") as store:
        store.add_relations([Relation(1, 3, "corroborates", "same figure", 0.81)])
    changed = benchmark.table_hashes(tmp_path / "b.db")
    assert changed["relations"] != benchmark.table_hashes(tmp_path / "a.db")["relations"]
    assert changed["claim_keys"] == benchmark.table_hashes(tmp_path / "a.db")["claim_keys"]
