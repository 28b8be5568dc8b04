"""Scaling: ingest on Dask and into PostgreSQL against today's two-process ingest; linking cost as the corpus grows.

    python benchmarks/scale.py --data /work/shared/data --ingest-n 300 [--rounds 2] [--postgres URL] [--json]
    python benchmarks/scale.py --data /work/shared/data --analysed STORE.db [--sizes 1000,3000,10000,100000] [--json]

**Ingest** (``--ingest-n N``): writes N news texts with ``benchmarks/ingest.py``'s corpus builder to a
temporary folder, then runs ``claimtrace ingest`` as a user does, back to back, each into a fresh
store: ``--jobs 2`` (today's two processes, SQLite), ``--dask local:2``, ``--dask local:1`` and
``--jobs 2 --db postgresql://...`` (a fresh schema on ``--postgres`` or ``$CLAIMTRACE_TEST_POSTGRES``).
``--rounds R`` repeats the sequence; each ratio is the median over rounds of the ratio of articles/s
(stored articles over wall seconds, linking included) of two runs of the same round. ``dask_ratio`` =
local:2 / two processes, ``postgres_ratio`` = PostgreSQL / SQLite (both ``--jobs 2``). A run that did not
store as many articles as the two-process run of its round is reported and left out (``valid``: false).

**Linking** (``--analysed STORE``): a SQLite store of analysed real articles (``claimtrace ingest
--no-link`` of the news texts). It is linked in place in one call when it has unlinked articles (its
claims embedded, stories assigned; later runs reuse it). A store of N articles is then made of it: the real articles, then copies of them until N
(copy k: every article's dates, event times and story dates moved k x 50 years later, so copies never
share a story window; its text and claims as the real article's, its claim vectors the real ones plus
Gaussian noise of cosine about 0.95 to the original, renormalized; its entities, places and claim
frames the real ones, so blocks under a frequent name grow with N as they would). The stored part
is marked linked with its stories and its claim vector index is saved beside it (as the last ingest
run leaves it); the last ``--batch`` articles are left unlinked and linked in one ``link_corpus``
call, as an ingest run of ``--batch`` new articles does: that is the batch cost at N. Stored claims
whose normalized form or link form was not stored (a store linked before schema 5 or 6) get them first, as
a store linked by today's code holds them (:func:`store_forms`); copies take the real claim's (the
normalized form reads the wording only; the link form holds the sentence's names, the polarity and the frame,
which a copy shares with the real claim except the frame's time, moved with the copy's dates; its claim JSON
unchanged as well).
The cost of building a corpus of N by such runs is (N / batch) x batch cost, so ``link_exponent`` =
1 + the least-squares slope of log(batch seconds) on log(N). Sizes up to ``--one-call-max`` also time
linking the whole store in one call (``link_exponent_one_call``, the definition of
``benchmarks/relations.py``).

JSON keys: dask_ratio, postgres_ratio, link_exponent (null for a part not run), plus the runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import build_corpus  # noqa: E402  (benchmarks/ingest.py, the corpus of the ingest benchmark)
from relations import growth_exponent  # noqa: E402  (benchmarks/relations.py: the same exponent)

YEARS_PER_COPY = 50
NOISE_COSINE = 0.95
NOISE_SEED = 20261207
INGEST_RUNS = {
    "processes_2": ("--jobs", "2"),
    "dask_local_2": ("--jobs", "2", "--dask", "local:2"),
    "dask_local_1": ("--jobs", "2", "--dask", "local:1"),
    "postgres_processes_2": ("--jobs", "2"),
}


# -- ingest --------------------------------------------------------------------------------------


def run_ingest(folder: Path, db: str, options: tuple[str, ...]) -> dict:
    """One ``claimtrace ingest`` in a fresh process; articles/s over the wall time, linking included."""
    command = [sys.executable, "-m", "claimtrace.cli", "ingest", str(folder), "--db", db, "--quiet", *options]
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"ingest {' '.join(options)} failed: {done.stderr.strip()}")
    added = int(done.stdout.split("added ", 1)[1].split(",", 1)[0])
    return {"seconds": round(seconds, 2), "articles": added, "articles_per_s": round(added / seconds, 3),
            "cpu_s_per_article": round(cpu / max(added, 1), 3), "summary": done.stdout.strip(),
            "load_1min": round(os.getloadavg()[0], 1)}


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished descendant: the ingest, its workers, Dask's."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def postgres_schema(server: str) -> Iterator[str]:
    """A URL of a fresh, empty schema on ``server``, dropped afterwards."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def postgres_bytes(url: str) -> int:
    """Bytes of every table of the store's schema, with its indexes and TOAST."""
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r'").fetchone()
    return int(row[0] or 0)


