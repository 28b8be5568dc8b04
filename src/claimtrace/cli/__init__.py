"""The ``claimtrace`` command: thin argument parsing over library calls.

Each sub-command lives in ``claimtrace.cli.<name>`` with a
``register(subparsers)`` function; errors a user can cause print one line
(``claimtrace: error: ...``) and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from claimtrace import __version__
from claimtrace.errors import ClaimtraceError
from claimtrace.sanitize import for_terminal

COMMAND_MODULES = ("analyze", "corpus", "serve")


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
        status = int(args.handler(args) or 0)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not in the interpreter's exit
        return status
    except ClaimtraceError as exc:
        print(f"claimtrace: error: {for_terminal(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("claimtrace: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OSError as exc:  # writing the output failed (a full disk, a closed terminal)
        _silence_stdout()
        where = f"{exc.filename}: " if exc.filename else "output: "
        print(f"claimtrace: error: {for_terminal(where)}{exc.strerror or exc}", file=sys.stderr)
        return 2


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

