"""The whole pipeline at a glance: :func:`build` is this sequence of named stages.

    extract  per file, in workers, cached:   ingest ─ clean ─ segment ─ extract        (stages.py)
    link     main process, all reports:      the link plan, sliced per file            (link.py)
    graph    per file, in workers, cached:   link ─ triples ─ SHACL ─ facts fragments, viewer parts (stages.py)
    merge    workers, one range each:        merge the sorted N-Triples runs, Turtle   (assembly.py)
             one worker more:                SHACL on the shared nodes (alone: this process, first)
             main process meanwhile:         viewer.html from the files' viewer parts
                                             (after: repair a conflict, and draw it again)
    write    graph.ttl (parts joined), other formats, facts.json                       (assembly.py)
    report   build-report.json

Work runs on an executor (executors.py: this process, a local pool, or Dask); both per-file passes
and the whole build can be taken from the cache (cache.py). One bad file never stops the batch.
The whole graph never sits in memory: each file's triples are self-contained
(kg.rdf.graph.report_triples), so its reports are validated in the worker that built them and only
the shared nodes (bureaus, regions, concepts) are judged once at the end.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kg.core.config import Config
from kg.core.errors import InternalError
from kg.core.records import (
    BuildResult,
    FileResult,
    Source,
    ValidationReport,
    Violation,
)
from kg.outputs import export
from kg.outputs.spool import FragmentSpool, LineSpool
from kg.pipeline import assembly, stages
from kg.pipeline.assembly import MergedGraph, Outputs, Part
from kg.pipeline.budget import Budget, give_back
from kg.pipeline.cache import (
    Cache,
    CacheCounts,
    cached_map,
    fingerprint,
    graph_key,
    readable_file_key,
    remember_outputs,
    reusable_outputs,
)
from kg.pipeline.executors import Executor, executor_for, progress
from kg.pipeline.link import Linker, LinkKeys, LinkPlan
from kg.pipeline.recovery import crash_point, recover, staging
from kg.pipeline.stages import FileOutcome, GraphJob, GraphSeconds, SpooledFacts, process_file
from kg.rdf import validate
from kg.rdf.graph import default_indicators, new_graph
from kg.terms.triples import nt_lines, to_graph
from kg.text import ingest
from kg.text.normalize import radicals

__all__ = ["REPAIR_LIMIT", "build", "warm_up"]

# A conflict between files about a shared node (a place given two names) is repaired by dropping
# the offending values from the whole graph held in rdflib (~1 GiB per 1M triples). Above this
# size the graph is written as merged and build-report.json lists the violations instead.
REPAIR_LIMIT = 1_000_000  # triples


def build(inputs: Iterable[str | Path], config: Config | None = None,
          on_file: Callable[[FileResult], None] | None = None) -> BuildResult:
    """Build graph.ttl, facts.json, build-report.json and viewer.html from report files.

    Memory holds one sorted run, never the whole graph; each file's pickled records wait for the
    graph pass in a spool file of the staging folder. An unchanged corpus (same input files, or
    same graph-pass keys; outputs as the last build left them) only gets a new build-report.json."""
    config = config or Config()
    out = Path(config.outdir)
    out.mkdir(parents=True, exist_ok=True)
    cache = Cache(config.cache_dir or out / ".cache") if config.cache else None
    recover(out, cache.root if cache is not None else None)  # what a killed build left
    timings: dict[str, float] = {}
    with executor_for(config) as ex, staging(out) as stage:
        paths = ingest.discover(inputs)
        file_keys = [readable_file_key(p) if cache is not None else None for p in paths]
        # the same files as the last build, every one of them cached, its outputs as it left them:
        # nothing to read, link or write again (the records and the plan follow from the keys)
        inputs_key = fingerprint(file_keys, config, kind="inputs")
        prior = reusable_outputs(cache, inputs_key, out, entries=file_keys)
        if prior is not None:
            per_file, outputs = prior
            for r in per_file if on_file else ():
                on_file(r)
            return _report(out, stage, per_file, outputs, True, timings, CacheCounts.of(cache), cache)
        records = FragmentSpool(stage, ".records")  # each file's records, between the passes
        with _timer(timings, "extract"):
            extracted = _extract_pass(paths, file_keys, config, ex, cache, on_file, records)
        extraction_counts = CacheCounts.of(cache)
        jobs, keys = _link(extracted, config, cache)
        per_file = extracted.per_file
        del extracted  # the jobs hold each file's records (their place in the spool) from here on
        build_key = fingerprint(keys, config)
        outputs = reusable_outputs(cache, build_key, out)
        reused = outputs is not None
        if outputs is None:
            with _timer(timings, "graph"):
                graphs = _graph_pass(jobs, keys, config, ex, cache, stage, timings)
                ex.renew()  # the merge and the judging of shared nodes start on fresh workers
                pending = assembly.start_merge(graphs.spool, ex, stage, merge_parts(ex, config))
            del jobs  # done with the records: free them before a repair loads the whole graph
            records.close()
            give_back()  # what linking and the passes held, before the viewer is drawn here
            merged, viewer = _merge_and_check_shared(graphs, pending, config, ex, stage, timings)
            crash_point("merged")
            outputs = _write(merged, graphs, viewer, config, stage, timings)
            remember_outputs(cache, {build_key: outputs, inputs_key: (per_file, outputs)},
                             list(outputs.names), stage)
        else:
            records.close()
            remember_outputs(cache, {inputs_key: (per_file, outputs)}, list(outputs.names), out)
        result = _report(out, stage, per_file, outputs, reused, timings, extraction_counts, cache)
    return result


# --- extract: ingest → clean → segment → extract, per file ----------------------------------------

@dataclass(frozen=True)
class SpooledFile:
    """What the main process keeps of a file with reports between the passes."""

    facts: SpooledFacts
    link: LinkKeys  # what the link plan is sliced by
    key: str | None  # extraction cache key


@dataclass(frozen=True)
class Extracted:
    per_file: tuple[FileResult, ...]  # every input file, in input order
    files: tuple[SpooledFile, ...]  # the files with reports
    plan: LinkPlan  # decided over every report


def _extract_pass(paths: Sequence[Path], keys: list[str | None], config: Config, ex: Executor,
                  cache: Cache | None, on_file: Callable[[FileResult], None] | None,
                  records: FragmentSpool) -> Extracted:
    """Extract every file (``keys``: their cache keys); keep per file its pickled records (in
    ``records``) and what linking needs."""
    per_file: list[FileResult] = []
    files: list[SpooledFile] = []
    linker = Linker()
    for key, outcome in zip(keys, _extract_files(paths, keys, config, ex, cache, on_file), strict=True):
        per_file.append(outcome.result)
        if outcome.packed is not None:
            linker.add_part(outcome.link)
            facts = SpooledFacts(records, records.add_bytes((), outcome.packed.blob))
            files.append(SpooledFile(facts, outcome.link.keys, key))
    return Extracted(tuple(per_file), tuple(files), linker.plan())


def _extract_files(paths: Sequence[Path], keys: list[str | None], config: Config, ex: Executor,
                   cache: Cache | None, on_file: Callable[[FileResult], None] | None) -> Iterator[FileOutcome]:
    """Each file's outcome, in input order; a file that failed is not cached (it is tried again)."""
    work = functools.partial(process_file, max_bytes=int(config.max_file_mb * 2**20),
                             budget=Budget.of(config))
    with progress(len(paths), config.progress, "extracting") as tick:
        for outcome in cached_map(functools.partial(ex.map, work), [str(p) for p in paths], keys, cache,
                                  keep=lambda o: not o.result.errors):
            tick(Path(outcome.result.path).name)
            crash_point("extracted")  # the outcome is in the cache by now
            if on_file:
                on_file(outcome.result)
            yield outcome


