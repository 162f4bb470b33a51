"""bench/run.py's verdicts: every acceptance figure of issue 9 checked against its bound."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _results(ratio=1.8, speedup=1.8, peak=900, p50=0.3, rdflib_speedup=">=12.0", unchanged=0.05,
             full=1.2) -> dict:
    build = {"peak_rss_mib": peak}
    return {
        "sizes": {
            "1000": {"chars_per_s_j1": 30000, "shacl_s_per_1k_reports": 14.0,
                     "ratio_build_j1_to_jieba": ratio, "speedup_j2": speedup, "export_share_j1": 0.05,
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
    assert len(checks) == 10
    assert all(c["met"] for c in checks)
    assert "Targets: 10 of 10 met" in bench.render({**_results(), "export": {
        "triples": 1, "kg_turtle_from_nt_s": 1, "build_export_stage_s": 1, "build_s": 2,
        "rdflib_turtle_s": 3, "oxigraph_turtle_s": 1}})


@pytest.mark.parametrize("change, missed", [
    ({"ratio": 2.01}, ["build/jieba at 1000"]),
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
