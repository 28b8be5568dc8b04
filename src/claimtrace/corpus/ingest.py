"""The ingest runner: files and folders → analysed, deduplicated, linked articles in a store.

Finds files (folders recursively; ``.txt``, ``.html``, ``.json``, ``.jsonl``,
``.csv``, each optionally gzipped), reads their articles with
:mod:`claimtrace.ingest.readers`, adds metadata (file fields < sidecar file <
command-line flags), drops articles whose normalized text is already stored,
analyses the rest on ``jobs`` processes (each loads the pipeline once) and
writes each article with all its rows in one transaction from the parent. A
bad file or record, and a non-English article, is skipped with its reason
recorded in the store; then the link phase runs over every unlinked article.

Because every stored article is committed whole and linking state is a flag
per article, a run killed at any moment and started again ends with exactly
what one clean run stores.

Measured (``benchmarks/ingest.py``, ``--jobs 2`` on an otherwise idle 2-core machine, 2026-11-26):
9.18 articles/s end to end including linking over 4,989 news articles (0.201 CPU-seconds each), and
11.39 texts/s over 10,719 texts (news plus shorter comments and web documents), peak memory 5.2 GB
summed over the processes; details in ``docs/benchmarks_ingest.md``. Misses: non-English text is
skipped, not translated; duplicates are exact after normalization, near-duplicates (an edited copy
of a wire story) are stored twice.

Sidecar metadata: ``<file>.meta.json`` (an object with any of ``title``,
``outlet``, ``published``, ``url``) applies to every article of ``<file>``;
``metadata.csv`` in a folder (a ``file`` column naming files of that folder,
plus metadata columns) applies per file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimtrace.errors import ClaimtraceError, InputError
from claimtrace.ingest import readers
from claimtrace.model import Analysis, Article
from claimtrace.store import Store

METADATA_FIELDS = ("title", "outlet", "published", "url")
SIDECAR_SUFFIX = ".meta.json"
FOLDER_METADATA = "metadata.csv"
_WINDOW_PER_JOB = 4  # articles in flight per worker: enough to keep workers busy, bounded memory

Analyzer = Callable[[Article], Analysis]


@dataclass
class IngestOptions:
    """How to ingest: ``columns`` maps our field names to CSV headers; ``overrides`` apply to all."""

    jobs: int = 2
    link: bool = True
    dask: str | None = None  # analyse on a Dask cluster: "local:N" or "tcp://host:port" (see cluster.py)
    chunk_size: int | None = None  # articles per Dask task (default: cluster.DEFAULT_CHUNK_SIZE)
    columns: Mapping[str, str] | None = None
    overrides: Mapping[str, str | None] = field(default_factory=dict)
    progress: bool = False


@dataclass
class IngestSummary:
    added: int = 0
    duplicates: int = 0
    skipped: int = 0
    linked: int | None = None  # None when the link phase did not run
    link_note: str | None = None
    seconds: float = 0.0
    link_seconds: float = 0.0

    def line(self) -> str:
        parts = [f"added {self.added}", f"duplicates {self.duplicates}", f"skipped {self.skipped}"]
        if self.linked is not None:
            parts.append(f"linked {self.linked} ({self.link_seconds:.1f}s)")
        text = ", ".join(parts) + f" in {self.seconds:.1f}s"
        return text + (f" ({self.link_note})" if self.link_note else "")


@dataclass
class _Item:
    where: str
    article: Article
    content_hash: str


def content_hash(text: str) -> str:
    """A hash of the text with case, punctuation and whitespace normalized away."""
    normalized = " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    options: IngestOptions | None = None,
    analyzer: Analyzer | None = None,
) -> IngestSummary:
    """Ingest ``paths`` into ``store`` and link; returns what was added, duplicated and skipped.

    ``analyzer`` (default :func:`claimtrace.pipeline.analyze_article`) is used with ``jobs == 1``
    and shipped to Dask workers with ``dask``; local worker processes always use the pipeline.
    """
    options = options or IngestOptions()
    started = time.monotonic()
    summary = IngestSummary()
    files = list(discover_files(paths))
    if options.link:
        from claimtrace.corpus.embed import ensure_claim_encoder

        ensure_claim_encoder(store)  # workers embed claims as they go: with the store's encoder
    with _Progress(len(files), options.progress) as progress, _analysis_cluster(options) as client:
        items = _new_items(files, store, options, summary, progress)
        if client is not None:
            from claimtrace.corpus.cluster import DEFAULT_CHUNK_SIZE, analyse_on_dask

            chunk_size = options.chunk_size or DEFAULT_CHUNK_SIZE
            results = analyse_on_dask(items, client, options.link, analyzer, chunk_size)
        else:
            results = _analyse(items, options.jobs, analyzer, embed=options.link)
        for item, outcome in results:
            _record(store, item, outcome, summary)
            progress.advance()
    if options.link:
        link_started = time.monotonic()
        with _status("linking the new articles across the corpus", options.progress):
            summary.linked, summary.link_note = run_linking(store, options.jobs)
        summary.link_seconds = time.monotonic() - link_started
    summary.seconds = time.monotonic() - started
    return summary


def _analysis_cluster(options: IngestOptions) -> AbstractContextManager[Any]:
    """The Dask client of ``options.dask`` for the duration of the analysis, else nothing."""
    if not options.dask:
        return nullcontext()
    from claimtrace.corpus.cluster import dask_client

    return dask_client(options.dask, show_dashboard=options.progress)


def discover_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and readable files under folders named (recursively, sorted, hidden ones left out)."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    candidate = Path(dirpath) / name
                    if not name.startswith(".") and not _is_sidecar(candidate):
                        yield candidate
        else:
            yield path


def _is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX) or path.name == FOLDER_METADATA


def _new_items(
    files: list[Path], store: Store, options: IngestOptions, summary: IngestSummary, progress: _Progress
) -> Iterator[_Item]:
    """Articles not yet stored (nor already queued in this run); skips and duplicates are counted."""
    queued: set[str] = set()
    for path in files:
        count = 0
        for where, outcome in iter_records(path, options.columns, options.overrides):
            count += 1
            if count > 1:
                progress.grow()
            if isinstance(outcome, InputError):
                _skip(store, where, outcome, summary)
                progress.advance()
                continue
            digest = content_hash(outcome.text)
            if digest in queued or store.has_hash(digest):
                summary.duplicates += 1
                progress.advance()
                continue
            queued.add(digest)
            yield _Item(where, outcome, digest)
        if count == 0:
            progress.advance()


def iter_records(
    path: Path, columns: Mapping[str, str] | None = None, overrides: Mapping[str, str | None] | None = None
) -> Iterator[tuple[str, Article | InputError]]:
    """Each record of one file as (where, article or the reason it is bad).

    Like :func:`readers.iter_records` (a bad record does not stop the file),
    with sidecar metadata and overrides applied and whole-file errors yielded
    instead of raised.
    """
    try:
        metadata = {**sidecar_metadata(path), **{k: v for k, v in (overrides or {}).items() if v is not None}}
        if metadata.get("published"):
            metadata["published"] = readers.normalize_date(metadata["published"], f"{path}: published")
        suffix = readers.format_suffix(path)
        if suffix not in readers.SUPPORTED_SUFFIXES and path.suffix.lower() not in ("", ".gz"):
            raise InputError(f"{path}: unsupported file type '{path.suffix}'")
        for where, outcome in readers.iter_records(path, columns):
            yield where, outcome if isinstance(outcome, InputError) else _with_metadata(outcome, metadata)
    except InputError as exc:
        yield str(path), exc
    except OSError as exc:
        yield str(path), InputError(f"{path}: cannot read ({exc.strerror})")


def _with_metadata(article: Article, metadata: Mapping[str, str]) -> Article:
    for name, value in metadata.items():
        if name in METADATA_FIELDS and value:
            setattr(article, name, value)
    return article


def sidecar_metadata(path: Path) -> dict[str, str]:
    """Metadata for ``path`` from ``metadata.csv`` in its folder, then from ``<path>.meta.json``."""
    table = path.parent.resolve() / FOLDER_METADATA
    stamp = table.stat().st_mtime_ns if table.is_file() else None
    found = dict(_folder_metadata(table, stamp).get(path.name, {}))
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if sidecar.is_file():
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{sidecar}: invalid metadata JSON ({exc})") from None
        if not isinstance(data, dict):
            raise InputError(f"{sidecar}: metadata must be a JSON object")
        found.update({k: str(v) for k, v in data.items() if k in METADATA_FIELDS and v not in (None, "")})
    return found


@lru_cache(maxsize=64)
def _folder_metadata(table: Path, stamp: int | None) -> dict[str, dict[str, str]]:
    """The rows of one folder's metadata table by file name (cached until the table changes)."""
    if stamp is None:
        return {}
    try:
        rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig"), newline="")))
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{table}: unreadable metadata table ({exc})") from None
    key = next((k for k in ("file", "filename", "path") if rows and k in rows[0]), None)
    if key is None:
        return {}
    return {
        Path(row[key]).name: {k: v for k, v in row.items() if k in METADATA_FIELDS and v}
        for row in rows
        if row.get(key)
    }


