"""kg.rdf.validate: the sample graph conforms; hand-broken facts give readable violations and are dropped."""

from __future__ import annotations

import pytest
import rdflib.namespace as rns
from graph_fixtures import concepts, sample_facts
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH, SKOS

from kg.outputs.export import facts_from_graph
from kg.rdf.graph import build_graph
from kg.rdf.validate import (
    Shacl,
    drop_invalid,
    format_violations,
    merge_reports,
    shared_lines,
    validate,
    validate_shared_lines,
    validate_unit,
    validate_units,
)
from kg.terms import vocab as V
from kg.terms.triples import nt_line

METRIC = V.ID["metric/aaaaaaaaaaaaaaaa-1/40-48"]  # 课后服务覆盖率 98 %
REDACTED = V.ID["metric/aaaaaaaaaaaaaaaa-1/80-86"]
MENTION = V.ID["mention/aaaaaaaaaaaaaaaa-1/30-34"]  # 课后服务, the metric above belongs to it


@pytest.fixture(scope="module")
def base() -> Graph:
    return build_graph(sample_facts(), taxonomy=concepts())


@pytest.fixture
def graph(base) -> Graph:
    g = Graph()
    for prefix, ns in base.namespaces():
        g.bind(prefix, ns, override=True, replace=True)
    g += base
    return g


def test_sample_graph_conforms(base):
    report = validate(base)
    assert report.conforms, format_violations(report)
    assert _split(base) == report


def _set(g, s, p, o):
    g.remove((s, p, None))
    if o is not None:
        g.add((s, p, o))


