"""The ingest progress display: a rich progress bar on stderr with rate and ETA, a spinner while linking."""

from __future__ import annotations

import sys
import time
from contextlib import AbstractContextManager
from typing import Any


class RichProgress:
    """An :class:`~claimtrace.ingest.IngestProgress` drawn with rich on stderr: a bar over the bytes of
    input (its ETA weighs a long article by its length), the articles done and their rate."""

    def __init__(self) -> None:
        self._total = 1
        self._articles = 0
        self._started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def counting(self, total_bytes: int) -> RichProgress:
        self._total = max(total_bytes, 1)
        return self

    def __enter__(self) -> RichProgress:
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
        self._started = time.monotonic()
        self._task = self._bar.add_task("ingest", total=self._total, articles="")
        return self

    def advance(self, size: int, articles: int = 0) -> None:
        self._articles += articles
        if self._bar is not None:
            rate = self._articles / max(time.monotonic() - self._started, 1e-6)
            self._bar.update(self._task, advance=max(size, 0), articles=f"{self._articles} articles, {rate:.1f}/s")

    def grow(self, size: int) -> None:
        self._total += max(size, 0)
        if self._bar is not None:
            self._bar.update(self._task, total=self._total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def status(self, message: str) -> AbstractContextManager[Any]:
        """A spinner on stderr for a phase without a count (linking)."""
        from rich.console import Console

        return Console(stderr=True).status(message)


def progress_wanted(quiet: bool) -> bool:
    """Show progress only on an interactive terminal and when not asked to be quiet."""
    return not quiet and sys.stderr.isatty()
