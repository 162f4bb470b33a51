"""kg.tools.query: every named query gives the same rows on rdflib and Oxigraph, and the known answer."""

from __future__ import annotations

import json

import pytest
from graph_fixtures import concepts, sample_facts, small_indicators, with_indicators
from rdflib import Graph
from target_fixtures import target_graph

from kg.core.errors import GraphInputError, QueryError
from kg.outputs.export import write_graph
from kg.rdf.graph import build_graph
from kg.tools.query import (
    PAGE_SIZE,
    format_result,
    list_queries,
    load_graph,
    load_query,
    run_query,
    with_page,
)

REQUIRED = {"initiatives_by_region", "shared_initiatives", "bureaus_sharing_with", "targets_for_year",
            "planned_vs_achieved", "initiative_metrics_across_regions", "regions_by_province",
            "redacted_share", "evidence", "themes_by_province", "indicator_by_region"}

PARAMS = {"bureaus_sharing_with": {"bureau_name": "青山区教育局"}, "targets_for_year": {"year": "2023"},
          "bureau_timeline": {"bureau_name": "青山区教育局"},
          "evidence": {"text": "四点半"}}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph(with_indicators(sample_facts()), taxonomy=concepts(), indicators=small_indicators())


# the sample holds a 2023 target of 青山区 but no summary of 2023: this graph adds one
OUTCOME_QUERIES = {"targets_and_outcomes"}


@pytest.fixture(scope="module")
def outcome_graph() -> Graph:
    return target_graph()


@pytest.fixture
def graph_for(graph, outcome_graph):
    return lambda name: outcome_graph if name in OUTCOME_QUERIES else graph


def rows(result) -> list[dict]:
    return result.as_dicts()


def test_named_queries_are_listed_with_headers():
    qs = list_queries()
    assert REQUIRED <= set(qs) and len(qs) >= 10
    for info in qs.values():
        assert info.title and info.title != info.name and info.description, info.name
    assert [p.name for p in qs["bureaus_sharing_with"].params] == ["bureau_name"]
    assert {p.name: p.type for p in qs["evidence"].params} == {"fact": "iri", "text": "string"}


@pytest.mark.parametrize("name", sorted(list_queries()))
def test_both_stores_give_the_same_rows(graph_for, name):
    a = run_query(name, graph_for(name), store="rdflib", params=PARAMS.get(name))
    b = run_query(name, graph_for(name), store="oxigraph", params=PARAMS.get(name))
    assert a.columns == b.columns
    assert a.rows == b.rows
    assert a.rows, f"{name} answers something on the sample graph"


