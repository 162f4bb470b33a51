"""kg.terms.triples: N-Triples lines parse back to the same terms; the index answers like rdflib."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

from kg.terms import triples as T
from kg.terms.triples import (
    TripleIndex,
    iri_text,
    nt_iri,
    nt_line,
    nt_lines,
    nt_literal,
    nt_term,
    parse_nt,
    read_nt,
    read_turtle,
    to_graph,
)

S = URIRef("https://example.org/s")
P = URIRef("https://example.org/p")

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(text, st.sampled_from([None, "zh", "en"]))
def test_string_literals_round_trip_through_oxigraph_and_rdflib(value, lang):
    lit = Literal(value, lang=lang)
    line = nt_line((S, P, lit))
    parsed = next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES)))
    assert parsed.object.value == value
    assert set(Graph().parse(data=line, format="nt")) == {(S, P, lit)}


def test_typed_literals_and_iris_with_awkward_characters(tmp_path):
    triples = [(S, P, Literal("2022", datatype=XSD.gYear)), (S, P, Literal(True)),
               (S, P, Literal("1.50", datatype=XSD.decimal)), (S, RDFS.label, Literal('a"b\\c\nd\re')),
               (URIRef("https://example.org/%E9%9D%92%20%3C"), P, S)]
    path = tmp_path / "t.nt"
    path.write_text("".join(nt_lines(triples)), encoding="utf-8")
    assert isomorphic(to_graph(read_nt(path)), to_graph(triples))


TURTLE = """@prefix ex: <https://example.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a skos:Concept ; skos:prefLabel "青山计划"@zh , "Green Hill"@en ;
    ex:count 3 ; ex:rate 1.50 ; ex:on true ; ex:year "2024"^^xsd:gYear ;
    ex:list ( ex:b ex:c ) ; ex:node [ ex:p "x" ] .
"""


def test_read_turtle_gives_the_triples_rdflib_parses(tmp_path):
    path = tmp_path / "t.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    got = read_turtle(path)
    assert isinstance(got, TripleIndex)
    assert isomorphic(to_graph(got), Graph().parse(path, format="turtle"))
    a = URIRef("https://example.org/a")
    assert got.value(a, URIRef("https://example.org/count")) == Literal(3)


def test_read_turtle_names_the_line_of_a_syntax_error(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text(TURTLE + "ex:d ex:p\n", encoding="utf-8")
    with pytest.raises(SyntaxError, match="8"):
        read_turtle(path)


def test_nt_lines_are_sorted_and_unique():
    lines = nt_lines([(S, P, Literal("b")), (S, P, Literal("a")), (S, P, Literal("a"))])
    assert lines == sorted(lines) and len(lines) == 2


def test_index_answers_like_rdflib():
    triples = [(S, RDF.type, P), (S, RDFS.label, Literal("z")), (S, RDFS.label, Literal("a")),
               (BNode("b1"), RDF.type, P), (S, RDFS.label, Literal("a"))]
    idx, g = TripleIndex(triples), to_graph(triples)
    assert len(idx) == len(g) == 4
    assert set(idx) == set(g)
    assert idx.value(S, RDFS.label) == Literal("a")  # the smallest, whatever the order
    assert TripleIndex(reversed(triples)).value(S, RDFS.label) == Literal("a")
    assert set(idx.subjects(RDF.type, P)) == set(g.subjects(RDF.type, P))
    assert set(idx.objects(S, RDFS.label)) == set(g.objects(S, RDFS.label))
    assert set(idx.subject_objects(RDFS.label)) == set(g.subject_objects(RDFS.label))
    assert (S, RDF.type, P) in idx and (S, RDF.type, S) not in idx
    assert (None, RDF.type, P) in idx and (None, RDFS.comment, None) not in idx
    assert idx.value(S, RDFS.comment) is None


# --- N-Triples text without rdflib terms (the graph builder's), and back -------------------------

AWKWARD = ["", "课后服务", 'a"b\\c\nd\re', "tab\there", "x" * 3]
TYPED = [Literal("2022", datatype=XSD.gYear), Literal(True), Literal("1.50", datatype=XSD.decimal),
         Literal("7", datatype=XSD.integer), Literal("s", datatype=XSD.string)]


@pytest.mark.parametrize("value", AWKWARD)
@pytest.mark.parametrize("lang", [None, "zh", "en"])
def test_nt_literal_writes_what_nt_term_writes(value, lang):
    assert nt_literal(value, lang) == nt_term(Literal(value, lang=lang))


@pytest.mark.parametrize("lit", TYPED)
def test_nt_literal_of_typed_values(lit):
    assert nt_literal(str(lit), None, str(lit.datatype)) == nt_term(lit)


@pytest.mark.parametrize("iri", ["https://example.org/a", "https://example.org/青 <x>", "urn:x\x01{}|^`\\"])
def test_nt_iri_writes_what_nt_term_writes_and_iri_text_reads_it_back(iri):
    assert nt_iri(iri) == nt_term(URIRef(iri))
    assert iri_text(nt_iri(iri)) == iri


@settings(max_examples=300, deadline=None)
@given(text, st.sampled_from([None, "zh", "en"]))
def test_index_from_lines_holds_the_terms_the_parser_makes(value, lang):
    """Strings are made without rdflib's casting: equal, of the same kind, and as rdflib makes them."""
    lines = [nt_line((S, P, Literal(value, lang=lang))), nt_line((S, RDFS.label, Literal(value)))]
    got, want = sorted(TripleIndex.from_lines(lines), key=nt_line), sorted(parse_nt("".join(lines)), key=nt_line)
    assert got == want
    for a, b in zip(got, want, strict=True):
        assert [type(x) for x in a] == [type(x) for x in b]
        assert (a[2].language, a[2].datatype, a[2].value) == (b[2].language, b[2].datatype, b[2].value)


