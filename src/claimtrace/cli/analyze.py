"""``claimtrace analyze INPUT... [--json | --html OUT]``: one report per article.

An input is a file, ``-`` (standard input, in the format of ``--format``) or an ``http(s)://`` URL
(fetched and extracted by trafilatura). Every good record of every input is analysed; each bad one
(unreadable, malformed, not English, ...) is reported on standard error in one line, and the exit
status is then 1 (2 when nothing could be analysed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from claimtrace.errors import InputError
from claimtrace.model import Analysis, Article, to_dict
from claimtrace.readers import normalize_date
from claimtrace.readers.discovery import read_paths
from claimtrace.readers.formats import MAX_BYTES, apply_overrides, records_from_bytes
from claimtrace.sanitize import for_terminal

STDIN = "-"
FORMATS = ("txt", "html", "json", "jsonl", "csv")
_URL = re.compile(r"https?://", re.IGNORECASE)
_PROGRESS_CHARS = 200_000  # texts longer than this show a progress bar on a terminal


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="analyse articles and print a report, JSON or an HTML page",
        description="Analyse articles (.txt with the title on the first line, .html, .json, .jsonl, .csv; "
        "optionally .gz; folders recursively; metadata from sidecar files as for ingest), standard input "
        "('-') or a web page (an http(s):// URL).",
    )
    parser.add_argument("paths", nargs="+", metavar="INPUT", help="article files or folders, '-' or URLs")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the analysis as JSON (one object per article)")
    output.add_argument("--html", metavar="OUT", help="write a self-contained HTML report to OUT")
    parser.add_argument("--published", help="publication date (YYYY-MM-DD), overrides the file's")
    parser.add_argument("--outlet", help="outlet name, overrides the file's")
    parser.add_argument("--url", help="article URL, overrides the file's")
    parser.add_argument("--title", help="article title, overrides the file's")
    parser.add_argument("--encoding", help="the input's encoding (default: detected)")
    parser.add_argument("--format", choices=FORMATS, default="txt", help="format of standard input (default: txt)")
    parser.add_argument("--force", action="store_true", help="analyse text even if it is not English")
    parser.add_argument("--allow-local-urls", action="store_true",
                        help="fetch URLs on this machine or a private network too (refused by default)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.html:
        refuse_overwriting_inputs(Path(args.html), args.paths)
    analyses: list[Analysis] = []
    failures: list[str] = []
    for source in args.paths:
        for outcome in _analysed_records(source, args):
            if isinstance(outcome, Analysis):
                analyses.append(outcome)
            else:
                failures.append(str(outcome))
    if not analyses:
        if not failures:
            raise InputError(f"no articles in {', '.join(args.paths)}")
        if len(failures) == 1:
            raise InputError(failures[0])
        _report_skips(failures)
        raise InputError(f"nothing to analyse: all {len(failures)} records were skipped")
    _output(analyses, args)
    _report_skips(failures)
    return 1 if failures else 0


def _output(analyses: list[Analysis], args: argparse.Namespace) -> None:
    if args.json:
        _print_json(analyses)
    elif args.html:
        from claimtrace.report.html import render_html

        write_atomically(Path(args.html), render_html(analyses))
        print(f"wrote {for_terminal(args.html)}", file=sys.stderr)
    else:
        from claimtrace.report.terminal import print_report

        for analysis in analyses:
            print_report(analysis)


def _report_skips(failures: list[str]) -> None:
    for failure in failures:
        print(f"claimtrace: skipped {for_terminal(failure)}", file=sys.stderr)


def _analysed_records(source: str, args: argparse.Namespace) -> Iterator[Analysis | InputError]:
    """Each record of one input analysed, or the one-line reason it could not be."""
    from claimtrace.pipeline import analyze_article

    published = normalize_date(args.published, "--published") if args.published else None
    overrides = {"published": published, "outlet": args.outlet, "url": args.url, "title": args.title}
    try:
        for where, outcome in _records(source, args, overrides):
            if isinstance(outcome, InputError):
                yield outcome
                continue
            try:
                article = outcome
                with _chunk_progress(article) as progress:
                    yield analyze_article(article, force=args.force, on_chunk=progress)
            except InputError as exc:
                yield InputError(f"{where}: {exc}")
    except InputError as exc:
        yield exc


def _records(
    source: str, args: argparse.Namespace, overrides: dict[str, Any]
) -> Iterator[tuple[str, Article | InputError]]:
    """The records of one input with the overrides applied: files and folders through the reading path
    ingest uses, standard input and web pages from their bytes."""
    if source == STDIN:
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InputError(f"standard input is too large (the limit is {MAX_BYTES // 2**20} MiB)")
        records = records_from_bytes(data, "<stdin>", f".{args.format}", encoding=args.encoding)
        yield from _overridden(records, overrides)
    elif _URL.match(source):
        page = fetch_page(source, allow_local=args.allow_local_urls)
        for where, outcome in _overridden(records_from_bytes(page, source, ".html", encoding=args.encoding), overrides):
            if isinstance(outcome, Article):
                outcome.url = outcome.url or source
            yield where, outcome
    else:
        yield from read_paths([source], overrides=overrides, encoding=args.encoding)


def _overridden(
    records: Iterator[tuple[str, Article | InputError]], overrides: dict[str, Any]
) -> Iterator[tuple[str, Article | InputError]]:
    for where, outcome in records:
        yield where, apply_overrides(outcome, overrides) if isinstance(outcome, Article) else outcome


def fetch_page(url: str, allow_local: bool = False) -> bytes:
    """The bytes of the page at ``url`` (trafilatura's downloader); InputError when it cannot be had.

    Addresses on this machine and private networks are refused (trafilatura's SSRF protection)
    unless ``allow_local``.
    """
    from trafilatura.downloads import fetch_response
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "SSRF_PROTECTION", "off" if allow_local else "on")
    try:
        response = fetch_response(url, config=config)
    except Exception as exc:  # urllib3 raises assorted errors for bad URLs and refused connections
        raise InputError(f"{url}: cannot fetch the page ({type(exc).__name__})") from None
    if response is None or not response.data:
        raise InputError(f"{url}: cannot fetch the page (no answer, or an empty one)")
    if response.status != 200:
        raise InputError(f"{url}: cannot fetch the page (HTTP {response.status})")
    if len(response.data) > MAX_BYTES:
        raise InputError(f"{url}: the page is too large (the limit is {MAX_BYTES // 2**20} MiB)")
    return bytes(response.data)


@contextlib.contextmanager
def _chunk_progress(article: Article) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on standard error for a long text on a terminal, fed chunk by chunk."""
    if len(article.text) < _PROGRESS_CHARS or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("analysing", total=len(article.text))
        yield lambda done, total: bar.update(task, completed=done, total=total)


def refuse_overwriting_inputs(out: Path, inputs: list[str]) -> None:
    """Raise InputError when the output file is one of the inputs (a report must not replace its source)."""
    for source in inputs:
        if source == STDIN or _URL.match(source):
            continue
        with contextlib.suppress(OSError):
            if Path(source).resolve() == out.resolve() or (out.exists() and os.path.samefile(source, out)):
                raise InputError(f"{out}: is also an input; write the report to another file")


def write_atomically(out: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``out`` and rename it: ``out`` is whole or untouched."""
    temporary: str | None = None
    try:
        folder = out.parent if str(out.parent) else Path(".")
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, prefix=f".{out.name}.", suffix=".tmp", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, out)
    except OSError as exc:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise InputError(f"{out}: cannot write the report ({exc.strerror})") from None


def _print_json(analyses: list[Analysis]) -> None:
    payload = to_dict(analyses[0]) if len(analyses) == 1 else [to_dict(a) for a in analyses]
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