KNOWN = {
    "initiatives_by_region": lambda r: sorted((x["region_name"], x["label"]) for x in r) == [
        ("白沙区", "教师交流轮岗"), ("白沙区", "智慧校园"), ("青山区", "四点半课堂"), ("青山区", "教师交流轮岗"),
        ("青山区", "课后服务")],
    "shared_initiatives": lambda r: [(x["label"], x["regions"], x["bureaus"]) for x in r] == [
        ("教师交流轮岗", 2, 2), ("课后服务", 1, 2)],
    "bureaus_sharing_with": lambda r: sorted((x["name"], x["label"]) for x in r) == [
        ("X县教育局", "课后服务"), ("白沙区教育局", "教师交流轮岗")],
    "targets_for_year": lambda r: sorted(x["indicator"] for x in r) == ["教育投入", "新增学位", "轮岗教师"]
    and {x["indicator"]: x["value"] for x in r}["教育投入"] == 1.5,
    "planned_vs_achieved": lambda r: {x["bureau_name"]: (x["metrics_achieved"], x["metrics_planned"],
                                                         x["initiatives_achieved"], x["initiatives_planned"])
                                      for x in r}["青山区教育局"] == (2, 1, 3, 1),
    "initiative_metrics_across_regions": lambda r: sorted((x["region_name"], x["indicator"], x["value"]) for x in r)
    == [("白沙区", "轮岗教师", 120), ("青山区", "课后服务覆盖率", 98)],
    "regions_by_province": lambda r: [(x["province_name"], x["regions"], x["bureaus"], x["reports"]) for x in r]
    == [("东海省", 3, 2, 2)],
    "redacted_share": lambda r: [(x["metrics"], x["redacted"], x["redacted_percent"]) for x in r][0] == (1, 1, 100)
    and {x["bureau_name"]: x["redacted_percent"] for x in r if x["bureau_name"] == "青山区教育局"} == {"青山区教育局": 33.3},
    "evidence": lambda r: [(x["file"], x["start"], x["end"], x["quote_original"], x["type"]) for x in r]
    == [("qingshan.txt", 60, 65, "开办四点半课堂", "initiative")],
    "themes_by_province": lambda r: sorted((x["province_name"], x["theme_label"], x["bureaus"]) for x in r) == [
        ("(unknown)", "学生服务", 1), ("东海省", "学生服务", 2), ("东海省", "教师队伍", 2)],
    "indicator_by_region": lambda r: [(x["indicator_label"], x["province_name"], x["region_name"], x["year"],
                                       x["status"], x["value"], x["unit"], x["base_value"], x["base_unit"])
                                      for x in r] == [
        ("教育投入", "东海省", "白沙区", 2023, "planned", 1.5, "亿元", 150000000, "元"),
        ("新增学位数", "东海省", "青山区", 2023, "planned", 540, "个", 540, "个")],
    "targets_and_outcomes": lambda r: [(x["bureau_name"], x["indicator_label"], x["year"], x["comparator"],
                                        x["target_value"], x["outcome_value"], x["verdict"], x["target_quote"],
                                        x["outcome_quote"]) for x in r] == [
        ("青山区教育局", "新增学位数", 2023, ">=", 540, 560, "exceeded", "力争新增学位540个以上", "新增学位560个"),
        ("青山区教育局", "新建幼儿园数", 2023, ">=", 3, None, "no-outcome", "新建幼儿园3所以上", None)],
    "bureau_timeline": lambda r: [(x["year"], x["kind"], x["label"], x["status"], x["value"]) for x in r] == [
        (2022, "initiative", "四点半课堂", "achieved", None), (2022, "initiative", "教师交流轮岗", "achieved", None),
        (2022, "initiative", "课后服务", "both", None), (2023, "indicator", "新增学位数", "planned", 540)],
    "local_initiatives": lambda r: [(x["label"], x["bureau_name"]) for x in r] == [("四点半课堂", "青山区教育局")],
    "reports_overview": lambda r: [(x["file"], x["index"], x["initiatives"], x["metrics"], x["summary_year"])
                                   for x in r][-1] == ("qingshan.txt", 1, 3, 3, 2022) and len(r) == 4,
}


def test_every_named_query_has_a_known_answer():
    assert set(KNOWN) == set(list_queries())


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_answer(graph_for, name):
    result = rows(run_query(name, graph_for(name), store="rdflib", params=PARAMS.get(name)))
    assert KNOWN[name](result), result


def test_year_parameter_filters_as_integer(graph):
    assert rows(run_query("targets_for_year", graph, params={"year": 2022})) == []
    assert len(rows(run_query("targets_for_year", graph, params={"year": "2023"}))) == 3
    with pytest.raises(QueryError):
        run_query("targets_for_year", graph, params={"year": "2023 } ?s ?p ?o {"})


def test_string_parameter_cannot_inject(graph):
    res = run_query("bureaus_sharing_with", graph, params={"bureau_name": '青山区教育局" } } #'})
    assert res.rows == ()


def test_fact_parameter_selects_one_fact(graph):
    iri = "https://w3id.org/edu-kg/id/metric/aaaaaaaaaaaaaaaa-1/300-310"
    for store in ("rdflib", "oxigraph"):
        r = rows(run_query("evidence", graph, store=store, params={"fact": iri}))
        assert [(x["fact"], x["start"]) for x in r] == [(iri, 300)]


def test_initiative_parameter_keeps_one_initiatives_metrics(graph):
    every = run_query("initiative_metrics_across_regions", graph, store="rdflib")
    initiatives = sorted({r[0] for r in every.rows})
    assert len(initiatives) >= 2  # else the filter below could not tell one from all
    for store in ("rdflib", "oxigraph"):
        got = run_query("initiative_metrics_across_regions", graph, store=store,
                        params={"initiative": initiatives[0]})
        assert got.rows and got.rows == tuple(r for r in every.rows if r[0] == initiatives[0])


