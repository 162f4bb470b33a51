"""Parallel, cached and distributed builds give the same bytes as a plain serial build."""

from __future__ import annotations

import json
import pickle
import re
import shutil

import pytest

from kg.core.config import Config
from kg.pipeline.build import build

OUTPUTS = ("graph.ttl", "facts.json")


@pytest.fixture(scope="module")
def serial(tmp_path_factory, examples_dir):
    out = tmp_path_factory.mktemp("serial")
    build([examples_dir], Config(outdir=out, progress=False, viewer=False, cache=False, jobs=1))
    return out


def _same(a, b):
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.slow
def test_two_workers_match_one(serial, tmp_path, examples_dir):
    build([examples_dir], Config(outdir=tmp_path, progress=False, viewer=False, cache=False, jobs=2))
    _same(serial, tmp_path)


@pytest.mark.slow
def test_many_runs_merged_in_parallel_parts_match_one_worker(monkeypatch, serial, tmp_path, examples_dir):
    """Small runs and many cut candidates: the graph is merged and written in two parts by the
    pool while the main process checks the shared nodes, and the bytes are those of -j 1."""
    from kg.outputs import spool

    monkeypatch.setattr(spool, "RUN_LINES", 300)
    monkeypatch.setattr(spool.LineSpool, "SAMPLE_EVERY", 5)
    result = build([examples_dir], Config(outdir=tmp_path, progress=False, viewer=True, cache=False,
                                          jobs=2, formats=("nt",)))
    _same(serial, tmp_path)
    assert result.timings["turtle"] > 0 and result.timings["merge"] > 0 and result.timings["export"] > 0
    nt = (tmp_path / "graph.nt").read_text(encoding="utf-8").splitlines(keepends=True)
    assert nt == sorted(set(nt)) and len(nt) == json.loads(
        (tmp_path / "build-report.json").read_text(encoding="utf-8"))["totals"]["triples"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "build-report.json", "facts.json", "graph.nt", "graph.ttl", "viewer.html"]


def test_cache_hits_on_rebuild_and_misses_only_the_changed_file(serial, tmp_path, examples_dir):
    corpus = tmp_path / "in"
    shutil.copytree(examples_dir, corpus)
    cfg = Config(outdir=tmp_path / "out", progress=False, viewer=False, jobs=1)
    first = build([corpus], cfg)
    n = len(first.per_file)
    assert (first.cache_hits, first.cache_misses) == (0, n)
    second = build([corpus], cfg)
    assert (second.cache_hits, second.cache_misses) == (n, 0)
    _same(serial, tmp_path / "out")
    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n另外,新建幼儿园3所。\n", encoding="utf-8")
    third = build([corpus], cfg)
    assert (third.cache_hits, third.cache_misses) == (n - 1, 1)


def test_no_cache_neither_reads_nor_writes(tmp_path, examples_dir):
    cfg = Config(outdir=tmp_path, progress=False, viewer=False, cache=False, jobs=1)
    result = build([examples_dir], cfg)
    assert (result.cache_hits, result.cache_misses) == (0, 0)
    assert not (tmp_path / ".cache").exists()


@pytest.mark.slow
def test_dask_local_cluster_matches_serial(serial, tmp_path, examples_dir):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        build([examples_dir], Config(outdir=tmp_path, progress=False, viewer=False, cache=False,
                                     executor="dask", scheduler=cluster.scheduler_address))
    _same(serial, tmp_path)


def test_file_order_does_not_matter(serial, tmp_path, examples_dir):
    files = sorted(p for p in examples_dir.iterdir() if p.is_file())
    build(list(reversed(files)), Config(outdir=tmp_path, progress=False, viewer=False, cache=False, jobs=1))
    _same(serial, tmp_path)


