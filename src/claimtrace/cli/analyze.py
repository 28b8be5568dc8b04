"""``claimtrace analyze PATH... [--json | --html OUT]``: one report per article."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from claimtrace.errors import InputError
from claimtrace.model import Analysis, to_dict
from claimtrace.readers.formats import iter_articles


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="analyse articles and print a report, JSON or an HTML page",
        description="Analyse articles (.txt with the title on the first line, .html, .json, .jsonl, .csv).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article files")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the analysis as JSON (one object per article)")
    output.add_argument("--html", metavar="OUT", help="write a self-contained HTML report to OUT")
    parser.add_argument("--published", help="publication date (YYYY-MM-DD), overrides the file's")
    parser.add_argument("--outlet", help="outlet name, overrides the file's")
    parser.add_argument("--url", help="article URL, overrides the file's")
    parser.add_argument("--title", help="article title, overrides the file's")
    parser.add_argument("--force", action="store_true", help="analyse text even if it is not English")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    analyses = [analysis for path in args.paths for analysis in _analyze_path(Path(path), args)]
    if args.json:
        _print_json(analyses)
    elif args.html:
        from claimtrace.report.html import render_html

        _write_html(Path(args.html), render_html(analyses))
    else:
        from claimtrace.report.terminal import print_report

        for analysis in analyses:
            print_report(analysis)
    return 0


def _analyze_path(path: Path, args: argparse.Namespace) -> list[Analysis]:
    from claimtrace.pipeline import analyze_article

    overrides = {"published": args.published, "outlet": args.outlet, "url": args.url, "title": args.title}
    return [analyze_article(article, force=args.force) for article in iter_articles(path, **overrides)]


def _print_json(analyses: list[Analysis]) -> None:
    payload = to_dict(analyses[0]) if len(analyses) == 1 else [to_dict(a) for a in analyses]
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _write_html(out: Path, page: str) -> None:
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{out}: cannot write the report ({exc.strerror})") from None
    print(f"wrote {out}", file=sys.stderr)