def test_unknown_parameter_and_query_are_query_errors(graph):
    with pytest.raises(QueryError):
        run_query("shared_initiatives", graph, params={"nope": "1"})
    with pytest.raises(QueryError):
        run_query("no_such_query", graph)


@pytest.mark.parametrize("text", ["DELETE WHERE { ?s ?p ?o }",
                                  "INSERT DATA { <http://a> <http://b> <http://c> }", "SELECT WHERE {"])
def test_updates_and_garbage_are_refused(tmp_path, graph, text):
    q = tmp_path / "q.rq"
    q.write_text(text, encoding="utf-8")
    n = len(graph)
    with pytest.raises(QueryError):
        run_query(str(q), graph)
    assert len(graph) == n


def test_query_file_on_a_graph_file_both_stores(tmp_path, graph):
    path = write_graph(graph, tmp_path / "g.ttl")
    q = tmp_path / "count.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a edu:Metric }", encoding="utf-8")
    for store in ("rdflib", "oxigraph", "auto"):
        assert run_query(str(q), path, store=store).rows == ((8,),)


def test_load_graph_errors(tmp_path):
    with pytest.raises(GraphInputError):
        load_graph(tmp_path / "missing.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("not turtle <<<", encoding="utf-8")
    with pytest.raises(GraphInputError):
        load_graph(bad)
    with pytest.raises(GraphInputError):
        run_query("shared_initiatives", bad, store="oxigraph")


def test_format_result(graph):
    res = run_query("shared_initiatives", graph)
    table = format_result(res, "table")
    assert table.splitlines()[0].split() == list(res.columns) and "教师交流轮岗" in table
    assert "(2 rows)" in table
    csv_text = format_result(res, "csv")
    assert csv_text.splitlines()[0] == ",".join(res.columns) and len(csv_text.splitlines()) == 3
    assert json.loads(format_result(res, "json"))[0]["label"] == "教师交流轮岗"
    with pytest.raises(QueryError):
        format_result(res, "xml")


def test_run_query_on_an_open_oxigraph_store(tmp_path):
    import pyoxigraph as ox

    from kg.core.errors import QueryError
    from kg.tools.query import run_query

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x")))
    q = tmp_path / "count.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", encoding="utf-8")
    assert list(run_query(str(q), store).rows) == [(1,)]
    with pytest.raises(QueryError):
        run_query(str(q), store, store="rdflib")


@pytest.mark.parametrize("text", ["DELETE WHERE { ?s ?p ?o }", "INSERT DATA { <http://a> <http://b> <http://c> }",
                                  "SELECT WHERE {"])
def test_open_oxigraph_store_refuses_updates_and_garbage(tmp_path, text):
    """On an open store the read-only check is Oxigraph's own query parser; updates stay refused."""
    import pyoxigraph as ox

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x")))
    q = tmp_path / "q.rq"
    q.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError) as err:
        run_query(str(q), store)
    if not text.startswith("SELECT"):
        assert "not allowed" in str(err.value)
    assert len(store) == 1


def test_result_values_are_plain_python_on_both_stores(graph):
    """The faster Oxigraph conversion keeps the types: ints, floats, bools, strings, None."""
    a = run_query("targets_for_year", graph, store="rdflib", params={"year": 2023})
    b = run_query("targets_for_year", graph, store="oxigraph", params={"year": 2023})
    assert [tuple(map(type, r)) for r in a.rows] == [tuple(map(type, r)) for r in b.rows]
    assert {type(v) for r in b.rows for v in r} <= {int, float, bool, str, type(None)}


