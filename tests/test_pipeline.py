"""kg.pipeline.build end to end on the example reports: outputs exist, parse, and say what the text says."""

from __future__ import annotations

import json

import rdflib
from facts_format import check_facts

from kg.core.config import Config
from kg.pipeline.build import build
from kg.pipeline.stages import process_file


def test_build_writes_every_output(example_build):
    out, result = example_build
    for name in ("graph.ttl", "facts.json", "viewer.html", "build-report.json"):
        assert (out / name).is_file(), name
        assert name in result.outputs
    g = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert len(g) > 100
    html = (out / "viewer.html").read_text(encoding="utf-8")
    assert "<html" in html.lower() and "http://" not in html.split("<body", 1)[0].lower()


def test_example_graph_conforms(example_build):
    _, result = example_build
    assert result.validation is not None and result.validation.conforms


def test_facts_json_matches_format(example_build):
    out, _ = example_build
    doc = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    assert check_facts(doc) == []
    assert len(doc["reports"]) >= 5  # 5 files, one a compilation of two
    assert all(r["bureau"] for r in doc["reports"]), "every example names its bureau"
    assert sum(len(r["metrics"]) for r in doc["reports"]) >= 20
    assert sum(len(r["initiatives"]) for r in doc["reports"]) >= 15


def test_examples_share_initiatives_across_regions(example_build):
    out, _ = example_build
    doc = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    bureaus_by_concept: dict[str, set] = {}
    for r in doc["reports"]:
        for i in r["initiatives"]:
            if i["scope"] == "national":
                bureaus_by_concept.setdefault(i["concept"], set()).add(r["bureau"])
    assert sum(len(b) >= 2 for b in bureaus_by_concept.values()) >= 3


def test_build_report_lists_every_file(example_build, examples_dir):
    out, _ = example_build
    rep = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert len(rep["files"]) == len([p for p in examples_dir.iterdir() if p.is_file()])
    assert rep["totals"]["failed_files"] == 0
    assert rep["validation"]["conforms"] is True


def test_bad_file_does_not_stop_the_batch(tmp_path, examples_dir):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = sorted(examples_dir.glob("*.txt"))[0]
    result = build([bad, empty, good], Config(outdir=tmp_path / "out", progress=False, viewer=False))
    by_name = {r.path.rsplit("/", 1)[-1]: r for r in result.per_file}
    assert by_name["broken.docx"].errors and "broken.docx" in by_name["broken.docx"].errors[0]
    assert by_name["empty.txt"].errors
    assert by_name[good.name].reports >= 1 and not by_name[good.name].errors
    rep = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert rep["totals"]["failed_files"] == 2


def test_process_file_reports_counts(examples_dir):
    path = sorted(examples_dir.glob("*.txt"))[0]
    outcome = process_file(path)
    assert outcome.result.reports == len(outcome.facts) >= 1
    assert outcome.result.metrics == sum(len(f.metrics) for f in outcome.facts)


def test_same_input_same_bytes(tmp_path, examples_dir, example_build):
    out, _ = example_build
    build([examples_dir], Config(outdir=tmp_path, progress=False, viewer=False))
    for name in ("graph.ttl", "facts.json"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name