# --- link: the plan for all reports, sliced per file ----------------------------------------------

def _link(extracted: Extracted, config: Config, cache: Cache | None) -> tuple[list[GraphJob], list[str | None]]:
    """Each file's graph job (its records and its slice of the link plan) and graph cache key."""
    jobs = [GraphJob(f.facts, extracted.plan.for_keys(f.link), config.validate, config.viewer)
            for f in extracted.files]
    keys = [graph_key(f.key, job.plan, job.validate, job.viewer) if cache is not None else None
            for f, job in zip(extracted.files, jobs, strict=True)]
    return jobs, keys


# --- graph: per file link, triples, SHACL, facts fragments; merged in order -----------------------

@dataclass(frozen=True)
class GraphPass:
    """What the graph pass leaves for the merge: the spooled lines, fragments and viewer parts, the
    shared nodes to judge once, and what SHACL found in each file."""

    spool: LineSpool  # the sorted runs of every file's lines
    fragments: FragmentSpool
    shared: list[str]  # sorted unique lines of shared nodes; emptied once judged, to free memory
    violations: tuple[Violation, ...]
    dropped: tuple[Violation, ...]
    viewer: FragmentSpool | None = None  # each file's viewer parts, in input order (without --no-viewer)


def _graph_pass(jobs: list[GraphJob], keys: list[str | None], config: Config, ex: Executor,
                cache: Cache | None, stage: Path, timings: dict[str, float]) -> GraphPass:
    """Graph, validate and render each file (in workers); spool what they return, in order."""
    spool = LineSpool(stage)
    fragments = FragmentSpool(stage)
    viewer = FragmentSpool(stage, ".viewer-parts") if config.viewer else None
    violations: list[Violation] = []
    dropped: list[Violation] = []
    shared: set[str] = set()
    cpu = GraphSeconds()
    with progress(len(jobs), config.progress, "graphing") as tick:
        for i, fg in enumerate(cached_map(functools.partial(_in_batches, ex), jobs, keys, cache)):
            spool.add(fg.lines)
            shared.update(validate.shared_lines(fg.lines))  # fg.lines are sorted
            for frag in fg.fragments:
                fragments.add(frag.key, frag.text)
            if viewer is not None and fg.viewer is not None:
                viewer.add_bytes((i,), fg.viewer)
            violations.extend(fg.violations)
            dropped.extend(fg.dropped)
            cpu += fg.seconds
            tick("")
            crash_point("graphed")
    timings.update(graph_cpu=cpu.graph, validate_cpu=cpu.validate, facts_cpu=cpu.facts, viewer_cpu=cpu.viewer)
    return GraphPass(spool, fragments, sorted(shared), tuple(violations), tuple(dropped), viewer)