XSD = "http://www.w3.org/2001/XMLSchema#"
# every kind of term a cell can hold, with what the engine writes bare in TSV (canonical numbers
# and booleans) and what it must quote (other lexical forms, other datatypes, escapes)
TERMS = [
    ("iri", "http://e/x"), ("iri", "http://e/课后服务?a=1#b"), ("bnode", "b1"),
    ("lit", ("课后服务", None, None)), ("lit", ("", None, None)), ("lit", ('tab\there "q" \\ \n \r', None, None)),
    ("lit", ("a\u0001b", None, None)), ("lit", ("双减", "zh", None)), ("lit", ("x", "en-GB", None)),
    ("lit", ("5", None, "integer")), ("lit", ("-12", None, "integer")), ("lit", ("0", None, "integer")),
    ("lit", ("1.50", None, "decimal")), ("lit", ("3.0", None, "decimal")), ("lit", ("-0.25", None, "decimal")),
    ("lit", ("1.5E0", None, "double")), ("lit", ("2e3", None, "double")), ("lit", ("1.5", None, "double")),
    ("lit", ("NaN", None, "double")), ("lit", ("7", None, "int")), ("lit", ("true", None, "boolean")),
    ("lit", ("0", None, "boolean")), ("lit", ("2023", None, "gYear")), ("lit", ("2023-05-01", None, "date")),
    ("lit", ("abc", None, "integer")), ("lit", ("98%", None, "string")),
]


def _term(kind, value):
    import pyoxigraph as ox

    if kind == "iri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    text, lang, datatype = value
    return ox.Literal(text, language=lang, datatype=ox.NamedNode(XSD + datatype) if datatype else None)


def test_oxigraph_cells_read_from_tsv_are_what_each_term_converts_to():
    """Oxigraph's results are read from the TSV it writes, not term by term: every kind of term
    gives the value, and the type, of the term's own conversion; an unbound cell is None."""
    import pyoxigraph as ox

    from kg.tools.query import _from_ox, _run_ox

    store = ox.Store()
    terms = [_term(*t) for t in TERMS]
    for i, t in enumerate(terms):
        store.add(ox.Quad(ox.NamedNode(f"http://e/s{i:02d}"), ox.NamedNode("http://e/p"), t))
    got = _run_ox(store, "SELECT ?s ?o ?none WHERE { ?s <http://e/p> ?o OPTIONAL { ?s <http://e/q> ?none } } ORDER BY ?s")
    want = [(f"http://e/s{i:02d}", _from_ox(next(iter(store.quads_for_pattern(
        ox.NamedNode(f"http://e/s{i:02d}"), None, None))).object), None) for i in range(len(terms))]
    assert [tuple(map(type, r)) for r in got.rows] == [tuple(map(type, r)) for r in want]
    assert list(map(repr, got.rows)) == list(map(repr, want)) and got.columns == ("s", "o", "none")  # NaN too
    assert got.rows[5][1] == 'tab\there "q" \\ \n \r' and got.rows[6][1] == "a\u0001b"  # escaped in TSV
    # no variable, or one that is never bound: a row each, all the same
    assert _run_ox(store, "SELECT * WHERE {}").rows == ((),)
    assert _run_ox(store, "SELECT ?z WHERE { OPTIONAL { ?z <http://e/q> 1 } }").rows == ((None,),)
    assert _run_ox(store, "SELECT ?z WHERE { ?z <http://e/q> 1 }").rows == ()


def test_limit_parameter_on_every_query(graph):
    """``limit`` caps any query's rows (replacing a query's own LIMIT), 0 lifts the cap; both stores."""
    full = run_query("reports_overview", graph, store="rdflib")
    assert len(full.rows) == 4
    for store in ("rdflib", "oxigraph"):
        assert run_query("reports_overview", graph, store=store, params={"limit": 2}).rows == full.rows[:2]
        assert run_query("reports_overview", graph, store=store, params={"limit": 0}).rows == full.rows
    every = run_query("evidence", graph, store="rdflib", params={"limit": 0})
    assert len(every.rows) > 1
    assert run_query("evidence", graph, store="oxigraph").rows == every.rows  # under the default 1,000
    assert run_query("evidence", graph, store="oxigraph", params={"limit": 1}).rows == every.rows[:1]
    for bad in ("-1", "ten", "1 } ?s ?p ?o {"):
        with pytest.raises(QueryError):
            run_query("evidence", graph, params={"limit": bad})


