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
    columns: Mapping[str, str] | None = None
    overrides: Mapping[str, str | None] = field(default_factory=dict)
    progress: bool = False
    encoding: str | None = None  # of every file, instead of the detected one
    seconds_per_article: float | None = 300.0  # budget: past it the article is skipped with the reason
    memory_mb_per_process: float | None = 4096.0  # likewise for resident memory (Linux)


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
    weight: int = 0  # bytes of input this item stands for (the progress bar and its ETA count bytes)


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

    ``analyzer`` (default :func:`claimtrace.pipeline.analyze_article`) is only
    used with ``jobs == 1``; worker processes always use the pipeline.
    """
    options = options or IngestOptions()
    started = time.monotonic()
    summary = IngestSummary()
    found = list(discover_files(paths))
    files = [f for f in found if isinstance(f, Path)]
    for unreadable in (f for f in found if not isinstance(f, Path)):
        _skip(store, unreadable.where, unreadable, summary)
    if options.link:
        from claimtrace.corpus.embed import ensure_claim_encoder

        ensure_claim_encoder(store)  # workers embed claims as they go: with the store's encoder
    with _Progress(sum(_size(f) for f in files), options.progress) as progress:
        items = _new_items(files, store, options, summary, progress)
        budget = (options.seconds_per_article, options.memory_mb_per_process)
        results = _analyse(items, options.jobs, analyzer, embed=options.link, budget=budget)
        for item, outcome in results:
            _record(store, item, outcome, summary)
            progress.advance(item.weight, articles=1)
    if options.link:
        link_started = time.monotonic()
        with _status("linking the new articles across the corpus", options.progress):
            summary.linked, summary.link_note = run_linking(store, options.jobs)
        summary.link_seconds = time.monotonic() - link_started
    summary.seconds = time.monotonic() - started
    return summary


class UnreadableFolder(InputError):
    """A folder ingest could not list: recorded as a skip like any other input left out."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: cannot list the folder ({reason})")
        self.where = where


