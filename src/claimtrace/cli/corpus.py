"""Corpus sub-commands: ``ingest`` into a store, then query it.

``ingest``, ``errors``, ``stories``, ``story``, ``claims``, ``events``, ``casualties``, ``conflicts``,
``relations`` and ``outlets``; each takes ``--db PATH`` or ``--db postgresql://USER@HOST/DB`` (default
``$CLAIMTRACE_DB``, else ``claimtrace.db`` in the working directory). Queries print a table, or
``--json`` / ``--csv``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from claimtrace.model import CASUALTY_KINDS, PLOVER_CATEGORIES, SOURCE_KINDS
from claimtrace.readers.formats import normalize_date
from claimtrace.report.rows import flat_conflict, relations_text, write_csv
from claimtrace.sanitize import for_terminal
from claimtrace.store import (
    DB_VARIABLE,
    DEFAULT_DB,
    ClaimFilter,
    EventFilter,
    Store,
    default_location,
    open_store,
)
from claimtrace.store.records import RELATION_KINDS

Handler = Callable[[argparse.Namespace], int]
MAX_COUNT = 10**9  # limits and job counts above this are typing mistakes (and overflow SQLite's integers)


def register(subparsers: argparse._SubParsersAction) -> None:
    _register_ingest(subparsers)
    _query(subparsers, "errors", "list the files and records ingest skipped, with reasons", run_errors)
    _query(subparsers, "stories", "list stories (articles grouped by event)", run_stories)
    story = _query(subparsers, "story", "a story's timeline: who said what, when, and how claims relate", run_story)
    story.add_argument("story_id", type=int, metavar="ID", help="story id (see 'claimtrace stories')")
    _register_claims(subparsers)
    _register_events(subparsers)
    conflicts = _query(subparsers, "conflicts", "contradicting claims across articles, newest first", run_conflicts)
    conflicts.add_argument("--limit", type=_positive_int, help="show at most this many pairs")
    relations = _query(
        subparsers, "relations", "related claims across articles (corroborates, contradicts, updates), newest first",
        run_relations,
    )
    relations.add_argument("--type", choices=RELATION_KINDS, help="only relations of this kind")
    relations.add_argument("--limit", type=_positive_int, help="show at most this many pairs")
    _query(subparsers, "outlets", "per outlet: articles, claims, kinds of sources, contradictions", run_outlets)


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default=None, metavar="PATH|URL",
        help=f"the store: a SQLite file or postgresql://USER@HOST/DB (default: ${DB_VARIABLE}, else {DEFAULT_DB})",
    )


def _query(subparsers: argparse._SubParsersAction, name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
    _db_argument(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON")
    output.add_argument("--csv", action="store_true", help="print CSV")
    parser.set_defaults(handler=handler)
    return parser


def _register_ingest(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="analyse files and folders into a store (deduplicated, resumable)",
        description="Analyse articles from files and folders (recursively; .txt, .html, .json, .jsonl, .csv, "
        "optionally .gz) into a store, skipping what is already stored, then link them across outlets.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    _db_argument(parser)
    parser.add_argument("--jobs", type=_job_count, default=2, help="processes for analysis (default: 2)")
    parser.add_argument(
        "--dask", metavar="SCHEDULER",
        help="analyse on a Dask cluster instead: local:N (N local workers) or tcp://HOST:PORT",
    )
    parser.add_argument("--chunk-size", type=_positive_int, metavar="N", help="articles per Dask task (default: 8)")
    parser.add_argument("--no-link", action="store_true", help="do not link claims across articles")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--encoding", help="the encoding of every file (default: detected)")
    parser.add_argument("--max-seconds", type=_positive_int, default=300, metavar="S",
                        help="time budget per article; past it the article is skipped (default: 300)")
    parser.add_argument("--max-memory", type=_positive_int, default=4096, metavar="MB",
                        help="memory budget per analysis process; past it the article is skipped (default: 4096)")
    described = {"outlet": "outlet name", "published": "publication date (YYYY-MM-DD)", "url": "URL"}
    for name, what in described.items():
        parser.add_argument(f"--{name}", help=f"{what} of every article (overrides files and sidecars)")
    for name in ("text", "title", "published", "outlet", "url"):
        parser.add_argument(f"--{name}-column", metavar="NAME", help=f"CSV column with the {name} (default: {name})")
    parser.set_defaults(handler=run_ingest)


def _register_claims(subparsers: argparse._SubParsersAction) -> None:
    parser = _query(subparsers, "claims", "find claims by entity, place, source kind, date or words", run_claims)
    parser.add_argument("--about", metavar="ENTITY", help="canonical name of an entity in the claim (any case)")
    parser.add_argument("--place", metavar="NAME", help="a place named in the claim")
    parser.add_argument("--source-kind", choices=SOURCE_KINDS, help="kind of source")
    parser.add_argument("--source", metavar="NAME", help="words of the source's text or canonical name (any case)")
    parser.add_argument("--since", metavar="DATE", help="claims about (else published) on or after DATE")
    parser.add_argument("--until", metavar="DATE", help="claims about (else published) on or before DATE")
    parser.add_argument("--search", metavar="TEXT", help="full-text search in claim content and source (FTS5)")
    parser.add_argument("--limit", type=_positive_int, default=100, help="at most this many (default: 100)")


def _register_events(subparsers: argparse._SubParsersAction) -> None:
    parser = _query(subparsers, "events", "find events (PLOVER) by place, category, country or date", run_events)
    parser.add_argument("--place", metavar="NAME", help="a place of the event (name, words or id; any case)")
    parser.add_argument("--category", type=str.upper, choices=PLOVER_CATEGORIES, help="PLOVER category")
    parser.add_argument("--country", metavar="ISO3", help="country (ISO alpha-3) of a source or target actor")
    parser.add_argument("--since", metavar="DATE", help="events on or after DATE (their date, else publication)")
    parser.add_argument("--until", metavar="DATE", help="events on or before DATE")
    parser.add_argument("--limit", type=_positive_int, default=100, help="at most this many (default: 100)")
    figures = _query(subparsers, "casualties", "casualty figures and who claims each, largest first", run_casualties)
    figures.add_argument("--kind", choices=CASUALTY_KINDS, help="killed, injured, missing, ...")
    figures.add_argument("--since", metavar="DATE", help="figures dated on or after DATE")


def _job_count(value: str) -> int:
    """A number of analysis processes: each loads the pipeline (about 0.5 GB), so a few per core."""
    number = _positive_int(value)
    most = 4 * (os.cpu_count() or 1)
    if number > most:
        raise argparse.ArgumentTypeError(f"must be at most {most} (four per core): {number}")
    return number


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: '{value}'") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {number}")
    if number > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_COUNT:,}: {value}")
    return number


# -- ingest -------------------------------------------------------------------------------------


def run_ingest(args: argparse.Namespace) -> int:
    from claimtrace.cli.progress import RichProgress, progress_wanted
    from claimtrace.ingest import IngestOptions, ingest

    columns = {name: getattr(args, f"{name}_column") for name in ("text", "title", "published", "outlet", "url")}
    options = IngestOptions(
        jobs=args.jobs,
        link=not args.no_link,
        chunk_size=args.chunk_size,
        columns={k: v for k, v in columns.items() if v} or None,
        overrides={"outlet": args.outlet, "published": args.published, "url": args.url},
        progress=RichProgress() if progress_wanted(args.quiet) else None,
        encoding=args.encoding,
        seconds_per_article=args.max_seconds,
        memory_mb_per_process=args.max_memory,
    )
    if args.published:
        normalize_date(args.published, "--published")
    if args.dask:
        from claimtrace.cluster import parse_scheduler

        parse_scheduler(args.dask)  # a malformed scheduler is one line before anything is opened
    store_location = args.db or default_location()
    store = open_store(store_location)
    try:
        with _sigterm_as_interrupt(), _dask_client(args.dask, show_dashboard=options.progress is not None) as client:
            options.dask = client
            summary = ingest(args.paths, store, options)
    except KeyboardInterrupt:
        print(f"claimtrace: interrupted; every article analysed so far is stored: run the same command again "
              f"to finish (claimtrace errors --db {for_terminal(store_location)} lists what was skipped)",
              file=sys.stderr)
        return 130
    finally:
        store.close()
    print(summary.line())
    if summary.skipped:
        print(f"see the reasons with: claimtrace errors --db {for_terminal(store_location)}", file=sys.stderr)
    return 0


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops ingest the way Ctrl-C does: workers stopped, the store left to resume."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _dask_client(scheduler: str | None, show_dashboard: bool) -> AbstractContextManager[Any]:
    """The Dask client of ``--dask`` (none without it); its dashboard's address on stderr with the bar."""
    if not scheduler:
        return nullcontext()
    from claimtrace.cluster import dask_client

    @contextmanager
    def opened() -> Iterator[Any]:
        with dask_client(scheduler) as client:
            if show_dashboard and client.dashboard_link:
                print(f"Dask dashboard: {client.dashboard_link}", file=sys.stderr)
            yield client

    return opened()


