"""The per-file budget: a file that takes more than ``Config.file_seconds`` of CPU time or grows the
process reading it by more than ``Config.file_memory_mb`` is stopped and reported (E004); the batch
goes on.

It is enforced inside the process that reads the file (the main process at ``-j 1``, a pool worker
otherwise), so every local executor behaves the same:

- time and resident memory: a SIGALRM timer ticks every :data:`TICK` seconds while the file is
  read; its handler raises when the file is over time or its RSS has grown over the budget. Time is
  the CPU time of the thread doing the work, so whether a file fits does not depend on how loaded
  the machine is; a wall-clock limit of :data:`WALL_FACTOR` times that catches a file that waits
  instead of working (a named pipe posing as a .txt). The
  exception arrives at the next Python bytecode, so also inside pdfminer, BeautifulSoup or the
  extraction loops (not inside one long C call: ingest's deterministic guards keep those short).
- one huge allocation (a decompression bomb in a C library): the soft address-space limit is
  lowered to what the process maps now plus the budget, so it fails with MemoryError instead of
  taking the machine; the limit is restored after the file.
- the file's peak RSS: the kernel's high-water mark is reset when the file starts and read when it
  ends (Linux), reported per file in build-report.json.

Signals work only in the main thread: under Dask (tasks in threads) the budget is not enforced and
Dask's own worker memory limit applies. The budget is a backstop: ingest's guards (a .docx's
expanded size, the character cap) reject the known costly inputs before it, so that whether a
file builds does not depend on how loaded the machine is.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from kg.core.config import Config

try:
    import resource
except ImportError:  # not on Windows: no address-space limit there
    resource = None  # type: ignore[assignment]

__all__ = ["TICK", "Budget", "OverBudget", "Usage", "give_back", "limits"]

TICK = 0.25  # seconds between checks (reading /proc/self/statm costs microseconds)
WALL_FACTOR = 5  # wall-clock backstop, in CPU budgets: a 2-core machine shared by several builds
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Budget:
    seconds: float  # CPU seconds; 0: no limit
    memory_bytes: int  # 0: no limit
    chars: int = 0  # characters of text a file may hold (checked by ingest); 0: no limit

    @classmethod
    def of(cls, config: Config) -> Budget:
        return cls(config.file_seconds, int(config.file_memory_mb * 2**20), config.file_max_chars)


class OverBudget(BaseException):  # noqa: N818 - not an error of ours: a signal to stop
    """Raised inside the file's work when it is over budget. A BaseException, so that a library's
    ``except Exception`` (python-docx, pdfminer) cannot swallow it; the caller turns it into
    kg.core.errors.OverBudgetError."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


@dataclass
class Usage:
    """What the file used: wall and CPU seconds, and peak RSS above the process's RSS when it
    started (None where the kernel does not tell)."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_bytes: int | None = None


def _statm() -> tuple[int, int] | None:
    """(mapped, resident) bytes of this process, or None off Linux."""
    try:
        with open("/proc/self/statm", "rb") as f:
            size, rss = f.read().split()[:2]
    except OSError:
        return None
    return int(size) * _PAGE, int(rss) * _PAGE


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) for this process."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def _peak() -> int | None:
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


@contextlib.contextmanager
def limits(budget: Budget) -> Iterator[Usage]:
    """Run the body under ``budget``; the yielded :class:`Usage` is filled in when it ends. Raises
    :class:`OverBudget` inside the body when it is over time or memory; MemoryError when it asks
    for more address space than the budget leaves."""
    usage = Usage()
    start = _statm()
    enforce = threading.current_thread() is threading.main_thread() and (budget.seconds or budget.memory_bytes)
    peak_known = _reset_peak() if start else False
    t0, c0 = time.perf_counter(), time.thread_time()
    if not enforce:
        try:
            yield usage
        finally:
            _account(usage, t0, c0, start, peak_known)
        return
    rss0 = start[1] if start else 0

    restored = False

    def restore() -> None:
        """Disarm the timer, give back the limit and the handler; once (both the handler and
        the end of the body call it: the exception may land anywhere, even in ``finally``)."""
        nonlocal restored
        if restored:
            return
        restored = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        if old_as is not None:
            resource.setrlimit(resource.RLIMIT_AS, old_as)
        signal.signal(signal.SIGALRM, old_handler)
        if old_timer[0]:  # someone else's timer (a test runner's): give back what is left of it
            left = max(old_timer[0] - (time.perf_counter() - t0), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, old_timer[1])

    def check(signum, frame) -> None:
        over = None
        if budget.seconds and time.thread_time() - c0 > budget.seconds:
            over = f"took more than {budget.seconds:g} s of CPU time"
        elif budget.seconds and time.perf_counter() - t0 > budget.seconds * WALL_FACTOR:
            over = f"took more than {budget.seconds * WALL_FACTOR:g} s"
        now = _statm() if budget.memory_bytes else None
        if now and now[1] - rss0 > budget.memory_bytes:
            over = f"needed more than {budget.memory_bytes / 2**20:.0f} MiB"
        if over:
            restore()
            raise OverBudget(over)

    old_handler = signal.signal(signal.SIGALRM, check)
    old_as = _cap_address_space(start, budget.memory_bytes)
    old_timer = signal.setitimer(signal.ITIMER_REAL, TICK, TICK)
    try:
        yield usage
    finally:
        restore()
        _account(usage, t0, c0, start, peak_known)


def _cap_address_space(start: tuple[int, int] | None, extra: int) -> tuple[int, int] | None:
    """Lower the soft RLIMIT_AS to what is mapped now plus ``extra``; the old limits, or None when
    nothing was changed."""
    if resource is None or not start or not extra:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = start[0] + extra
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        return None  # already tighter
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    return soft, hard


def _account(usage: Usage, t0: float, c0: float, start: tuple[int, int] | None, peak_known: bool) -> None:
    usage.seconds = time.perf_counter() - t0
    usage.cpu_seconds = time.thread_time() - c0
    peak = _peak() if peak_known else None
    if peak is not None and start:
        usage.peak_bytes = max(peak - start[1], 0)


def give_back() -> None:
    """Hand the heap's free pages back to the system (glibc's ``malloc_trim``): what a finished
    stage freed stays in the process otherwise, and the next stage's small objects (kept in their
    own mapped arenas) do not reuse it. A no-op where there is no glibc."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to hand back this way
        return None
