"""kg.rdf.graph: records → RDF with deterministic IRIs, compared with hand-written graphs."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from decimal import Decimal

import pytest
import rdflib.namespace as rns
from graph_fixtures import QINGSHAN, mention, metric, sample_facts, src
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_canonical_graph
from rdflib.namespace import RDF, SKOS

from kg.core.records import Bureau, ReportFacts
from kg.rdf.graph import build_graph, decimal_literal
from kg.terms import vocab as V
from kg.terms.taxonomy import Concept, Taxonomy, Theme, load_taxonomy


def small_report() -> ReportFacts:
    return ReportFacts(
        source=src("d" * 64, "small.txt"), index=1, title=None, head="正文", span=(0, 50),
        bureau=Bureau(name="青山区教育局", region=QINGSHAN, level="county", anonymized=False),
        summary_year=2022, plan_year=None,
        mentions=(mention("智慧校园", "smart-campus", "achieved", 2022, (3, 7), "建成智慧校园"),),
        metrics=(metric("新建学校", "2", "所", "=", 2022, "achieved", (10, 15), "新建学校2所",
                        initiative="智慧校园"),),
    )


EXPECTED = """
@prefix edu: <https://w3id.org/edu-kg/ontology#> .
@prefix id: <https://w3id.org/edu-kg/id/> .
@prefix ini: <https://w3id.org/edu-kg/initiative/> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/edu-kg/id/region/910000> a edu:Region ; edu:level "province" ; rdfs:label "东海省"@zh ;
    edu:adminCode "910000" .
<https://w3id.org/edu-kg/id/region/910100> a edu:Region ; edu:level "city" ; rdfs:label "临江市"@zh ;
    edu:adminCode "910100" ; edu:partOf <https://w3id.org/edu-kg/id/region/910000> .
<https://w3id.org/edu-kg/id/region/910102> a edu:Region ; edu:level "county" ; rdfs:label "青山区"@zh ;
    edu:adminCode "910102" ; edu:partOf <https://w3id.org/edu-kg/id/region/910100> ;
    edu:hasBureau <https://w3id.org/edu-kg/id/bureau/910102/BUREAU> .
<https://w3id.org/edu-kg/id/bureau/910102/BUREAU> a edu:Bureau ; rdfs:label "青山区教育局"@zh ;
    edu:anonymized false ; edu:level "county" ; edu:region <https://w3id.org/edu-kg/id/region/910102> ;
    edu:implements ini:smart-campus .
<https://w3id.org/edu-kg/id/source/dddddddddddddddd> a edu:SourceFile ; edu:fileName "small.txt" ;
    edu:sha256 "DDDD" ; dcterms:format "txt" .
<https://w3id.org/edu-kg/id/report/dddddddddddddddd-1> a edu:Report ;
    edu:sourceFile <https://w3id.org/edu-kg/id/source/dddddddddddddddd> ;
    edu:issuedBy <https://w3id.org/edu-kg/id/bureau/910102/BUREAU> ;
    edu:reportIndex 1 ; edu:head "正文" ; edu:summaryYear "2022"^^xsd:gYear ; edu:kind "summary" ;
    edu:startOffset 0 ; edu:endOffset 50 .
ini:scheme a skos:ConceptScheme .
ini:smart-campus a skos:Concept ; skos:inScheme ini:scheme ; skos:prefLabel "智慧校园"@zh , "Smart campus"@en ;
    skos:broader ini:theme-services .
ini:theme-services a edu:Theme , skos:Concept ; skos:prefLabel "学生服务"@zh , "Student services"@en .
<https://w3id.org/edu-kg/id/mention/dddddddddddddddd-1/3-7> a edu:InitiativeMention ;
    rdfs:label "智慧校园"@zh ; edu:bureau <https://w3id.org/edu-kg/id/bureau/910102/BUREAU> ;
    edu:concept ini:smart-campus ; edu:status "achieved" ; edu:scope "national" ;
    edu:year "2022"^^xsd:gYear ;
    prov:wasDerivedFrom <https://w3id.org/edu-kg/id/report/dddddddddddddddd-1> ;
    edu:quote "建成智慧校园" ; edu:quoteOriginal "建成智慧校园" ; edu:startOffset 3 ; edu:endOffset 7 .