# -- queries ------------------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> Store:
    return open_store(args.db, create=False, readonly=True)


def run_errors(args: argparse.Namespace) -> int:
    with _closing(_open(args)) as store:
        rows = store.skips()
    _emit(args, rows, rows, [("path", "path"), ("reason", "reason"), ("time", "time")], "Skipped")
    return 0


def run_stories(args: argparse.Namespace) -> int:
    with _closing(_open(args)) as store:
        rows = store.stories()
    columns = [("id", "id"), ("label", "label"), ("first_date", "first"), ("last_date", "last"),
               ("articles", "articles"), ("outlets", "outlets"), ("claims", "claims"),
               ("contradictions", "contradictions")]
    _emit(args, rows, rows, columns, "Stories")
    return 0


def run_story(args: argparse.Namespace) -> int:
    with _closing(_open(args)) as store:
        story = store.story_timeline(args.story_id)
    flat = [{**c, "relations": relations_text(c["relations"])} for c in story["claims"]]
    columns = [("id", "claim"), ("time", "date"), ("outlet", "outlet"), ("source", "source"),
               ("source_kind", "kind"), ("certainty", "certainty"), ("polarity", "polarity"),
               ("content", "says"), ("relations", "relation to earlier claims")]
    title = f"Story {story['id']}: {story['label'] or ''} ({story['first_date']} to {story['last_date']})"
    _emit(args, story, flat, columns, title)
    return 0