@pytest.mark.parametrize("name", sorted(list_queries()))
def test_every_named_query_lists_its_first_page_in_order(name):
    """A named query ends with LIMIT PAGE_SIZE after an ORDER BY; a full listing drops the limit and
    the page-keys subquery (with its inner LIMIT), a page sizes the inner LIMIT to the page's end."""
    text, _ = load_query(name)
    assert text.rstrip().endswith(f"LIMIT {PAGE_SIZE}") and "ORDER BY" in text.rsplit("}", 1)[1], name
    full = with_page(text, 0)
    assert "LIMIT" not in full and "OFFSET" not in full and "# page" not in full
    page = with_page(text, 5, 20)
    assert page.rstrip().endswith("LIMIT 5\nOFFSET 20")
    keyed = "# page keys" in text
    assert page.count("LIMIT 25  # page") == keyed and page.count("LIMIT") == 1 + keyed


@pytest.mark.parametrize("name", sorted(list_queries()))
def test_pages_are_slices_of_the_full_listing_on_both_stores(graph_for, name):
    """Every page (two rows from each offset) is the full listing's slice, the same on both engines,
    also where a page-keys subquery cuts the keys (files, labels) inside a key's rows."""
    base = PARAMS.get(name, {})
    full = run_query(name, graph_for(name), store="rdflib", params={**base, "limit": 0})
    assert run_query(name, graph_for(name), store="oxigraph", params={**base, "limit": 0}).rows == full.rows
    assert run_query(name, graph_for(name), store="oxigraph", params=base or None).rows == full.rows[:PAGE_SIZE]
    for offset in range(len(full.rows) + 1):
        for store in ("rdflib", "oxigraph") if offset % 3 == 0 else ("oxigraph",):  # rdflib is the slow one
            got = run_query(name, graph_for(name), store=store, params={**base, "limit": 2, "offset": offset})
            assert got.rows == full.rows[offset:offset + 2], (store, offset)


def test_evidence_pages_cross_files(graph):
    """evidence pages by file: the sample's facts lie in several files, several to a file."""
    full = run_query("evidence", graph, store="oxigraph", params={"limit": 0})
    files = [r[full.columns.index("file")] for r in full.rows]
    assert files == sorted(files) and len(set(files)) >= 2 and len(files) > len(set(files))
    with_text = run_query("evidence", graph, store="oxigraph", params={"text": "教师", "limit": 0})
    assert with_text.rows and all("教师" in r[full.columns.index("quote")] for r in with_text.rows)
    for store in ("rdflib", "oxigraph"):
        page = run_query("evidence", graph, store=store, params={"text": "教师", "limit": 1, "offset": 1})
        assert page.rows == with_text.rows[1:2], store


@pytest.mark.parametrize(("limit", "offset", "tail"), [
    (None, 3, "LIMIT 7\nOFFSET 3"), (0, 3, "?s\nOFFSET 3"), (2, None, "LIMIT 2\nOFFSET 4"), (0, 0, "?s"),
])
def test_with_page_replaces_or_keeps_a_query_files_own_slice(limit, offset, tail):
    text = "SELECT ?s WHERE { ?s ?p ?o }\nORDER BY ?s\nLIMIT 7 OFFSET 4\n"
    assert with_page(text, limit, offset).rstrip().endswith(tail)
    assert with_page("SELECT ?s WHERE { ?s ?p ?o }", None, 2).rstrip().endswith("}\nOFFSET 2")


@pytest.mark.parametrize("bad", [{"offset": "-1"}, {"offset": "x"}, {"limit": "1 } ?s ?p ?o {"}, {"limit": "-3"}])
def test_bad_page_parameters_are_query_errors(graph, bad):
    with pytest.raises(QueryError):
        run_query("evidence", graph, params=bad)


def test_indicator_parameter_keeps_one_indicator_on_both_stores(graph):
    iri = "https://w3id.org/edu-kg/indicator/new-places"
    for store in ("rdflib", "oxigraph"):
        r = rows(run_query("indicator_by_region", graph, store=store, params={"indicator": iri}))
        assert [(x["indicator"], x["base_value"]) for x in r] == [(iri, 540)], store
