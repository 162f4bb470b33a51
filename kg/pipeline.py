"""The whole pipeline at a glance.

    files ─ ingest ─ clean ─ segment ─ extract ─┐   (per file; one bad file never stops the batch)
                                                 link ─ graph ─ validate ─ export (ttl, facts.json,
                                                                                   build-report.json)
                                                                         └─ viewer.html
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import clean as clean_stage
from . import export, ingest, segment, validate, viz
from .config import Config
from .errors import KgError
from .extract import extract_report
from .graph import build_graph
from .link import link
from .types import BuildResult, FileResult, ReportFacts

GRAPH_SUFFIX = {"turtle": "ttl", "nt": "nt", "jsonld": "jsonld"}


@dataclass(frozen=True)
class FileOutcome:
    result: FileResult
    facts: tuple[ReportFacts, ...]


def process_file(path: str | Path) -> FileOutcome:
    """ingest → clean → segment → extract for one file. Errors become part of the result."""
    t0 = time.perf_counter()
    try:
        source = ingest.read_source(path)
        reports = segment.segment(clean_stage.clean(source))
        facts = tuple(extract_report(r) for r in reports if r.duplicate_of is None)
    except KgError as e:
        return FileOutcome(FileResult(path=str(path), errors=(str(e),),
                                      seconds=time.perf_counter() - t0), ())
    except Exception as e:  # a bug must not cost the user the rest of the batch: report it per file
        msg = f"[E999] {path}: internal error {type(e).__name__}: {e} (please report this file)"
        return FileOutcome(FileResult(path=str(path), errors=(msg,), seconds=time.perf_counter() - t0), ())
    return FileOutcome(
        FileResult(
            path=str(path),
            reports=len(facts),
            metrics=sum(len(f.metrics) for f in facts),
            initiatives=sum(len(f.mentions) for f in facts),
            seconds=round(time.perf_counter() - t0, 3),
        ),
        facts,
    )


def _progress(paths: Sequence[Path], enabled: bool) -> Iterable[Path]:
    if not enabled or not sys.stderr.isatty():
        yield from paths
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("reading reports", total=len(paths))
        for p in paths:
            bar.update(task, description=f"reading {p.name[:40]}")
            yield p
            bar.advance(task)


def extract_all(inputs: Iterable[str | Path], *, progress: bool = False,
                on_file: Callable[[FileResult], None] | None = None
                ) -> tuple[list[FileResult], list[ReportFacts]]:
    """Run the per-file stages over every input; returns per-file results and all report facts."""
    per_file: list[FileResult] = []
    facts: list[ReportFacts] = []
    for path in _progress(ingest.discover(inputs), progress):
        outcome = process_file(path)
        per_file.append(outcome.result)
        facts.extend(outcome.facts)
        if on_file:
            on_file(outcome.result)
    return per_file, facts


def build(inputs: Iterable[str | Path], config: Config = Config(),
          on_file: Callable[[FileResult], None] | None = None) -> BuildResult:
    """Build graph.ttl, facts.json, build-report.json and viewer.html from report files."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    per_file, facts = extract_all(inputs, progress=config.progress, on_file=on_file)
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
    outputs: dict[str, str] = {}
    for fmt in dict.fromkeys(("turtle", *config.formats)):
        path = out / f"graph.{GRAPH_SUFFIX[fmt]}"
        export.write_graph(graph, path, fmt)
        outputs[f"graph.{GRAPH_SUFFIX[fmt]}"] = str(path)
    export.write_json(export.facts_from_graph(graph), out / "facts.json")
    outputs["facts.json"] = str(out / "facts.json")
    timings["export"] = time.perf_counter() - t
    if config.viewer:
        t = time.perf_counter()
        outputs["viewer.html"] = str(viz.write_viewer(graph, out / "viewer.html"))
        timings["viewer"] = time.perf_counter() - t

    outputs["build-report.json"] = str(out / "build-report.json")
    result = BuildResult(outputs=outputs, per_file=tuple(per_file),
                         timings={k: round(v, 3) for k, v in timings.items()},
                         validation=report, dropped=tuple(dropped))
    export.write_json(build_report(result, graph_triples=len(graph)), out / "build-report.json")
    return result


def build_report(result: BuildResult, graph_triples: int) -> dict:
    """The build-report.json document: per input file what was found and what went wrong."""
    return {
        "files": [
            {"path": r.path, "reports": r.reports, "metrics": r.metrics,
             "initiatives": r.initiatives, "errors": list(r.errors), "seconds": r.seconds}
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
        "outputs": {k: Path(v).name for k, v in sorted(result.outputs.items())},
    }
