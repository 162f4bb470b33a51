"""Thin command line: parse arguments, call one library function, render, map errors to exit codes.

Exit codes: 0 success; 1 the result is negative (graph does not conform, a file failed with
--strict); 2 bad input (unreadable graph, query or gold file, wrong arguments).
"""

from __future__ import annotations

import json
import signal
import threading
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kg.core.config import Config
from kg.core.errors import KgError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="edu-kg: education-bureau work reports -> validated RDF knowledge graph.")
out = Console()
err = Console(stderr=True)


def _fail(e: KgError, code: int = 2) -> typer.Exit:
    err.print("[red]error:[/red] " + escape(str(e)), highlight=False)
    return typer.Exit(code)


def _interrupt(signum, frame) -> None:
    """SIGTERM unwinds like Ctrl-C, so temporary files are removed and old outputs kept."""
    raise KeyboardInterrupt


class GraphFormat(StrEnum):
    turtle = "turtle"
    nt = "nt"
    jsonld = "jsonld"


class ResultFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="Output folder.")] = Path("output"),
    fmt: Annotated[list[GraphFormat], typer.Option("--format", help="Extra graph formats.")] = [],  # noqa: B006
    strict: Annotated[bool, typer.Option(help="Exit 1 when any input file failed.")] = False,
    no_viewer: Annotated[bool, typer.Option("--no-viewer", help="Skip viewer.html.")] = False,
    jobs: Annotated[int, typer.Option("-j", "--jobs", help="Worker processes (0 = all cores).")] = 0,
    max_file_mb: Annotated[float, typer.Option(help="Skip (and report) larger input files.")] = 32,
    file_seconds: Annotated[float, typer.Option(
        help="Stop (and report) a file after this many CPU seconds (0: no limit).")] = Config.file_seconds,
    file_memory_mb: Annotated[float, typer.Option(
        help="Stop (and report) a file that needs more MiB (0: no limit).")] = Config.file_memory_mb,
    file_max_chars: Annotated[int, typer.Option(
        help="Skip (and report) a file with more characters of text (0: no limit).")] = Config.file_max_chars,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")] = False,
    executor: Annotated[str, typer.Option(help="process | dask")] = "process",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (with --executor dask).")] = None,
) -> None:
    """Build graph.ttl, facts.json, viewer.html and build-report.json from report files."""
    from kg.pipeline.executors import prestart

    if executor not in ("process", "dask"):
        raise _fail(KgError(f"--executor {executor!r}: choose process or dask"))
    config = Config(outdir=outdir, formats=tuple(f.value for f in fmt),
                    viewer=not no_viewer, jobs=jobs, max_file_mb=max_file_mb, cache=not no_cache, executor=executor,
                    scheduler=scheduler, file_seconds=file_seconds, file_memory_mb=file_memory_mb,
                    file_max_chars=file_max_chars)
    prestart(config)  # the workers' warm server loads jieba & co. while this process imports the build
    from kg.pipeline.build import build as run_build

    def show_error(r) -> None:
        for e in r.errors:  # file names may hold [brackets]: escape them from rich markup
            err.print("[yellow]skipped[/yellow] " + escape(e), highlight=False)
        for w in r.warnings:
            err.print("[cyan]note[/cyan] " + escape(w), highlight=False)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = run_build(inputs, config, on_file=show_error)
    except KgError as e:
        raise _fail(e) from e
    except KeyboardInterrupt:
        err.print("interrupted: the previous outputs were left as they were", highlight=False)
        raise typer.Exit(130) from None
    totals = result.totals
    table = Table(title="edu-kg build", show_header=True)
    for col in ("files", "failed", "reports", "initiatives", "metrics", "dropped by SHACL"):
        table.add_column(col, justify="right")
    table.add_row(*(str(totals[k]) for k in ("files", "failed_files", "reports", "initiatives", "metrics")),
                  str(len(result.dropped)))
    out.print(table)
    if result.validation is not None and not result.validation.conforms:
        n = sum(v.severity == "Violation" for v in result.validation.violations)
        err.print(f"[yellow]warning[/yellow] the graph does not conform to the shapes: {n} violation(s) "
                  "left in place, listed in build-report.json (validation.violations)", highlight=False)
    for name, path in sorted(result.outputs.items()):
        out.print(f"  {name:<18} {path}", highlight=False, markup=False)
    if "viewer.html" in result.outputs:
        out.print(f"Open the viewer: {Path(result.outputs['viewer.html']).resolve().as_uri()}",
                  highlight=False, markup=False)
    if strict and totals["failed_files"]:
        raise typer.Exit(1)