def ingest_runs(data: Path, n: int, rounds: int, postgres: str | None, work: Path,
                names: list[str] | None = None) -> dict:
    folder = work / "corpus"
    folder.mkdir()
    written = build_corpus(data, n, folder)
    runs: dict[str, list[dict]] = {name: [] for name in INGEST_RUNS if (postgres or "postgres" not in name)
                                   and (names is None or name in names or name == "processes_2")}
    for round_number in range(rounds):
        for name in runs:
            if name.startswith("postgres"):
                with postgres_schema(postgres) as url:
                    result = run_ingest(folder, url, INGEST_RUNS[name])
                    result["store_bytes"] = postgres_bytes(url)
            else:
                db = work / f"{name}-{round_number}.db"
                result = run_ingest(folder, str(db), INGEST_RUNS[name])
                result["store_bytes"] = sum(f.stat().st_size for f in work.glob(f"{db.name}*"))
                for file in work.glob(f"{db.name}*"):
                    file.unlink()
            runs[name].append(result)
            print(f"ingest {name} round {round_number + 1}: {result['articles_per_s']} articles/s, "
                  f"{result['cpu_s_per_article']} CPU-s each ({result['summary']}; load {result['load_1min']})",
                  file=sys.stderr)
    return ingest_figures(runs, written)


def ingest_figures(runs: dict[str, list[dict]], written: int) -> dict:
    """Ratios and rates of the ingest runs (per name, one result per round)."""
    rounds = len(runs["processes_2"])
    # A run counts only when it stored what the two-process run of its round stored (a run whose input
    # changed or that stopped early is reported and left out); ratios are of runs of the same round,
    # made back to back, and the median is over rounds.
    for round_number in range(rounds):
        reference = runs["processes_2"][round_number]["articles"]
        for name, results in runs.items():
            result = results[round_number]
            result["valid"] = result["articles"] == reference
            if not result["valid"]:
                print(f"ingest {name} round {round_number + 1}: stored {result['articles']} articles, the two"
                      f" processes {reference}: left out", file=sys.stderr)

    def ratio(name: str) -> float | None:
        if name not in runs:
            return None
        paired = [run["articles_per_s"] / base["articles_per_s"] for run, base in zip(runs[name], runs["processes_2"],
                                                                                    strict=True) if run["valid"]]
        return round(statistics.median(paired), 3) if paired else None

    median = {name: statistics.median(r["articles_per_s"] for r in results if r["valid"])
              for name, results in runs.items() if any(r["valid"] for r in results)}
    figures = {
        "ingest_texts": written,
        "articles_per_s": {name: round(rate, 3) for name, rate in median.items()},
        "dask_ratio": ratio("dask_local_2"),
        "dask_1_ratio": ratio("dask_local_1"),
        "postgres_ratio": ratio("postgres_processes_2"),
        "ingest_runs": runs,
    }
    return figures


# -- linking -------------------------------------------------------------------------------------


LINK_CPU: dict[Path, float] = {}  # CPU seconds of the last link_once of each store (this process and its workers)
LINK_SUMMARY: dict[Path, dict] = {}  # what link_corpus returned


def link_once(db: Path, jobs: int) -> tuple[int, float]:
    """Link every unlinked article of ``db`` in one call; (articles, seconds). CPU seconds (this process
    and the workers it forks) in ``LINK_CPU[db]``: less dependent on the load of a shared machine."""
    from claimtrace.link.linker import link_corpus
    from claimtrace.store import open_store

    with open_store(db) as store:
        ids = store.unlinked_article_ids()
        started, cpu = time.perf_counter(), time.process_time() + _children_cpu()
        LINK_SUMMARY[db] = link_corpus(store, ids, jobs=jobs)
        LINK_CPU[db] = time.process_time() + _children_cpu() - cpu
        return len(ids), time.perf_counter() - started


def forget_links(db: Path) -> None:
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("DELETE FROM relations")
        connection.execute("UPDATE articles SET linked = 0, story_id = NULL")
        connection.execute("DELETE FROM stories")


