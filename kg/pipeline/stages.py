"""The per-file stages, as functions over frozen records; they run in workers.

    extraction pass:  path ─ ingest ─ clean ─ segment ─ extract ─→ FileOutcome (FileResult, packed facts, link part)
    graph pass:       GraphJob ─ link ─ triples ─ SHACL, drop invalid ─ facts fragments, viewer parts ─→ FileGraph

A file's triples are self-contained (kg.rdf.graph.report_triples), so SHACL judges its reports in
the worker that built them; only the shared nodes are left for the build's final pass.
"""

from __future__ import annotations

import functools
import pickle
import time
from dataclasses import dataclass, replace
from pathlib import Path

from kg.core.config import Config
from kg.core.errors import InternalError, KgError, OverBudgetError
from kg.core.records import FileResult, ReportFacts, Source, ValidationReport, Violation
from kg.extract.report import extract_report
from kg.outputs import export, network
from kg.outputs.reader import GraphReader
from kg.outputs.spool import FragmentSpool
from kg.pipeline import recovery
from kg.pipeline.budget import Budget, OverBudget, Usage, give_back, limits
from kg.pipeline.link import LinkPart, LinkPlan
from kg.rdf import validate
from kg.rdf.graph import concept_lookup, report_lines
from kg.terms.triples import TripleIndex, nt_line, parse_nt, to_graph
from kg.text import clean as clean_stage
from kg.text import ingest, segment

# --- extraction pass ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileOutcome:
    """One file through the extraction pass: its build-report.json line, its reports' facts,
    pickled where they were extracted (the build keeps them as bytes until the graph pass), and
    what linking needs of them, summed up there too: the build's own process, which has to take
    in every file, never unpickles a record."""

    result: FileResult
    packed: PackedFacts | None = None  # None: no report
    link: LinkPart | None = None

    @property
    def facts(self) -> tuple[ReportFacts, ...]:
        return self.packed.unpack() if self.packed is not None else ()

    @classmethod
    def of(cls, result: FileResult, facts: tuple[ReportFacts, ...]) -> FileOutcome:
        return cls(result, PackedFacts.pack(facts), LinkPart.of(facts)) if facts else cls(result)


def extract_source(source: Source) -> tuple[ReportFacts, ...]:
    """clean → segment → extract: the facts of each report in the source, repeats left out."""
    reports = segment.segment(clean_stage.clean(source))
    return tuple(extract_report(r) for r in reports if r.duplicate_of is None)


DEFAULT_BUDGET = Budget.of(Config())  # the build passes its own


def process_file(path: str | Path, max_bytes: int = ingest.MAX_BYTES, budget: Budget = DEFAULT_BUDGET) -> FileOutcome:
    """ingest → clean → segment → extract for one file, within ``budget`` (kg.pipeline.budget).
    Errors become part of the result."""
    recovery.crash_point("file")
    usage = Usage()
    try:
        _ready()
        try:
            with limits(budget) as usage:
                source = ingest.read_source(path, max_bytes=max_bytes, max_chars=budget.chars)
                facts = extract_source(source)
        except OverBudget as e:
            raise OverBudgetError(f"stopped: {e.what} (the per-file budget)", path=str(path),
                                  hint="split the file into reports, or raise --file-seconds / "
                                       "--file-memory-mb") from None
        except MemoryError:  # the address-space cap: one allocation larger than the budget
            if not budget.memory_bytes:
                raise  # no cap was set: the machine ran out, not the file's budget
            raise OverBudgetError(f"stopped: needed more than {budget.memory_bytes / 2**20:.0f} MiB "
                                  "(the per-file budget)", path=str(path),
                                  hint="split the file into reports, or raise --file-memory-mb") from None
    except KgError as e:
        return _failed(path, e, usage)
    except Exception as e:  # a bug must not cost the user the rest of the batch: report it per file
        return _failed(path, InternalError(f"internal error {type(e).__name__}: {e}", path=str(path),
                                           hint="please report this file"), usage)
    return FileOutcome.of(_measured(_file_result(path, source, facts), usage), facts)


_warm = False


def _ready() -> None:
    """Once per process, before the first file's budget starts: load the shared parts (jieba,
    gazetteer, taxonomy, shapes), so that their start-up is not charged to a file, and (in a pool
    worker) end with the build that started it."""
    global _warm
    if not _warm:
        from kg.pipeline.build import warm_up  # the build module imports this one

        recovery.guard_worker()
        warm_up()  # a failure is the file's error, and the next file tries again
        _warm = True