<https://w3id.org/edu-kg/id/metric/dddddddddddddddd-1/10-15> a edu:Metric ;
    edu:indicator "新建学校" ; schema:value "2.0"^^xsd:decimal ; schema:unitText "所" ; edu:comparator "=" ;
    edu:year "2022"^^xsd:gYear ; edu:status "achieved" ; edu:redacted false ;
    edu:bureau <https://w3id.org/edu-kg/id/bureau/910102/BUREAU> ;
    edu:initiative <https://w3id.org/edu-kg/id/mention/dddddddddddddddd-1/3-7> ;
    prov:wasDerivedFrom <https://w3id.org/edu-kg/id/report/dddddddddddddddd-1> ;
    edu:quote "新建学校2所" ; edu:quoteOriginal "新建学校2所" ; edu:startOffset 10 ; edu:endOffset 15 .
"""


QINGSHAN_BUREAU = "17b954d72b"  # sha256("青山区教育局")[:10], written out: IRIs must not drift with the code


def test_small_report_matches_the_expected_graph(taxonomy):
    got = build_graph([small_report()], taxonomy=taxonomy)
    text = EXPECTED.replace("BUREAU", QINGSHAN_BUREAU).replace("DDDD", "d" * 64)
    expected = Graph().parse(data=text, format="turtle")
    if not isomorphic(to_canonical_graph(got), to_canonical_graph(expected)):
        missing = set(expected) - set(got)
        extra = set(got) - set(expected)
        pytest.fail(f"missing {sorted(missing)[:5]} extra {sorted(extra)[:5]}")


def test_iris_do_not_depend_on_order(taxonomy):
    a = build_graph(sample_facts(), taxonomy=taxonomy)
    b = build_graph(list(reversed(sample_facts())), taxonomy=taxonomy)
    assert set(a) == set(b)


def test_iri_scheme(graph):
    assert (V.ID["report/aaaaaaaaaaaaaaaa-1"], RDF.type, V.Report) in graph
    assert (V.ID["metric/aaaaaaaaaaaaaaaa-1/40-48"], RDF.type, V.Metric) in graph
    assert (V.ID["mention/aaaaaaaaaaaaaaaa-1/20-26"], RDF.type, V.InitiativeMention) in graph
    assert (V.ID["region/910102"], V.partOf, V.ID["region/910100"]) in graph
    bureau = V.ID[f"bureau/910102/{QINGSHAN_BUREAU}"]
    assert (V.ID["region/910102"], V.hasBureau, bureau) in graph
    assert (bureau, V.implements, V.CONCEPT["teacher-rotation"]) in graph
    local = V.LOCAL[f"910102/{QINGSHAN_BUREAU}/c9f74f083b"]  # sha256("四点半课堂")[:10]
    assert (local, RDF.type, V.LocalInitiative) in graph
    assert (local, V.scope, Literal("local")) in graph
    assert (local, SKOS.prefLabel, Literal("四点半课堂", lang="zh")) in graph


def test_anonymized_bureaus_are_never_merged(graph):
    anon = {b for b in graph.subjects(V.anonymized, Literal(True))}
    assert len(anon) == 2, "two X县教育局 in two reports stay two bureaus"
    assert all("/anon-" in str(b) for b in anon)


def test_placeless_bureaus_are_never_merged(taxonomy):
    """县教育局 named without its place in two reports of one city may be two counties' bureaus."""
    city = replace(QINGSHAN, county=None, county_code=None)
    one = replace(small_report(), bureau=Bureau(name="县教育局", region=city, level="county", anonymized=False,
                                                placeless=True))
    two = replace(one, source=src("e" * 64, "again.txt"), mentions=(), metrics=())
    g = build_graph([one, two], taxonomy=taxonomy)
    nodes = set(g.subjects(RDF.type, V.Bureau))
    assert len(nodes) == 2 and all("/anon-" in str(b) for b in nodes)
    assert all((b, V.anonymized, Literal(False)) in g for b in nodes)  # placeless is not anonymized


