"""kg.outputs.reader: one reading of a built graph, the same on an rdflib Graph and a TripleIndex."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from kg.outputs.reader import GraphReader, bool_of, json_number, year_of
from kg.terms import vocab as V
from kg.terms.triples import TripleIndex

FIXTURE = Path(__file__).parent / "fixtures" / "viewer_graph.ttl"
GYEAR = XSD.gYear


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURE, format="turtle")


def both(graph: rdflib.Graph) -> list[GraphReader]:
    """A reader over the rdflib graph (indexed per predicate) and one over a TripleIndex (asked directly)."""
    return [GraphReader(graph), GraphReader(TripleIndex(iter(graph)))]


@pytest.mark.parametrize("lit, year", [
    (Literal("2021", datatype=GYEAR), 2021), (Literal("2021Z", datatype=GYEAR), 2021),
    (Literal("2021+08:00", datatype=GYEAR), 2021), (Literal("n/a"), None), (None, None),
])
def test_year(lit, year):
    assert year_of(lit) == year


@pytest.mark.parametrize("lit, value", [
    (Literal(True), True), (Literal(False), False), (Literal("true"), True), (Literal("1"), True),
    (Literal("no"), False), (None, False),
])
def test_bool(lit, value):
    assert bool_of(lit) is value


def test_json_numbers():
    from decimal import Decimal

    assert json_number(Decimal("423.0")) == 423 and type(json_number(Decimal("423.0"))) is int
    assert json_number(Decimal("31.60")) == 31.6


def test_records_are_the_same_on_both_kinds_of_graph(graph):
    a, b = both(graph)
    assert sorted(map(repr, a.reports())) == sorted(map(repr, b.reports()))
    assert a.mentions() == b.mentions() and a.metrics() == b.metrics()
    assert a.issuers() == b.issuers()
    for node in sorted(a.typed(V.Bureau)):
        assert a.bureau(node) == b.bureau(node)


def test_report_record(graph):
    for r in both(graph):
        rep = r.report(V.ID["report-a"])
        assert (rep.file_name, rep.index) == ("siming-2022.txt", 0)
        assert (rep.summary_year, rep.plan_year, rep.bureau) == (2022, 2023, V.ID["bureau-siming"])
        assert [str(m.iri).rsplit("/", 1)[-1] for m in rep.mentions] == [
            "m-siming-1", "m-siming-2", "m-siming-3", "m-siming-4"]  # no offsets: by IRI
        anon = r.report(V.ID["report-d"])  # named through dcterms:source only
        assert anon.file_name == "anon-county.txt"


def test_one_rule_for_a_reports_file_and_a_bureaus_level(graph):
    """The file is edu:fileName, else the source IRI's tail; the level the bureau's own, else its
    region's. facts.json and the viewer both take them from the reader."""
    from kg.outputs.export import facts_from_graph
    from kg.outputs.network import build_network

    assert {r.bureau(V.ID["bureau-siming"]).level for r in both(graph)} == {"county"}  # its region's
    g = rdflib.Graph()
    g += graph
    g.remove((V.ID["file-a"], V.fileName, None))
    g.add((V.ID["bureau-siming"], V.level, Literal("city")))
    for r in both(g):
        assert r.report(V.ID["report-a"]).file_name == "file-a"
        assert r.bureau(V.ID["bureau-siming"]).level == "city"
    facts = {d["id"]: d for d in facts_from_graph(g)["reports"]}[str(V.ID["report-a"])]
    assert (facts["source"], facts["level"]) == ("file-a", "city")
    node = build_network(g).nodes[str(V.ID["bureau-siming"])]
    assert node["level"] == "city" and "file-a" in {d["file"] for d in node["reports"]}


