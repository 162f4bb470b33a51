"""A change against an earlier figure (Metric.change) in the graph (edu:change), its SHACL shapes,
facts.json's "change" and the named queries that list indicator values. Invented facts only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from graph_fixtures import concepts, sample_facts, small_indicators
from rdflib import Graph, Literal
from rdflib.namespace import RDFS, XSD

from kg.outputs.export import facts_from_graph
from kg.rdf.graph import build_graph
from kg.rdf.validate import (
    merge_reports,
    shared_lines,
    validate,
    validate_shared_lines,
    validate_unit,
)
from kg.terms import vocab as V
from kg.terms.triples import nt_line
from kg.tools.query import run_query

PLACES = V.ID["metric/aaaaaaaaaaaaaaaa-1/300-310"]  # 力争新增学位540个以上 in the sample facts
RATE = V.ID["metric/aaaaaaaaaaaaaaaa-1/40-48"]  # 课后服务覆盖率达98%
INVEST = V.ID["metric/bbbbbbbbbbbbbbbb-1/200-212"]  # 计划投入约1.5亿元
ENROL = V.ID["metric/bbbbbbbbbbbbbbbb-2/600-608"]  # 入学率达到100%, unmapped


def _facts() -> list:
    """The sample facts, mapped; 青山区's planned places written as a change (比上年增加540个), 白沙区's
    investment a level, 青山区's rate of after-school care read as a growth rate."""
    facts = sample_facts()
    r1, r2 = facts[0], facts[1]
    m1 = list(r1.metrics)
    m1[0] = replace(m1[0], indicator_concept="funding-growth")
    m1[2] = replace(m1[2], indicator_concept="new-places", change="increase", quote="力争学位比上年增加540个以上")
    m2 = list(r2.metrics)
    m2[0] = replace(m2[0], indicator_concept="education-investment")
    return [replace(r1, metrics=tuple(m1)), replace(r2, metrics=tuple(m2)), *facts[2:]]


@pytest.fixture
def graph() -> Graph:
    return build_graph(_facts(), taxonomy=concepts(), indicators=small_indicators())


def _split(g: Graph):
    triples = list(g)
    shared = list(shared_lines(sorted(nt_line(t) for t in triples)))
    return merge_reports([], validate_unit(triples), validate_shared_lines(shared))


def _set(g, s, p, o):
    g.remove((s, p, None))
    g.add((s, p, o))


def test_a_change_is_an_edu_change_on_its_metric_and_a_level_has_none(graph):
    assert graph.value(PLACES, V.change) == Literal("increase")
    assert graph.value(PLACES, V.indicatorConcept) == V.INDICATOR["new-places"]
    assert graph.value(INVEST, V.change) is None and graph.value(RATE, V.change) is None
    assert len(list(graph.triples((None, V.change, None)))) == 1
    assert validate(graph).conforms and _split(graph).conforms


def test_the_ontology_describes_edu_change_in_both_languages():
    onto = Graph().parse(Path(__file__).resolve().parent.parent / "ontology" / "edu.ttl", format="turtle")
    labels = {lit.language for lit in onto.objects(V.change, RDFS.label)}
    comments = {lit.language for lit in onto.objects(V.change, RDFS.comment)}
    assert labels == comments == {"zh", "en"}
    assert onto.value(V.change, RDFS.range) == XSD.string and onto.value(V.change, RDFS.domain) == V.Metric


def test_facts_json_says_which_metrics_are_changes(graph):
    metrics = [m for r in facts_from_graph(graph)["reports"] for m in r["metrics"]]
    assert all("change" in m for m in metrics)
    assert {m["quote"]: m["change"] for m in metrics if m["change"]} == {"力争学位比上年增加540个以上": "increase"}
    changed = next(m for m in metrics if m["change"])
    # the format's own fields keep their meaning: the value as written, the concept of what changed
    assert (changed["value"], changed["unit"], changed["indicator_concept"], changed["status"]) == (
        540, "个", "new-places", "planned")


BREAKS = {
    "a direction it does not know": (lambda g: _set(g, PLACES, V.change, Literal("sideways")), "increase or decrease"),
    "two directions": (lambda g: g.add((PLACES, V.change, Literal("decrease"))), "at most one"),
    "a change of a growth rate": (lambda g: (_set(g, RATE, V.baseUnit, Literal("百分点")),
                                             _set(g, RATE, V.change, Literal("increase"))), "growth-rate"),
    "a ratio written as a change": (lambda g: (_set(g, ENROL, V.baseUnit, Literal("ratio")),
                                               _set(g, ENROL, V.change, Literal("increase"))), "no ratio"),
}
FOCUS = {"a change of a growth rate": RATE, "a ratio written as a change": ENROL}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_broken_changes_are_violations_in_the_build_and_in_kg_validate(graph, name):
    breaker, word = BREAKS[name]
    breaker(graph)
    focus = FOCUS.get(name, PLACES)
    whole, split = validate(graph), _split(graph)
    hits = [v for v in whole.violations if v.focus == str(focus)]
    assert hits and any(word.lower() in v.message.lower() for v in hits), [v.message for v in whole.violations]
    assert sorted(map(str, whole.violations)) == sorted(map(str, split.violations))


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_the_screen_faults_each_broken_change(graph, name):
    from kg.rdf.validate import Shacl

    focus = str(FOCUS.get(name, PLACES))
    screen = Shacl()
    assert not screen.failing("".join(nt_line(t) for t in graph), {focus})
    BREAKS[name][0](graph)
    assert screen.failing("".join(nt_line(t) for t in graph), {focus}) == {focus}


@pytest.mark.parametrize("name, params, column", [
    ("indicator_by_region", None, "change"),
    ("bureau_timeline", {"bureau_name": "青山区教育局"}, "change"),
    ("targets_for_year", {"year": "2023"}, "change"),
])
def test_queries_listing_indicator_values_mark_changes_the_same_on_both_stores(graph, name, params, column):
    a = run_query(name, graph, store="rdflib", params=params)
    b = run_query(name, graph, store="oxigraph", params=params)
    assert a.columns == b.columns and a.rows == b.rows and column in a.columns
    marks = {r["metric" if "metric" in r else "fact"]: r[column] for r in a.as_dicts()}
    assert marks[str(PLACES)] == "increase"
    assert {v for k, v in marks.items() if k != str(PLACES)} <= {""}