def test_same_named_bureau_in_two_reports_is_one_node(taxonomy):
    one = small_report()
    two = replace(one, source=src("e" * 64, "again.txt"), mentions=(), metrics=())
    g = build_graph([one, two], taxonomy=taxonomy)
    assert len(set(g.subjects(RDF.type, V.Bureau))) == 1
    assert len(set(g.subjects(RDF.type, V.Report))) == 2


def test_unknown_region_is_flagged_and_report_scoped(taxonomy):
    f = replace(small_report(), bureau=Bureau(name="某教育局", region=None, level=None, anonymized=False))
    g = build_graph([f], taxonomy=taxonomy)
    (b,) = set(g.subjects(RDF.type, V.Bureau))
    assert (b, V.regionUnknown, Literal(True)) in g and "/anon-dddddddddddddddd-1/" in str(b)


def test_literal_datatypes(graph):
    for p, dt in ((V.year, rns.XSD.gYear), (V.summaryYear, rns.XSD.gYear), (V.value, rns.XSD.decimal),
                  (V.baseValue, rns.XSD.decimal), (V.startOffset, rns.XSD.integer), (V.reportIndex, rns.XSD.integer)):
        objs = list(graph.objects(None, p))
        assert objs and all(o.datatype == dt for o in objs), p
    assert not list(graph.objects(V.ID["metric/aaaaaaaaaaaaaaaa-1/80-86"], V.value)), "redacted: no value"


def test_concepts_are_self_describing(graph):
    c = V.CONCEPT["teacher-rotation"]
    assert (c, SKOS.inScheme, V.SCHEME) in graph
    assert (c, SKOS.prefLabel, Literal("Teacher rotation", lang="en")) in graph
    assert (V.CONCEPT["theme-teachers"], RDF.type, V.Theme) in graph


def test_unknown_concept_stays_outside_the_scheme(taxonomy):
    f = replace(small_report(), mentions=(mention("不存在", "no-such-concept", "achieved", 2022, (3, 7), "q"),))
    g = build_graph([f], taxonomy=taxonomy)
    assert (V.CONCEPT["no-such-concept"], SKOS.inScheme, V.SCHEME) not in g


def test_hand_made_taxonomy_is_copied():
    tax = Taxonomy(concepts={"smart-campus": Concept("smart-campus", "智慧校园", "Smart campus", (), "theme-services")},
                   themes={"theme-services": Theme("theme-services", "学生服务", "Student services")})
    g = build_graph([small_report()], taxonomy=tax)
    assert (V.CONCEPT["smart-campus"], SKOS.broader, V.CONCEPT["theme-services"]) in g
    assert (V.CONCEPT["theme-services"], SKOS.prefLabel, Literal("学生服务", lang="zh")) in g


SUB_CONCEPT = """@prefix ini: <https://w3id.org/edu-kg/initiative/> .
@prefix edu: <https://w3id.org/edu-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ini:theme-services a edu:Theme , skos:Concept ; skos:inScheme ini:scheme ; skos:prefLabel "学生服务"@zh .
ini:campus a skos:Concept ; skos:inScheme ini:scheme ; skos:prefLabel "校园"@zh , "Campus"@en ;
    skos:broader ini:theme-services .
ini:smart-campus a skos:Concept ; skos:inScheme ini:scheme ; skos:prefLabel "智慧校园"@zh ;
    skos:broader ini:campus .
ini:unlisted a skos:Concept ; skos:prefLabel "不在体系"@zh ; skos:broader ini:theme-services .
"""


def test_sub_concept_points_at_its_parent_and_unlisted_concept_stays_outside(tmp_path):
    """The concept's own skos:broader is copied (a parent concept, typed as its theme node), and
    a concept the file leaves out of the scheme is written outside it."""
    p = tmp_path / "sub.ttl"
    p.write_text(SUB_CONCEPT, encoding="utf-8")
    unlisted = mention("不在体系", "unlisted", "achieved", 2022, (20, 24), "不在体系")
    f = replace(small_report(), mentions=(*small_report().mentions, unlisted))
    g = build_graph([f], taxonomy=load_taxonomy(p))
    smart, campus = V.CONCEPT["smart-campus"], V.CONCEPT["campus"]
    assert (smart, SKOS.broader, campus) in g and (campus, RDF.type, V.Theme) in g
    assert (campus, SKOS.prefLabel, Literal("Campus", lang="en")) in g
    assert (V.CONCEPT["unlisted"], SKOS.inScheme, V.SCHEME) not in g


