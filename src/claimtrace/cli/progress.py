"""The ingest progress display: a rich progress bar on stderr with rate and ETA, a spinner while linking."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from typing import Any


class RichProgress:
    """An :class:`~claimtrace.ingest.IngestProgress` drawn with rich on stderr."""

    def __init__(self) -> None:
        self._total = 0
        self._bar: Any = None
        self._task: Any = None

    def counting(self, total: int) -> RichProgress:
        self._total = total
        return self

    def __enter__(self) -> RichProgress:
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
            self._bar = None

    def status(self, message: str) -> AbstractContextManager[Any]:
        """A spinner on stderr for a phase without a count (linking)."""
        from rich.console import Console

        return Console(stderr=True).status(message)


def progress_wanted(quiet: bool) -> bool:
    """Show progress only on an interactive terminal and when not asked to be quiet."""
    return not quiet and sys.stderr.isatty()
