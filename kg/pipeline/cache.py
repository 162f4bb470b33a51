"""Per-file extraction cache keyed by file content and pipeline version.

An entry is the pickled per-file outcome (records only: no spaCy objects). The pipeline version is a
hash of the package's code and rule data and of the taxonomy, so any change to how files are read
invalidates every entry. Entries are written to a temporary file and renamed, so a killed build
leaves either the old entry, the new one, or none: never half of one.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path

from kg.core.atomic import atomic_open
from kg.core.config import PACKAGE_DIR
from kg.terms.taxonomy import default_path as taxonomy_path


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    h = hashlib.sha256()
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in
                   {".py", ".toml", ".json", ".tsv", ".txt", ".ttl"} and "__pycache__" not in p.parts)
    tax = taxonomy_path()
    for p in [*files, *([tax] if tax.is_file() else [])]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def file_key(path: str | Path) -> str:
    """Content hash of the file plus its path (facts and build-report.json carry the path)."""
    p = Path(path)
    h = hashlib.sha256(str(p.resolve()).encode("utf-8") + b"\0")
    with p.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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

    def put(self, key: str, value) -> None:
        with atomic_open(self._path(key), "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
