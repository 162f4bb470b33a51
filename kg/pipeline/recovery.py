"""Surviving `kill -9`: the outputs change as one set, and a killed build is cleaned up by the next.

A build writes its outputs into a private folder inside OUTDIR (:func:`staging`), marks them
complete there (``.commit``, the list of names, written atomically) and only then renames them
over the old ones, build-report.json last. A build killed before the mark leaves the old outputs
as they were; one killed during the renames (a window of microseconds) leaves a mix of new and old
files, each complete. The next build first calls :func:`recover`: a dead build's folder with the
mark is renamed into place (rolled forward: the set is the new one again), one without it is
removed, and so are the cache's temporary files the dead build left. Cache entries themselves are
written atomically (kg.core.atomic), so every entry the killed build finished is reused.

:func:`crash_point` is the fault-injection hook the crash tests and bench/crash.py use to kill a
build at a chosen point; :func:`guard_worker` ends a pool worker whose build was killed.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import os
import shutil
import signal
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from kg.core.atomic import atomic_open

__all__ = ["CRASH_ENV", "crash_point", "guard_worker", "recover", "staging"]

STAGE_PREFIX = ".partial-"
_OWNER = ".owner"  # the building process's id
_COMMIT = ".commit"  # the outputs are complete: the names to rename, in order

# KG_CRASH_AT="main:POINT:K" or "worker:POINT:K": SIGKILL the process the K-th time it passes POINT
CRASH_ENV = "KG_CRASH_AT"
_CRASH = os.environ.get(CRASH_ENV, "")
_passed: Counter[str] = Counter()


def crash_point(name: str) -> None:
    """Kill this process as `kill -9` would, when ``$KG_CRASH_AT`` names this point and this pass
    (``main:extracted:3``: the main process, after the third file's outcome). Unset, it costs a
    string comparison."""
    if not _CRASH:
        return
    role = "worker" if mp.parent_process() is not None else "main"
    _passed[name] += 1
    if _CRASH == f"{role}:{name}:{_passed[name]}":
        os.kill(os.getpid(), signal.SIGKILL)


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A private folder inside ``out`` for the new outputs. On success every file and folder in it
    not named with a dot (the viewer's details, viewer-data/) is marked complete and renamed over
    the old one (same file system: atomic per file; a folder replaces the old one right after
    removing it), build-report.json last; on a failure or an interrupt the folder is removed and the previous
    outputs stay as they were. After a `kill -9`, :func:`recover` finishes or removes it."""
    stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
    (stage / _OWNER).write_text(str(os.getpid()), encoding="utf-8")
    try:
        yield stage
        names = sorted((f.name for f in stage.iterdir() if not f.name.startswith(".")),
                       key=lambda n: (n == "build-report.json", n))
        with atomic_open(stage / _COMMIT) as f:
            json.dump(names, f)
        crash_point("committed")
        _rename(stage, out, names)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _rename(stage: Path, out: Path, names: list[str]) -> None:
    for name in names:
        new = stage / name
        if new.is_dir():  # viewer-data/: a folder cannot be renamed over a full one
            if (out / name).is_dir():
                shutil.rmtree(out / name)
            os.replace(new, out / name)
            crash_point("renamed")
        elif new.is_file():  # a roll-forward finds some already renamed
            os.replace(new, out / name)
            crash_point("renamed")


def recover(out: Path, cache_root: Path | None = None) -> list[str]:
    """Finish what a killed build left in ``out``: its completed outputs renamed into place, its
    unfinished folder removed, and (if any was found) the temporary files under ``cache_root``.
    Folders of a build still running (its process alive) are left alone. Returns what was done,
    one line each."""
    done = []
    for stage in sorted(out.glob(STAGE_PREFIX + "*")):
        if not stage.is_dir() or _owner_alive(stage):
            continue
        commit = stage / _COMMIT
        if commit.is_file():
            try:
                names = json.loads(commit.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                names = []  # the mark is written atomically: unreadable means not ours
            _rename(stage, out, [n for n in names if isinstance(n, str) and "/" not in n])
            done.append(f"{stage.name}: completed outputs of a killed build renamed into place")
        else:
            done.append(f"{stage.name}: unfinished outputs of a killed build removed")
        shutil.rmtree(stage, ignore_errors=True)
    if done and cache_root is not None and cache_root.is_dir():
        for tmp in cache_root.rglob(".*.tmp"):  # kg.core.atomic's temporary files
            tmp.unlink(missing_ok=True)
    return done


def _owner_alive(stage: Path) -> bool:
    """Whether the process that made ``stage`` still runs (a folder without an owner is old)."""
    try:
        pid = int((stage / _OWNER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


_guarded = False


def guard_worker() -> None:
    """In a pool worker: end this process when the build that started it dies (`kill -9` leaves
    the workers of a process pool waiting on their queue for ever). A thread waits on the
    parent's sentinel, so it costs nothing while the parent lives. Called by every task a worker
    may start with (a file, a graph, a merge part); after the first, a flag test."""
    global _guarded
    parent = mp.parent_process()
    if _guarded or parent is None:
        return
    _guarded = True

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="kg-parent-watch", daemon=True).start()
