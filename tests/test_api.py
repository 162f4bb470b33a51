"""The public names of `import kg` do what the CLI verbs do, also after every submodule was imported."""

from __future__ import annotations

import json

import kg
import kg.cli  # noqa: F401  (imports the stage modules, as a real session would)
import kg.pipeline.build  # noqa: F401

REPORT = ("某县教育局2030年工作总结\n"
          "2030年,全县教育系统深入推进县管校聘改革,新建公办幼儿园3所,新增学位900个。\n"
          "来源:某某范文网\n")


def test_the_api_builds_inspects_queries_and_validates(tmp_path):
    src = tmp_path / "in" / "report.txt"
    src.parent.mkdir()
    src.write_text(REPORT, encoding="utf-8")
    result = kg.build([src.parent], kg.Config(outdir=tmp_path / "out", progress=False, viewer=False, jobs=1))
    assert [r.reports for r in result.per_file] == [1]
    facts = json.loads((tmp_path / "out" / "facts.json").read_text(encoding="utf-8"))
    (report,) = facts["reports"]
    assert report["summary_year"] == 2030
    assert {m["value"] for m in report["metrics"]} == {3, 900}

    graph = kg.load_graph(tmp_path / "out" / "graph.ttl")
    assert kg.validate_graph(graph).conforms
    rows = kg.run_query("initiatives_by_region", graph).rows
    assert any("县管校聘" in str(cell) for row in rows for cell in row)

    seen = kg.inspect_file(src)
    assert [r.summary_year for r in seen.reports] == [2030]
    assert any(r.text.startswith("来源") for r in seen.removals)  # the site's line, shown as removed

    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "report.json").write_text(json.dumps({"source": "report.txt", "reports": [{
        "key": "r1", "anchor": "2030年,全县教育系统", "duplicate_of": None, "bureau": "某县教育局",
        "bureau_anonymized": True, "region": {"province": None, "city": None, "county": None},
        "level": "county", "summary_year": 2030, "plan_year": None, "initiatives": [],
        "metrics": [{"quote": "新增学位900个", "indicator": "新增学位", "value": 900, "unit": "个",
                     "comparator": "=", "year": 2030, "status": "achieved", "redacted": False,
                     "initiative": None}]}]}, ensure_ascii=False), encoding="utf-8")
    scores = kg.evaluate_files(tmp_path / "out" / "facts.json", [gold])
    assert (scores.reports.tp, scores.reports.gold) == (1, 1)
    assert scores.metrics.tp == 1 and scores.metrics.gold == 1


def test_the_public_names_are_exactly_these():
    assert sorted(kg.__all__) == sorted(["build", "Config", "load_graph", "run_query", "validate_graph",
                                         "evaluate_files", "inspect_file"])
