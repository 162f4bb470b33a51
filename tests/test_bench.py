"""bench/run.py's verdicts: every acceptance figure of issues 9 and 21 checked against its bound."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def bench(bench_script):
    return bench_script("run")


def _results(ratio=3.4, speedup=1.8, peak=900, p50=0.3, rdflib_speedup=">=12.0", unchanged=0.05,
             extract=1.4, full=1.2) -> dict:
    build = {"peak_rss_mib": peak}
    return {
        "sizes": {
            "1000": {"chars_per_s_j1": 30000, "shacl_s_per_1k_reports": 14.0,
                     "ratio_build_j1_to_jieba": ratio, "speedup_j2": speedup, "export_share_j1": 0.05,
                     "ratio_extract_j1_to_jieba": extract,
                     "build_j1": build, "build_j2": {"peak_rss_mib": 100},
                     "incremental": {"jobs": 2, "full_s": 20.0, "unchanged_s": 1.0, "one_changed_s": 5.0,
                                     "unchanged_ratio": unchanged, "one_changed_cache": {"misses": 1}}},
        },
        "sparql": {"triples": 1_050_000,
                   "queries": {"q": {"oxigraph_p50_s": p50, "rdflib_s": ">120", "speedup": rdflib_speedup,
                                     "rows": 3, "full_p50_s": full, "full_rows": 3}}},
    }


def _missed(bench, results) -> list[str]:
    return [c["name"] for c in bench.targets(results) if not c["met"]]


def test_all_met(bench):
    checks = bench.targets(_results())
    assert len(checks) == 11
    assert all(c["met"] for c in checks)
    assert "Targets: 11 of 11 met" in bench.render({**_results(), "export": {
        "triples": 1, "kg_turtle_from_nt_s": 1, "build_export_stage_s": 1, "build_s": 2,
        "rdflib_turtle_s": 3, "oxigraph_turtle_s": 1}})


@pytest.mark.parametrize("change, missed", [
    ({"ratio": 3.51}, ["build/jieba at 1000"]),
    ({"extract": 1.51}, ["extraction/jieba at 1000"]),
    ({"speedup": 1.69}, ["-j 2 speed-up at 1000"]),
    ({"peak": 1536}, ["peak RSS at 1000 (MiB)"]),
    ({"p50": 0.51}, ["q p50 (s)"]),
    ({"full": 1.51}, ["q full listing p50 (s)"]),
    ({"rdflib_speedup": 9.9}, ["q vs rdflib"]),
    ({"rdflib_speedup": ">=9.5"}, ["q vs rdflib"]),
    ({"unchanged": 0.1}, ["unchanged rebuild at 1000 (share of full)"]),
])
def test_each_bound(bench, change, missed):
    assert _missed(bench, _results(**change)) == missed


def test_peak_judged_at_largest_size(bench):
    r = _results()
    r["sizes"]["200"] = {**r["sizes"]["1000"], "build_j1": {"peak_rss_mib": 5000}}
    r["sizes"]["200"].pop("incremental")
    assert _missed(bench, r) == []


@pytest.mark.parametrize("text, expected", [
    ("SELECT ?a WHERE { ?a ?b ?c }\nORDER BY ?a ?b\nLIMIT 1000\n", "SELECT ?a WHERE { ?a ?b ?c }\n"),
    ("SELECT ?a WHERE { ?a ?b ?c }\nORDER BY DESC(?n) ?a\n", "SELECT ?a WHERE { ?a ?b ?c }\n"),
    ("SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?b ?c } GROUP BY ?a ORDER BY ?a",
     "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?b ?c } GROUP BY ?a\n"),
    ("SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a LIMIT 5 } }",
     "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a LIMIT 5 } }\n"),
])
def test_unordered(bench, text, expected):
    assert bench.unordered(text) == expected


@pytest.mark.parametrize("crash, fuzz, missed", [
    ([], [], []),
    (["the resumed build's outputs differ"], [], ["kill -9 and resume: properties broken"]),
    ([], ["x.txt: [E999] ..."], ["mutation fuzzer: properties broken"]),
])
def test_robustness_judged_when_run(bench, crash, fuzz, missed):
    r = {**_results(), "crash": {"problems": crash}, "fuzz": {"problems": fuzz}}
    assert _missed(bench, r) == missed
    assert len(bench.targets(r)) == 13  # the 11 build/SPARQL targets and the two robustness ones


def test_stage_seconds_groups_the_builds_timings(bench):
    got = bench.stage_seconds({"extract": 4.0, "validate_cpu": 1.25, "validate_shared": 0.25, "facts_cpu": 0.5,
                               "graph_cpu": 1.0, "merge": 0.3, "export": 0.2, "turtle": 9.0})
    assert got == {"extraction": 4.0, "SHACL": 1.5, "facts fragments": 0.5, "graph": 1.0, "merge": 0.3,
                   "export": 0.2, "viewer": 0.0}


def test_generated_reports_are_distinct_and_counts_redrawn(bench, tmp_path, monkeypatch):
    """Every copy of a paragraph with a count gets new digits (so no report, and no such copy,
    repeats another); years stay years."""
    import re

    monkeypatch.setattr(bench, "_paragraph_pool", lambda: ["2021年新建学校12所,新增学位3450个,覆盖率达95%。"])
    monkeypatch.setattr(bench, "_counties", lambda: [("某市", "某县")])
    texts = [p.read_text(encoding="utf-8") for p in sorted(bench.generate(40, tmp_path / "c").glob("*.txt"))]
    paragraphs = [t.splitlines()[-1] for t in texts]
    assert len(set(paragraphs)) == 40
    for p in paragraphs:
        year, schools, places = re.match(r"(\d+)年新建学校(\d+)所,新增学位(\d+)个,覆盖率达95%。", p).groups()
        assert 2021 <= int(year) <= 2029 and len(schools) == 2 and len(places) == 4
        assert not schools.startswith("0") and not places.startswith("0")


def _load(p99=0.8, **broken) -> dict:
    checks = {"cheap_p99_under_2s": p99 < 2, "cheap_answers_correct": True, "updates_refused": True,
              "stayed_up": True, **broken}
    return {"cheap": {"p99_s": p99}, "checks": checks, "summary": "kg serve under 50 clients ..."}


@pytest.mark.parametrize("load, missed", [
    (_load(), []),
    (_load(p99=2.0), ["serve: cheap p99 under 50 clients (s)"]),
    (_load(updates_refused=False), ["serve: updates refused"]),
    (_load(stayed_up=False, cheap_answers_correct=False), ["serve: cheap answers correct", "serve: stayed up"]),
])
def test_serve_load_bounds(bench, load, missed):
    r = {**_results(), "load": load}
    assert _missed(bench, r) == missed
    assert len(bench.targets(r)) == 11 + len(load["checks"])