BREAKS = {
    "value on a redacted metric": (lambda g: g.add((REDACTED, V.value, Literal("3", datatype=rns.XSD.decimal))),
                                   REDACTED, None, "redacted"),
    "bad comparator": (lambda g: _set(g, METRIC, V.comparator, Literal("about")),
                       METRIC, "edu:comparator", "comparator"),
    "percentage 150": (lambda g: _set(g, METRIC, V.value, Literal("150", datatype=rns.XSD.decimal)),
                       METRIC, None, "percentage"),
    "year without datatype": (lambda g: _set(g, METRIC, V.year, Literal("2022")),
                              METRIC, "edu:year", "gYear"),
    "missing quote": (lambda g: _set(g, METRIC, V.quote, None), METRIC, "edu:quote", "quote"),
    "value not a decimal": (lambda g: _set(g, METRIC, V.value, Literal("98")), METRIC, "schema:value",
                            "decimal"),
    "status both on a metric": (lambda g: _set(g, METRIC, V.status, Literal("both")), METRIC, "edu:status",
                                "achieved or planned"),
    "end before start": (lambda g: _set(g, METRIC, V.endOffset, Literal(1)), METRIC, "edu:startOffset",
                         "offset"),
    "concept outside the scheme": (
        lambda g: g.remove((V.CONCEPT["after-school-care"], SKOS.inScheme, V.SCHEME)),
        MENTION, "edu:concept", "scheme"),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_broken_fact_gives_a_readable_violation(graph, name):
    breaker, focus, path, word = BREAKS[name]
    breaker(graph)
    report = validate(graph)
    assert not report.conforms
    hits = [v for v in report.violations if v.focus == str(focus)]
    assert hits, format_violations(report)
    v = next((v for v in hits if path is None or v.path == path), None)
    assert v is not None, [(h.path, h.message) for h in hits]
    assert word.lower() in v.message.lower()
    assert v.severity == "Violation" and v.shape and v.shape.startswith("shape:")
    assert v.quote == str(graph.value(focus, V.quote) or "") or v.quote is None
    if graph.value(focus, V.quote) is not None:
        assert v.quote


@pytest.mark.parametrize("indicator", ["课后服务人数同比增长", "完成年度招生目标任务", "超额完成培训计划"])
def test_growth_or_completion_percentage_over_100_is_fine(graph, indicator):
    _set(graph, METRIC, V.value, Literal("150", datatype=rns.XSD.decimal))
    _set(graph, METRIC, V.indicator, Literal(indicator))
    assert validate(graph).conforms


def test_bureau_without_region_must_say_why(graph):
    anon = next(graph.subjects(V.anonymized, Literal(True)))
    _set(graph, anon, V.anonymized, Literal(False))
    report = validate(graph)
    assert any(v.focus == str(anon) and "region" in v.message for v in report.violations)


def test_scope_must_agree_with_concept(graph):
    _set(graph, MENTION, V.scope, Literal("local"))
    report = validate(graph)
    assert any(v.focus == str(MENTION) and "scope" in v.message for v in report.violations)


def test_drop_invalid_removes_exactly_the_bad_metric(graph):
    before = set(graph)
    _set(graph, METRIC, V.comparator, Literal("about"))
    report = validate(graph)
    cleaned, dropped = drop_invalid(graph, report)
    assert [v.focus for v in dropped] == [str(METRIC)]
    assert set(cleaned) == {t for t in before if t[0] != METRIC and t[2] != METRIC}
    assert validate(cleaned).conforms
    assert len(graph) == len(before), "the input graph is left alone"
    quotes = [m["quote"] for r in facts_from_graph(cleaned)["reports"] for m in r["metrics"]]
    assert "课后服务覆盖率达98%" not in quotes and "培训教师X名" in quotes


def test_drop_invalid_mention_unlinks_its_metrics_and_shortcut(graph):
    graph.remove((V.CONCEPT["after-school-care"], SKOS.inScheme, V.SCHEME))
    cleaned, dropped = drop_invalid(graph, validate(graph))
    assert {v.focus for v in dropped} >= {str(MENTION)}
    assert (MENTION, None, None) not in cleaned
    assert (METRIC, RDF.type, V.Metric) in cleaned and cleaned.value(METRIC, V.initiative) is None
    qingshan = cleaned.value(MENTION, V.bureau) or graph.value(MENTION, V.bureau)
    assert (qingshan, V.implements, V.CONCEPT["after-school-care"]) not in cleaned
    assert validate(cleaned).conforms


def test_drop_invalid_report_property(graph):
    r = V.ID["report/aaaaaaaaaaaaaaaa-1"]
    _set(graph, r, V.planYear, Literal("20xx"))
    cleaned, dropped = drop_invalid(graph, validate(graph))
    assert dropped and (r, V.planYear, None) not in cleaned and (r, RDF.type, V.Report) in cleaned
    assert validate(cleaned).conforms


def test_format_violations_is_readable(graph):
    _set(graph, METRIC, V.comparator, Literal("about"))
    text = format_violations(validate(graph))
    assert "edu:comparator" in text and "one of = >= > <= < ~" in text and "quote: 课后服务覆盖率达98%" in text
    assert format_violations(validate(Graph())) == "conforms"


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_both_shacl_engines_find_the_same_violations(graph, name):
    BREAKS[name][0](graph)
    found = {engine: _keys(validate(graph, engine=engine)) for engine in ("pyshacl", "turbo")}
    assert found["pyshacl"] and found["pyshacl"] == found["turbo"]


def test_unknown_engine_is_refused(base):
    from kg.core.errors import KgError

    with pytest.raises(KgError, match="engine"):
        validate(base, engine="fast")


# --- the build's split validation: per file (report-scoped nodes) + shared nodes once ------------

def _split(g: Graph, shacl: Shacl | None = None):
    """What a build does: each file's report-scoped nodes (here one file), then the shared nodes
    from the sorted lines' shared part."""
    triples = list(g)
    shared = list(shared_lines(sorted(nt_line(t) for t in triples)))
    return merge_reports([], validate_unit(triples, shacl), validate_shared_lines(shared, shacl))


def _keys(report):
    return sorted((v.focus, v.path or "", v.message, v.shape or "") for v in report.violations)


def _second_region(g: Graph) -> None:
    """Give a bureau that already has a region another one (sorted: set order varies by hash seed)."""
    bureau = min(b for b in g.subjects(RDF.type, V.Bureau) if g.value(b, V.region) is not None)
    g.add((bureau, V.region, V.ID["region/910000"]))


TWO_REGIONS = (_second_region, None, "edu:region", "region")


@pytest.mark.parametrize("name", sorted(BREAKS) + ["bureau with two regions"])
def test_split_validation_finds_what_whole_graph_validation_finds(graph, name):
    breaker = TWO_REGIONS if name == "bureau with two regions" else BREAKS[name]
    breaker[0](graph)
    whole = validate(graph)
    assert not whole.conforms
    assert _keys(_split(graph)) == _keys(whole)


def test_split_validation_of_the_sample_graph_conforms(base):
    assert _split(base).conforms


def test_shared_pass_alone_finds_a_cross_file_conflict(graph):
    TWO_REGIONS[0](graph)
    found = validate_shared_lines(list(shared_lines(sorted(nt_line(t) for t in graph))))
    assert not found.conforms and any(v.path == "edu:region" for v in found.violations)


@pytest.mark.parametrize("name", ["percentage 150", "concept outside the scheme", "missing quote"])
def test_split_validation_on_pyshacl_matches_turbo(graph, name):
    BREAKS[name][0](graph)
    found = {engine: _keys(_split(graph, Shacl(engine=engine))) for engine in ("pyshacl", "turbo")}
    assert found["pyshacl"] and found["pyshacl"] == found["turbo"]


# --- shared_lines: the build's cut of a file's sorted lines ------------------------------------------

_SUBJECTS = [f"<{V.ID}{kind}/x{i}>" for kind in ("report", "mention", "metric", "bureau", "region",
                                                  "source", "reportx", "mentio")
             for i in range(3)] + [f"<{V.ID}>", "<https://w3id.org/edu-kg/initiative/a>", "_:b0"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SUBJECTS), st.integers(0, 3)), max_size=60))