def _skip(store: Store, where: str, error: Exception, summary: IngestSummary) -> None:
    store.add_skip(where, _reason(where, str(error)))
    summary.skipped += 1


def _reason(where: str, message: str) -> str:
    """The message without its leading location, which the skip row already holds."""
    prefix = f"{where}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def _record(store: Store, item: _Item, outcome: _Analysed | Exception, summary: IngestSummary) -> None:
    if isinstance(outcome, Exception):
        _skip(store, item.where, outcome, summary)
        return
    stored = store.add_analysis(
        outcome.analysis,
        item.content_hash,
        item.where,
        embeddings=outcome.vectors,
        article_embedding=outcome.story_vector,
    )
    if stored.added:
        summary.added += 1
    else:
        summary.duplicates += 1


# -- analysis: in process, or on a pool of workers that each load the pipeline once ---------


@dataclass
class _Analysed:
    analysis: Analysis
    vectors: list[Any] | None = None  # claim embeddings, computed where the analysis ran
    story_vector: Any = None  # the article's story embedding, likewise


def _analyse(
    items: Iterator[_Item], jobs: int, analyzer: Analyzer | None, embed: bool = False
) -> Iterator[tuple[_Item, _Analysed | Exception]]:
    if jobs <= 1:
        analyze = analyzer
        for item in items:
            analyze = analyze or _default_analyzer()  # loaded only when there is something new
            yield item, analysed_safely(analyze, item.article, embed)
        return
    yield from _analyse_in_pool(items, jobs, embed)


