"""The whole pipeline at a glance.

    files ─ ingest ─ clean ─ segment ─ extract ─┐   (per file; one bad file never stops the batch)
                                                 link ─ graph ─ validate ─ export (ttl, facts.json,
                                                                                   build-report.json)
                                                                         └─ viewer.html
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import clean as clean_stage
from . import export, ingest, segment, validate, viz
from .cache import Cache, file_key
from .config import Config
from .errors import KgError
from .extract import extract_report
from .graph import build_graph
from .link import link
from .types import BuildResult, FileResult, ReportFacts, Source

GRAPH_SUFFIX = {"turtle": "ttl", "nt": "nt", "jsonld": "jsonld"}


@dataclass(frozen=True)
class FileOutcome:
    result: FileResult
    facts: tuple[ReportFacts, ...]


def process_file(path: str | Path, max_bytes: int = ingest.MAX_BYTES) -> FileOutcome:
    """ingest → clean → segment → extract for one file. Errors become part of the result."""
    t0 = time.perf_counter()
    try:
        source = ingest.read_source(path, max_bytes=max_bytes)
        reports = segment.segment(clean_stage.clean(source))
        facts = tuple(extract_report(r) for r in reports if r.duplicate_of is None)
    except KgError as e:
        return FileOutcome(FileResult(path=str(path), errors=(str(e),),
                                      seconds=time.perf_counter() - t0), ())
    except Exception as e:  # a bug must not cost the user the rest of the batch: report it per file
        msg = f"[E999] {path}: internal error {type(e).__name__}: {e} (please report this file)"
        return FileOutcome(FileResult(path=str(path), errors=(msg,), seconds=time.perf_counter() - t0), ())
    warnings = []
    if not facts:
        warnings.append(f"{path}: no report found (only site noise, or too short to be a report)")
    if source.encoding in ("utf-8-truncated",) or source.encoding.startswith("mixed:"):
        warnings.append(f"{path}: encoding repaired ({source.encoding}); check the text with `kg inspect`")
    return FileOutcome(
        FileResult(
            path=str(path),
            warnings=tuple(warnings),
            reports=len(facts),
            metrics=sum(len(f.metrics) for f in facts),
            initiatives=sum(len(f.mentions) for f in facts),
            seconds=round(time.perf_counter() - t0, 3),
        ),
        facts,
    )


def warm_up() -> None:
    """Load the expensive parts (jieba dictionary, taxonomy matcher, gazetteer) once per process by
    running a tiny report through every per-file stage."""
    text = "某县教育局2023年工作总结\n一、2023年工作总结\n推进课后服务,新增学位100个。"
    source = Source(path="<warm-up>", name="<warm-up>", sha256="0" * 64, text=text,
                    encoding="utf-8", format="txt")
    for report in segment.segment(clean_stage.clean(source)):
        extract_report(report)


def _progress(total: int, enabled: bool):
    """A rich progress bar on a terminal; a no-op elsewhere."""
    if not enabled or not sys.stderr.isatty():
        return contextlib.nullcontext(lambda *a, **k: None)
    from rich.progress import Progress

    @contextlib.contextmanager
    def bar():
        with Progress(transient=True) as p:
            task = p.add_task("extracting", total=total)
            yield lambda name: p.update(task, advance=1, description=f"read {name[:40]}")

    return bar()


def _outcomes(paths: Sequence[Path], config: Config, cache: Cache | None) -> Iterator[FileOutcome]:
    """Per-file outcomes in input order: from the cache, a local process pool, or a Dask cluster."""
    keys: dict[int, str] = {}
    todo: list[int] = []
    done: dict[int, FileOutcome] = {}
    for i, p in enumerate(paths):
        key = _cache_key(p) if cache is not None else None
        hit = cache.get(key) if key else None
        if key:
            keys[i] = key
        if hit is not None:
            done[i] = hit
        else:
            todo.append(i)
    results = _run([paths[i] for i in todo], config)  # in the order of ``todo``
    for i in range(len(paths)):
        if i in done:
            yield done[i]
            continue
        outcome = next(results)
        if cache is not None and i in keys and not outcome.result.errors:
            cache.put(keys[i], outcome)
        yield outcome


def _cache_key(path: Path) -> str | None:
    """None for a file that cannot be read here: process_file then reports it properly."""
    try:
        return file_key(path)
    except OSError:
        return None


def _run(paths: list[Path], config: Config) -> Iterator[FileOutcome]:
    if not paths:
        return iter(())
    work = functools.partial(process_file, max_bytes=int(config.max_file_mb * 2**20))
    if config.executor == "dask":
        return _run_dask(paths, config.scheduler, work)
    jobs = config.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(paths) == 1:
        return map(work, paths)
    ctx = mp.get_context("spawn")  # no fork: the parent may hold threads (progress bar, rich)
    pool = ctx.Pool(min(jobs, len(paths)), initializer=warm_up)

    def ordered() -> Iterator[FileOutcome]:
        try:
            yield from pool.imap(work, paths, chunksize=1)
        finally:
            pool.terminate()
            pool.join()

    return ordered()


def _run_dask(paths: list[Path], scheduler: str | None, work) -> Iterator[FileOutcome]:
    try:
        from distributed import Client
    except ImportError as e:
        raise KgError("the dask executor needs the 'distributed' package",
                      hint="pip install 'edu-kg[dask]'") from e
    if not scheduler:
        raise KgError("--executor dask needs --scheduler ADDRESS (tcp://host:8786)")
    with Client(scheduler) as client:
        futures = client.map(work, [str(p) for p in paths], pure=False)
        yield from (f.result() for f in futures)


def extract_all(inputs: Iterable[str | Path], config: Config | None = None,
                on_file: Callable[[FileResult], None] | None = None,
                cache: Cache | None = None) -> tuple[list[FileResult], list[ReportFacts]]:
    """Run the per-file stages over every input; returns per-file results and all report facts."""
    config = config or Config()
    paths = ingest.discover(inputs)
    per_file: list[FileResult] = []
    facts: list[ReportFacts] = []
    with _progress(len(paths), config.progress) as tick:
        for outcome in _outcomes(paths, config, cache):
            per_file.append(outcome.result)
            facts.extend(outcome.facts)
            tick(Path(outcome.result.path).name)
            if on_file:
                on_file(outcome.result)
    return per_file, facts


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A private folder inside ``out`` for the new outputs; on success each is renamed over the
    old one (same file system: atomic per file, all within microseconds); on any failure or
    interrupt the folder is removed and the previous outputs stay as they were."""
    stage = Path(tempfile.mkdtemp(prefix=".partial-", dir=out))
    try:
        yield stage
        for f in sorted(stage.iterdir()):
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def build(inputs: Iterable[str | Path], config: Config | None = None,
          on_file: Callable[[FileResult], None] | None = None) -> BuildResult:
    """Build graph.ttl, facts.json, build-report.json and viewer.html from report files."""
    config = config or Config()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    cache = Cache(config.cache_dir or Path(config.outdir) / ".cache") if config.cache else None
    per_file, facts = extract_all(inputs, config, on_file=on_file, cache=cache)
    timings["extract"] = time.perf_counter() - t

    t = time.perf_counter()
    graph = build_graph(link(facts))
    timings["graph"] = time.perf_counter() - t

    dropped: tuple = ()
    report = None
    if config.validate:
        t = time.perf_counter()
        report = validate.validate(graph)
        if not report.conforms:
            graph, dropped = validate.drop_invalid(graph, report)
            report = validate.validate(graph)
        timings["validate"] = time.perf_counter() - t

    t = time.perf_counter()
    out = Path(config.outdir)
    out.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    with _staging(out) as stage:  # all outputs appear together, or none does
        for fmt in dict.fromkeys(("turtle", *config.formats)):
            names.append(f"graph.{GRAPH_SUFFIX[fmt]}")
            export.write_graph(graph, stage / names[-1], fmt)
        export.write_json(export.facts_from_graph(graph), stage / "facts.json")
        names.append("facts.json")
        timings["export"] = time.perf_counter() - t
        if config.viewer:
            t = time.perf_counter()
            viz.write_viewer(graph, stage / "viewer.html")
            names.append("viewer.html")
            timings["viewer"] = time.perf_counter() - t
        names.append("build-report.json")
        result = BuildResult(outputs={n: str(out / n) for n in names}, per_file=tuple(per_file),
                             timings={k: round(v, 3) for k, v in timings.items()},
                             validation=report, dropped=tuple(dropped),
                             cache_hits=cache.hits if cache else 0,
                             cache_misses=cache.misses if cache else 0)
        export.write_json(build_report(result, graph_triples=len(graph)), stage / "build-report.json")
    return result


def build_report(result: BuildResult, graph_triples: int) -> dict:
    """The build-report.json document: per input file what was found and what went wrong."""
    return {
        "files": [
            {"path": r.path, "reports": r.reports, "metrics": r.metrics,
             "initiatives": r.initiatives, "errors": list(r.errors), "warnings": list(r.warnings),
             "seconds": r.seconds}
            for r in result.per_file
        ],
        "totals": {
            "files": len(result.per_file),
            "failed_files": sum(bool(r.errors) for r in result.per_file),
            "reports": sum(r.reports for r in result.per_file),
            "metrics": sum(r.metrics for r in result.per_file),
            "initiatives": sum(r.initiatives for r in result.per_file),
            "triples": graph_triples,
        },
        "validation": {
            "conforms": result.validation.conforms if result.validation else None,
            "dropped": [
                {"focus": v.focus, "path": v.path, "message": v.message, "quote": v.quote}
                for v in result.dropped
            ],
        },
        "timings": result.timings,
        "cache": {"hits": result.cache_hits, "misses": result.cache_misses},
        "outputs": {k: Path(v).name for k, v in sorted(result.outputs.items())},
    }