def _measured(result: FileResult, usage: Usage) -> FileResult:
    """``result`` with what the file cost (build-report.json shows it per file)."""
    peak = None if usage.peak_bytes is None else round(usage.peak_bytes / 2**20)
    return replace(result, seconds=round(usage.seconds, 3), cpu_seconds=round(usage.cpu_seconds, 3), peak_mib=peak)


def _failed(path: str | Path, error: KgError, usage: Usage) -> FileOutcome:
    return FileOutcome(_measured(FileResult(path=str(path), errors=(str(error),)), usage))


def _file_result(path: str | Path, source: Source, facts: tuple[ReportFacts, ...]) -> FileResult:
    """What build-report.json says of a file that was read: counts, and what is worth a look."""
    warnings = []
    if not facts:
        warnings.append(f"{path}: no report found (only site noise, or too short to be a report)")
    if source.encoding in ("utf-8-truncated",) or source.encoding.startswith("mixed:"):
        warnings.append(f"{path}: encoding repaired ({source.encoding}); check the text with `kg inspect`")
    return FileResult(
        path=str(path),
        warnings=tuple(warnings),
        reports=len(facts),
        metrics=sum(len(f.metrics) for f in facts),
        initiatives=sum(len(f.mentions) for f in facts),
    )


@dataclass(frozen=True)
class PackedFacts:
    """One file's ReportFacts, pickled. Pickled bytes stay the transport between the passes: the
    build spools every file's records until the graph pass (:class:`SpooledFacts`), never the live
    records, and bytes cross to a worker without being pickled again."""

    blob: bytes

    @classmethod
    def pack(cls, facts: tuple[ReportFacts, ...]) -> PackedFacts:
        return cls(pickle.dumps(facts, protocol=5))

    def unpack(self) -> tuple[ReportFacts, ...]:
        return pickle.loads(self.blob)


@dataclass(frozen=True, eq=False)
class SpooledFacts:
    """One file's :class:`PackedFacts` kept in a spool file of the build's staging folder between
    the passes, not in the build's memory (at 10k reports every file's records held ~450 MiB there,
    and memory a bytes object leaves is not given back for the viewer's many small objects). Read
    back when the job is sent to a worker, which gets the bytes (pickled as PackedFacts: a pool
    pickles a job only when a worker is about to take it), or here when it runs in this process."""

    spool: FragmentSpool
    number: int

    def unpack(self) -> tuple[ReportFacts, ...]:
        return pickle.loads(self.spool.read_bytes(self.number))

    def __reduce__(self):
        return PackedFacts, (self.spool.read_bytes(self.number),)


# --- graph pass ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphJob:
    """What a worker needs to render one file: its records and the part of the link plan they use."""

    facts: PackedFacts | SpooledFacts
    plan: LinkPlan
    validate: bool = True
    viewer: bool = True  # gather the file's viewer parts (kg.outputs.network.file_parts)


@dataclass(frozen=True)
class FactsFragment:
    """One report's facts.json text and where it goes in the file."""

    key: tuple  # export.report_sort_key
    text: str


@dataclass(frozen=True)
class GraphSeconds:
    """CPU seconds of the graph pass's steps (the build reports their sums)."""

    graph: float = 0.0
    validate: float = 0.0
    facts: float = 0.0
    viewer: float = 0.0

    def __add__(self, other: GraphSeconds) -> GraphSeconds:
        return GraphSeconds(self.graph + other.graph, self.validate + other.validate, self.facts + other.facts,
                            self.viewer + other.viewer)


@dataclass(frozen=True)
class FileGraph:
    """What one file contributes to the outputs, ready to merge."""

    lines: tuple[str, ...]  # sorted unique N-Triples lines (after dropping what failed SHACL)
    fragments: tuple[FactsFragment, ...]
    violations: tuple[Violation, ...] = ()  # what is left after dropping (warnings)
    dropped: tuple[Violation, ...] = ()
    seconds: GraphSeconds = GraphSeconds()
    viewer: bytes | None = None  # the file's pickled viewer parts (kg.outputs.network.file_parts)


@dataclass(frozen=True)
class Checked:
    """A file's lines after SHACL: what failed is dropped, what is left judged again."""

    lines: list[str]
    violations: tuple[Violation, ...] = ()
    dropped: tuple[Violation, ...] = ()