def test_index_from_lines_answers_as_the_index_of_parsed_triples():
    triples = [(S, RDF.type, P), (S, RDFS.label, Literal("z", lang="zh")), (S, RDFS.label, Literal("a")),
               (BNode("b1"), RDF.type, P), (URIRef("https://example.org/青%20x"), P, S),
               *((S, P, lit) for lit in TYPED)]
    lines = nt_lines(triples)
    idx, ref = TripleIndex.from_lines(lines), TripleIndex(parse_nt("".join(lines)))
    assert len(idx) == len(ref) == len(triples)
    assert set(idx) == set(ref)  # "s"^^xsd:string reads as "s" in both (RDF 1.1)
    assert idx.value(S, RDFS.label) == ref.value(S, RDFS.label) == Literal("a")
    assert idx.value(S, RDFS.label).language is None
    assert set(idx.subjects(RDF.type, P)) == {S, BNode("b1")}
    assert idx.value(S, P, any=True) == ref.value(S, P, any=True)
    assert set(idx.subject_objects(RDFS.label)) == set(ref.subject_objects(RDFS.label))
    assert idx.value(predicate=RDF.type, object=P) == ref.value(predicate=RDF.type, object=P)
    # lines in any order, a subject's lines apart: the same index
    assert set(TripleIndex.from_lines(reversed(lines))) == set(idx)
    assert set(TripleIndex.from_lines(lines[1:] + lines[:1]).subjects(RDF.type, P)) == {S, BNode("b1")}
    with pytest.raises(TypeError):
        idx.add((S, P, S))


@pytest.mark.parametrize("cut", [1, 3, 5])
def test_index_from_lines_over_a_base_answers_as_one_index_and_leaves_the_base(cut):
    """A batch read beside a shared base answers as the index of both; a subject in both (here S)
    gets its own copy, and the base is the same afterwards."""
    other = URIRef("https://example.org/o")
    triples = [(S, RDF.type, P), (S, RDFS.label, Literal("z", lang="zh")), (BNode("b1"), RDF.type, P),
               (other, P, S), (other, RDFS.label, Literal("o")), (S, P, Literal("p"))]
    lines = nt_lines(triples)
    base = TripleIndex.from_lines(lines[:cut])
    before = sorted(base, key=nt_line)
    idx, ref = TripleIndex.from_lines(lines[cut:], base), TripleIndex.from_lines(lines)
    assert sorted(idx, key=nt_line) == sorted(ref, key=nt_line) and len(idx) == len(ref)
    assert set(idx.subjects(RDF.type, P)) == set(ref.subjects(RDF.type, P))
    assert idx.value(S, RDFS.label) == ref.value(S, RDFS.label)
    assert sorted(base, key=nt_line) == before and len(base) == cut
    assert idx.has_subject(other) and not TripleIndex.from_lines(nt_lines([(S, P, other)])).has_subject(other)


def test_fast_strings_are_in_use_with_this_rdflib():
    """rdflib's Literal keeps its four slots: the fast strings are on (else every build is slower)."""
    assert T._FAST_STRINGS