# Files a worker graphs at once (stages.graph_files: one SHACL run for all): enough to pay the
# engine's set-up once for many, few enough that every worker gets several batches to balance.
BATCH_FILES = 32


def _in_batches(ex: Executor, jobs: list[GraphJob]) -> Iterator:
    """stages.graph_file of each job, in input order, run on ``ex`` in batches."""
    size = max(1, min(BATCH_FILES, -(-len(jobs) // (4 * ex.parts))))
    batches = [tuple(jobs[i:i + size]) for i in range(0, len(jobs), size)]
    return (fg for batch in ex.map(stages.graph_files, batches) for fg in batch)


# --- merge: the workers merge the runs while this process judges the shared nodes -----------------

def merge_parts(ex: Executor, config: Config) -> int:
    """Ranges the merge is cut into, one per worker it runs on. While this process draws the
    viewer (about as long as merging the whole graph and writing its Turtle at 1k reports), it
    keeps a core of its own: one worker fewer merges, so that three processes do not share two
    cores and leave one idle once the merge is done (-j 2: the merge in one part, in one worker)."""
    return max(1, ex.parts - 1) if config.viewer else ex.parts


def _merge_and_check_shared(graphs: GraphPass, pending: Callable[[], list[Part]], config: Config, ex: Executor,
                            stage: Path, timings: dict[str, float]) -> tuple[MergedGraph, list[str]]:
    """SHACL on the shared nodes and the viewer while the workers merge the parts: with a pool,
    a worker judges the shared nodes while this process draws the viewer (the merge keeps to the
    other workers, merge_parts); alone, or without a viewer, this process judges them first. A conflict SHACL finds
    between files is repaired (a viewer drawn meanwhile from the files' parts, which hold what the
    repair drops, is drawn again from the repaired graph), or (above REPAIR_LIMIT) left in place
    and reported. Also returns the names of the outputs written here (the viewer's)."""
    t = time.perf_counter()
    shared: ValidationReport | None = None
    judged = None
    if config.validate and ex.parts > 1 and graphs.viewer is not None:  # without a viewer, every worker merges
        # only the lines a shape reads cross to the worker (a third of them are edu:implements links)
        judged = ex.later(stages.judge_shared, [validate.judged_shared_lines(graphs.shared, stages.shacl())])
    elif config.validate:
        shared = validate.validate_shared_lines(graphs.shared, stages.shacl())
        timings["validate_shared"] = time.perf_counter() - t
    written = []
    if graphs.viewer is not None and (shared is None or shared.conforms):  # the viewer is the files' parts
        with _timer(timings, "viewer"):
            written.append(assembly.write_viewer(stage, graphs.viewer, graphs.shared))
    if judged is not None:
        [(shared, timings["validate_shared"])] = judged()
    conflict = shared is not None and not shared.conforms
    # only now: a pool's feeder thread pickles the judging job's lines when it gets to it
    if written or not (conflict and graphs.viewer is not None):  # else _write's viewer may need them
        graphs.shared.clear()
    parts = pending()
    for run in graphs.spool.runs:
        run.unlink()
    timings.update(merge=sum(p.merge_seconds for p in parts), turtle=sum(p.turtle_seconds for p in parts),
                   merge_wait=time.perf_counter() - t)
    merged = MergedGraph(tuple(parts), tuple(p.nt for p in parts), sum(p.triples for p in parts),
                         dropped=graphs.dropped)
    if shared is None:
        return merged, written
    if conflict and merged.triples > REPAIR_LIMIT:
        merged = replace(merged, conflicts_kept=len(shared.violations))
    elif conflict:  # a cross-report conflict: the slow, whole-graph way
        with _timer(timings, "repair"):
            merged = _repair(merged, shared, stage)
        shared = merged.validation
        written = []  # a viewer drawn from the parts shows what the repair dropped: _write draws it again
    return replace(merged, validation=validate.merge_reports(list(graphs.violations), shared)), written


def _repair(merged: MergedGraph, report: ValidationReport, stage: Path) -> MergedGraph:
    """The whole graph in rdflib without what ``report`` faults, judged again (its validation)."""
    graph = to_graph(merged.read(), new_graph())
    graph, acted = validate.drop_invalid(graph, report, inplace=True)
    nt = stage / ".repaired.nt"
    with open(nt, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(nt_lines(graph))
    return replace(merged, graph=graph, nt_paths=(nt,), triples=len(graph),
                   dropped=(*merged.dropped, *acted), validation=validate.validate(graph))


# --- write: every output file ---------------------------------------------------------------------

def _write(merged: MergedGraph, graphs: GraphPass, written: list[str], config: Config, stage: Path,
           timings: dict[str, float]) -> Outputs:
    """Every output but build-report.json; ``written``: those already written (the viewer, drawn
    while the workers merged)."""
    t = time.perf_counter()
    names = [*assembly.write_graphs(merged, config, stage), assembly.write_facts(merged, graphs.fragments, stage)]
    # the parts' Turtle is written at once, one part per worker: the longest is the wall time
    timings["export"] = max((p.turtle_seconds for p in merged.parts), default=0.0) + time.perf_counter() - t
    if graphs.viewer is not None and not written:  # after a conflict: from the repaired graph, if repaired
        with _timer(timings, "viewer"):
            written = [assembly.write_viewer(stage, graphs.viewer, graphs.shared, merged.graph)]
        graphs.shared.clear()
    names += written
    merged.remove_files()
    return Outputs(tuple(names), merged.validation, merged.dropped, merged.triples, merged.conflicts_kept)


# --- report: build-report.json ------------------------------------------------------------------

def _report(out: Path, stage: Path, per_file: tuple[FileResult, ...], outputs: Outputs, reused: bool,
            timings: dict[str, float], extraction: CacheCounts, cache: Cache | None) -> BuildResult:
    """The build's result, written as build-report.json."""
    graph = CacheCounts.of(cache) - extraction  # the cache counted the extraction pass first
    result = BuildResult(
        outputs={n: str(out / n) for n in (*outputs.names, "build-report.json")},
        per_file=per_file, timings={k: round(v, 3) for k, v in timings.items()},
        validation=outputs.validation, dropped=outputs.dropped, triples=outputs.triples,
        outputs_reused=reused, conflicts_kept=outputs.conflicts_kept,
        cache_hits=extraction.hits, cache_misses=extraction.misses,
        graph_cache_hits=graph.hits, graph_cache_misses=graph.misses)
    export.write_json(assembly.build_report(result), stage / "build-report.json")
    return result


# --- around the stages ----------------------------------------------------------------------------

@contextlib.contextmanager
def _timer(timings: dict[str, float], name: str) -> Iterator[None]:
    t = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - t


# Long enough to be a report (segment.toml starts.min_body_han) and to reach every lazy loader: the place
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
    once in this process by running a small invented report through the per-file stages."""
    source = Source(path="<warm-up>", name="<warm-up>", sha256="0" * 64, text=_WARM_UP_TEXT,
                    encoding="utf-8", format="txt")
    if not stages.extract_source(source):
        raise InternalError("warm-up text produced no report", hint="segmentation rules changed?")
    stages.lookup()
    default_indicators()  # the graph pass describes each indicator a metric measures
    stages.shacl().prepare()  # parsed, not run: shacl-rust starts a thread pool, which a fork would not copy
    radicals()  # a part the sample never reaches but a real file may: a PDF's radicals
    give_back()  # and libc's heap trimmer, which each graph batch calls
