"""The ingest runner: files and folders → analysed, deduplicated, linked articles in a store.

Finds files and reads their articles with their metadata through
:mod:`claimtrace.readers.discovery` (folders recursively; ``.txt``, ``.html``,
``.json``, ``.jsonl``, ``.csv``, each optionally gzipped; file fields < sidecar
file < command-line flags), drops articles whose normalized text is already stored,
analyses the rest on ``jobs`` processes (each loads the pipeline once) and
writes each article with all its rows in one transaction from the parent. A
bad file or record, and a non-English article, is skipped with its reason
recorded in the store; then the link phase runs over every unlinked article.

Because every stored article is committed whole and linking state is a flag
per article, a run killed at any moment and started again ends with exactly
what one clean run stores. Each article's analysis has a time and memory
budget (:class:`claimtrace.workers.Budget`): past it the article is skipped with
the reason. The worker processes ignore Ctrl-C and die with the parent
(:mod:`claimtrace.workers`); an interrupted run stops them and leaves the store
to resume. Progress counts bytes of input, so its ETA weighs long articles.

Figures (``benchmarks/ingest.py``): ``docs/benchmarks_ingest.md``. Misses: non-English text is
skipped, not translated; duplicates are exact after normalization, near-duplicates (an edited copy
of a wire story) are stored twice.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from claimtrace.errors import ClaimtraceError, InputError
from claimtrace.model import Analysis, Article
from claimtrace.readers.discovery import UnreadableFolder, discover_files, iter_records
from claimtrace.store import Store, StoredArticle

_WINDOW_PER_JOB = 4  # articles in flight per worker: enough to keep workers busy, bounded memory

Analyzer = Callable[[Article], Analysis]


class IngestProgress(Protocol):
    """What shows an ingest run's progress, counted in bytes of input (so that an ETA weighs a long
    article by its length) with the articles done alongside, and a status per phase."""

    def counting(self, total_bytes: int) -> AbstractContextManager[Any]: ...
    def advance(self, size: int, articles: int = 0) -> None: ...
    def grow(self, size: int) -> None: ...
    def status(self, message: str) -> AbstractContextManager[Any]: ...


class SilentProgress:
    """An :class:`IngestProgress` that shows nothing."""

    def counting(self, total_bytes: int) -> AbstractContextManager[Any]:
        return nullcontext()

    def advance(self, size: int, articles: int = 0) -> None:
        pass

    def grow(self, size: int) -> None:
        pass

    def status(self, message: str) -> AbstractContextManager[Any]:
        return nullcontext()


@dataclass
class IngestOptions:
    """How to ingest: ``columns`` maps our field names to CSV headers; ``overrides`` apply to all."""

    jobs: int = 2
    link: bool = True
    # analyse on Dask instead of local processes: "local:N", "tcp://host:port" or an open dask Client
    dask: Any = None
    chunk_size: int | None = None  # articles per Dask task (default: cluster.DEFAULT_CHUNK_SIZE)
    columns: Mapping[str, str] | None = None
    overrides: Mapping[str, str | None] = field(default_factory=dict)
    progress: IngestProgress | None = None  # what shows the run's progress (default: nothing)
    encoding: str | None = None  # of every file, instead of the detected one
    seconds_per_article: float | None = 300.0  # budget: past it the article is skipped with the reason
    memory_mb_per_process: float | None = 4096.0  # likewise for resident memory (Linux)


@dataclass
class IngestSummary:
    added: int = 0
    duplicates: int = 0
    skipped: int = 0
    linked: int | None = None  # None when the link phase did not run
    seconds: float = 0.0
    link_seconds: float = 0.0

    def line(self) -> str:
        parts = [f"added {self.added}", f"duplicates {self.duplicates}", f"skipped {self.skipped}"]
        if self.linked is not None:
            parts.append(f"linked {self.linked} ({self.link_seconds:.1f}s)")
        return ", ".join(parts) + f" in {self.seconds:.1f}s"


@dataclass
class _Item:
    where: str
    article: Article
    content_hash: str
    weight: int = 0  # bytes of input this item stands for (progress counts bytes)


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
    found = list(discover_files(paths))
    files = [f for f in found if isinstance(f, Path)]
    for unreadable in (f for f in found if isinstance(f, UnreadableFolder)):
        _skip(store, unreadable.where, unreadable, summary)
    if options.link:
        from claimtrace.link.embed import ensure_claim_encoder

        ensure_claim_encoder(store)  # workers embed claims as they go: with the store's encoder
    progress = options.progress or SilentProgress()
    with progress.counting(sum(_size(f) for f in files)), _dask_client(options.dask) as client:
        items = _new_items(files, store, options, summary, progress)
        if client is not None:
            results = _analyse_on_dask(items, client, analyzer, options)
        else:
            budget = (options.seconds_per_article, options.memory_mb_per_process)
            results = _analyse(items, options.jobs, analyzer, embed=options.link, budget=budget)
        for item, outcome in results:
            _record(store, item, outcome, summary)
            progress.advance(item.weight, articles=1)
    if options.link:
        link_started = time.monotonic()
        with progress.status("linking the new articles across the corpus"):
            summary.linked = run_linking(store, options.jobs)
        summary.link_seconds = time.monotonic() - link_started
    summary.seconds = time.monotonic() - started
    return summary


def ingest_article(article: Article, store: Store, link: bool = True) -> tuple[Analysis, StoredArticle]:
    """Analyse one article already in memory (pasted, uploaded), store it and link it."""
    from claimtrace.pipeline import analyze_article

    analysis = analyze_article(article)
    if link:
        from claimtrace.link.embed import ensure_claim_encoder

        ensure_claim_encoder(store)
    vectors, story_vector = link_vectors(analysis) if link else (None, None)
    stored = store.add_analysis(analysis, content_hash(article.text), None, vectors, story_vector)
    if link and stored.added:
        run_linking(store)
    return analysis, stored


def _dask_client(dask: Any) -> AbstractContextManager[Any]:
    """The Dask client to analyse on: none, one given, or one opened for a scheduler name."""
    if dask is None:
        return nullcontext()
    if not isinstance(dask, str):
        return nullcontext(dask)
    from claimtrace.cluster import dask_client

    return dask_client(dask)


def _new_items(
    files: list[Path], store: Store, options: IngestOptions, summary: IngestSummary, progress: IngestProgress
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


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


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
    from claimtrace.link.matching import embed_claims
    from claimtrace.link.stories import embed_articles
    from claimtrace.store.records import ClaimRecord

    try:
        claims = embed_claims([ClaimRecord(id=0, article_id=0, claim=c) for c in analysis.claims])
        return list(claims), embed_articles([analysis.article])[0]
    except ClaimtraceError:
        return None, None


def _analyse_on_dask(
    items: Iterator[_Item], client: Any, analyzer: Analyzer | None, options: IngestOptions
) -> Iterator[tuple[_Item, _Analysed | Exception]]:
    from claimtrace.cluster import DEFAULT_CHUNK_SIZE, analyse_on_dask

    chunk_size = options.chunk_size or DEFAULT_CHUNK_SIZE
    for item, outcome in analyse_on_dask(items, client, _analyse_chunk, options.link, analyzer, chunk_size=chunk_size):
        if isinstance(outcome, _WorkerFailure):
            raise ClaimtraceError(outcome.message)
        yield item, outcome


def _analyse_chunk(articles: list[Article], embed: bool, analyzer: Analyzer | None) -> list[Any]:
    """On a Dask worker: each article analysed (and embedded), or why not; the pipeline is loaded on the
    worker's first chunk (``analyzer``, when given, is used instead)."""
    from claimtrace.cluster import single_threaded_worker

    single_threaded_worker()
    if analyzer is not None:
        outcomes: list[Any] = [_analysed(analyzer, article, embed) for article in articles]
        return [InputError(str(o)) if isinstance(o, Exception) else o for o in outcomes]
    # no per-article budget here: it needs the main thread (SIGALRM), and Dask bounds its workers' memory
    _load_worker_pipeline(embed, (None, None))
    return [_worker_analyse(article) for article in articles]