@app.command()
def validate(graph: Annotated[Path, typer.Argument(help="A graph file (Turtle, N-Triples, JSON-LD).")]) -> None:
    """SHACL-validate a graph against ontology/shapes.ttl (exit 0 conforms, 1 not, 2 bad input)."""
    from kg.rdf.validate import format_violations
    from kg.rdf.validate import validate as run_validate
    from kg.tools.query import load_graph

    try:
        report = run_validate(load_graph(graph))
    except KgError as e:
        raise _fail(e) from e
    if report.conforms:
        out.print(f"{graph}: conforms", highlight=False, markup=False)
        return
    out.print(format_violations(report), highlight=False, markup=False)
    raise typer.Exit(1)


@app.command()
def query(
    name_or_file: Annotated[str, typer.Argument(help="A named query (see `kg queries`) or a .rq file.")],
    graph: Annotated[Path, typer.Option("--graph", "-g", help="The graph to query.")] = Path("output/graph.ttl"),
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f")] = ResultFormat.table,
    param: Annotated[list[str], typer.Option("--param", "-p", help="NAME=VALUE for the query's params.")] = [],  # noqa: B006
    store: Annotated[str, typer.Option(help="auto | rdflib | oxigraph")] = "auto",
) -> None:
    """Run a named SPARQL query from ontology/queries/ or a query file (read-only)."""
    from kg.tools.query import format_result, run_query

    params = {}
    for p in param:
        k, sep, v = p.partition("=")
        if not sep:
            raise _fail(KgError(f"--param {p!r} is not NAME=VALUE"))
        params[k] = v
    try:
        result = run_query(name_or_file, graph, store=store, params=params or None)
    except KgError as e:
        raise _fail(e) from e
    out.print(format_result(result, fmt.value), highlight=False, markup=False, soft_wrap=True)


@app.command("queries")
def list_named_queries() -> None:
    """List the named queries with their descriptions."""
    from kg.tools.query import list_queries

    for name, info in sorted(list_queries().items()):
        out.print(f"[bold]{name}[/bold]  {info.title}", highlight=False)