def _shift(column: str) -> str:
    """SQL moving an ISO date text ``column`` ``:years`` later (NULL stays NULL; 29 February becomes
    the 28th in a year that is not a leap year)."""
    year = f"(CAST(substr({column}, 1, 4) AS INTEGER) + :years)"
    leap = f"({year} % 4 = 0 AND ({year} % 100 <> 0 OR {year} % 400 = 0))"
    rest = f"CASE WHEN substr({column}, 5, 6) = '-02-29' AND NOT {leap} THEN '-02-28' || substr({column}, 11)" \
           f" ELSE substr({column}, 5) END"
    return (f"CASE WHEN {column} GLOB '[0-9][0-9][0-9][0-9]*' THEN printf('%04d', {year}) || {rest}"
            f" ELSE {column} END")


def shifted_link_form(text: str | None, years: int) -> str | None:
    """A copy's link form: the real claim's, with its frame's time (an ISO date: the event time the text
    gives, else the publication date) moved ``years`` later as the copy's dates are."""
    if not text or not years:
        return text
    data = json.loads(text)
    frame = data.get("frame") or {}
    time_text = frame.get("time")
    if not isinstance(time_text, str) or not time_text[:4].isdigit():
        return text
    year = int(time_text[:4]) + years
    rest = time_text[4:]
    if rest.startswith("-02-29") and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        rest = "-02-28" + rest[6:]
    frame["time"] = f"{year:04d}{rest}"
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _vector_table(connection: sqlite3.Connection) -> bool:
    """Whether the store keeps claim vectors in their own table (schema 7 on) instead of the claim rows."""
    return connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'claim_vectors'").fetchone() is not None


def _copy_vectors(connection: sqlite3.Connection) -> tuple[str, str]:
    """What a copy's claim insert adds for the vectors (as (column, value) suffixes) when they are in the claim
    rows; with a vector table, the copies' vectors are inserted there (after the claims, :func:`_copied_vectors`)."""
    return ("", "") if _vector_table(connection) else (", embedding", ", embedding")


def _copied_vectors(connection: sqlite3.Connection, params: dict, where: str) -> None:
    """The real claims' vectors given to their copies (the claims of articles ``where`` moved by ``:offset``),
    in a store with a vector table."""
    if _vector_table(connection):
        connection.execute(
            "INSERT INTO claim_vectors (claim_id, article_id, vector) SELECT n.id, n.article_id, v.vector"
            " FROM claims o JOIN claim_vectors v ON v.claim_id = o.id JOIN claims n ON n.article_id ="
            f" o.article_id + :offset AND n.position = o.position WHERE o.article_id {where} ORDER BY n.id", params)


def _claim_columns(connection: sqlite3.Connection) -> tuple[str, str]:
    """The claim columns a copy takes, as names to insert into and as the values selected: as they are (the
    stored normalized form too, from schema 5 on), except the link form's frame time, moved by ``:years``."""
    columns = ("position, source_kind, source_text, source_canonical, cue, cue_lemma, form, certainty, polarity,"
               " content, content_start, content_end, sentence, sentence_start, sentence_end, sentence_text")
    names = {row[1] for row in connection.execute("PRAGMA table_info(claims)")}
    extra = [name for name in ("normalized", "link_form") if name in names]
    connection.create_function("shifted_link_form", 2, shifted_link_form, deterministic=True)
    values = [f"shifted_link_form({name}, :years)" if name == "link_form" else name for name in extra]
    return columns + "".join(f", {name}" for name in extra), columns + "".join(f", {value}" for value in values)


def store_forms(db: Path) -> int:
    """Store the normalized form of every claim of a linked article that has none (``claims.normalized``,
    link/matching.py ``encode_text_form``), as linking by today's code stores it when it first links a
    claim; nothing with code whose store has no such column. Returns the number of forms stored."""
    from claimtrace.link import matching
    from claimtrace.store import open_store

    if not hasattr(matching, "encode_text_form"):
        return 0
    with open_store(db):  # migrates the store to the schema of this code
        pass
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        rows = connection.execute("SELECT c.id, c.claim FROM claims c JOIN articles a ON a.id = c.article_id"
                                  " WHERE a.linked = 1 AND c.normalized IS NULL").fetchall()
        connection.executemany(
            "UPDATE claims SET normalized = ? WHERE id = ?",
            [(matching.encode_text_form(json.loads(claim)["content"]["text"]), claim_id) for claim_id, claim in rows])
    return len(rows) + store_link_forms(db)