def test_shared_lines_is_the_prefix_filter_on_sorted_lines(pairs):
    from kg.rdf.validate import REPORT_SCOPED

    lines = sorted({f"{s} <p{i}> \"o\" .\n" for s, i in pairs})
    expected = [ln for ln in lines  # a subject IRI starting with a report-scoped prefix
                if not (ln.startswith("<") and ln[1:ln.index(">")].startswith(REPORT_SCOPED))]
    assert list(shared_lines(lines)) == expected


# --- validate_units: a worker's files screened at once, each judged as on its own -----------------

def _renamed(g: Graph, tag: str = "9") -> list:
    """The graph's triples as another build's files: the report-scoped IRIs of its three sample
    files (aaaa…, bbbb…, cccc…) renamed."""
    from rdflib import URIRef

    def term(t):
        if not isinstance(t, URIRef):
            return t
        text = str(t)
        for old in "abc":
            text = text.replace(old * 16, tag * 15 + old)
        return URIRef(text)

    return [tuple(term(x) for x in t) for t in g]


def _unit(triples) -> list[str]:
    return [nt_line(t) for t in triples]


REPORT_SCOPED = tuple(str(V.ID[k]) for k in ("report/", "mention/", "metric/"))


def test_judging_the_shared_nodes_prepares_no_screen_and_a_warm_up_does(graph):
    """The build's process judges the shared nodes on the merge's critical path: the screen's
    shapes (rdflib's query parser) are left to the workers, and a warm-up prepares them before
    it forks them."""
    shacl = Shacl()
    validate_shared_lines(list(shared_lines(sorted(nt_line(t) for t in graph))), shacl)
    assert "_screen_parts" not in vars(shacl)
    assert shacl.prepare() is shacl and "_screen_parts" in vars(shacl) and shacl.sparql_predicates


