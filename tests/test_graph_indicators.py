"""Indicator concepts in the graph (kg.rdf.graph), their SHACL shapes, and facts.json's new fields."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from graph_fixtures import concepts, sample_facts
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS, XSD

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
from kg.terms.indicators import load_indicators
from kg.terms.triples import nt_line

SMALL = load_indicators(Path(__file__).parent / "fixtures" / "indicators_small.ttl")
METRIC = V.ID["metric/aaaaaaaaaaaaaaaa-1/40-48"]  # 课后服务覆盖率 98 % in the sample facts
RATE = V.INDICATOR["preschool-gross-enrolment-rate"]


def _with_indicator(iid: str):
    facts = sample_facts()
    r = facts[0]
    metrics = tuple(replace(m, indicator_concept=iid) if m.quote == "课后服务覆盖率达98%" else m
                    for m in r.metrics)
    return [replace(r, metrics=metrics), *facts[1:]]


@pytest.fixture
def graph() -> Graph:
    return build_graph(_with_indicator("preschool-gross-enrolment-rate"), taxonomy=concepts(),
                       indicators=SMALL)


def _split(g: Graph):
    triples = list(g)
    shared = list(shared_lines(sorted(nt_line(t) for t in triples)))
    return merge_reports([], validate_unit(triples), validate_shared_lines(shared))


def test_metric_points_to_a_described_indicator(graph):
    assert graph.value(METRIC, V.indicatorConcept) == RATE
    assert (RATE, RDF.type, V.Indicator) in graph and (RATE, SKOS.inScheme, V.INDICATOR_SCHEME) in graph
    kind = graph.value(RATE, V.quantityKind)
    assert kind == V.INDICATOR["kind-percentage"]
    assert {str(u) for u in graph.objects(kind, V.kindUnit)} == {"ratio", "百分点"}
    assert (graph.value(RATE, SKOS.broader), RDF.type, V.Theme) in graph
    assert validate(graph).conforms and _split(graph).conforms


def _set(g, s, p, o):
    g.remove((s, p, None))
    g.add((s, p, o))


BREAKS = {
    # the indicator text names no change, so only the indicator's own shape can object … and it
    # does even when the text would exempt the value from the generic percentage shape (the
    # fixture's indicator made a plain percentage: neither a growth nor a gross rate)
    "a rate over 100%": (lambda g: (_set(g, METRIC, V.value, Literal("150", datatype=XSD.decimal)),
                                    _set(g, METRIC, V.baseValue, Literal("1.5", datatype=XSD.decimal)),
                                    _set(g, METRIC, V.indicator, Literal("覆盖率同比增长")),
                                    g.remove((None, V.grossRate, None))),
                         "growth rate"),
    "a unit the kind does not take": (lambda g: _set(g, METRIC, V.baseUnit, Literal("人")), "base unit"),
    "an id outside the scheme": (lambda g: (_set(g, METRIC, V.indicatorConcept, V.INDICATOR["nope"]),
                                            g.add((V.INDICATOR["nope"], RDF.type, SKOS.Concept))),
                                 "edu:Indicator"),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_broken_indicator_facts_are_violations_in_the_build_and_in_kg_validate(graph, name):
    breaker, word = BREAKS[name]
    breaker(graph)
    whole, split = validate(graph), _split(graph)
    hits = [v for v in whole.violations if v.focus == str(METRIC)]
    assert hits and any(word.lower() in v.message.lower() for v in hits), [v.message for v in hits]
    assert sorted(map(str, whole.violations)) == sorted(map(str, split.violations))


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_the_screen_faults_each_broken_indicator_fact(graph, name):
    """The screen runs the SPARQL constraint (a base unit the kind does not take) in Oxigraph
    over the batch, not in shacl-rust per metric: it must still fault the metric."""
    from kg.rdf.validate import Shacl

    screen = Shacl()
    assert screen._screen_sparql and "shacl#sparql" not in screen._screen_shapes
    text = "".join(nt_line(t) for t in graph)
    assert not screen.failing(text, {str(METRIC)})
    BREAKS[name][0](graph)
    lines = [nt_line(t) for t in graph]
    assert screen.failing("".join(lines), {str(METRIC)}) == {str(METRIC)}
    read = "".join(ln for ln in lines if ln.split(" ", 2)[1] in screen.sparql_predicates)
    assert screen.failing("".join(lines), {str(METRIC)}, read) == {str(METRIC)}


def test_a_growth_rate_may_pass_100():
    g = build_graph(_with_indicator("funding-growth"), taxonomy=concepts(), indicators=SMALL)
    _set(g, METRIC, V.value, Literal("150", datatype=XSD.decimal))
    _set(g, METRIC, V.baseValue, Literal("1.5", datatype=XSD.decimal))
    _set(g, METRIC, V.indicator, Literal("经费同比增长"))
    assert validate(g).conforms and _split(g).conforms


@pytest.mark.parametrize("value, conforms", [("124", True), ("-3", False)])
def test_a_gross_rate_may_pass_100_but_not_fall_below_0(value, conforms):
    """毛入园率 124%: enrolled children of every age over the 3-5 population (the national definition)."""
    g = build_graph(_with_indicator("preschool-gross-enrolment-rate"), taxonomy=concepts(), indicators=SMALL)
    _set(g, METRIC, V.value, Literal(value, datatype=XSD.decimal))
    _set(g, METRIC, V.baseValue, Literal(str(int(value) / 100), datatype=XSD.decimal))
    _set(g, METRIC, V.indicator, Literal("学前三年毛入园率"))
    assert validate(g).conforms is conforms and _split(g).conforms is conforms


def test_facts_json_gains_the_indicator_and_the_base_value(graph):
    metrics = {m["quote"]: m for r in facts_from_graph(graph)["reports"] for m in r["metrics"]}
    m = metrics["课后服务覆盖率达98%"]
    assert (m["indicator_concept"], m["base_value"], m["base_unit"]) == (
        "preschool-gross-enrolment-rate", 0.98, "ratio")
    assert all(x["indicator_concept"] is None for q, x in metrics.items() if q != "课后服务覆盖率达98%")


def test_unmapped_metrics_add_no_indicator_triples():
    g = build_graph(sample_facts(), taxonomy=concepts(), indicators=SMALL)
    assert not list(g.subjects(RDF.type, V.Indicator)) and not list(g.triples((None, V.indicatorConcept, None)))


def test_same_facts_same_triples():
    a = build_graph(_with_indicator("preschool-gross-enrolment-rate"), taxonomy=concepts(), indicators=SMALL)
    b = build_graph(list(reversed(_with_indicator("preschool-gross-enrolment-rate"))), taxonomy=concepts(),
                    indicators=SMALL)
    assert set(a) == set(b) and (None, V.indicatorConcept, RATE) in a