def store_link_forms(db: Path) -> int:
    """Store the link form of every claim of a linked article that has none (``claims.link_form``,
    store/records.py ``encode_link_form``), as linking by today's code stores it when it links a claim;
    nothing with code before link forms. Returns the number of link forms stored."""
    from claimtrace.store import open_store
    from claimtrace.store import records as store_records

    if not hasattr(store_records, "encode_link_form"):
        return 0
    with contextlib.closing(sqlite3.connect(db)) as connection:
        ids = [row[0] for row in connection.execute("SELECT c.id FROM claims c JOIN articles a ON a.id = c.article_id"
                                                    " WHERE a.linked = 1 AND c.link_form IS NULL")]
    with open_store(db) as store, store.transaction():
        forms = [(r.id, store_records.encode_link_form(r)) for r in store.claim_records(claim_ids=ids)] if ids else []
        store.save_link_forms(forms)
    return len(forms)


def add_copy(connection: sqlite3.Connection, copy: int, real: int, stories: int, limit: int) -> None:
    """Copy the first ``limit`` real articles (ids 1..real) as copy ``copy``: ids, story ids and dates moved."""
    params = {"offset": copy * real, "story_offset": copy * stories, "years": copy * YEARS_PER_COPY,
              "limit": limit, "tag": f":copy{copy}"}
    connection.execute(
        "INSERT INTO stories (id, label, first_date, last_date) SELECT id + :story_offset, label,"
        f" {_shift('first_date')}, {_shift('last_date')} FROM stories", params)
    connection.execute(
        "INSERT INTO articles (id, content_hash, title, text, outlet, published, url, language, path, analysis,"
        " story_id, linked, added_at, embedding) SELECT id + :offset, content_hash || :tag, title, text, outlet,"
        f" {_shift('published')}, url, language, path, analysis, story_id + :story_offset, 1, added_at, embedding"
        " FROM articles WHERE id <= :limit", params)
    columns, values = _claim_columns(connection)
    vector_column, vector_value = _copy_vectors(connection)
    connection.execute(
        f"INSERT INTO claims (article_id, {columns}, event_time, claim{vector_column}) SELECT article_id + :offset,"
        f" {values}, {_shift('event_time')}, claim{vector_value} FROM claims WHERE article_id <= :limit ORDER BY id",
        params)
    _copied_vectors(connection, params, "<= :limit")
    for table, rest in (("entities", 'text, start, "end", label, canonical'),
                        ("places", 'text, start, "end", name, lat, lon, country, feature, place_id, confidence'),
                        ("dates", 'text, start, "end", value, granularity, resolved')):
        connection.execute(f"INSERT INTO {table} (article_id, {rest}) SELECT article_id + :offset, {rest}"
                           f" FROM {table} WHERE article_id <= :limit", params)
    connection.execute("DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM articles"
                       " WHERE story_id IS NOT NULL)")


def add_vector_noise(connection: sqlite3.Connection, first_article: int, seed: int,
                     last_article: int | None = None) -> None:
    """Claim vectors of articles from ``first_article`` on (to ``last_article``): the copied vector plus
    noise, renormalized."""
    rng = np.random.default_rng(seed)
    table = _vector_table(connection)
    if table:  # the copies' claims hold a range of ids (inserted in id order): read their vectors by id
        first, last = connection.execute("SELECT MIN(id), MAX(id) FROM claims WHERE article_id >= ? AND"
                                         " article_id <= ?", (first_article, last_article or 2**62)).fetchone()
        rows = connection.execute("SELECT claim_id, vector FROM claim_vectors WHERE claim_id BETWEEN ? AND ?"
                                  " ORDER BY claim_id", (first, last)).fetchall() if first is not None else []
    else:
        rows = connection.execute("SELECT id, embedding FROM claims WHERE article_id >= ? AND article_id <= ?"
                                  " AND embedding IS NOT NULL ORDER BY id",
                                  (first_article, last_article or 2**62)).fetchall()
    if not rows:
        return
    vectors = np.vstack([np.frombuffer(blob, dtype=np.float32) for _, blob in rows])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    # cosine to the original ~ 1 / sqrt(1 + d sigma^2) for a unit vector in d dimensions
    sigma = math.sqrt((1 / NOISE_COSINE**2 - 1) / vectors.shape[1])
    noisy = vectors / np.maximum(norms, 1e-9) + rng.normal(0, sigma, vectors.shape).astype(np.float32)
    noisy *= norms / np.maximum(np.linalg.norm(noisy, axis=1, keepdims=True), 1e-9)
    connection.executemany("UPDATE claim_vectors SET vector = ? WHERE claim_id = ?" if table
                           else "UPDATE claims SET embedding = ? WHERE id = ?",
                           [(v.astype(np.float32).tobytes(), cid) for (cid, _), v in zip(rows, noisy, strict=True)])


