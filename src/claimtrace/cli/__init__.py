"""The ``claimtrace`` command: thin argument parsing over library calls.

Each sub-command lives in ``claimtrace.cli.<name>`` with a
``register(subparsers)`` function; errors a user can cause print one line
(``claimtrace: error: ...``) and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from claimtrace import __version__
from claimtrace.errors import ClaimtraceError

COMMAND_MODULES = ("analyze", "corpus")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimtrace",
        description="Trace every claim in news articles: who says what, how firmly, about whom, where and when.",
    )
    parser.add_argument("--version", action="version", version=f"claimtrace {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"claimtrace.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except ClaimtraceError as exc:
        print(f"claimtrace: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("claimtrace: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0