def _analyse_in_pool(
    items: Iterator[_Item], jobs: int, embed: bool, budget: Limits = (None, None)
) -> Iterator[tuple[_Item, _Analysed | Exception]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    first = next(items, None)
    if first is None:  # nothing new: do not pay for starting workers
        return
    from claimtrace.settings import model_path

    if not (model_path() / "config.cfg").is_file():
        raise ClaimtraceError(f"no trained pipeline at {model_path()} (set CLAIMTRACE_MODEL or reinstall claimtrace)")
    from claimtrace.geo import load_gazetteer

    load_gazetteer()  # built once here on the first run, not by every worker inside an article's budget
    # spawn: workers start clean instead of inheriting the parent's open store and threads
    context = multiprocessing.get_context("spawn")
    pending: deque[tuple[_Item, Any]] = deque()
    # an executor, unlike multiprocessing.Pool, fails instead of hanging when a worker is killed (OOM)
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start,
                               initargs=(embed, budget, os.getpid()))
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
    from claimtrace.workers import start_worker

    start_worker(parent)  # Ctrl-C is the parent's to handle; die with the parent
    _load_worker_pipeline(embed, budget)


def _load_worker_pipeline(embed: bool, budget: Limits) -> None:
    """Ready this process to analyse: the pipeline loaded (once: it is cached), what to do noted."""
    global _worker_error, _worker_embeds, _worker_budget
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


def run_linking(store: Store, jobs: int = 1) -> int:
    """Link every unlinked article (relating claims on ``jobs`` processes; :func:`link_corpus`
    marks them linked in the same transaction); returns how many."""
    from claimtrace.link.linker import link_corpus

    article_ids = store.unlinked_article_ids()
    if article_ids:
        link_corpus(store, article_ids, jobs=jobs)
    return len(article_ids)
