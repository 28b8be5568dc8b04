"""The ingest runner: discovery, metadata, deduplication, bad input, linking, kill and resume."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from claimtrace.cli import main
from claimtrace.errors import InputError
from claimtrace.ingest import IngestOptions, content_hash, ingest, run_linking
from claimtrace.readers.discovery import discover_files, iter_records
from claimtrace.store import open_store

TOWNS = ("Velmora", "Kastrel", "Orvane", "Dunmere", "Halvik", "Brennick")
PEOPLE = ("Ilse Marrow", "Tomas Keld", "Nadia Ferro", "Piet Lorne", "Sana Okafor", "Rui Bastos")


def story(i: int) -> str:
    """A short, self-written conflict report, different for every ``i``."""
    town, person = TOWNS[i % len(TOWNS)], PEOPLE[(i * 5) % len(PEOPLE)]
    return (
        f"Report {i} from {town}\n"
        f"The regional governor said {i + 3} buildings were damaged in {town} on Tuesday. "
        f"{person}, a spokesperson for the relief agency, told reporters that {i * 2 + 7} families had left "
        f"the area. Officials denied that the bridge near {town} had been closed, but witnesses said "
        f"trucks were turned back at checkpoint {i}.\n"
    )


def write_stories(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"report-{i:03d}.txt"
        path.write_text(story(i), encoding="utf-8")
        paths.append(path)
    return paths


FRENCH = (
    "Rapport\nLe gouverneur régional a déclaré mardi que plusieurs bâtiments avaient été endommagés dans la "
    "ville, et que les familles avaient quitté la zone pendant la nuit.\n"
)


def write_bad_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03 not text \x00\xff" * 20)
    (folder / "broken.json").write_text('{"text": "The governor said ', encoding="utf-8")
    (folder / "nocolumn.csv").write_text("headline,body\nA,B\n", encoding="utf-8")
    (folder / "french.txt").write_text(FRENCH, encoding="utf-8")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    good = json.dumps({"text": story(90).split("\n", 1)[1], "outlet": "Wire"})
    (folder / "mixed.jsonl").write_text(f"{good}\n{{not json\n", encoding="utf-8")


@pytest.fixture(scope="session")
def pipeline(full_nlp):
    """The pipeline, loaded once for every in-process ingest of the session."""
    return full_nlp


def quiet(jobs: int = 1, link: bool = False, **kwargs) -> IngestOptions:
    return IngestOptions(jobs=jobs, link=link, **kwargs)


def test_content_hash_ignores_case_punctuation_and_spacing():
    assert content_hash("The army said: 20 were killed.") == content_hash("the ARMY said 20 were\n killed")
    assert content_hash("The army said 20 were killed.") != content_hash("The army said 21 were killed.")


def test_discovery_is_recursive_sorted_and_leaves_out_hidden_and_sidecar_files(tmp_path):
    write_stories(tmp_path / "b", 1)
    write_stories(tmp_path / "a" / "deep", 1, start=5)
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "a" / "deep" / "report-005.txt.meta.json").write_text("{}")
    (tmp_path / "b" / "metadata.csv").write_text("file,outlet\n")
    found = [p.relative_to(tmp_path).as_posix() for p in discover_files([tmp_path])]
    assert found == ["a/deep/report-005.txt", "b/report-000.txt"]
    with pytest.raises(InputError, match="no such file"):
        list(discover_files([tmp_path / "missing"]))


def test_metadata_from_sidecar_files_and_flags(tmp_path):
    one, two, three = write_stories(tmp_path, 3)
    (tmp_path / f"{one.name}.meta.json").write_text(json.dumps({"outlet": "Side Car", "published": "5 March 2024"}))
    (tmp_path / "metadata.csv").write_text(f"file,outlet,url\n{two.name},Table Times,https://t.example/2\n")
    [(_, first)] = iter_records(one)
    [(_, second)] = iter_records(two)
    [(_, third)] = iter_records(three, overrides={"outlet": "Flag", "published": "2024-01-02"})
    assert (first.outlet, str(first.published), first.title) == ("Side Car", "2024-03-05", "Report 0 from Velmora")
    assert (second.outlet, second.url) == ("Table Times", "https://t.example/2")
    assert (third.outlet, str(third.published)) == ("Flag", "2024-01-02")
    [(_, flagged)] = iter_records(one, overrides={"outlet": "Flag"})
    assert flagged.outlet == "Flag" and str(flagged.published) == "2024-03-05"


def test_csv_column_mapping_gzip_and_bad_records_do_not_stop_a_file(tmp_path):
    path = tmp_path / "feed.csv.gz"
    rows = "headline,body,site\nFirst,The governor said the road was open.,North\nSecond,,South\n"
    path.write_bytes(gzip.compress(rows.encode()))
    records = list(iter_records(path, columns={"text": "body", "title": "headline", "outlet": "site"}))
    (where1, good), (where2, bad) = records
    assert (good.title, good.outlet, good.text) == ("First", "North", "The governor said the road was open.")
    assert where2.endswith(":3") and isinstance(bad, InputError) and "text" in str(bad)
    [(where, error)] = iter_records(path)
    assert where == str(path) and "no 'text' column" in str(error)


def test_ingest_stores_articles_and_reingest_adds_nothing(tmp_path, pipeline):
    folder = tmp_path / "news"
    write_stories(folder, 4)
    (folder / "copy.txt").write_text(story(2).upper().replace(",", " ,"), encoding="utf-8")
    with open_store(tmp_path / "c.db") as store:
        first = ingest([folder], store, quiet(link=True))
        counts = store.counts()
        again = ingest([folder], store, quiet())
        assert store.counts() == counts
        # the story vector of each article and the claim encoder are stored with the corpus
        assert all(a.embedding is not None for a in store.article_records())
        assert store.setting("claim_encoder") == "static"
    assert (first.added, first.duplicates, first.skipped) == (4, 1, 0)
    assert (again.added, again.duplicates, again.skipped) == (0, 5, 0)
    assert counts["articles"] == 4


def test_bad_files_are_skipped_with_reasons_and_nothing_stored_is_lost(tmp_path, pipeline):
    write_stories(tmp_path / "good", 2)
    write_bad_files(tmp_path / "bad")
    with open_store(tmp_path / "c.db") as store:
        ingest([tmp_path / "good"], store, quiet())
        before = store.analysis(1)
        summary = ingest([tmp_path / "bad"], store, quiet())
        reasons = {Path(s["path"]).name: s["reason"] for s in store.skips()}
        assert store.counts()["articles"] == 3
        assert store.analysis(1) == before
    assert (summary.added, summary.skipped) == (1, 7)
    assert reasons["empty.txt"] == "file is empty"
    assert "binary" in reasons["binary.txt"]
    assert reasons["broken.json"].startswith("invalid JSON")
    assert "no 'text' column" in reasons["nocolumn.csv"]
    assert "not English" in reasons["french.txt"]
    assert "unsupported file type" in reasons["picture.png"]
    assert reasons["mixed.jsonl:2"].startswith("invalid JSON")


def test_an_analysis_that_crashes_skips_only_that_article(tmp_path):
    write_stories(tmp_path / "news", 2)

    def flaky(article):
        if "Report 1" in (article.title or ""):
            raise ValueError("boom")
        from claimtrace.model import Analysis

        return Analysis(article=article)

    with open_store(tmp_path / "c.db") as store:
        summary = ingest([tmp_path / "news"], store, quiet(), analyzer=flaky)
        (skip,) = store.skips()
    assert (summary.added, summary.skipped) == (1, 1)
    assert "ValueError: boom" in skip["reason"]


def test_linking_runs_over_every_unlinked_article(tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("claimtrace.link.linker")

    def link_corpus(store, ids, jobs=1):  # like the real one: marks what it linked
        calls.append(list(ids))
        store.mark_linked(ids)

    fake.link_corpus = link_corpus
    monkeypatch.setitem(sys.modules, "claimtrace.link.linker", fake)
    write_stories(tmp_path / "news", 3)

    def bare(article):
        from claimtrace.model import Analysis

        return Analysis(article=article)

    with open_store(tmp_path / "c.db") as store:
        ingest([tmp_path / "news"], store, IngestOptions(jobs=1, link=False), analyzer=bare)
        summary = ingest([tmp_path / "news"], store, IngestOptions(jobs=1, link=True), analyzer=bare)
        assert store.unlinked_article_ids() == []
        assert run_linking(store) == 0
    assert calls == [[1, 2, 3]] and summary.linked == 3


def test_ingest_command_summary_and_errors_command(tmp_path, pipeline, capsys):
    write_stories(tmp_path / "news", 2)
    (tmp_path / "news" / "empty.txt").write_text(" ")
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(tmp_path / "news"), "--db", db, "--jobs", "1", "--no-link", "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("added 2, duplicates 0, skipped 1")
    assert main(["errors", "--db", db, "--json"]) == 0
    (skip,) = json.loads(capsys.readouterr().out)
    assert skip["reason"] == "file is empty"
    assert main(["ingest", str(tmp_path / "nowhere"), "--db", db]) == 2
    assert "no such file" in capsys.readouterr().err


def snapshot(db: Path | str) -> dict:
    """Everything a run stores, keyed by content rather than by row id or time (a SQLite file or a
    PostgreSQL URL: the queries are in the SQL both understand)."""
    store = open_store(db, create=False)
    con = store._db
    hashes = dict(con.execute("SELECT id, content_hash FROM articles"))
    claim_keys = {cid: (hashes[aid], pos) for cid, aid, pos in con.execute("SELECT id, article_id, position FROM claims")}
    snap = {
        "articles": sorted(tuple(r) for r in con.execute(
            "SELECT content_hash, title, outlet, published, url, language, path, analysis, linked,"
            " embedding IS NULL FROM articles")),
        "claims": sorted((hashes[r[0]], *r[1:]) for r in con.execute(
            "SELECT c.article_id, c.position, c.claim, c.event_time, c.source_kind, v.claim_id IS NULL FROM claims c"
            " LEFT JOIN claim_vectors v ON v.claim_id = c.id")),
        "relations": sorted((claim_keys[a], claim_keys[b], rel, reason) for a, b, rel, reason in con.execute(
            "SELECT a, b, relation, reason FROM relations")),
        "skips": sorted(tuple(r) for r in con.execute("SELECT path, reason FROM skips")),
        "stories": sorted((label, first, last, tuple(sorted(hashes[a] for (a,) in con.execute(
            "SELECT id FROM articles WHERE story_id = ?", (sid,))))) for sid, label, first, last in con.execute(
            "SELECT id, label, first_date, last_date FROM stories").fetchall()),
        "counts": [con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("entities", "places", "dates")],
    }
    store.close()
    return snap


def ingest_command(folder: Path, db: Path | str, jobs: int = 1, *extra: str) -> list[str]:
    return [sys.executable, "-m", "claimtrace.cli", "ingest", str(folder), "--db", str(db), "--jobs", str(jobs),
            "--quiet", *extra]


def stored_articles(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_ingest_resumes_to_exactly_a_clean_run(tmp_path):
    folder = tmp_path / "news"
    write_stories(folder, 24)
    write_bad_files(folder / "zz-bad")
    # a fixed hash seed: the runs must match on what they store, not on how linking breaks label ties
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
    killed_db = tmp_path / "killed.db"
    process = subprocess.Popen(ingest_command(folder, killed_db), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    while process.poll() is None and stored_articles(killed_db) < 3:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()
    partial = stored_articles(killed_db)
    assert 3 <= partial < 25
    subprocess.run(ingest_command(folder, killed_db), env=env, check=True, capture_output=True)

    clean_db = tmp_path / "clean.db"
    subprocess.run(ingest_command(folder, clean_db, jobs=2), env=env, check=True, capture_output=True)
    clean = snapshot(clean_db)
    assert len(clean["articles"]) == 25 and len(clean["skips"]) == 7
    assert snapshot(killed_db) == clean


def test_the_parent_checks_the_pipeline_path_without_importing_spacy() -> None:
    # the workers parse; the parent only checks the path before starting them (spaCy's import cost it 0.75 CPU-s)
    probe = ("import sys; from claimtrace.ingest import ingest; from claimtrace.settings import model_path; "
             "assert (model_path() / 'config.cfg').is_file(); print('spacy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