@functools.lru_cache(maxsize=1)
def lookup():
    """The taxonomy's concept lookup, loaded once per process."""
    return concept_lookup()


@functools.lru_cache(maxsize=1)
def shacl() -> validate.Shacl:
    """The shapes, parsed once per process."""
    return validate.Shacl()


def graph_file(job: GraphJob) -> FileGraph:
    """One file's reports → its share of graph.ttl and facts.json: link, triples, SHACL, fragments."""
    return graph_files((job,))[0]


def graph_files(jobs: tuple[GraphJob, ...]) -> tuple[FileGraph, ...]:
    """:func:`graph_file` of each job, their SHACL in one run (validate.validate_units): a
    worker's share of the files goes to it in such batches. Each file's result is what it would
    be alone; the batch's SHACL seconds are shared out by the files' triples."""
    recovery.guard_worker()  # a worker may start here: every file's extraction came from the cache
    recovery.crash_point("graph")
    t0 = time.perf_counter()
    built = [report_lines(link(job), lookup(), targets=job.plan.targets) for job in jobs]
    t1 = time.perf_counter()
    judged = [i for i, job in enumerate(jobs) if job.validate]
    reports = dict(zip(judged, validate.validate_units([built[i] for i in judged], shacl()), strict=True))
    checked = [check(built[i], reports[i]) if i in reports else Checked(built[i]) for i in range(len(jobs))]
    t2 = time.perf_counter()
    out = []
    total = sum(map(len, built)) or 1
    for job, lines, c in zip(jobs, built, checked, strict=True):
        t = time.perf_counter()
        unique = sorted(set(c.lines))
        reader = GraphReader(TripleIndex.from_lines(unique))  # one reading for both
        frags = fragments(reader)
        t3 = time.perf_counter()
        parts = viewer_parts(reader, job.plan) if job.viewer else None
        share = len(lines) / total
        out.append(FileGraph(tuple(unique), frags, c.violations, c.dropped,
                             GraphSeconds((t1 - t0) * share, (t2 - t1) * share, t3 - t,
                                          time.perf_counter() - t3), parts))
    del built, checked, reports
    give_back()  # the batch's graphs are freed: a worker stays small for the merge that may follow
    return tuple(out)


def judge_shared(lines: list[str]) -> tuple[ValidationReport, float]:
    """SHACL on the shared nodes' lines (kg.rdf.validate.validate_shared_lines) and its seconds: in
    a worker of a pool, whose shapes are loaded, while the build's process draws the viewer."""
    t = time.perf_counter()
    report = validate.validate_shared_lines(lines, shacl()), time.perf_counter() - t
    give_back()  # the worker waits idle for the build's end from here: it holds no more than it needs
    return report


def link(job: GraphJob) -> list[ReportFacts]:
    """The file's reports with the link plan applied (repeats out, bureaus unified)."""
    return job.plan.apply(job.facts.unpack())


def check(lines: list[str], report: ValidationReport | None = None) -> Checked:
    """SHACL on the file's reports (``report``: when already judged); rarely something fails:
    drop it (in rdflib), then judge what is left."""
    report = report or validate.validate_unit(shacl=shacl(), lines=lines)
    if report.conforms:
        return Checked(lines, report.violations)
    g, dropped = validate.drop_invalid(to_graph(parse_nt("".join(lines))), report, inplace=True)
    lines = [nt_line(t) for t in g]
    report = validate.validate_unit(shacl=shacl(), lines=lines)
    return Checked(lines, report.violations, tuple(dropped))


def fragments(lines: list[str] | GraphReader) -> tuple[FactsFragment, ...]:
    """The file's facts.json fragments, read back from its (validated) N-Triples lines (each once),
    or from a reader of them."""
    doc = export.facts_from_graph(lines if isinstance(lines, GraphReader) else TripleIndex.from_lines(lines))
    return tuple(FactsFragment(export.report_sort_key(r), export.report_fragment(r)) for r in doc["reports"])


def viewer_parts(reader: GraphReader, plan: LinkPlan) -> bytes:
    """The file's share of the viewer's network, so that the build need not read the merged graph
    again: its reports' parts, with the records of the outcomes its metrics give some target."""
    return network.file_parts(reader, (iri for found in plan.outcomes.values() for iri in found))