def test_streamed_graph_equals_the_in_memory_graph_of_the_same_facts(serial, examples_dir):
    """Per-file triple sets merged on disk give exactly build_graph(all facts, linked at once)."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from kg.pipeline.link import Linker
    from kg.pipeline.stages import process_file
    from kg.rdf.graph import build_graph
    from kg.text.ingest import discover

    facts = [f for path in discover([examples_dir]) for f in process_file(path).facts]
    linker = Linker()
    linker.add(facts)
    plan = linker.plan()
    expected = build_graph(plan.apply(facts), targets=plan.targets)
    assert plan.targets, "the examples hold a target and its outcome"
    assert isomorphic(Graph().parse(serial / "graph.ttl", format="turtle"), expected)


def test_unchanged_corpus_reuses_outputs_and_a_changed_file_redoes_only_its_graph(serial, tmp_path, examples_dir):
    corpus = tmp_path / "in"
    shutil.copytree(examples_dir, corpus)
    cfg = Config(outdir=tmp_path / "out", progress=False, viewer=False, jobs=1)
    first = build([corpus], cfg)
    n = first.graph_cache_misses
    assert n > 0 and first.graph_cache_hits == 0 and not first.outputs_reused
    second = build([corpus], cfg)
    assert second.outputs_reused and (second.graph_cache_hits, second.graph_cache_misses) == (0, 0)
    assert second.validation == first.validation
    _same(serial, tmp_path / "out")
    # an output edited by hand is not trusted: the build writes it again
    (tmp_path / "out" / "facts.json").write_text("{}", encoding="utf-8")
    third = build([corpus], cfg)
    assert not third.outputs_reused and (third.graph_cache_hits, third.graph_cache_misses) == (n, 0)
    _same(serial, tmp_path / "out")
    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n另外,新建幼儿园3所。\n", encoding="utf-8")
    fourth = build([corpus], cfg)
    assert (fourth.graph_cache_hits, fourth.graph_cache_misses) == (n - 1, 1)


def test_unchanged_inputs_reuse_the_outputs_without_reading_a_file_or_an_entry(
        serial, tmp_path, examples_dir, monkeypatch):
    """Same files, every one cached, outputs intact: the build only writes build-report.json, with
    the per-file lines of the build before; an extraction entry gone is read again from its file."""
    from kg.pipeline import build as build_module
    from kg.pipeline.cache import Cache

    corpus = tmp_path / "in"
    shutil.copytree(examples_dir, corpus)
    cfg = Config(outdir=tmp_path / "out", progress=False, viewer=False, jobs=1)
    first = build([corpus], cfg)
    report = lambda: json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))  # noqa: E731
    files = report()["files"]
    loads = []
    original_get = Cache.get
    monkeypatch.setattr(Cache, "get", lambda self, key, count=True: loads.append(key) or original_get(self, key, count))
    monkeypatch.setattr(build_module, "process_file", lambda *a, **k: pytest.fail("a file was read"))
    second = build([corpus], cfg)
    assert second.outputs_reused and len(loads) == 1  # the outputs' entry, no file's
    assert (second.cache_hits, second.cache_misses) == (len(first.per_file), 0)
    assert second.per_file == first.per_file and report()["files"] == files
    _same(serial, tmp_path / "out")
    monkeypatch.undo()
    entry = next(p for p in sorted((tmp_path / "out" / ".cache").rglob("*.pickle"))
                 if type(pickle.loads(p.read_bytes())).__name__ == "FileOutcome")
    entry.unlink()
    third = build([corpus], cfg)
    assert third.outputs_reused and (third.cache_hits, third.cache_misses) == (len(first.per_file) - 1, 1)
    _same(serial, tmp_path / "out")


def test_viewer_from_the_workers_parts_is_the_page_of_the_whole_graph(example_build, tmp_path):
    """A build draws the viewer from each file's parts, gathered by the graph-pass workers beside
    its facts.json fragments, and the shared nodes' lines, never reading the merged graph back:
    the same page, byte for byte, as the one drawn from graph.ttl read whole, with a target whose
    outcome lies in another file (the examples' two-year pair)."""
    from kg.outputs import viz
    from kg.terms import vocab as V
    from kg.terms.triples import nt_lines, nt_term, read_turtle

    out = example_build[0]
    whole = read_turtle(out / "graph.ttl")
    outcome = f"{nt_term(V.outcome)} "

    def file_of(term: str) -> str:  # a report key is <sha256[:16] of its source>-<index>
        return re.search(r"/([0-9a-f]{16})-", term).group(1)
    assert [ln for ln in nt_lines(whole) if outcome in ln and file_of(ln) != file_of(ln[:-3].rsplit(" ", 1)[1])]
    viz.write_viewer(whole, tmp_path / "viewer.html")
    assert (tmp_path / "viewer.html").read_bytes() == (out / "viewer.html").read_bytes()
    assert not [p for p in out.rglob(".viewer-*")]


def test_a_rebuild_draws_the_viewer_from_cached_parts_and_no_viewer_entries_hold_none(tmp_path, examples_dir,
                                                                                      example_build):
    """The viewer parts are cached with each file's graph entry: a rebuild whose viewer.html was
    removed takes every file from the cache and writes the same page; a --no-viewer build's
    entries hold no parts, so a viewer build does not take them."""
    cache = tmp_path / "cache"
    plain = build([examples_dir], Config(outdir=tmp_path / "nv", progress=False, viewer=False, jobs=1,
                                         cache_dir=cache))
    cfg = Config(outdir=tmp_path / "out", progress=False, jobs=1, cache_dir=cache)
    first = build([examples_dir], cfg)
    assert first.graph_cache_misses == plain.graph_cache_misses > 0 and first.graph_cache_hits == 0
    (tmp_path / "out" / "viewer.html").unlink()
    again = build([examples_dir], cfg)
    assert not again.outputs_reused and (again.graph_cache_hits, again.graph_cache_misses) == (first.graph_cache_misses, 0)
    assert (tmp_path / "out" / "viewer.html").read_bytes() == (example_build[0] / "viewer.html").read_bytes()


def _conflict(monkeypatch) -> list[str]:
    """Make the shared-node pass report a (made-up) conflict on the first bureau; returns its IRI."""
    from kg.core.records import ValidationReport, Violation
    from kg.rdf import validate

    real = validate.validate_shared_lines
    seen: list[str] = []

    def conflicting(lines, shacl=None):
        assert real(lines, shacl).conforms
        bureau = min(ln.split(" ")[0][1:-1] for ln in lines
                     if "/id/bureau/" in ln.split(" ")[0] and ln.split(" ")[1].endswith("#level>"))
        seen.append(bureau)
        v = Violation(focus=bureau, path="edu:level", message="a bureau has at most one level",
                      severity="Violation", shape="shape:Bureau")
        return ValidationReport(conforms=False, violations=(v,))

    monkeypatch.setattr(validate, "validate_shared_lines", conflicting)
    return seen


def test_cross_report_conflict_takes_the_whole_graph_path(monkeypatch, tmp_path, examples_dir):
    """When the shared-node pass finds a conflict, the offending value leaves every output."""
    from rdflib import Graph, URIRef

    from kg.terms import vocab as V

    seen = _conflict(monkeypatch)
    result = build([examples_dir], Config(outdir=tmp_path, progress=False, viewer=False, cache=False, jobs=1))
    assert [v.path for v in result.dropped] == ["edu:level"] and result.validation.conforms
    report = json.loads((tmp_path / "build-report.json").read_text(encoding="utf-8"))
    assert report["validation"]["dropped"][0]["focus"] == seen[0]
    g = Graph().parse(tmp_path / "graph.ttl", format="turtle")
    assert (URIRef(seen[0]), V.level, None) not in g
    assert (URIRef(seen[0]), V.anonymized, None) in g  # only the offending value went
    assert report["totals"]["triples"] == len(g)


def test_after_a_repair_the_viewer_is_drawn_from_the_repaired_graph(monkeypatch, tmp_path, examples_dir):
    """A conflict between files that is repaired: the viewer is not drawn from the files' parts
    (they hold the dropped value) but from the repaired graph, the page of graph.ttl read whole."""
    from kg.outputs import viz
    from kg.terms.triples import read_turtle

    _conflict(monkeypatch)
    from_parts = []
    real = viz.write_network_viewer
    monkeypatch.setattr(viz, "write_network_viewer", lambda *a, **k: from_parts.append(1) or real(*a, **k))
    result = build([examples_dir], Config(outdir=tmp_path / "out", progress=False, cache=False, jobs=1))
    assert [v.path for v in result.dropped] == ["edu:level"] and from_parts == []
    viz.write_viewer(read_turtle(tmp_path / "out" / "graph.ttl"), tmp_path / "viewer.html")
    assert (tmp_path / "viewer.html").read_bytes() == (tmp_path / "out" / "viewer.html").read_bytes()
    assert not [p for p in (tmp_path / "out").rglob(".viewer-*")]


def test_conflict_in_a_graph_too_big_to_repair_is_reported_not_dropped(monkeypatch, tmp_path, serial,
                                                                      examples_dir):
    """Above REPAIR_LIMIT the whole graph is never loaded: outputs stay as merged, the build
    report and the CLI say the graph does not conform."""
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.pipeline import assembly, build

    seen = _conflict(monkeypatch)
    monkeypatch.setattr(build, "REPAIR_LIMIT", 0)
    for module in (build, assembly):
        monkeypatch.setattr(module, "to_graph", lambda *a, **k: pytest.fail("loaded the whole graph"))
    res = CliRunner().invoke(app, ["build", str(examples_dir), "-o", str(tmp_path), "-j", "1",
                                   "--no-viewer", "--no-cache"])
    assert res.exit_code == 0, res.output
    assert "does not conform" in res.output and "validation.violations" in res.output
    _same(serial, tmp_path)
    report = json.loads((tmp_path / "build-report.json").read_text(encoding="utf-8"))
    assert report["validation"]["conforms"] is False and report["validation"]["dropped"] == []
    assert [v["focus"] for v in report["validation"]["violations"]] == seen
    assert report["validation"]["conflicts_kept"] == 1


WARM_CHECK = """
import functools, sys
import importlib, pkgutil
import kg
from kg.pipeline import build, stages
import jieba

# every module a build worker runs: the layers up to the pipeline (not outputs/ and tools/)
worker = ("core", "terms", "text", "extract", "rdf", "pipeline")
mods = [importlib.import_module(m.name) for m in pkgutil.walk_packages(kg.__path__, "kg.")
        if m.name.split(".")[1] in worker]
build.warm_up()
loaders = [f for mod in mods for f in vars(mod).values()
           if isinstance(f, functools._lru_cache_wrapper) and (f.cache_info().maxsize or 99) <= 8
           and f.__qualname__ != "pipeline_version"]  # the main process's cache key, not a worker's
assert len(loaders) >= 8, loaders  # rule files, gazetteer, indexes (memo caches of strings excluded)
name = lambda f: f"{f.__module__}.{f.__qualname__}"  # two modules may both have a _load
before = {name(f): f.cache_info().currsize for f in loaders}
misses = {name(f): f.cache_info().misses for f in loaders}
stages.process_file(sys.argv[1])
print(jieba.dt.initialized, sorted(k for k, v in before.items() if v == 0),
      sorted(name(f) for f in loaders if f.cache_info().misses != misses[name(f)]))
"""


@pytest.mark.slow
def test_warm_up_loads_every_expensive_part_once(examples_dir):
    """A worker's start-up (jieba, gazetteer, taxonomy, units, shapes) is done by warm_up: a real
    report afterwards loads nothing more."""
    import subprocess
    import sys

    report = sorted(examples_dir.glob("*.txt"))[0]
    out = subprocess.run([sys.executable, "-c", WARM_CHECK, str(report)], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "True [] []", out


def test_a_killed_worker_is_an_error_not_a_hang():
    """multiprocessing.Pool waits forever for a task whose worker died; the build must stop with
    an error that says what to do."""
    import os
    import threading

    from kg.core.errors import WorkerError
    from kg.pipeline.executors import executor_for

    ex = executor_for(Config(jobs=2))
    outcome = []

    def run():
        try:
            list(ex.map(os._exit, [3, 3, 3]))  # each task ends its worker process on the spot
        except Exception as e:  # noqa: BLE001 - the test inspects what came out
            outcome.append(e)
        finally:
            ex.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(120)
    assert not t.is_alive(), "the build hung on a dead worker"
    assert len(outcome) == 1 and isinstance(outcome[0], WorkerError), outcome
    assert "[E040]" in str(outcome[0]) and "-j 1" in str(outcome[0])



def _lookup_loaded(_) -> int:
    """In a pool worker: whether the taxonomy lookup is loaded before any item asked for it."""
    from kg.pipeline import stages

    return stages.lookup.cache_info().currsize


@pytest.mark.slow
@pytest.mark.parametrize("method, warm", [("forkserver", 1), ("spawn", 0)])
def test_start_method_gives_the_same_bytes_and_forked_workers_start_warm(serial, tmp_path, examples_dir,
                                                                         monkeypatch, method, warm):
    """Workers forked from the warm server hold the taxonomy lookup before their first item
    (spawned ones do not); either way the outputs are the bytes of -j 1."""
    import multiprocessing

    from kg.pipeline import executors

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    with executors.ProcessPool(2, method) as pool:
        assert set(pool.map(_lookup_loaded, [0, 1])) == {warm}
    monkeypatch.setenv("KG_START_METHOD", method)
    assert executors.start_method() == method
    build([examples_dir], Config(outdir=tmp_path, progress=False, viewer=False, cache=False, jobs=2))
    _same(serial, tmp_path)


@pytest.mark.slow
def test_the_warm_server_imports_this_kg_not_the_working_directorys(tmp_path, examples_dir):
    """The forkserver starts with ``-c``, which puts the working directory first on its path: a
    folder there named kg must not be what the workers import (nor break their warm start)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    decoy, hits = tmp_path / "cwd", tmp_path / "hits"
    (decoy / "kg").mkdir(parents=True)
    (decoy / "kg" / "__init__.py").write_text(
        f"open({str(hits)!r}, 'a').write('imported')\nraise ImportError('not edu-kg')\n", encoding="utf-8")
    kg = Path(sys.executable).with_name("kg")  # the console script: its own folder leads its path
    env = {**os.environ, "KG_START_METHOD": "forkserver"}
    run = subprocess.run([str(kg), "build", str(examples_dir), "-o", str(tmp_path / "out"), "--no-viewer",
                          "-j", "2"], cwd=decoy, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert not hits.exists()


def test_start_method_default_override_and_stale_server(monkeypatch):
    """Linux forks from the warm server, elsewhere spawns; KG_START_METHOD chooses; a server
    warmed under other KG_* settings is not used (its workers would hold stale rules)."""
    import sys

    from kg.core.errors import KgError
    from kg.pipeline import executors

    monkeypatch.delenv("KG_START_METHOD", raising=False)
    monkeypatch.setattr(executors, "_server_env", None)
    assert executors.start_method() == ("forkserver" if sys.platform.startswith("linux") else "spawn")
    monkeypatch.setenv("KG_START_METHOD", "spawn")
    assert executors.start_method() == "spawn"
    monkeypatch.setenv("KG_START_METHOD", "forkserver")
    assert executors.start_method() == "forkserver"
    monkeypatch.setattr(executors, "_server_env", {"KG_ONTOLOGY_DIR": "/elsewhere"})
    assert executors.start_method() == "spawn"
    monkeypatch.setenv("KG_START_METHOD", "fork")
    with pytest.raises(KgError, match="KG_START_METHOD"):
        executors.start_method()


@pytest.mark.slow
def test_screened_shacl_gives_the_bytes_of_the_engine_alone(serial, tmp_path, examples_dir, monkeypatch):
    """-j 1 graphs the example files in batches that shacl-rust screens at once; with the engine
    named (no screen: pyshacl-turbo judges every file) the outputs are the same bytes."""
    from kg.pipeline import stages
    from kg.rdf.validate import Shacl

    screened = []
    failing = Shacl.failing
    monkeypatch.setattr(Shacl, "failing", lambda self, *a: screened.append(1) or failing(self, *a))
    stages.shacl.cache_clear()
    try:
        build([examples_dir], Config(outdir=tmp_path / "screen", progress=False, viewer=False, cache=False, jobs=1))
        assert screened, "no batch was screened"
        monkeypatch.setenv("KG_SHACL_ENGINE", "turbo")
        stages.shacl.cache_clear()
        build([examples_dir], Config(outdir=tmp_path / "alone", progress=False, viewer=False, cache=False, jobs=1))
    finally:
        stages.shacl.cache_clear()  # the next test's shapes are the default engine's again
    _same(serial, tmp_path / "screen")
    _same(serial, tmp_path / "alone")


