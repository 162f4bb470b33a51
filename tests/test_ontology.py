"""ontology/edu.ttl: parses, declares every EDU term the code, shapes and queries use, in zh and en."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.plugins.sparql import prepareQuery

from kg.terms import vocab as V

ONTO = Path(__file__).resolve().parent.parent / "ontology"
DECLARED_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTO / "edu.ttl", format="turtle")


def declared(g: Graph) -> set[URIRef]:
    return {s for t in DECLARED_TYPES for s in g.subjects(RDF.type, t) if str(s).startswith(str(V.EDU))}


def test_ontology_parses_and_is_an_owl_ontology(onto):
    assert (URIRef(V.BASE + "ontology"), RDF.type, OWL.Ontology) in onto
    assert len(declared(onto)) >= 40


def test_every_vocab_term_is_declared(onto):
    terms = {v for v in vars(V).values() if isinstance(v, URIRef) and str(v).startswith(str(V.EDU))}
    assert terms, "vocab names EDU terms"
    assert terms - declared(onto) == set()


KG_DIR = Path(V.__file__).resolve().parents[1]


def edu_terms(path: Path) -> set:
    """The edu: terms a file names, as edu:X in text or V.X in code."""
    text = path.read_text(encoding="utf-8")
    used = {V.EDU[t] for t in re.findall(r"\bedu:([A-Za-z]\w*)", text)}
    return used | {V.EDU[t] for t in re.findall(r"\bV\.([A-Za-z]\w*)", text)
                   if isinstance(getattr(V, t, None), URIRef) and str(getattr(V, t)).startswith(str(V.EDU))}


@pytest.mark.parametrize("path", sorted([ONTO / "shapes.ttl", *(ONTO / "queries").glob("*.rq"),
                                         *(p for p in KG_DIR.rglob("*.py") if edu_terms(p))]),
                         ids=lambda p: p.name)
def test_every_edu_term_used_is_declared(onto, path):
    used = edu_terms(path)
    assert used, f"{path.name} uses EDU terms"
    assert used - declared(onto) == set()


def test_labels_and_comments_in_chinese_and_english(onto):
    for term in declared(onto):
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in onto.objects(term, prop)}
            assert {"zh", "en"} <= langs, f"{term} {prop} has {langs}"


def test_properties_have_ranges_and_reused_superclasses(onto):
    for p in declared(onto):
        if (p, RDF.type, OWL.Class) not in onto:
            assert onto.value(p, RDFS.range) is not None, p
    assert (V.Bureau, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Organization")) in onto
    assert (V.Metric, RDFS.subClassOf, V.SCHEMA.QuantitativeValue) in onto
    assert (V.Report, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in onto
    assert (V.Theme, RDF.type, OWL.Class) in onto


def test_shapes_parse():
    g = Graph().parse(ONTO / "shapes.ttl", format="turtle")
    assert len(set(g.subjects(URIRef("http://www.w3.org/ns/shacl#targetClass"), None))) >= 6


@pytest.mark.parametrize("path", sorted((ONTO / "queries").glob("*.rq")), ids=lambda p: p.stem)
def test_named_queries_parse(path):
    prepareQuery(path.read_text(encoding="utf-8"))