def synthesize(linked: Path, db: Path, size: int, batch: int) -> dict:
    """A store of ``size`` articles from the linked real store, the last ``batch`` of them unlinked."""
    shutil.copy(linked, db)
    with contextlib.closing(sqlite3.connect(db)) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        real = connection.execute("SELECT MAX(id) FROM articles").fetchone()[0]
        count = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        if count != real:
            raise SystemExit(f"{linked}: article ids must be 1..N without gaps")
        if size < real:
            connection.execute("DELETE FROM articles WHERE id > ?", (size,))
            connection.execute("DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM articles"
                               " WHERE story_id IS NOT NULL)")
        stories = connection.execute("SELECT COALESCE(MAX(id), 0) FROM stories").fetchone()[0]
        copy = 1
        while connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0] < size:
            have = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            with connection:
                add_copy(connection, copy, real, stories, min(real, size - have))
                add_vector_noise(connection, copy * real + 1, seed=NOISE_SEED + copy)
            copy += 1
        with connection:
            connection.execute("UPDATE articles SET linked = 0, story_id = NULL WHERE id IN"
                               " (SELECT id FROM articles ORDER BY id DESC LIMIT ?)", (batch,))
            connection.execute("DELETE FROM relations WHERE a IN (SELECT c.id FROM claims c JOIN articles a"
                               " ON a.id = c.article_id WHERE a.linked = 0) OR b IN (SELECT c.id FROM claims c"
                               " JOIN articles a ON a.id = c.article_id WHERE a.linked = 0)")
        claims = connection.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    return {"articles": size, "claims": claims, "copies": copy - 1}


def prebuild_vector_index(db: Path) -> None:
    """The claim vector index of the linked articles (and their claim keys) as an ingest run leaves them."""
    from claimtrace.link import linker

    if hasattr(linker, "prepare_link_indexes"):
        from claimtrace.store import open_store

        with open_store(db) as store:
            linker.prepare_link_indexes(store)
        return
    from claimtrace.link.vectors import INDEX_NAME, FaissIndex  # the code before claim keys

    with contextlib.closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT c.id, c.embedding FROM claims c JOIN articles a ON a.id = c.article_id"
                                  " WHERE a.linked = 1").fetchall()
    vectors = np.vstack([np.frombuffer(blob, dtype=np.float32) for _, blob in rows])
    index = FaissIndex(vectors.shape[1], db.with_name(f"{db.name}.{INDEX_NAME}"))
    index.add(np.fromiter((cid for cid, _ in rows), dtype=np.int64, count=len(rows)), vectors)
    index.save()


STORY_STRIDE = 1_000_000  # story ids of copy k: the real story id + k x this (grown stores)
_SHIFTED_KEY = (  # a claim key with its story id moved by :story_offset (story blocks, frame keys by story)
    "CASE WHEN k.key LIKE 'story:%' THEN 'story:' || (CAST(substr(k.key, 7) AS INTEGER) + :story_offset)"
    " WHEN instr(k.key, '|story:') > 0 THEN substr(k.key, 1, instr(k.key, '|story:') + 6)"
    " || (CAST(substr(k.key, instr(k.key, '|story:') + 7) AS INTEGER) + :story_offset) ELSE k.key END")