@app.command("eval")
def eval_cmd(
    facts: Annotated[Path, typer.Argument(help="facts.json written by `kg build`.")],
    gold: Annotated[list[Path], typer.Argument(help="Gold JSON files or folders (shared.json included).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
    misses: Annotated[bool, typer.Option("--misses", help="Also list the indicator mappings that differ "
                                         "from the gold's (gold metrics with indicator_concept).")] = False,
) -> None:
    """Per-field precision / recall / F1 of a facts export against gold annotations."""
    from kg.tools.evaluate import evaluate_files, format_scores

    try:
        scores = evaluate_files(facts, gold)
    except KgError as e:
        raise _fail(e) from e
    if as_json:
        out.print_json(json.dumps(scores.as_dict(), ensure_ascii=False))
    else:
        out.print(format_scores(scores, misses=misses), highlight=False, markup=False)


@app.command("suggest-concepts")
def suggest_concepts(
    outdir: Annotated[Path, typer.Argument(help="A build output folder (its facts.json).")] = Path("output"),
    min_bureaus: Annotated[int, typer.Option(help="Suggest groups run by at least this many bureaus.")] = 2,
    indicators: Annotated[bool, typer.Option("--indicators", help="Suggest indicators (ontology/indicators.ttl) "
                                             "from metric wordings no indicator names yet.")] = False,
) -> None:
    """List local initiatives (or, with --indicators, unmapped indicator wordings) that several
    bureaus share under similar names: candidate concepts."""
    from kg.tools.suggest import suggest_concepts, suggest_indicators

    path = outdir / "facts.json" if outdir.is_dir() else outdir
    try:
        facts = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise _fail(KgError(f"cannot read facts: {e}", path=str(path), hint="run `kg build` first")) from e
    found = (suggest_indicators if indicators else suggest_concepts)(facts, min_bureaus=min_bureaus)
    if not found:
        what = "unmapped indicator" if indicators else "local initiative"
        out.print(f"no {what} is shared by enough bureaus", highlight=False)
    for s in found:
        unit = f" [{s.unit}]" if s.unit else ""
        out.print(f"{s.label}{unit}  ({len(s.bureaus)} bureaus: {', '.join(s.bureaus)})",
                  highlight=False, markup=False)
        out.print("    " + " | ".join(s.members), highlight=False, markup=False)


@app.command()
def inspect(file: Annotated[Path, typer.Argument(help="One report file.")],
            indicators: Annotated[bool, typer.Option("--indicators", help="Also list each metric's indicator "
                                                     "concept and the mapping step that decided it.")] = False
            ) -> None:
    """Show what the cleaner removed and the reports and sections found, with years."""
    from kg.tools.inspect import format_inspection, format_traces, inspect_file, trace_file

    try:
        ins = inspect_file(file)
        traces = trace_file(file) if indicators else None
    except KgError as e:
        raise _fail(e) from e
    out.print(format_inspection(ins), highlight=False, markup=False)
    if traces is not None:
        out.print("\n" + format_traces(traces), highlight=False, markup=False)


@app.command()
def view(outdir: Annotated[Path, typer.Argument(help="A build output folder.")] = Path("output")) -> None:
    """Open OUTDIR/viewer.html in the browser."""
    from kg.outputs.viz import open_viewer

    try:
        path = open_viewer(outdir)
    except KgError as e:
        raise _fail(e) from e
    out.print(f"opened {path}", highlight=False, markup=False)


@app.command()
def serve(
    outdir: Annotated[Path, typer.Argument(help="A build output folder (or a graph file).")] = Path("output"),
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless you mean it.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).")] = 7878,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run.")] = 10.0,
    limit: Annotated[int, typer.Option(help="Most rows a query returns.")] = 10_000,
    workers: Annotated[int, typer.Option(help="Query processes for ordinary queries (heavy ones get 2 more).")] = 4,
) -> None:
    """Serve a read-only SPARQL endpoint at /sparql and the viewer at / on localhost."""
    from kg.tools.serve import Server

    try:
        server = Server(outdir, host=host, port=port, timeout=timeout, limit=limit, workers=workers)
    except (KgError, OSError) as e:
        raise _fail(e if isinstance(e, KgError) else KgError(str(e))) from e
    out.print(f"SPARQL endpoint {server.url}/sparql ({server.worker.triples} triples), viewer {server.url}/",
              highlight=False, markup=False)
    if threading.current_thread() is threading.main_thread():  # SIGTERM stops it cleanly, as Ctrl-C does
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@app.command()
def push(
    graph: Annotated[Path, typer.Argument(help="A graph file (.ttl, .nt, .jsonld).")],
    endpoint: Annotated[str, typer.Option(help="Graph Store Protocol URL, e.g. http://localhost:7878/store")],
    named_graph: Annotated[str | None, typer.Option("--graph-iri", help="Target named graph (default graph if absent).")] = None,
) -> None:
    """Load a graph into a SPARQL 1.1 Graph Store Protocol endpoint (replaces the target graph)."""
    from kg.tools.push import push as run_push

    try:
        status = run_push(graph, endpoint, named_graph=named_graph)
    except KgError as e:
        raise _fail(e) from e
    out.print(f"pushed {graph} to {endpoint}: HTTP {status}", highlight=False, markup=False)


def main() -> None:  # pragma: no cover - console entry point
    app()