def _default_analyzer() -> Analyzer:
    from claimtrace.nlp import load_pipeline
    from claimtrace.pipeline import analyze_article

    load_pipeline()  # fail early, with one line, when the model is missing
    return analyze_article


def analysed_safely(analyze: Analyzer, article: Article, embed: bool) -> _Analysed | Exception:
    outcome = _safely(analyze, article)
    if isinstance(outcome, Exception):
        return outcome
    if not embed:
        return _Analysed(outcome)
    return _Analysed(outcome, *link_vectors(outcome))


def _safely(analyze: Analyzer, article: Article) -> Analysis | Exception:
    try:
        return analyze(article)
    except ClaimtraceError as exc:
        return exc
    except ImportError:  # a broken installation fails every article: stop instead of skipping them all
        raise
    except Exception as exc:  # a bug in one article's analysis must not lose the rest of the corpus
        return InputError(f"analysis failed ({type(exc).__name__}: {exc})")


def link_vectors(analysis: Analysis) -> tuple[list[Any] | None, Any]:
    """The claims' vectors and the article's story vector exactly as linking computes them.

    Computing them next to the analysis spreads that work over the worker processes; linking only
    embeds what was stored without a vector. (None, None) when an encoder is missing: the link
    phase then reports it in one line.
    """
    from claimtrace.corpus.matching import embed_claims
    from claimtrace.corpus.records import ClaimRecord
    from claimtrace.corpus.stories import embed_articles

    try:
        claims = embed_claims([ClaimRecord(id=0, article_id=0, claim=c) for c in analysis.claims])
        return list(claims), embed_articles([analysis.article])[0]
    except ClaimtraceError:
        return None, None