def grow_copy(connection: sqlite3.Connection, copy: int, real: int, first: int, last: int) -> None:
    """Real articles ``first..last`` (of ids 1..real) as copy ``copy``, linked with their claim keys:
    ids, story ids and dates moved as :func:`add_copy` does, vectors perturbed."""
    params = {"offset": copy * real, "story_offset": copy * STORY_STRIDE, "years": copy * YEARS_PER_COPY,
              "first": first, "last": last, "tag": f":copy{copy}"}
    connection.execute(
        "INSERT INTO stories (id, label, first_date, last_date) SELECT id + :story_offset, label,"
        f" {_shift('first_date')}, {_shift('last_date')} FROM stories WHERE id IN (SELECT story_id FROM articles"
        " WHERE id BETWEEN :first AND :last) ON CONFLICT DO NOTHING", params)
    connection.execute(
        "INSERT INTO articles (id, content_hash, title, text, outlet, published, url, language, path, analysis,"
        " story_id, linked, added_at, embedding) SELECT id + :offset, content_hash || :tag, title, text, outlet,"
        f" {_shift('published')}, url, language, path, analysis, story_id + :story_offset, 1, added_at, embedding"
        " FROM articles WHERE id BETWEEN :first AND :last", params)
    columns, values = _claim_columns(connection)
    vector_column, vector_value = _copy_vectors(connection)
    connection.execute(
        f"INSERT INTO claims (article_id, {columns}, event_time, claim{vector_column}) SELECT article_id + :offset,"
        f" {values}, {_shift('event_time')}, claim{vector_value} FROM claims WHERE article_id BETWEEN :first"
        " AND :last ORDER BY id", params)
    _copied_vectors(connection, params, "BETWEEN :first AND :last")
    for table, rest in (("entities", 'text, start, "end", label, canonical'),
                        ("places", 'text, start, "end", name, lat, lon, country, feature, place_id, confidence'),
                        ("dates", 'text, start, "end", value, granularity, resolved')):
        connection.execute(f"INSERT INTO {table} (article_id, {rest}) SELECT article_id + :offset, {rest}"
                           f" FROM {table} WHERE article_id BETWEEN :first AND :last", params)
    connection.execute(
        f"INSERT INTO claim_keys (key, claim_id) SELECT {_SHIFTED_KEY}, n.id FROM claim_keys k"
        " JOIN claims o ON o.id = k.claim_id JOIN claims n ON n.article_id = o.article_id + :offset"
        " AND n.position = o.position WHERE o.article_id BETWEEN :first AND :last", params)
    add_vector_noise(connection, copy * real + first, seed=NOISE_SEED + copy, last_article=copy * real + last)


def grow(db: Path, size: int, batch: int, real: int, first: bool) -> dict:
    """Grow the store ``db`` (its articles all linked, the first ``real`` of them the real ones) to ``size``
    articles by copies (:func:`grow_copy`), then leave its last ``batch`` articles unlinked, as an
    ingest run leaves its new articles; the claims of the copies linked now join its vector index (its tail,
    merged into the base when the index's own rule says so, as a run of that many claims would leave it)."""
    from claimtrace.link import vectors as link_vectors
    from claimtrace.link.linker import INDEX_SETTING, _index_state

    with contextlib.closing(sqlite3.connect(db)) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        have = before = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        while have < size:
            copy, done = divmod(have, real)
            last = min(real, done + size - have)
            with connection:
                grow_copy(connection, copy, real, done + 1, last)
            have += last - done
        added = have
        with connection:
            connection.execute("UPDATE articles SET linked = 0, story_id = NULL WHERE id > ?", (size - batch,))
            connection.execute("DELETE FROM claim_keys WHERE claim_id IN (SELECT id FROM claims WHERE article_id > ?)",
                               (size - batch,))
            connection.execute("DELETE FROM relations WHERE a IN (SELECT id FROM claims WHERE article_id > ?)"
                               " OR b IN (SELECT id FROM claims WHERE article_id > ?)", (size - batch, size - batch))
        path = db.with_name(f"{db.name}.{link_vectors.INDEX_NAME}")
        tail = db.with_name(f"{db.name}.{getattr(link_vectors, 'TAIL_NAME', 'none')}")
        kept = db.with_name(f"{db.name}.{getattr(link_vectors, 'VECTORS_NAME', 'none')}")
        if first:  # the vector index (and the vector file) is rebuilt by prepare_link_indexes (grown_runs)
            for file in (path, tail, kept, kept.with_name(kept.name + ".ids")):
                file.unlink(missing_ok=True)
        else:
            vector = "v.vector" if _vector_table(connection) else "c.embedding"
            join = " JOIN claim_vectors v ON v.claim_id = c.id" if vector == "v.vector" else ""
            rows = connection.execute(
                f"SELECT c.id, {vector}, c.article_id FROM claims c JOIN articles a ON a.id = c.article_id{join}"
                " WHERE a.linked = 1 AND a.id > ? ORDER BY c.id", (before,)).fetchall()
            vectors = np.vstack([np.frombuffer(blob, dtype=np.float32) for _, blob, _ in rows]) if rows else None
            dimension = 384 if vectors is None else vectors.shape[1]
            if hasattr(link_vectors, "SegmentedIndex"):  # the copies join the tail, merged into the base as runs do
                index = link_vectors.open_vector_index(path, None, dimension, tail)
            else:  # the code before the index had a tail
                index = link_vectors.FaissIndex(dimension, path)
            if vectors is not None:
                index.add(np.fromiter((cid for cid, _, _ in rows), dtype=np.int64, count=len(rows)), vectors)
            index.save()
            if vectors is not None and hasattr(link_vectors, "VectorFile"):  # as link runs append it
                file = link_vectors.VectorFile(kept, dimension)
                file.add(np.array([r[0] for r in rows]), np.array([r[2] for r in rows]), vectors)
                file.save()
            encoder = connection.execute("SELECT value FROM settings WHERE key = 'claim_encoder'").fetchone()[0]
            with connection:
                connection.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                                   " value = excluded.value", (INDEX_SETTING, _index_state(encoder, index)))
        claims = connection.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    return {"articles": added, "claims": claims}