def test_bureau_path_and_concepts(graph):
    for r in both(graph):
        siming = r.bureau(V.ID["bureau-siming"])
        assert siming.label == "思明区教育局" and not siming.anonymized
        assert [(s.label, s.level) for s in siming.path] == [
            ("福建省", "province"), ("厦门市", "city"), ("思明区", "county")]
        after = r.concept(URIRef("https://w3id.org/edu-kg/initiative/after-school"))
        assert after.label == "课后服务" and not after.local  # the @zh label wins over @en
        assert [str(t).rsplit("/", 1)[-1] for t in after.themes] == ["theme-burden"]
        assert r.concept(V.LOCAL["siming-island-study"]).local


def test_metric_records(graph):
    for r in both(graph):
        redacted = [x for x in r.metrics() if x.redacted]
        assert [(x.indicator, x.value, x.number, x.unit) for x in redacted] == [("校舍改造投资", None, None, "万元")]
        valued = {x.indicator: (x.value, x.number) for x in r.metrics() if not x.redacted}
        assert valued["课后服务参与率"] == ("95.0", 95)  # as written; the viewer shows "95"


def test_several_values_give_the_smallest_nt_text_on_both_kinds_of_graph():
    node = URIRef("https://example.org/n")
    g = rdflib.Graph()
    for text in ("b", "a!", "a"):  # by text "a" < "a!"; as N-Triples '"a!"' < '"a"'
        g.add((node, V.level, Literal(text)))
    assert [r.value(node, V.level) for r in both(g)] == [Literal("a!"), Literal("a!")]
    assert TripleIndex(iter(g)).value(node, V.level) == Literal("a!")


def test_label_prefers_chinese_then_untagged():
    node = URIRef("https://example.org/n")
    g = rdflib.Graph()
    g.add((node, RDFS.label, Literal("A", lang="en")))
    g.add((node, RDFS.label, Literal("乙")))
    for r in both(g):
        assert r.label(node, RDFS.label) == "乙"
    g.add((node, RDFS.label, Literal("甲", lang="zh")))
    for r in both(g):
        assert r.label(node, RDFS.label) == "甲"
        assert r.label(URIRef("https://example.org/none"), RDFS.label) is None


def test_region_cycle_does_not_hang():
    a, b = URIRef("https://example.org/a"), URIRef("https://example.org/b")
    g = rdflib.Graph()
    g.add((a, V.partOf, b))
    g.add((b, V.partOf, a))
    for r in both(g):
        assert [s.iri for s in r.region_path(a)] == [b, a]


def test_facts_name_a_report_file_as_the_viewer_does(graph):
    """facts.json reads a report's file as the viewer does: edu:sourceFile, else dcterms:source."""
    from kg.outputs.export import facts_from_graph

    sources = {r["id"].rsplit("/", 1)[-1]: r["source"] for r in facts_from_graph(graph)["reports"]}
    assert sources["report-a"] == "siming-2022.txt" and sources["report-d"] == "anon-county.txt"


def test_targets_carry_indicator_label_outcome_and_verdict():
    """A checked target reads its shared indicator's Chinese label, its outcome (a metric of
    another report) and its verdict; an unchecked metric has neither."""
    from target_fixtures import target_graph

    g = target_graph()
    for r in both(g):
        checked = {x.indicator: x for x in r.metrics() if x.verdict is not None}
        assert {k: (x.indicator_label, x.verdict) for k, x in checked.items()} == {
            "新增学位": ("新增学位数", "exceeded"), "新建幼儿园": ("新建幼儿园数", "no-outcome")}
        outcome = r.metric(checked["新增学位"].outcome)
        assert (outcome.number, outcome.unit, outcome.status) == (560, "个", "achieved")
        assert outcome.report != checked["新增学位"].report
        assert r.report(outcome.report).file_name == "qingshan-2023.txt"
        assert checked["新建幼儿园"].outcome is None
        plain = [x for x in r.metrics() if x.verdict is None]
        assert plain and all(x.outcome is None for x in plain)
        assert {x.indicator_label for x in plain if x.indicator == "教育投入"} == {"教育投入"}
        assert {x.indicator_label for x in plain if x.indicator_concept is None} == {None}
