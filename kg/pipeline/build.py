"""The whole pipeline at a glance.

    pass 1, per file (parallel, cached):   ingest ─ clean ─ segment ─ extract ─┐
                                                                              link plan (all reports)
    pass 2, per file (parallel, cached):   link ─ graph ─ SHACL (its reports) ─ facts fragments ─┐
    tail:  workers merge sorted N-Triples runs, one range each, and write its Turtle ─┐
           main process meanwhile: SHACL (shared nodes) ────────────── graph.ttl (parts joined),
                                                     facts.json, build-report.json, viewer.html

One bad file never stops the batch. The whole graph never sits in memory: each file's triples are
self-contained (kg.rdf.graph.report_triples), so its reports are validated in the worker that built
them and only the shared nodes (bureaus, regions, concepts) are judged once at the end.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import multiprocessing as mp
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from kg.core.config import Config
from kg.core.errors import InternalError, KgError, WorkerError
from kg.core.records import BuildResult, FileResult, ReportFacts, Source, Violation
from kg.extract import extract_report
from kg.outputs import export
from kg.pipeline.cache import Cache, file_key
from kg.pipeline.link import Linker, LinkPlan
from kg.rdf import validate
from kg.rdf.graph import concept_lookup, new_graph, report_triples
from kg.terms.triples import TripleIndex, nt_line, nt_lines, read_nt, to_graph
from kg.text import clean as clean_stage
from kg.text import ingest, segment

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
        err = InternalError(f"internal error {type(e).__name__}: {e}", path=str(path), hint="please report this file")
        return FileOutcome(FileResult(path=str(path), errors=(str(err),), seconds=time.perf_counter() - t0), ())
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


# Long enough to be a report (segment.MIN_BODY_HAN) and to reach every lazy loader: the place
# gazetteer, jieba, the taxonomy matcher, metric units, the shapes and the concept lookup.
_WARM_UP_TEXT = """东海省青山市白沙县教育局2023年工作总结
一、主要工作
全面落实“双减”政策，推进课后服务全覆盖，课后服务参与率达到95%以上。
深化县管校聘改革，交流轮岗教师120名，新增学位800个。
二、2024年工作计划
推进集团化办学，力争新建幼儿园3所。
"""


def warm_up() -> None:
    """Load the expensive parts (jieba dictionary, gazetteer, taxonomy matcher, units, shapes)
    once in this process by running a small invented report through every per-file stage."""
    source = Source(path="<warm-up>", name="<warm-up>", sha256="0" * 64, text=_WARM_UP_TEXT,
                    encoding="utf-8", format="txt")
    reports = [extract_report(r) for r in segment.segment(clean_stage.clean(source))]
    if not reports:
        raise RuntimeError("warm-up text produced no report: segmentation rules changed?")
    _lookup()
    _shacl()


def _progress(total: int, enabled: bool, what: str = "extracting"):
    """A rich progress bar on a terminal; a no-op elsewhere."""
    if not enabled or not sys.stderr.isatty():
        return contextlib.nullcontext(lambda *a, **k: None)
    from rich.progress import Progress

    @contextlib.contextmanager
    def bar():
        with Progress(transient=True) as p:
            task = p.add_task(what, total=total)
            yield lambda name: p.update(task, advance=1, description=f"{what} {name[:40]}")

    return bar()


# --- running work: in this process, a local pool, or a Dask cluster -------------------------------

class _Executor:
    """Maps a function over items in input order. The local pool is started on first use and
    serves both passes (files, then graphs), so each worker loads jieba, the gazetteer, the
    taxonomy and the shapes once, on its first item.

    The pool is a ProcessPoolExecutor, not multiprocessing.Pool: Pool's worker-handler thread
    also waits on the result pipe, so it spins while a result waits to be read; that took 1.5 s
    of the main process's CPU in a 1k-report build, CPU the two workers of a 2-core machine
    need. (The executor also fails with BrokenProcessPool if a worker is killed, where Pool hangs.)"""

    def __init__(self, config: Config):
        self.config = config
        self.jobs = config.jobs or os.cpu_count() or 1
        self._pool = None
        self._client = None

    def map(self, func: Callable, items: list) -> Iterator:
        if not items:
            return iter(())
        if self.config.executor == "dask":
            return self._dask(func, items)
        if self.jobs <= 1 or len(items) == 1:
            return map(func, items)
        return _checked(self._local().map(func, items))

    def _local(self) -> ProcessPoolExecutor:
        if self._pool is None:  # spawn, not fork: the parent may hold threads (progress bar)
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=mp.get_context("spawn"))
        return self._pool

    def _dask(self, func: Callable, items: list) -> Iterator:
        if self._client is None:
            try:
                from distributed import Client
            except ImportError as e:
                raise KgError("the dask executor needs the 'distributed' package",
                              hint="pip install 'edu-kg[dask]'") from e
            if not self.config.scheduler:
                raise KgError("--executor dask needs --scheduler ADDRESS (tcp://host:8786)")
            self._client = Client(self.config.scheduler)
        futures = self._client.map(func, items, pure=False)
        return (f.result() for f in futures)

    def later(self, func: Callable, items: list) -> Callable[[], list]:
        """Start ``func`` over ``items`` on the local pool (when there is one) and return a call
        that waits for the results; otherwise the call runs them here, when it is made. Used for
        work on files in the output folder, which a Dask cluster may not see."""
        if self.config.executor != "dask" and self.jobs > 1 and len(items) > 1:
            futures = [self._local().submit(func, i) for i in items]
            return lambda: list(_checked(f.result() for f in futures))
        return lambda: [func(i) for i in items]

    def close(self) -> None:
        if self._pool is not None:  # after a failure: drop the queued work, wait for the running
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._client is not None:
            self._client.close()


def _checked(results: Iterable) -> Iterator:
    """Results of the local pool; a worker killed under it (by the out-of-memory killer, say)
    becomes a WorkerError that says what to do."""
    try:
        yield from results
    except BrokenProcessPool as e:
        raise WorkerError("a worker process died during the build (killed by the system: out of memory?)",
                          hint="run again with fewer jobs (-j 1) or more memory; the cache keeps the "
                               "files already done") from e


def _cached_map(ex: _Executor, func: Callable, items: list, keys: list[str | None],
                cache: Cache | None, keep: Callable[[object], bool] = lambda r: True) -> Iterator:
    """``func`` over ``items`` in order, taking what it can from ``cache`` (key None: not cached)."""
    done = {i: hit for i, k in enumerate(keys) if cache is not None and k is not None
            and (hit := cache.get(k)) is not None}
    todo = [i for i in range(len(items)) if i not in done]
    results = ex.map(func, [items[i] for i in todo])
    for i in range(len(items)):
        if i in done:
            yield done[i]
            continue
        r = next(results)
        if cache is not None and keys[i] is not None and keep(r):
            cache.put(keys[i], r)
        yield r


def _cache_key(path: Path) -> str | None:
    """None for a file that cannot be read here: process_file then reports it properly."""
    try:
        return file_key(path)
    except OSError:
        return None


def extract_all(inputs: Iterable[str | Path], config: Config | None = None,
                on_file: Callable[[FileResult], None] | None = None,
                cache: Cache | None = None) -> tuple[list[FileResult], list[ReportFacts]]:
    """Run the per-file stages over every input; returns per-file results and all report facts."""
    config = config or Config()
    per_file: list[FileResult] = []
    facts: list[ReportFacts] = []
    ex = _Executor(config)
    try:
        for _, outcome in _extract(ingest.discover(inputs), config, ex, cache, on_file):
            per_file.append(outcome.result)
            facts.extend(outcome.facts)
    finally:
        ex.close()
    return per_file, facts


def _extract(paths: Sequence[Path], config: Config, ex: _Executor, cache: Cache | None,
             on_file: Callable[[FileResult], None] | None) -> Iterator[tuple[str | None, FileOutcome]]:
    """(cache key, outcome) per file in input order."""
    work = functools.partial(process_file, max_bytes=int(config.max_file_mb * 2**20))
    keys = [_cache_key(p) if cache is not None else None for p in paths]
    items = [str(p) for p in paths]
    with _progress(len(paths), config.progress, "extracting") as tick:
        outcomes = _cached_map(ex, work, items, keys, cache, keep=lambda o: not o.result.errors)
        for key, outcome in zip(keys, outcomes, strict=True):
            tick(Path(outcome.result.path).name)
            if on_file:
                on_file(outcome.result)
            yield (key if not outcome.result.errors else None), outcome


# --- per file: linked facts → triples → SHACL → facts.json fragments ----------------------------

@dataclass(frozen=True)
class FileGraph:
    """What one file contributes to the outputs, ready to merge."""

    lines: tuple[str, ...]  # sorted unique N-Triples lines (after dropping what failed SHACL)
    reports: tuple[tuple[tuple, str], ...]  # (facts.json sort key, fragment) per report
    violations: tuple[Violation, ...] = ()  # what is left after dropping (warnings)
    dropped: tuple[Violation, ...] = ()
    seconds: tuple[float, float, float] = (0.0, 0.0, 0.0)  # graph, validate, facts


@functools.lru_cache(maxsize=1)
def _lookup():
    return concept_lookup()


@functools.lru_cache(maxsize=1)
def _shacl() -> validate.Shacl:
    return validate.Shacl()


def graph_file(blob: bytes, plan: LinkPlan, check: bool = True) -> FileGraph:
    """One file's reports (pickled ReportFacts) → its share of graph.ttl and facts.json.

    Runs in a worker: the file's triples are self-contained (kg.rdf.graph.report_triples), so SHACL
    judges its reports here and only the shared nodes are left for the final pass."""
    t0 = time.perf_counter()
    facts = plan.apply(pickle.loads(blob))
    triples = report_triples(facts, _lookup())
    t1 = time.perf_counter()
    violations: tuple[Violation, ...] = ()
    dropped: tuple[Violation, ...] = ()
    lines = [nt_line(t) for t in triples]
    if check:
        report = validate.validate_unit(triples, _shacl(), lines)
        if not report.conforms:  # rare: drop what failed, then judge what is left
            g, dropped = validate.drop_invalid(to_graph(triples), report, inplace=True)
            triples = list(g)
            lines = [nt_line(t) for t in triples]
            report = validate.validate_unit(triples, _shacl(), lines)
        violations = report.violations
    t2 = time.perf_counter()
    doc = export.facts_from_graph(TripleIndex(triples))
    reports = tuple((export.report_sort_key(r), export.report_fragment(r)) for r in doc["reports"])
    lines = tuple(sorted(set(lines)))
    return FileGraph(lines, reports, violations, tuple(dropped),
                     (t1 - t0, t2 - t1, time.perf_counter() - t2))


def _graph_key(file_key: str | None, plan: LinkPlan, check: bool) -> str | None:
    """Cache key of a file's graph pass: its extraction key (file content and path, under the
    pipeline version) and the part of the link plan that touches it."""
    if file_key is None:
        return None
    plan_part = (sorted(plan.duplicates), sorted(plan.bureaus.items()))
    return hashlib.sha256(repr(("graph", file_key, check, plan_part)).encode("utf-8")).hexdigest()


# --- the build ----------------------------------------------------------------------------------

@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A private folder inside ``out`` for the new outputs; on success each is renamed over the
    old one (same file system: atomic per file, all within microseconds); on any failure or
    interrupt the folder is removed and the previous outputs stay as they were."""
    stage = Path(tempfile.mkdtemp(prefix=".partial-", dir=out))
    try:
        yield stage
        for f in sorted(stage.iterdir()):
            if f.is_file():
                os.replace(f, out / f.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


@dataclass
class _Spooled:
    """Per-file records kept between the passes: small, or pickled."""

    blob: bytes
    ids: frozenset
    names: frozenset
    key: str | None  # extraction cache key


@dataclass
class _Merged:
    """What the graph pass leaves for the final steps."""

    parts: Callable[[], list[_Part]]  # waits for the merged, serialized parts
    runs: list[Path]  # the sorted runs they are merged from
    fragments: export.FragmentSpool
    shared: list[str]  # sorted unique lines of shared nodes
    violations: list[Violation]
    dropped: list[Violation]


@dataclass(frozen=True)
class _Part:
    """One range of the merged graph: sorted N-Triples and its Turtle body."""

    nt: Path
    ttl: Path
    ttl_offset: int  # where the Turtle body starts
    triples: int
    seconds: tuple[float, float]  # merge, Turtle


def _merge_part(job: tuple) -> _Part:
    """Merge one range of the sorted runs into N-Triples, then write its Turtle (in a worker)."""
    runs, low, high, nt, ttl = job
    t0 = time.perf_counter()
    n = 0
    with open(nt, "w", encoding="utf-8", newline="\n") as f:
        for line in export.merge_runs(runs, low, high):
            f.write(line)
            n += 1
    t1 = time.perf_counter()
    offset = export.serialize_turtle(nt, ttl)
    return _Part(Path(nt), Path(ttl), offset, n, (t1 - t0, time.perf_counter() - t1))


def build(inputs: Iterable[str | Path], config: Config | None = None,
          on_file: Callable[[FileResult], None] | None = None) -> BuildResult:
    """Build graph.ttl, facts.json, build-report.json and viewer.html from report files.

    Two passes over the files (both parallel, both cached), with linking in between:
    extract each file → plan the links (needs every report, keeps a few fields of each) →
    per file: link, build triples, validate, facts fragments → merge sorted → shared-node SHACL →
    Turtle. Memory holds the pickled records and one sorted run, never the whole graph.
    An unchanged corpus (same graph-pass keys, outputs as the last build left them) only gets a
    new build-report.json."""
    config = config or Config()
    timings: dict[str, float] = {}
    cache = Cache(config.cache_dir or Path(config.outdir) / ".cache") if config.cache else None
    out = Path(config.outdir)
    out.mkdir(parents=True, exist_ok=True)
    ex = _Executor(config)
    try:
        with _staging(out) as stage:
            t = time.perf_counter()
            per_file, spooled, plan = _first_pass(inputs, config, ex, cache, on_file)
            timings["extract"] = time.perf_counter() - t
            counts = (cache.hits, cache.misses) if cache else (0, 0)
            items = [(s.blob, LinkPlan(plan.duplicates & s.ids,
                                       {n: plan.bureaus[n] for n in s.names if n in plan.bureaus}),
                      config.validate) for s in spooled]
            keys = [_graph_key(s.key, it[1], it[2]) if cache else None for s, it in zip(spooled, items, strict=True)]
            del spooled
            fingerprint = _fingerprint(keys, config)
            reused = _reuse(out, cache, fingerprint)
            if reused is not None:
                names, report, dropped, triples = reused
                timings["reused"] = 1.0
            else:
                t = time.perf_counter()
                merged = _second_pass(items, keys, config, ex, cache, stage, timings)
                del items
                timings["graph"] = time.perf_counter() - t
                names, report, dropped, triples = _finish(merged, config, stage, timings)
                if cache is not None and fingerprint is not None:
                    cache.put(fingerprint, (report, tuple(dropped), triples,
                                            {n: _sha256(stage / n) for n in names}))
            names.append("build-report.json")
            result = BuildResult(outputs={n: str(out / n) for n in names}, per_file=tuple(per_file),
                                 timings={k: round(v, 3) for k, v in timings.items()},
                                 validation=report, dropped=tuple(dropped),
                                 cache_hits=counts[0], cache_misses=counts[1],
                                 graph_cache_hits=cache.hits - counts[0] if cache else 0,
                                 graph_cache_misses=cache.misses - counts[1] if cache else 0)
            export.write_json(build_report(result, graph_triples=triples), stage / "build-report.json")
    finally:
        ex.close()
    return result


def _first_pass(inputs, config: Config, ex: _Executor, cache: Cache | None, on_file):
    """Extract every file; keep per file its pickled records and what linking needs."""
    per_file: list[FileResult] = []
    spooled: list[_Spooled] = []
    linker = Linker()
    for key, outcome in _extract(ingest.discover(inputs), config, ex, cache, on_file):
        per_file.append(outcome.result)
        if outcome.facts:
            linker.add(outcome.facts)
            spooled.append(_Spooled(pickle.dumps(outcome.facts, protocol=5),
                                    frozenset((f.source.path, f.index) for f in outcome.facts),
                                    frozenset(f.bureau.name for f in outcome.facts), key))
    return per_file, spooled, linker.plan()


def _second_pass(items: list, keys: list, config: Config, ex: _Executor, cache: Cache | None,
                 stage: Path, timings: dict) -> _Merged:
    """Graph, validate and render each file (in workers); start merging the sorted lines."""
    spool = export.LineSpool(stage)
    fragments = export.FragmentSpool(stage)
    violations: list[Violation] = []
    dropped: list[Violation] = []
    cpu = [0.0, 0.0, 0.0]
    shared: set[str] = set()
    with _progress(len(items), config.progress, "graphing") as tick:
        for fg in _cached_map(ex, _graph_item, items, keys, cache):
            spool.add(fg.lines)
            shared.update(validate.shared_lines(fg.lines))  # fg.lines are sorted
            for key, frag in fg.reports:
                fragments.add(key, frag)
            violations.extend(fg.violations)
            dropped.extend(fg.dropped)
            cpu = [a + b for a, b in zip(cpu, fg.seconds, strict=True)]
            tick("")
    timings.update(graph_cpu=cpu[0], validate_cpu=cpu[1], facts_cpu=cpu[2])
    # merging and Turtle go to the workers, one range each, while this process checks the shared
    # nodes; the ranges are cut at subject boundaries, so the parts simply concatenate
    jobs = [(spool.runs, low, high, stage / f".part-{i}.nt", stage / f".part-{i}.ttl")
            for i, (low, high) in enumerate(spool.bounds(ex.jobs if config.executor != "dask" else 1))]
    return _Merged(ex.later(_merge_part, jobs), spool.runs, fragments, sorted(shared), violations, dropped)


# A conflict between files about a shared node (a place given two names) is repaired by dropping
# the offending values from the whole graph held in rdflib (~1 GiB per 1M triples). Above this
# size the graph is written as merged and build-report.json lists the violations instead.
REPAIR_LIMIT = 1_000_000  # triples


def _finish(m: _Merged, config: Config, stage: Path, timings: dict):
    """Shared-node SHACL (while the workers merge), then every output file; returns
    (names, report, dropped, triples)."""
    t = time.perf_counter()
    report = None
    graph = None
    dropped = m.dropped
    shared_report = None
    if config.validate:
        shared_report = validate.validate_shared_lines(m.shared, _shacl())
        timings["validate_shared"] = time.perf_counter() - t
    m.shared.clear()
    parts = m.parts()
    for run in m.runs:
        run.unlink()
    timings.update(merge=sum(p.seconds[0] for p in parts), turtle=sum(p.seconds[1] for p in parts),
                   merge_wait=time.perf_counter() - t)
    triples = sum(p.triples for p in parts)
    nt_paths = [p.nt for p in parts]

    t = time.perf_counter()
    if shared_report is not None:
        if not shared_report.conforms and triples > REPAIR_LIMIT:
            timings["conflicts_kept"] = float(len(shared_report.violations))
        elif not shared_report.conforms:  # a cross-report conflict: the slow, whole-graph way
            graph = to_graph(_read_parts(nt_paths), new_graph())
            graph, acted = validate.drop_invalid(graph, shared_report, inplace=True)
            dropped = [*dropped, *acted]
            shared_report = validate.validate(graph)
            nt_paths = [stage / ".repaired.nt"]
            _write_nt(graph, nt_paths[0])
            triples = len(graph)
        report = validate.merge_reports(m.violations, shared_report)

    names = ["graph.ttl"]
    if graph is None:
        export.join_turtle([(p.ttl, p.ttl_offset) for p in parts], stage / "graph.ttl")
    else:
        export.turtle_from_nt(nt_paths[0], stage / "graph.ttl")
    if "nt" in config.formats:
        _concat(nt_paths, stage / "graph.nt")
        names.append("graph.nt")
    if "jsonld" in config.formats:
        g = graph if graph is not None else to_graph(_read_parts(nt_paths), new_graph())
        export.write_graph(g, stage / "graph.jsonld", "jsonld")
        names.append("graph.jsonld")
    if graph is not None:
        export.write_json(export.facts_from_graph(graph), stage / "facts.json")
    else:
        export.write_facts_fragments(m.fragments.ordered(), stage / "facts.json")
    m.fragments.close()
    names.append("facts.json")
    # the parts' Turtle is written at once, one part per worker: the longest is the wall time
    timings["export"] = max((p.seconds[1] for p in parts), default=0.0) + time.perf_counter() - t
    if config.viewer:
        from kg.outputs import (
            viz,  # here, not at the top: networkx costs every build worker 0.2 s to import
        )

        t = time.perf_counter()
        viz.write_viewer(graph if graph is not None else TripleIndex(_read_parts(nt_paths)),
                         stage / "viewer.html")
        names.append("viewer.html")
        timings["viewer"] = time.perf_counter() - t
    for p in {*nt_paths, *(p.nt for p in parts), *(p.ttl for p in parts)}:
        p.unlink(missing_ok=True)
    return names, report, dropped, triples


def _read_parts(paths: list[Path]) -> Iterator:
    for p in paths:
        yield from read_nt(p)


def _concat(paths: list[Path], out: Path) -> None:
    with open(out, "wb") as dst:
        export.copy_files(((p, 0) for p in paths), dst)


def _fingerprint(keys: list[str | None], config: Config) -> str | None:
    """Everything the outputs depend on, when every file is cacheable."""
    if not keys or any(k is None for k in keys):
        return None
    what = ("build", keys, config.validate, config.viewer, sorted(config.formats))
    return hashlib.sha256(repr(what).encode("utf-8")).hexdigest()


def _reuse(out: Path, cache: Cache | None, fingerprint: str | None):
    """The previous build's (names, report, dropped, triples) when its inputs were these and its
    outputs are still as it wrote them; None otherwise."""
    if cache is None or fingerprint is None:
        return None
    prev = cache.get(fingerprint, count=False)
    if prev is None:
        return None
    report, dropped, triples, digests = prev
    for name, digest in digests.items():
        if not (out / name).is_file() or _sha256(out / name) != digest:
            return None
    return list(digests), report, list(dropped), triples


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _graph_item(item: tuple) -> FileGraph:
    return graph_file(*item)


def _write_nt(graph, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(nt_lines(graph))


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
            "violations": [
                {"focus": v.focus, "path": v.path, "message": v.message, "severity": v.severity}
                for v in (result.validation.violations if result.validation else ())
            ],
            "dropped": [
                {"focus": v.focus, "path": v.path, "message": v.message, "quote": v.quote}
                for v in result.dropped
            ],
        },
        "timings": result.timings,
        "cache": {"hits": result.cache_hits, "misses": result.cache_misses,
                  "graph_hits": result.graph_cache_hits, "graph_misses": result.graph_cache_misses},
        "outputs": {k: Path(v).name for k, v in sorted(result.outputs.items())},
    }