def test_prefixes_are_bound(graph):
    bound = {p: str(ns) for p, ns in graph.namespaces()}
    for prefix, ns in V.PREFIXES.items():
        assert bound.get(prefix) == str(ns), prefix


def test_metric_links_to_its_mention_by_label(graph):
    m = V.ID["metric/aaaaaaaaaaaaaaaa-1/40-48"]
    assert graph.value(m, V.initiative) == V.ID["mention/aaaaaaaaaaaaaaaa-1/30-34"]


def test_graph_module_imports_no_nlp():
    code = ("import sys, kg.rdf.graph; bad = [m for m in sys.modules if m.split('.')[0] in ('spacy', 'jieba', "
            "'jionlp') or m.startswith('kg.extract')]; print(bad); sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize("value, lexical", [("540", "540.0"), ("1.50", "1.5"), ("1E+3", "1000.0"),
                                            ("0.0098", "0.0098"), ("-2.0", "-2.0"), ("0", "0.0"),
                                            ("-0.00", "0.0")])
def test_decimal_literal_is_canonical(value, lexical):
    assert str(decimal_literal(Decimal(value))) == lexical


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**9, max_value=10**9))
def test_decimal_literal_keeps_the_value(d):
    lit = decimal_literal(d)
    assert Decimal(str(lit)) == d and "E" not in str(lit).upper()


def test_duplicate_spans_get_distinct_iris(taxonomy):
    a = metric("甲", "1", "个", "=", 2022, "achieved", (10, 15), "甲1个")
    b = metric("乙", "2", "个", "=", 2022, "achieved", (10, 15), "乙2个")
    g = build_graph([replace(small_report(), metrics=(a, b))], taxonomy=taxonomy)
    assert len(set(g.subjects(RDF.type, V.Metric))) == 2
    assert isinstance(next(iter(g.subjects(RDF.type, V.Metric))), URIRef)


def test_places_sharing_a_gazetteer_code_stay_apart_and_conform(taxonomy):
    """Hong Kong districts, two zones jionlp gives one code, and a municipality's district: every
    region node has one name and one level, and none is part of itself."""
    from kg.extract.places import gazetteer
    from kg.rdf.validate import validate

    def place(name):
        (p,) = [p for p in gazetteer().by_name[name] if p.level == "county"]
        return p.region

    names = ["南区", "湾仔区", "平顶山高新技术产业开发区", "平顶山市城乡一体化示范区", "东城区"]
    facts = [replace(small_report(), source=src(f"{i:x}" * 64, f"r{i}.txt"),
                     bureau=Bureau(name=f"{n}教育局", region=place(n), level="county", anonymized=False))
             for i, n in enumerate(names, 1)]
    g = build_graph(facts, taxonomy=taxonomy)
    report = validate(g)
    assert report.conforms, [(v.focus, v.message) for v in report.violations]
    regions = {g.value(b, V.region) for b in g.subjects(RDF.type, V.Bureau)}
    assert len(regions) == len(names)
    for r in g.subjects(RDF.type, V.Region):
        assert len(set(g.objects(r, rns.RDFS.label))) == 1 and (r, V.partOf, r) not in g
    assert g.value(V.ID["region/110101"], V.partOf) == V.ID["region/110000"]


def test_report_lines_are_the_graphs_n_triples(taxonomy):
    """The builder writes N-Triples text itself: its lines are what rdflib's terms write, awkward
    characters included (quotes, backslashes, line breaks in a quote)."""
    from kg.rdf.graph import concept_lookup, report_lines
    from kg.terms.triples import nt_lines

    f = small_report()
    odd = replace(f.metrics[0], quote='新建"学校"\\2所\n其中\r1所')
    facts = [*sample_facts(), replace(f, metrics=(odd,))]
    lines = report_lines(facts, concept_lookup(taxonomy))
    assert sorted(set(lines)) == nt_lines(build_graph(facts, taxonomy=taxonomy))
    assert any('\\"学校\\"\\\\2所\\n其中\\r1所' in line for line in lines)
