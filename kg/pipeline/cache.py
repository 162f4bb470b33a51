"""Incremental builds: the cache and every decision to reuse what it holds.

Four kinds of entry, all pickled records (no spaCy objects): a file's extraction outcome (keyed
by :func:`file_key`), a file's graph-pass result (:func:`graph_key`: the extraction key and the
part of the link plan that touches the file), and a whole build's outputs, twice: under the
:func:`fingerprint` of every graph key and the output settings, and under that of every input
file's key (with the per-file lines of build-report.json), which an unchanged rebuild checks
before reading any file or entry (see :func:`reusable_outputs`). Every key lives under
the pipeline version, a hash of the package's code and rule data and of the ontology folder, so any
change to how files are read invalidates every entry. Entries are written to a temporary file and
renamed, so a killed build leaves either the old entry, the new one, or none: never half of one.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

from kg.core.atomic import atomic_open
from kg.core.config import PACKAGE_DIR, Config, ontology_dir
from kg.pipeline.link import LinkPlan

T = TypeVar("T")


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    h = hashlib.sha256()
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in
                   {".py", ".toml", ".json", ".tsv", ".txt", ".ttl"} and "__pycache__" not in p.parts)
    # the ontology folder too: the taxonomy, the indicator scheme and the shapes decide what a
    # file's records and triples are
    onto = sorted(ontology_dir().glob("*.ttl")) if ontology_dir().is_dir() else []
    for p in [*files, *onto]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def file_key(path: str | Path) -> str:
    """Content hash of the file plus its path (facts and build-report.json carry the path)."""
    p = Path(path)
    return _hash_file(hashlib.sha256(str(p.resolve()).encode("utf-8") + b"\0"), p)


def readable_file_key(path: str | Path) -> str | None:
    """:func:`file_key`, or None for a file that cannot be read here (not cached: the extraction
    pass then reports it properly)."""
    try:
        return file_key(path)
    except OSError:
        return None


def graph_key(extraction_key: str | None, plan: LinkPlan, check: bool, viewer: bool = True) -> str | None:
    """Key of a file's graph pass: its extraction key (file content and path), the part of the
    link plan that touches it (the outcomes among its metrics too: its viewer parts carry their
    records) and whether it validates and gathers viewer parts; None when the file is not cached."""
    if extraction_key is None:
        return None
    plan_part = (sorted(plan.duplicates), sorted(plan.bureaus.items()), sorted(plan.targets.items()),
                 sorted(plan.outcomes.items()))
    return hashlib.sha256(repr(("graph", extraction_key, check, viewer, plan_part)).encode("utf-8")).hexdigest()


def fingerprint(graph_keys: list[str | None], config: Config, kind: str = "build") -> str | None:
    """Everything a build's outputs depend on, when every file is cached; None otherwise.
    ``kind`` "inputs": ``graph_keys`` are the input files' keys, in input order (the link plan
    and each file's records follow from them and the pipeline version)."""
    if not graph_keys or any(k is None for k in graph_keys):
        return None
    what = (kind, graph_keys, config.validate, config.viewer, sorted(config.formats))
    return hashlib.sha256(repr(what).encode("utf-8")).hexdigest()


class Cache:
    def __init__(self, root: str | Path, version: str | None = None):
        self.root = Path(root) / (version or pipeline_version())
        self.hits = self.misses = 0

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pickle"

    def get(self, key: str, count: bool = True):
        """The entry, or None; ``count``: whether it counts as a file's hit or miss."""
        p = self._path(key)
        try:
            with p.open("rb") as f:
                value = pickle.load(f)
        except FileNotFoundError:
            value = None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            value = None  # a damaged entry is a miss; it is overwritten by the fresh result
        if count:
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
        return value

    def has(self, key: str) -> bool:
        """Whether an entry is stored under ``key`` (not loaded, not counted)."""
        return self._path(key).is_file()

    def put(self, key: str, value) -> None:
        with atomic_open(self._path(key), "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)


def entry_kinds(folder: Path) -> dict[str, int]:
    """The complete entries under a cache folder (``OUTDIR/.cache``), counted by the record they
    hold; an entry that does not load (a damaged one) is not counted. For `kg build`'s resume
    checks (tests/test_recovery.py, bench/crash.py)."""
    kinds: dict[str, int] = {}
    for p in sorted(folder.rglob("*.pickle")):
        try:
            with p.open("rb") as f:
                kind = type(pickle.load(f)).__name__
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            continue  # damaged: the next build overwrites it
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


@dataclass(frozen=True)
class CacheCounts:
    """Hits and misses of a cache's per-file entries (zero without a cache)."""

    hits: int = 0
    misses: int = 0

    @classmethod
    def of(cls, cache: Cache | None) -> CacheCounts:
        return cls(cache.hits, cache.misses) if cache is not None else cls()

    def __sub__(self, other: CacheCounts) -> CacheCounts:
        return CacheCounts(self.hits - other.hits, self.misses - other.misses)


def cached_map(run: Callable[[list], Iterator], items: list, keys: list[str | None], cache: Cache | None,
               keep: Callable[[object], bool] = lambda r: True) -> Iterator:
    """``run`` (a map over a list, e.g. an executor's) over ``items``, results in input order,
    taking what it can from ``cache`` (key None: not cached) and storing what ``keep`` accepts."""
    done = {i: hit for i, k in enumerate(keys) if cache is not None and k is not None
            and (hit := cache.get(k)) is not None}
    results = run([items[i] for i in range(len(items)) if i not in done])
    for i in range(len(items)):
        if i in done:
            yield done[i]
            continue
        r = next(results)
        if cache is not None and keys[i] is not None and keep(r):
            cache.put(keys[i], r)
        yield r


@dataclass(frozen=True)
class _Snapshot(Generic[T]):
    """A build's outputs (as the build describes them) and the SHA-256 of each file it wrote."""

    outputs: T
    digests: Mapping[str, str]  # file name in the output folder -> SHA-256


def reusable_outputs(cache: Cache | None, key: str | None, folder: Path,
                     entries: Sequence[str | None] = ()) -> T | None:
    """What :func:`remember_outputs` stored under ``key``, if every file it wrote is still in
    ``folder`` as it was written (an output edited by hand is not trusted) and every per-file
    entry ``entries`` names is still in the cache (they then count as hits: the build reuses
    them, through the outputs); None otherwise."""
    if cache is None or key is None or not all(k is not None and cache.has(k) for k in entries):
        return None
    snap = cache.get(key, count=False)
    if not isinstance(snap, _Snapshot):
        return None
    for name, digest in snap.digests.items():
        if not (folder / name).is_file() or sha256_file(folder / name) != digest:
            return None
    cache.hits += len(entries)
    return snap.outputs


def remember_outputs(cache: Cache | None, entries: Mapping[str | None, object], names: list[str],
                     folder: Path) -> None:
    """Store each value of ``entries`` under its key (None: not stored) with the digests of the
    files ``names`` in ``folder``, hashed once for all."""
    entries = {k: v for k, v in entries.items() if k is not None}
    if cache is not None and entries:
        digests = {n: sha256_file(folder / n) for n in names}
        for key, outputs in entries.items():
            cache.put(key, _Snapshot(outputs, digests))


def sha256_file(path: Path) -> str:
    return _hash_file(hashlib.sha256(), path)


def _hash_file(h, path: Path) -> str:
    """``h`` updated with the bytes of ``path``, read in chunks; its hex digest."""
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
