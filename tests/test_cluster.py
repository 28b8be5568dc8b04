"""Ingest on a Dask cluster: the same store as local processes, a dying worker's chunk retried, kill
and resume (into PostgreSQL, against a clean SQLite run with local processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import psycopg
import pytest

from claimtrace.cli import main
from claimtrace.cluster import dask_client, parse_scheduler
from claimtrace.errors import ClaimtraceError
from claimtrace.ingest import IngestOptions, ingest
from claimtrace.model import Analysis, Article
from claimtrace.store import open_store
from test_ingest import ingest_command, snapshot, write_bad_files, write_stories


def test_schedulers_are_local_n_or_tcp_and_nothing_else():
    assert parse_scheduler("local:3") == ("local", 3)
    assert parse_scheduler("tcp://10.1.2.3:8786") == ("tcp", "tcp://10.1.2.3:8786")
    for bad in ("local:0", "local:two", "localhost", "tcp://", "http://host:8786"):
        with pytest.raises(ClaimtraceError, match="--dask"):
            parse_scheduler(bad)


def test_a_malformed_scheduler_is_one_line_before_anything_runs(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("The governor said the bridge was closed.", encoding="utf-8")
    assert main(["ingest", str(tmp_path / "a.txt"), "--db", str(tmp_path / "c.db"), "--dask", "local:x"]) == 2
    assert capsys.readouterr().err.startswith("claimtrace: error: --dask local:x")
    assert not (tmp_path / "c.db").exists()


def test_a_chunk_whose_worker_dies_is_run_again(tmp_path):
    write_stories(tmp_path / "news", 6)
    flag = tmp_path / "died-once"

    def die_on_first_article(article: Article) -> Analysis:
        """Kills its worker process the first time any worker calls it, then analyses nothing."""
        if not flag.exists():
            flag.write_text("the first worker to get here died", encoding="utf-8")
            os._exit(1)
        return Analysis(article=article)

    options = IngestOptions(link=False, chunk_size=2)
    with open_store(tmp_path / "c.db") as store, dask_client("local:2") as client:
        options.dask = client.scheduler.address  # the running cluster, joined as tcp://
        summary = ingest([tmp_path / "news"], store, options, analyzer=die_on_first_article)
        assert flag.exists() and summary.added == 6 and store.counts()["articles"] == 6


def stored_postgres_articles(url: str) -> int:
    try:
        with psycopg.connect(url, connect_timeout=2) as connection:
            return connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except psycopg.Error:  # not created yet
        return 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_dask_ingest_killed_and_rerun_stores_what_a_clean_local_run_stores(tmp_path, postgres_location):
    folder = tmp_path / "news"
    write_stories(folder, 16)
    write_bad_files(folder / "zz-bad")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
    dask = ("--dask", "local:2", "--chunk-size", "2")
    # its own process group: killing it kills its Dask workers too, as closing a terminal would
    process = subprocess.Popen(ingest_command(folder, postgres_location, 2, *dask), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    while process.poll() is None and stored_postgres_articles(postgres_location) < 3:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()
    assert 3 <= stored_postgres_articles(postgres_location) < 17
    subprocess.run(ingest_command(folder, postgres_location, 2, *dask), env=env, check=True, capture_output=True)

    clean_db = tmp_path / "clean.db"
    subprocess.run(ingest_command(folder, clean_db, jobs=2), env=env, check=True, capture_output=True)
    clean = snapshot(clean_db)
    assert len(clean["articles"]) == 17 and len(clean["skips"]) == 7 and clean["relations"]
    assert snapshot(postgres_location) == clean


def test_chunks_keep_input_order_and_shrink_at_the_end():
    from claimtrace.cluster import _chunks

    chunks = list(_chunks(iter(range(150)), 8, 2))
    assert [i for chunk in chunks for i in chunk] == list(range(150))
    sizes = [len(c) for c in chunks]
    assert max(sizes) == 8 and sizes[-1] == 1 and sizes == sorted(sizes, reverse=True)
    assert list(_chunks(iter(range(3)), 8, 2)) == [[0], [1], [2]]
    assert list(_chunks(iter([]), 8, 2)) == []