def discover_files(paths: Iterable[str | Path]) -> Iterator[Path | UnreadableFolder]:
    """Files named, and files under folders named (recursively, sorted, hidden ones left out); a
    folder that cannot be listed is yielded as an :class:`UnreadableFolder` to record."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            unreadable: list[OSError] = []
            for dirpath, dirnames, filenames in os.walk(path, onerror=unreadable.append):
                while unreadable:
                    error = unreadable.pop(0)
                    yield UnreadableFolder(str(error.filename or dirpath), error.strerror or str(error))
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    candidate = Path(dirpath) / name
                    if not name.startswith(".") and not _is_sidecar(candidate):
                        yield candidate
            for error in unreadable:
                yield UnreadableFolder(str(error.filename or path), error.strerror or str(error))
        else:
            yield path


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX) or path.name == FOLDER_METADATA


def _new_items(
    files: list[Path], store: Store, options: IngestOptions, summary: IngestSummary, progress: _Progress
) -> Iterator[_Item]:
    """Articles not yet stored (nor already queued in this run); skips and duplicates are counted."""
    queued: set[str] = set()
    for path in files:
        size, weighed = _size(path), 0
        for where, outcome in iter_records(path, options.columns, options.overrides, options.encoding):
            weight = len(outcome.text.encode("utf-8", "replace")) if isinstance(outcome, Article) else 0
            weighed += weight
            if weighed > size:  # decompressed, or text longer than its file: the total was too low
                progress.grow(weighed - size)
                size = weighed
            if isinstance(outcome, InputError):
                _skip(store, where, outcome, summary)
                continue
            digest = content_hash(outcome.text)
            if digest in queued or store.has_hash(digest):
                summary.duplicates += 1
                progress.advance(weight)
                continue
            queued.add(digest)
            yield _Item(where, outcome, digest, weight)
        progress.advance(size - weighed)  # markup, metadata and bad records: read, nothing to analyse


def iter_records(
    path: Path, columns: Mapping[str, str] | None = None, overrides: Mapping[str, str | None] | None = None,
    encoding: str | None = None,
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
        for where, outcome in readers.iter_records(path, columns, encoding):
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


Limits = tuple[float | None, float | None]  # (seconds, resident MB) per article


def _analyse(
    items: Iterator[_Item], jobs: int, analyzer: Analyzer | None, embed: bool = False,
    budget: Limits = (None, None),
) -> Iterator[tuple[_Item, _Analysed | Exception]]:
    if jobs <= 1:
        analyze = analyzer
        for item in items:
            analyze = analyze or _default_analyzer()  # loaded only when there is something new
            yield item, _analysed(analyze, item.article, embed, budget)
        return
    yield from _analyse_in_pool(items, jobs, embed, budget)


def _default_analyzer() -> Analyzer:
    from claimtrace.geo import load_gazetteer
    from claimtrace.nlp import load_pipeline
    from claimtrace.pipeline import analyze_article

    load_pipeline()  # fail early, with one line, when the model is missing
    load_gazetteer()  # built on the first run: not inside an article's time budget
    return analyze_article


def _analysed(analyze: Analyzer, article: Article, embed: bool, budget: Limits = (None, None)) -> _Analysed | Exception:
    from claimtrace.workers import Budget

    with Budget(*budget):
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
    items: Iterator[_Item], jobs: int, embed: bool, budget: Limits = (None, None)
) -> Iterator[tuple[_Item, _Analysed | Exception]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    first = next(items, None)
    if first is None:  # nothing new: do not pay for starting workers
        return
    from claimtrace.nlp import model_path

    if not (model_path() / "config.cfg").is_file():
        raise ClaimtraceError(f"no trained pipeline at {model_path()} (set CLAIMTRACE_MODEL or reinstall claimtrace)")
    from claimtrace.geo import load_gazetteer

    load_gazetteer()  # built once here on the first run, not by every worker inside an article's budget
    # spawn: workers start clean instead of inheriting the parent's open store and threads
    context = multiprocessing.get_context("spawn")
    pending: deque[tuple[_Item, Any]] = deque()
    # an executor, unlike multiprocessing.Pool, fails instead of hanging when a worker is killed (OOM)
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start, initargs=(embed, budget, os.getpid()))
    try:
        for item in itertools.chain([first], items):
            while len(pending) >= jobs * _WINDOW_PER_JOB:
                yield _finished(*pending.popleft())
            pending.append((item, pool.submit(_worker_analyse, item.article)))
        while pending:
            yield _finished(*pending.popleft())
    except BaseException:
        _stop_workers(pool)  # interrupted: neither finish the queued analyses nor wait for running ones
        raise
    pool.shutdown()


def _stop_workers(pool: Any) -> None:
    import multiprocessing

    pool.shutdown(wait=False, cancel_futures=True)
    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(timeout=5)


def _finished(item: _Item, future: Any) -> tuple[_Item, _Analysed | Exception]:
    from concurrent.futures.process import BrokenProcessPool

    try:
        outcome = future.result()
    except BrokenProcessPool:
        raise ClaimtraceError(
            f"an analysis process died while on {item.where} (out of memory?); run the same ingest "
            "again to resume, or use --jobs 1"
        ) from None
    if isinstance(outcome, _WorkerFailure):
        raise ClaimtraceError(outcome.message)
    return item, outcome


@dataclass
class _WorkerFailure:
    message: str


_worker_error: str | None = None
_worker_embeds = False
_worker_budget: Limits = (None, None)


def _worker_start(embed: bool, budget: Limits = (None, None), parent: int | None = None) -> None:
    global _worker_error, _worker_embeds, _worker_budget
    from claimtrace.workers import start_worker

    start_worker(parent)  # Ctrl-C is the parent's to handle; die with the parent
    # one worker per core: its libraries must not each start a thread per core as well
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("CLAIMTRACE_THREADS", "1")
    _worker_embeds, _worker_budget = embed, budget
    try:
        from claimtrace.nlp import load_pipeline

        load_pipeline()
    except ClaimtraceError as exc:
        _worker_error = str(exc)


def _worker_analyse(article: Article) -> _Analysed | Exception | _WorkerFailure:
    if _worker_error:
        return _WorkerFailure(_worker_error)
    from claimtrace.pipeline import analyze_article

    outcome = _analysed(analyze_article, article, _worker_embeds, _worker_budget)
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
    """A rich progress bar on stderr over the bytes of input, so its ETA weighs a long article by its
    length; it also shows articles done and their rate. Does nothing when disabled."""

    def __init__(self, total_bytes: int, enabled: bool) -> None:
        self._enabled = enabled
        self._total = max(total_bytes, 1)
        self._articles = 0
        self._bar: Any = None
        self._task: Any = None
        self._started = time.monotonic()

    def __enter__(self) -> _Progress:
        if self._enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("ingest"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[articles]}"),
                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                console=Console(stderr=True), transient=False,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("ingest", total=self._total, articles="")
        return self

    def advance(self, size: int, articles: int = 0) -> None:
        """``size`` more bytes of input done, ``articles`` more articles stored or skipped."""
        self._articles += articles
        if self._bar is not None:
            rate = self._articles / max(time.monotonic() - self._started, 1e-6)
            self._bar.update(self._task, advance=max(size, 0), articles=f"{self._articles} articles, {rate:.1f}/s")

    def grow(self, size: int) -> None:
        """The input holds ``size`` more bytes than counted (decompressed files)."""
        self._total += max(size, 0)
        if self._bar is not None:
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