def run_claims(args: argparse.Namespace) -> int:
    filters = ClaimFilter(
        about=args.about, place=args.place, source_kind=args.source_kind, source=args.source,
        since=_date_or_none(args.since, "--since"), until=_date_or_none(args.until, "--until", last=True),
        search=args.search, limit=args.limit,
    )
    with _closing(_open(args)) as store:
        rows = store.find_claims(filters)
    columns = [("id", "id"), ("time", "date"), ("outlet", "outlet"), ("source", "source"),
               ("source_kind", "kind"), ("certainty", "certainty"), ("polarity", "polarity"), ("content", "says")]
    _emit(args, rows, [{k: v for k, v in r.items() if k != "claim"} for r in rows], columns, "Claims")
    return 0


def run_events(args: argparse.Namespace) -> int:
    filters = EventFilter(
        place=args.place, category=args.category, country=args.country,
        since=_date_or_none(args.since, "--since"), until=_date_or_none(args.until, "--until", last=True),
        limit=args.limit,
    )
    with _closing(_open(args)) as store:
        rows = store.find_events(filters)
    flat = [{**{k: v for k, v in r.items() if k not in {"event", "casualties"}},
             "casualties": "; ".join(f"{c['text']} {c['kind']}" for c in r["casualties"])} for r in rows]
    columns = [("id", "id"), ("time", "date"), ("category", "category"), ("trigger", "trigger"),
               ("source", "source"), ("target", "target"), ("places", "where"), ("modality", "modality"),
               ("claimed_by", "claimed by"), ("outlet", "outlet"), ("casualties", "casualties")]
    _emit(args, rows, flat, columns, "Events")
    return 0


