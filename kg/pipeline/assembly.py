"""The build's outputs, assembled from what the graph pass left on disk.

The sorted N-Triples runs are merged one range of subjects per worker (:func:`start_merge`,
:func:`merge_part`), each range written as Turtle there; the ranges are cut at subject boundaries,
so the parts simply concatenate into graph.ttl. Then the other graph formats, facts.json (from the
spooled fragments), viewer.html, and build-report.json (:func:`build_report`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.core.config import Config
from kg.core.records import BuildResult, ValidationReport, Violation
from kg.outputs import export
from kg.outputs.spool import (
    FragmentSpool,
    LineSpool,
    copy_files,
    join_turtle,
    serialize_turtle,
    turtle_from_nt,
    write_facts_fragments,
    write_merged,
)
from kg.pipeline import recovery
from kg.pipeline.budget import give_back
from kg.pipeline.executors import Executor
from kg.rdf.graph import new_graph
from kg.terms.triples import read_nt, to_graph


@dataclass(frozen=True)
class MergeJob:
    """One range of the merged graph for a worker: ``low <= line < high`` of the sorted runs."""

    runs: tuple[Path, ...]
    low: str | None
    high: str | None
    nt: Path  # where its N-Triples go
    ttl: Path  # where its Turtle goes


@dataclass(frozen=True)
class Part:
    """One range of the merged graph: sorted N-Triples and its Turtle body."""

    nt: Path
    ttl: Path
    ttl_offset: int  # where the Turtle body starts
    triples: int
    merge_seconds: float
    turtle_seconds: float


def start_merge(spool: LineSpool, ex: Executor, stage: Path, parts: int | None = None) -> Callable[[], list[Part]]:
    """Start merging the spooled runs, one range per worker (``parts``, default ``ex.parts``) while
    this process goes on; returns the call that waits for the parts, in order."""
    jobs = [MergeJob(tuple(spool.runs), low, high, stage / f".part-{i}.nt", stage / f".part-{i}.ttl")
            for i, (low, high) in enumerate(spool.bounds(parts or ex.parts))]
    return ex.later(merge_part, jobs)


def merge_part(job: MergeJob) -> Part:
    """Merge one range of the sorted runs into N-Triples, then write its Turtle (in a worker)."""
    recovery.guard_worker()  # a worker may start here: both per-file passes came from the cache
    t0 = time.perf_counter()
    n = write_merged(list(job.runs), job.nt, job.low, job.high)
    t1 = time.perf_counter()
    offset = serialize_turtle(job.nt, job.ttl)
    part = Part(job.nt, job.ttl, offset, n, t1 - t0, time.perf_counter() - t1)
    give_back()  # idle from here until the build ends
    return part


@dataclass(frozen=True)
class MergedGraph:
    """The final graph, before it is written out: the merged parts, or (after a cross-file
    conflict was repaired) the whole graph in rdflib and its N-Triples."""

    parts: tuple[Part, ...]
    nt_paths: tuple[Path, ...]  # N-Triples of the final graph, in order
    triples: int
    validation: ValidationReport | None = None
    dropped: tuple[Violation, ...] = ()
    conflicts_kept: int = 0  # conflicts left in place: the graph was too big to repair
    graph: Graph | None = None  # the repaired graph; None: the parts are the graph

    def read(self) -> Iterator:
        """The final graph's triples, streamed from its N-Triples."""
        for p in self.nt_paths:
            yield from read_nt(p)

    def lines(self) -> Iterator[str]:
        """The final graph's N-Triples lines, each a distinct triple."""
        for p in self.nt_paths:
            with open(p, encoding="utf-8") as f:
                yield from f

    def remove_files(self) -> None:
        for p in {*self.nt_paths, *(p.nt for p in self.parts), *(p.ttl for p in self.parts)}:
            p.unlink(missing_ok=True)


@dataclass(frozen=True)
class Outputs:
    """What a build wrote (build-report.json aside) and what it found; also what an unchanged
    rebuild reuses."""

    names: tuple[str, ...]  # files in the output folder
    validation: ValidationReport | None
    dropped: tuple[Violation, ...]
    triples: int
    conflicts_kept: int = 0


def write_graphs(merged: MergedGraph, config: Config, stage: Path) -> list[str]:
    """graph.ttl (the parts' Turtle joined, or the repaired graph's) and the extra formats."""
    names = ["graph.ttl"]
    if merged.graph is None:
        join_turtle([(p.ttl, p.ttl_offset) for p in merged.parts], stage / "graph.ttl")
    else:
        turtle_from_nt(merged.nt_paths[0], stage / "graph.ttl")
    if "nt" in config.formats:
        with open(stage / "graph.nt", "wb") as dst:
            copy_files(((p, 0) for p in merged.nt_paths), dst)
        names.append("graph.nt")
    if "jsonld" in config.formats:
        g = merged.graph if merged.graph is not None else to_graph(merged.read(), new_graph())
        export.write_graph(g, stage / "graph.jsonld", "jsonld")
        names.append("graph.jsonld")
    return names


def write_facts(merged: MergedGraph, fragments: FragmentSpool, stage: Path) -> str:
    """facts.json: the spooled fragments in order, or read from the repaired graph."""
    if merged.graph is not None:
        export.write_json(export.facts_from_graph(merged.graph), stage / "facts.json")
    else:
        write_facts_fragments(fragments.ordered(), stage / "facts.json")
    fragments.close()
    return "facts.json"


def write_viewer(stage: Path, parts: FragmentSpool, shared: list[str], graph: Graph | None = None) -> str:
    """viewer.html (and its details): its network from the files' viewer ``parts`` (gathered by the
    graph-pass workers) and the ``shared`` nodes' lines, or from a repaired ``graph``, which may
    lack what the parts hold."""
    # imported here, not at the top: networkx costs every build worker 0.2 s to import
    from kg.outputs import network, viz

    try:
        if graph is not None:
            viz.write_viewer(graph, stage / "viewer.html")
        else:
            G = network.network_from_parts(parts.ordered_bytes(), shared)
            viz.write_network_viewer(G, stage / "viewer.html")
            G.clear()  # a networkx graph is a reference cycle: its records go now, not at a full collection
    finally:
        parts.close()
    return "viewer.html"


def build_report(result: BuildResult) -> dict:
    """The build-report.json document: per input file what was found and what went wrong."""
    return {
        "files": [
            {"path": r.path, "reports": r.reports, "metrics": r.metrics,
             "initiatives": r.initiatives, "errors": list(r.errors), "warnings": list(r.warnings),
             "seconds": r.seconds, "cpu_seconds": r.cpu_seconds, "peak_mib": r.peak_mib}
            for r in result.per_file
        ],
        "totals": result.totals,
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
            "conflicts_kept": result.conflicts_kept,
        },
        "timings": result.timings,
        "cache": {"hits": result.cache_hits, "misses": result.cache_misses,
                  "graph_hits": result.graph_cache_hits, "graph_misses": result.graph_cache_misses,
                  "outputs_reused": result.outputs_reused},
        "outputs": {k: Path(v).name for k, v in sorted(result.outputs.items())},
    }
