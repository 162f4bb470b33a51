"""Build settings: one dataclass of defaults; CLI flags override it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # kg/, the package (this file is kg/core/config.py)


def ontology_dir() -> Path:
    """ontology/ beside the package (a source checkout), or $KG_ONTOLOGY_DIR."""
    env = os.environ.get("KG_ONTOLOGY_DIR")
    return Path(env) if env else PACKAGE_DIR.parent / "ontology"


@dataclass(frozen=True)
class Config:
    outdir: Path = Path("output")
    formats: tuple[str, ...] = ("turtle",)  # extra graph formats: nt, jsonld
    validate: bool = True
    viewer: bool = True
    progress: bool = True
    max_file_mb: float = 32  # larger input files are reported and skipped
    # the per-file budget (kg.pipeline.budget): a file that takes more CPU time, grows its worker by
    # more or holds more characters is stopped and reported (E004); 0 = no limit. A report is 5k-20k
    # characters; a million take about 20 s, so the character cap stops a dump before the clock does.
    file_seconds: float = 30
    file_memory_mb: float = 1024
    file_max_chars: int = 1_000_000
    jobs: int = 0  # worker processes for extraction; 0 = one per core (the CLI's default too)
    cache: bool = True  # reuse per-file extraction results keyed by content + pipeline version
    cache_dir: Path | None = None  # default OUTDIR/.cache
    executor: str = "process"  # "process" (local pool) or "dask" (a distributed cluster)
    scheduler: str | None = None  # dask scheduler address with executor="dask"