def run_casualties(args: argparse.Namespace) -> int:
    with _closing(_open(args)) as store:
        rows = store.casualty_figures(args.kind, _date_or_none(args.since, "--since"))
    for row in rows:
        row["claimed_by"] = row["claimed_by"] or (f"{row['outlet']} (author)" if row["outlet"] else "the article")
    columns = [("kind", "kind"), ("text", "figure"), ("value", "value"), ("who", "who"), ("cause", "cause"),
               ("place", "where"), ("time", "date"), ("claimed_by", "claimed by"), ("outlet", "outlet")]
    _emit(args, rows, rows, columns, "Casualty figures")
    return 0


def _date_or_none(value: str | None, flag: str, last: bool = False) -> str | None:
    """The day ``value`` starts (or, with ``last``, ends) on, as ISO text for the store's filters."""
    if not value:
        return None
    date = normalize_date(value, flag)
    return (date.last_day() if last else date.first_day()).isoformat()


def run_conflicts(args: argparse.Namespace) -> int:
    with _closing(_open(args)) as store:
        rows = store.conflicts(args.limit)
    flat = [flat_conflict(r) for r in rows]
    columns = [("a_published", "date a"), ("a_outlet", "outlet a"), ("a_says", "a says"),
               ("b_published", "date b"), ("b_outlet", "outlet b"), ("b_says", "b says"), ("reason", "why")]
    _emit(args, rows, flat, columns, "Contradictions")
    return 0


def run_relations(args: argparse.Namespace) -> int:
    with _closing(_open(args)) as store:
        rows = store.relations(args.type, args.limit)
    flat = [flat_conflict(r) for r in rows]
    columns = [("relation", "relation"), ("a_published", "date a"), ("a_outlet", "outlet a"), ("a_says", "a says"),
               ("b_published", "date b"), ("b_outlet", "outlet b"), ("b_says", "b says"), ("reason", "why")]
    _emit(args, rows, flat, columns, "Relations" if args.type is None else f"Relations: {args.type}")
    return 0


def run_outlets(args: argparse.Namespace) -> int:
    with _closing(_open(args)) as store:
        rows = store.outlets()
    columns = [("outlet", "outlet"), ("articles", "articles"), ("claims", "claims"),
               ("named_share", "named"), ("official_share", "official"), ("anonymous_share", "anonymous"),
               ("witness_share", "witness"),
               ("contradicted", "contradicted by others")]
    _emit(args, rows, rows, columns, "Outlets")
    return 0


# -- output -------------------------------------------------------------------------------------


class _closing:
    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


def _emit(
    args: argparse.Namespace, payload: Any, rows: list[dict[str, Any]], columns: Sequence[tuple[str, str]], title: str
) -> None:
    """Print ``payload`` as JSON, ``rows`` as CSV (all their keys), or ``columns`` of ``rows`` as a table."""
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.csv:
        write_csv(rows, [key for key, _ in columns], sys.stdout, clean=for_terminal if sys.stdout.isatty() else None)
    else:
        _print_table(rows, columns, title)


def _print_table(rows: list[dict[str, Any]], columns: Sequence[tuple[str, str]], title: str) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(for_terminal(title)), show_lines=False)
    for _, header in columns:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(Text(for_terminal(_shown(row.get(key)))) for key, _ in columns))  # never markup
    console = Console()
    if not console.is_terminal:  # piped to a file or pager: do not fold cells at 80 columns
        console = Console(width=200)
    if not rows:
        console.print(Text(for_terminal(f"{title}: none")))
        return
    console.print(table)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.0%}" if 0 <= value <= 1 else f"{value:.2f}"
    return str(value)