def test_the_screen_is_shacl_rust_unless_an_engine_is_named(monkeypatch):
    assert Shacl().screen is not None and Shacl().screen.__name__ == "shacl_rust"
    assert Shacl(engine="turbo").screen is None
    monkeypatch.setenv("KG_SHACL_ENGINE", "pyshacl")
    assert Shacl().screen is None


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_units_judged_at_once_are_judged_as_alone(base, graph, name, monkeypatch):
    """Clean files around a broken one: the same reports as one run per file, and the screen
    faults the broken file (so the engine's own report is the one kept); the clean ones pass
    on the screen alone (the engine runs on the broken file only)."""
    BREAKS[name][0](graph)
    units = [_unit(_renamed(base)), _unit(graph), _unit(_renamed(base, "8"))]
    alone = [validate_unit(lines=u) for u in units]
    assert [r.conforms for r in alone] == [True, False, True]
    runs = []
    engine = Shacl._run
    monkeypatch.setattr(Shacl, "_run", lambda self, *a: runs.append(1) or engine(self, *a))
    assert validate_units(units) == alone
    # a concept out of the scheme in one file only: every file naming it is judged alone
    assert len(runs) == (3 if name == "concept outside the scheme" else 1)
    screen = Shacl()
    cut = "".join(units[1])
    focus = {str(s) for s, _, _ in graph if str(s).startswith(REPORT_SCOPED)}
    assert screen.failing(cut, focus), "the screen let a broken file pass"


def test_units_sharing_a_node_or_saying_other_things_of_one_are_judged_alone(base, graph):
    """Two files with the same report nodes, one missing a quote (in the union the other's quote
    would hide it); and a file that says no concept is in the scheme beside one that says it is."""
    broken = Graph()
    broken += graph
    _set(broken, METRIC, V.quote, None)
    units = [_unit(base), _unit(broken)]
    assert validate_units(units) == [validate_unit(lines=u) for u in units]
    assert not validate_units(units)[1].conforms
    outside = Graph()
    outside += graph
    outside.remove((V.CONCEPT["after-school-care"], SKOS.inScheme, V.SCHEME))
    units = [_unit(base), _unit(_renamed(outside))]
    assert [r.conforms for r in validate_units(units)] == [True, False]


# --- the screen's own SPARQL constraints -----------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("SELECT $this WHERE { $this <http://x/a> ?v . FILTER NOT EXISTS { ?v <http://x/b> ?w } }",
     {"http://x/a", "http://x/b"}),
    ("SELECT $this WHERE { $this <http://x/a>/^<http://x/b>* ?v }", {"http://x/a", "http://x/b"}),
    ("SELECT $this WHERE { $this a <http://x/C> }", {str(RDF.type)}),
    ("SELECT $this WHERE { $this ?p ?v }", None),  # any line may matter
    ("SELECT $this WHERE { $this !<http://x/a> ?v }", None),
    ("SELECT $this WHERE { $this <http://x/a> ?v ; ?p ?w }", None),
    ("not a query", None),
])
def test_query_predicates(query, expected):
    from kg.rdf.validate import _query_predicates

    got = _query_predicates(query)
    assert (None if got is None else {str(p) for p in got}) == expected


SPARQL_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://x/> .
ex:Mine a sh:NodeShape ; sh:targetClass ex:C ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?v }" ; sh:prefixes ex: ] ,
              [ sh:select "SELECT $this WHERE { $this <http://x/q> ?v }" ] ,
              [ sh:select "SELECT $this WHERE { ?v <http://x/q> $this }" ] .
ex:Nodes a sh:NodeShape ; sh:targetNode ex:n ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this <http://x/q> ?v }" ] .
"""


def test_the_screen_runs_only_the_sparql_constraints_it_can_judge_itself():
    """Left to shacl-rust: a query with prefixes, one not starting on $this, a shape aimed at
    nodes another way; the screen's own: a query on $this with IRI predicates."""
    from kg.rdf.validate import _split_sparql

    shapes = Graph().parse(data=SPARQL_SHAPES, format="turtle")
    rest, own = _split_sparql(shapes)
    assert [c.predicates for c in own] == [frozenset({"<http://x/q>"})]
    assert len(list(rest.triples((None, SH.sparql, None)))) == 3
    flagged = own[0].failing("<http://x/a> <http://x/q> \"1\" .\n<http://x/b> <http://x/r> \"1\" .\n")
    assert flagged == {"http://x/a"}