def _analyse_in_pool(
    items: Iterator[_Item], jobs: int, embed: bool
) -> Iterator[tuple[_Item, _Analysed | Exception]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    first = next(items, None)
    if first is None:  # nothing new: do not pay for starting workers
        return
    from claimtrace.nlp import model_path

    if not (model_path() / "config.cfg").is_file():
        raise ClaimtraceError(f"no trained pipeline at {model_path()} (set CLAIMTRACE_MODEL or reinstall claimtrace)")
    # spawn: workers start clean instead of inheriting the parent's open store and threads
    context = multiprocessing.get_context("spawn")
    pending: deque[tuple[_Item, Any]] = deque()
    # an executor, unlike multiprocessing.Pool, fails instead of hanging when a worker is killed (OOM)
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=start_worker, initargs=(embed,))
    try:
        for item in itertools.chain([first], items):
            while len(pending) >= jobs * _WINDOW_PER_JOB:
                yield _finished(*pending.popleft())
            pending.append((item, pool.submit(analyse_in_worker, item.article)))
        while pending:
            yield _finished(*pending.popleft())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # interrupted: do not finish queued analyses first
        raise
    pool.shutdown()


def _finished(item: _Item, future: Any) -> tuple[_Item, _Analysed | Exception]:
    from concurrent.futures.process import BrokenProcessPool

    try:
        outcome = future.result()
    except BrokenProcessPool:
        raise ClaimtraceError(
            f"an analysis process died while on {item.where} (out of memory?); run the same ingest "
            "again to resume, or use --jobs 1"
        ) from None
    if isinstance(outcome, WorkerFailure):
        raise ClaimtraceError(outcome.message)
    return item, outcome


@dataclass
class WorkerFailure:
    message: str


_worker_error: str | None = None
_worker_embeds = False


def start_worker(embed: bool) -> None:
    global _worker_error, _worker_embeds
    # one worker per core: its libraries must not each start a thread per core as well
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("CLAIMTRACE_THREADS", "1")
    _worker_embeds = embed
    try:
        from claimtrace.nlp import load_pipeline

        load_pipeline()
    except ClaimtraceError as exc:
        _worker_error = str(exc)


def analyse_in_worker(article: Article) -> _Analysed | Exception | WorkerFailure:
    if _worker_error:
        return WorkerFailure(_worker_error)
    from claimtrace.pipeline import analyze_article

    outcome = analysed_safely(analyze_article, article, _worker_embeds)
    # exceptions with unpicklable state would break the pool: send a plain one back
    return InputError(str(outcome)) if isinstance(outcome, Exception) else outcome


# -- linking -----------------------------------------------------------------------------------


def run_linking(store: Store, jobs: int = 1) -> tuple[int | None, str | None]:
    """Link every unlinked article (relating claims on ``jobs`` processes); returns (how many, a
    note) or (None, why it did not run)."""
    from claimtrace.corpus.link import link_corpus

    article_ids = store.unlinked_article_ids()
    if not article_ids:
        return 0, None
    link_corpus(store, article_ids, jobs=jobs)
    store.mark_linked(article_ids)
    return len(article_ids), None


# -- progress ----------------------------------------------------------------------------------


class _Progress:
    """A rich progress bar on stderr with rate and ETA; does nothing when disabled."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._enabled = enabled
        self._total = total
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self._enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("ingest"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                console=Console(stderr=True), transient=False,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("ingest", total=self._total, rate="")
        return self

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)
            speed = self._bar.tasks[0].speed
            self._bar.update(self._task, rate=f"{speed:.1f} articles/s" if speed else "")

    def grow(self) -> None:
        if self._bar is not None:
            self._total += 1
            self._bar.update(self._task, total=self._total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def _status(message: str, enabled: bool) -> AbstractContextManager[Any]:
    """A spinner on stderr for a phase without a count (linking); nothing when disabled."""
    if not enabled:
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def progress_wanted(quiet: bool) -> bool:
    """Show progress only on an interactive terminal and when not asked to be quiet."""
    return not quiet and sys.stderr.isatty()
