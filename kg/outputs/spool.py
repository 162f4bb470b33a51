"""The build's streamed outputs: a build never holds the whole graph.

Each file's triples arrive as sorted N-Triples lines, are spooled into sorted runs
(:class:`LineSpool`) and merged, duplicates dropped, into sorted N-Triples (:func:`merge_runs`),
which pyoxigraph turns into Turtle in one streaming pass (:func:`serialize_turtle`); ranges cut at
subject boundaries are written side by side and concatenated (:func:`join_turtle`). facts.json is
assembled the same way from per-report fragments (:class:`FragmentSpool`,
:func:`write_facts_fragments`). Both give the bytes :func:`kg.outputs.export.serialize_graph` /
:func:`kg.outputs.export.write_json` would give the whole graph (tests/test_spool.py).
"""

from __future__ import annotations

import bisect
import itertools
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from kg.core.atomic import atomic_open
from kg.terms import vocab as V

__all__ = ["RUN_LINES", "LineSpool", "merge_runs", "write_merged", "merged_blocks", "serialize_turtle", "join_turtle", "turtle_from_nt",
           "copy_files", "write_facts_fragments", "FragmentSpool"]

RUN_LINES = 200_000  # lines held in memory before a sorted run is written
_pread = getattr(os, "pread", None)  # reads at an offset without moving the file's position (POSIX)
T = TypeVar("T")


def _unique_sorted(lines: list[str]) -> Iterator[str]:
    """Sorted, without repeats. Sorting the list as it is, not a set of it: a build adds each file's
    lines already sorted, and Timsort merges such runs ~20x faster than it sorts a shuffled set."""
    return _without_repeats(sorted(lines))


def _without_repeats(lines: Iterable[T]) -> Iterator[T]:
    """Sorted ``lines`` with each line once. (A generator: itertools.groupby, which runs no Python
    code per line, allocates a group per line and is half as fast again.)"""
    last = None
    for line in lines:
        if line != last:
            yield line
            last = line


class LineSpool:
    """Collects N-Triples lines (in any order, with duplicates) into sorted run files under ``dir``;
    :func:`merge_runs` yields them sorted and unique, holding one line per run in memory.

    :meth:`bounds` cuts the merged order into parts of similar size at subject boundaries, so the
    parts can be merged and serialized side by side and simply concatenated."""

    SAMPLE_EVERY = 1024  # lines; every run keeps this share of its lines to place the cuts

    def __init__(self, dir: str | Path):
        self.dir = Path(dir)
        self.runs: list[Path] = []
        self._buf: list[str] = []
        self._samples: list[str] = []

    def add(self, lines: list[str]) -> None:
        self._buf.extend(lines)
        if len(self._buf) >= RUN_LINES:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered as a sorted run."""
        if not self._buf:
            return
        path = self.dir / f"run-{len(self.runs):05d}.nt"
        lines = list(_unique_sorted(self._buf))
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(lines)
        self._samples.extend(lines[:: self.SAMPLE_EVERY])
        self.runs.append(path)
        self._buf = []

    def bounds(self, parts: int) -> list[tuple[str | None, str | None]]:
        """(low, high) line ranges, ``low <= line < high`` (None: open), of about equal size.

        A cut is the "<subject>" of a sampled line: every line of one subject starts with the same
        "<subject> ", so it compares the same way with the cut and the subject stays in one part."""
        self.flush()
        subjects = sorted({line[: line.index(" ")] for line in self._samples})
        cuts = sorted({subjects[len(subjects) * i // parts] for i in range(1, parts) if subjects})
        return list(itertools.pairwise([None, *cuts, None]))


def merge_runs(runs: list[Path], low: str | None = None, high: str | None = None) -> Iterator[str]:
    """Sorted unique lines of sorted run files, ``low <= line < high``; usable in another process."""
    for block in merged_blocks(runs, low, high):
        for line in block:
            yield line.decode("utf-8")


def write_merged(runs: list[Path], path: str | Path, low: str | None = None, high: str | None = None) -> int:
    """:func:`merge_runs` written to ``path`` as it comes; returns the number of lines."""
    n = 0
    with open(path, "wb") as f:
        for block in merged_blocks(runs, low, high):
            f.writelines(block)
            n += len(block)
    return n


MERGE_BLOCK = 1 << 18  # bytes read from a run at a time by merged_blocks


def merged_blocks(runs: list[Path], low: str | None = None, high: str | None = None,
                  block: int = MERGE_BLOCK) -> Iterator[list[bytes]]:
    """The sorted unique lines of sorted run files in [low, high), as UTF-8 bytes, in lists.

    A k-way merge that runs no Python code per line (heapq.merge does, three times over with a
    range test and the test for repeats): a block of lines is read from every run; every line up to
    the smallest of the blocks' last lines is in some block by then (each run is sorted), so those
    are sorted together (Timsort merges the k sorted pieces) and written, and the runs whose block
    is used up read on. UTF-8 bytes sort as their text does (code point order), so the lines need
    no decoding, and each subject's lines stay together as in the text order."""
    lo = low.encode("utf-8") if low is not None else None
    hi = high.encode("utf-8") if high is not None else None
    files = [open(p, "rb") for p in runs]
    try:
        bufs = []
        for f in files:
            buf = f.readlines(block)
            if lo is not None:
                while buf and buf[-1] < lo:
                    buf = f.readlines(block)
                buf = buf[bisect.bisect_left(buf, lo):]
            bufs.append(buf)
        while True:
            live = [i for i, b in enumerate(bufs) if b]
            if not live:
                return
            bound = min(bufs[i][-1] for i in live)
            last = hi is not None and hi <= bound  # the range ends in these blocks
            chunk: list[bytes] = []
            for i in live:
                buf = bufs[i]
                cut = bisect.bisect_left(buf, hi) if last else bisect.bisect_right(buf, bound)
                chunk += buf[:cut] if cut < len(buf) else buf
                bufs[i] = buf[cut:] if cut < len(buf) else files[i].readlines(block)
            chunk.sort()
            if chunk:
                yield list(_without_repeats(chunk))
            if last:
                return
    finally:
        for f in files:
            f.close()