HASH_MAX = 10_000  # grown stores up to this size report hashes of what linking wrote (same results, two codes)


def table_hashes(db: Path) -> dict[str, str]:
    """SHA-256 (16 hex digits) of the ``relations`` rows (a, b, relation, reason, score) and the ``claim_keys`` rows,
    each in key order: two codes that link the same store alike give the same hashes."""
    import hashlib

    hashes = {}
    with contextlib.closing(sqlite3.connect(db)) as connection:
        for table, columns in (("relations", "a, b, relation, reason, score"), ("claim_keys", "key, claim_id")):
            digest = hashlib.sha256()
            for row in connection.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}"):
                digest.update(repr(row).encode())
            hashes[table] = digest.hexdigest()[:16]
    return hashes


def grown_runs(linked: Path, sizes: list[int], batch: int, jobs: int, work: Path) -> tuple[dict, dict]:
    """Batch linking cost at each size on one store grown from size to size (:func:`grow`)."""
    from claimtrace.link.linker import prepare_link_indexes
    from claimtrace.store import open_store

    db = work / "grown.db"
    shutil.copy(linked, db)
    with contextlib.closing(sqlite3.connect(db)) as connection:
        real = connection.execute("SELECT MAX(id) FROM articles").fetchone()[0]
        if connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0] != real:
            raise SystemExit(f"{linked}: article ids must be 1..N without gaps")
    with open_store(db) as store:  # the claim keys of the real articles (the store may predate them)
        prepare_link_indexes(store)
    costs: dict[int, float] = {}
    stores: dict[int, dict] = {}
    for size in sizes:
        if size < real:
            raise SystemExit(f"--grow: every size must be at least the {real} real articles")
        started = time.perf_counter()
        stores[size] = grow(db, size, batch, real, first=size == sizes[0])
        if size == sizes[0]:
            with open_store(db) as store:
                prepare_link_indexes(store)  # the vector index without the unlinked real articles
        stores[size]["build_seconds"] = round(time.perf_counter() - started, 1)
        _, costs[size] = link_once(db, jobs)
        stores[size]["cpu_seconds"] = round(LINK_CPU[db], 2)
        stores[size]["link"] = LINK_SUMMARY[db]
        if size <= HASH_MAX:
            stores[size]["tables"] = table_hashes(db)
        print(f"link: {batch} new into {size - batch} stored ({stores[size]['claims']} claims):"
              f" {costs[size]:.2f}s, {LINK_CPU[db]:.2f} CPU-s (store grown in {stores[size]['build_seconds']}s;"
              f" load {os.getloadavg()[0]:.1f}) {LINK_SUMMARY[db]}", file=sys.stderr)
    return costs, stores


def linking_runs(analysed: Path, sizes: list[int], batch: int, one_call_max: int, jobs: int, work: Path,
                 grown: bool = False) -> dict:
    """Batch (and one-call) linking cost at each size; ``analysed`` is linked in place first when it
    has unlinked articles (that first link is timed too, and later runs on it skip it). ``grown``: one
    store grown from size to size (:func:`grown_runs`) instead of a store made afresh for each."""
    real, seconds = link_once(analysed, jobs)
    if real:
        print(f"link: the {real} real articles in one call: {seconds:.1f}s", file=sys.stderr)
    linked = work / "real-linked.db"
    shutil.copy(analysed, linked)
    stored = store_forms(linked)
    if stored:
        print(f"link: stored the normalized forms of {stored} linked claims", file=sys.stderr)
    warm = work / "warm-up.db"  # the first link of a process loads the encoders and faiss: not timed
    synthesize(linked, warm, 2 * batch, batch)
    link_once(warm, jobs)
    batch_costs: dict[int, float] = {}
    one_call: dict[int, float] = {}
    stores: dict[int, dict] = {}
    if grown:
        batch_costs, stores = grown_runs(linked, sizes, batch, jobs, work)
    for size in [] if grown else sizes:
        db = work / f"scale-{size}.db"
        stores[size] = synthesize(linked, db, size, batch)
        prebuild_vector_index(db)
        _, batch_costs[size] = link_once(db, jobs)
        print(f"link: {batch} new into {size - batch} stored ({stores[size]['claims']} claims):"
              f" {batch_costs[size]:.2f}s", file=sys.stderr)
        if size <= one_call_max:
            forget_links(db)
            _, one_call[size] = link_once(db, jobs)
            print(f"link: all {size} in one call: {one_call[size]:.1f}s", file=sys.stderr)
        for file in work.glob(f"{db.name}*"):
            file.unlink()
    slope = growth_exponent(batch_costs)
    cpu_slope = growth_exponent({n: v["cpu_seconds"] for n, v in stores.items() if "cpu_seconds" in v})
    return {
        "link_exponent": None if slope is None else round(1 + slope, 3),
        "link_exponent_cpu": None if cpu_slope is None else round(1 + cpu_slope, 3),
        "link_batch_exponent": slope,
        "link_exponent_one_call": growth_exponent(one_call),
        "link_batch": batch,
        "link_batch_seconds": {str(n): round(s, 2) for n, s in batch_costs.items()},
        "link_one_call_seconds": {str(n): round(s, 2) for n, s in one_call.items()},
        "link_real_linked_now": real,
        "link_real_one_call_seconds": round(seconds, 2) if real else None,
        "link_stores": {str(n): v for n, v in stores.items()},
    }


