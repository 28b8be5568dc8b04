"""Worker processes that never outlive their parent, and a time and memory budget per article.

:func:`start_worker` is the initializer of every claimtrace pool: the worker ignores Ctrl-C (the
parent alone decides what an interruption means and stops the workers itself, so no worker prints a
traceback), and dies with its parent: on Linux the kernel kills it when the parent dies
(``PR_SET_PDEATHSIG``), elsewhere a watchdog thread notices that its parent changed within a second.

:class:`Budget` bounds one article's analysis: past ``seconds`` of wall-clock time or ``memory_mb``
of resident memory (read from ``/proc/self/statm``, so on Linux only) the analysis is interrupted
with :class:`BudgetExceeded`, which ingest records as a skip with that reason. It works through
``SIGALRM`` and so only in the main thread of a process; elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from types import FrameType, TracebackType

from claimtrace.errors import InputError

_PR_SET_PDEATHSIG = 1
_CHECK_EVERY_S = 0.25


def start_worker(parent: int | None = None) -> None:
    """Set up a pool worker: Ctrl-C ignored, killed when its parent (pid ``parent``, else the
    current parent) dies, and ended quietly by SIGTERM (what ``Pool.terminate`` sends), whatever
    handler a forked worker inherited (ingest turns SIGTERM into an interruption in the parent)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)


def die_with_parent(parent: int | None = None) -> None:
    """Make this process end when its parent does (kernel signal on Linux, else a watchdog thread).

    ``parent`` is the pid the parent had when it started this process: if the parent died while
    this process was starting, it has already been adopted by another and must end now.
    """
    parent = parent or os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="claimtrace-parent-watch").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


class BudgetExceeded(InputError):
    """An article's analysis took more time or memory than its budget."""


class Budget:
    """``with Budget(seconds, memory_mb):`` interrupts the block once either limit is passed."""

    def __init__(self, seconds: float | None, memory_mb: float | None) -> None:
        self.seconds = seconds
        self.memory_mb = memory_mb
        self._started = 0.0
        self._previous: object = None
        self._armed = False

    def __enter__(self) -> Budget:
        limited = self.seconds is not None or (self.memory_mb is not None and _can_read_memory())
        if limited and threading.current_thread() is threading.main_thread():
            self._started = time.monotonic()
            self._previous = signal.signal(signal.SIGALRM, self._check)
            signal.setitimer(signal.ITIMER_REAL, _CHECK_EVERY_S, _CHECK_EVERY_S)
            self._armed = True
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0, 0)
            signal.signal(signal.SIGALRM, self._previous)  # type: ignore[arg-type]
            self._armed = False

    def _check(self, signum: int, frame: FrameType | None) -> None:
        elapsed = time.monotonic() - self._started
        if self.seconds is not None and elapsed > self.seconds:
            self._disarm()
            raise BudgetExceeded(f"analysis stopped after {elapsed:.0f} s (the budget is {self.seconds:g} s per article)")
        if self.memory_mb is not None:
            used = resident_mb()
            if used is not None and used > self.memory_mb:
                self._disarm()
                raise BudgetExceeded(
                    f"analysis stopped at {used:.0f} MB of memory (the budget is {self.memory_mb:g} MB per process)"
                )

    def _disarm(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)


def _can_read_memory() -> bool:
    return os.path.exists("/proc/self/statm")


def resident_mb() -> float | None:
    """This process's resident memory in MB (Linux), else None."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