def turtle_head(prefixes: dict[str, str] | None = None) -> str:
    prefixes = prefixes if prefixes is not None else V.PREFIX_IRIS
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(prefixes.items()))


def serialize_turtle(nt_path: str | Path, out_path: str | Path,
                     prefixes: dict[str, str] | None = None) -> int:
    """pyoxigraph's Turtle of a sorted N-Triples file (subjects grouped, one streaming pass);
    returns where its body starts, after the writer's own prefix lines."""
    import pyoxigraph as ox

    prefixes = prefixes if prefixes is not None else V.PREFIX_IRIS
    triples = ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, str(out_path), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    offset = 0
    with open(out_path, "rb") as f:
        for line in f:
            if not line.startswith(b"@prefix "):
                break
            offset += len(line)
    return offset


def join_turtle(bodies: list[tuple[Path, int]], ttl_path: str | Path,
                prefixes: dict[str, str] | None = None) -> Path:
    """One Turtle file: the prefixes sorted (the writer lists them in its own map's order), then
    the bodies of :func:`serialize_turtle` outputs, in order; written atomically. Parts cut at
    subject boundaries give the bytes of serializing everything at once (tested)."""
    with atomic_open(ttl_path, "wb") as dst:
        dst.write(turtle_head(prefixes).encode("utf-8"))
        copy_files(bodies, dst)
    return Path(ttl_path)


def copy_files(sources: Iterable[tuple[str | Path, int]], dst) -> None:
    """Append each (file, byte offset) source's bytes from its offset to the open binary ``dst``."""
    for path, offset in sources:
        with open(path, "rb") as src:
            src.seek(offset)
            shutil.copyfileobj(src, dst, 1 << 20)


def turtle_from_nt(nt_path: str | Path, ttl_path: str | Path, prefixes: dict[str, str] | None = None) -> Path:
    """Turtle of a sorted N-Triples file in one streaming pyoxigraph pass; written atomically."""
    ttl_path = Path(ttl_path)
    body = ttl_path.with_name(f".{ttl_path.name}.body")
    try:
        offset = serialize_turtle(nt_path, body, prefixes)
        return join_turtle([(body, offset)], ttl_path, prefixes)
    finally:
        body.unlink(missing_ok=True)


def write_facts_fragments(fragments: Iterable[str], path: str | Path) -> Path:
    """facts.json from report fragments already in order (see report_fragment)."""
    with atomic_open(path) as f:
        first = True
        for frag in fragments:
            f.write('{\n "reports": [\n' if first else ",\n")
            f.write(frag)
            first = False
        f.write('{\n "reports": []\n}\n' if first else "\n ]\n}\n")
    return path


class FragmentSpool:
    """facts.json fragments spooled to a file under ``dir``; :meth:`ordered` reads them back in
    facts.json order, one at a time. Also any other pieces a build gathers per file and uses once
    at the end (``name`` tells the spools apart; :meth:`add_bytes`, :meth:`ordered_bytes`)."""

    def __init__(self, dir: str | Path, name: str = ".facts-fragments"):
        self.path = Path(dir) / name
        self._f = open(self.path, "w+b")
        self._index: list[tuple[tuple, int, int]] = []
        self._lock = threading.Lock()  # read_bytes: a pool's feeder thread reads while the caller adds
        self._unread = False  # bytes written since the last flush

    def add(self, key: tuple, fragment: str) -> None:
        self.add_bytes(key, fragment.encode("utf-8"))

    def add_bytes(self, key: tuple, data: bytes) -> int:
        """Spool ``data``; returns its number, for :meth:`read_bytes`."""
        with self._lock:
            self._index.append((key, self._f.tell(), len(data)))
            self._f.write(data)
            self._unread = True
            return len(self._index) - 1

    def read_bytes(self, number: int) -> bytes:
        """The piece :meth:`add_bytes` numbered so (the file's position stays at its end)."""
        with self._lock:
            _, offset, length = self._index[number]
            if self._unread:
                self._f.flush()
                self._unread = False
            if _pread is not None:
                return _pread(self._f.fileno(), length, offset)
            end = self._f.tell()
            self._f.seek(offset)
            data = self._f.read(length)
            self._f.seek(end)
            return data

    def ordered(self) -> Iterator[str]:
        return (data.decode("utf-8") for data in self.ordered_bytes())

    def ordered_bytes(self) -> Iterator[bytes]:
        self._f.flush()
        for _, offset, length in sorted(self._index):
            self._f.seek(offset)
            yield self._f.read(length)
        self._f.seek(0, os.SEEK_END)

    def close(self) -> None:
        self._f.close()
        self.path.unlink(missing_ok=True)