# -- output --------------------------------------------------------------------------------------


def print_table(figures: dict) -> None:
    print(f"{'figure':<34} value")
    for key in ("dask_ratio", "dask_1_ratio", "postgres_ratio", "link_exponent", "link_exponent_cpu",
                "link_batch_exponent",
                "link_exponent_one_call"):
        if key in figures:
            print(f"{key:<34} {figures[key]}")
    for name, rate in figures.get("articles_per_s", {}).items():
        print(f"{'articles/s ' + name:<34} {rate}")
    for size, seconds in figures.get("link_batch_seconds", {}).items():
        one = figures.get("link_one_call_seconds", {}).get(size)
        print(f"{'link at ' + size:<34} batch {seconds}s" + (f", one call {one}s" if one is not None else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (news texts for ingest)")
    parser.add_argument("--ingest-n", type=int, default=0, help="news texts to ingest per run (0: skip the ingest part)")
    parser.add_argument("--rounds", type=int, default=1, help="times to repeat the ingest sequence")
    parser.add_argument("--ingest-runs", help=f"comma-separated runs of {', '.join(INGEST_RUNS)} (default: all;"
                                              " processes_2 always runs, as the reference)")
    parser.add_argument("--postgres", default=os.environ.get("CLAIMTRACE_TEST_POSTGRES"),
                        help="a PostgreSQL server URL to create fresh schemas on (default: $CLAIMTRACE_TEST_POSTGRES)")
    parser.add_argument("--analysed", type=Path, help="a SQLite store of analysed real articles (linking part)")
    parser.add_argument("--sizes", default="1000,3000,10000,100000", help="article counts for the linking part")
    parser.add_argument("--batch", type=int, default=200, help="new articles per linking run")
    parser.add_argument("--one-call-max", type=int, default=10_000, help="largest size also linked in one call")
    parser.add_argument("--jobs", type=int, default=2, help="processes for linking")
    parser.add_argument("--grow", action="store_true",
                        help="grow one store from size to size (sizes ascending, each at least the real articles;"
                             " needs linking's claim keys): the way to reach 100k")
    parser.add_argument("--workdir", type=Path, help="where to put corpora and stores (default: a temp dir)")
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    args = parser.parse_args(argv)
    if not args.ingest_n and not args.analysed:
        parser.error("nothing to measure: give --ingest-n and/or --analysed")
    if args.analysed and not args.analysed.is_file():
        parser.error(f"--analysed {args.analysed}: no such store")
    figures: dict = {"dask_ratio": None, "postgres_ratio": None, "link_exponent": None, "date": time.strftime("%Y-%m-%d")}
    with tempfile.TemporaryDirectory(prefix="claimtrace-scale-", dir=args.workdir) as tmp:
        if args.ingest_n:
            names = args.ingest_runs.split(",") if args.ingest_runs else None
            figures |= ingest_runs(args.data, args.ingest_n, args.rounds, args.postgres, Path(tmp), names)
        if args.analysed:
            sizes = [int(s) for s in args.sizes.split(",")]
            figures |= linking_runs(args.analysed, sizes, args.batch, args.one_call_max, args.jobs, Path(tmp),
                                    grown=args.grow)
    if args.json:
        print(json.dumps(figures))
    else:
        print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
