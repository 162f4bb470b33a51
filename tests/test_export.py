"""kg.outputs.export: stable bytes, atomic writes, facts.json read back from the graph."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from facts_format import check_facts
from graph_fixtures import sample_facts
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.outputs.export import facts_from_graph, serialize_graph, write_graph, write_json
from kg.rdf.graph import build_graph
from kg.terms import triples


@pytest.mark.parametrize("fmt, parse_as", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_same_graph_same_bytes_and_round_trip(tmp_path, taxonomy, graph, fmt, parse_as):
    other = build_graph(list(reversed(sample_facts())), taxonomy=taxonomy)
    a = write_graph(graph, tmp_path / f"a.{fmt}", fmt)
    b = write_graph(other, tmp_path / f"b.{fmt}", fmt)
    assert a.read_bytes() == b.read_bytes()
    back = Graph().parse(a, format=parse_as)
    assert isomorphic(back, graph)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temp files left"


def test_turtle_uses_the_prefixes(graph):
    text = serialize_graph(graph, "turtle").decode("utf-8")
    assert "@prefix edu: <https://w3id.org/edu-kg/ontology#>" in text
    assert 'edu:comparator "="' in text and '"2022"^^xsd:gYear' in text


def test_nt_lines_are_sorted(graph):
    lines = serialize_graph(graph, "nt").decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(graph)


def test_big_graph_turtle_goes_through_oxigraph(monkeypatch, graph):
    monkeypatch.setattr(triples, "OXIGRAPH_LIMIT", 10)
    data = serialize_graph(graph, "turtle")
    assert data == serialize_graph(graph, "turtle")
    text = data.decode("utf-8")
    assert "@prefix edu:" in text and 'edu:comparator "="' in text
    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)


def test_unknown_format_is_refused(graph, tmp_path):
    with pytest.raises(ValueError):
        write_graph(graph, tmp_path / "x.xml", "rdfxml")


def test_write_json_is_stable_and_keeps_chinese(tmp_path):
    p = write_json({"b": [1, Decimal("2.50"), Decimal("3")], "a": "教育局"}, tmp_path / "o.json")
    text = p.read_text(encoding="utf-8")
    assert text.startswith('{\n "a": "教育局"') and json.loads(text) == {"a": "教育局", "b": [1, 2.5, 3]}


def test_facts_from_graph_matches_the_format(graph):
    doc = facts_from_graph(graph)
    assert check_facts(doc) == []
    assert [(r["source"], r["id"].rsplit("-", 1)[-1]) for r in doc["reports"]] == [
        ("compilation.txt", "1"), ("compilation.txt", "2"), ("other.txt", "1"), ("qingshan.txt", "1")]


def test_facts_round_trip_hand_made_facts(graph):
    by_source = {(r["source"], r["id"]): r for r in facts_from_graph(graph)["reports"]}
    for f in sample_facts():
        r = by_source[(f.source.name, f"https://w3id.org/edu-kg/id/report/{f.key}")]
        assert r["head"] == f.head and r["bureau"] == f.bureau.name
        assert r["bureau_anonymized"] is f.bureau.anonymized
        assert r["summary_year"] == f.summary_year and r["plan_year"] == f.plan_year
        region = f.bureau.region
        assert r["region"] == {"province": region.province if region else None,
                               "city": region.city if region else None,
                               "county": region.county if region else None}
        assert [i["label"] for i in r["initiatives"]] == [m.label for m in sorted(f.mentions, key=lambda m: m.span)]
        for i, m in zip(r["initiatives"], sorted(f.mentions, key=lambda m: m.span), strict=True):
            assert i["status"] == m.status and i["quote"] == m.quote and i["scope"] == m.scope
            assert (i["concept"] is None) == (m.concept is None)
            assert i["aliases"] == sorted(set(m.aliases))
        got = [(x["indicator"], x["value"], x["unit"], x["comparator"], x["year"], x["status"], x["redacted"],
                x["quote"], x["initiative"]) for x in r["metrics"]]
        want = [(x.indicator, None if x.value is None else (int(x.value) if x.value == int(x.value) else float(x.value)),
                 x.unit, x.comparator, x.year, x.status, x.redacted, x.quote, x.initiative)
                for x in sorted(f.metrics, key=lambda x: x.span)]
        assert got == want


def test_values_are_json_numbers(graph):
    values = [m["value"] for r in facts_from_graph(graph)["reports"] for m in r["metrics"]]
    assert 540 in values and 1.5 in values and None in values
    assert all(v is None or type(v) in (int, float) for v in values)
    assert all(type(v) is int for v in values if v in (540, 98, 100, 120))


def test_facts_never_say_more_than_the_graph(graph):
    g = Graph()
    g += graph
    from kg.terms.vocab import ID

    g.remove((ID["metric/aaaaaaaaaaaaaaaa-1/300-310"], None, None))
    quotes = {m["quote"] for r in facts_from_graph(g)["reports"] for m in r["metrics"]}
    assert "力争新增学位540个以上" not in quotes and "培训教师X名" in quotes


@pytest.mark.parametrize("fmt", ["nt", "turtle", "turtle-oxigraph", "jsonld"])
def test_awkward_strings_round_trip(monkeypatch, taxonomy, fmt):
    from dataclasses import replace

    f = replace(sample_facts()[0], head='第一行\n第二行 "引号" \\ 反斜杠\t制表')
    g = build_graph([f], taxonomy=taxonomy)
    if fmt == "turtle-oxigraph":
        monkeypatch.setattr(triples, "OXIGRAPH_LIMIT", 10)
    data = serialize_graph(g, fmt.split("-")[0]).decode("utf-8")
    back = Graph().parse(data=data, format={"nt": "nt", "jsonld": "json-ld"}.get(fmt, "turtle"))
    assert isomorphic(back, g)


@pytest.mark.parametrize("mode", ["w", "wb"])
def test_atomic_open_gives_plain_permissions_and_leaves_nothing_on_failure(tmp_path, mode):
    import os
    import stat

    from kg.core.atomic import atomic_open

    old = os.umask(0o022)
    try:
        with atomic_open(tmp_path / "out.txt", mode) as f:
            f.write("图\n" if mode == "w" else "图\n".encode())
        assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o644
        assert (tmp_path / "out.txt").read_bytes() == "图\n".encode()
        with pytest.raises(RuntimeError), atomic_open(tmp_path / "out.txt", mode) as f:
            f.write("half" if mode == "w" else b"half")
            raise RuntimeError("interrupted")
    finally:
        os.umask(old)
    assert (tmp_path / "out.txt").read_bytes() == "图\n".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_municipality_is_its_own_city_in_facts(tmp_path):
    """北京市 / 北京市 / 东城区, as the national division tables write a municipality's district."""
    from kg.core.config import Config
    from kg.pipeline.build import build

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.txt").write_text(
        "东城区教育委员会2015年工作总结\n2015年,全区新建学校3所,新增学位900个,组织骨干教师培训2000人次,办学条件明显改善。\n",
        encoding="utf-8")
    build([tmp_path / "in"], Config(outdir=tmp_path / "out", progress=False, viewer=False))
    (report,) = json.loads((tmp_path / "out" / "facts.json").read_text(encoding="utf-8"))["reports"]
    assert report["region"] == {"province": "北京市", "city": "北京市", "county": "东城区"}


_scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
            | st.decimals(allow_nan=False, allow_infinity=False, places=3))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                       | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=6), _values, max_size=6)
       | st.dictionaries(st.integers(), st.integers(), min_size=1, max_size=3))
def test_report_fragment_is_the_json_modules_text_indented(report):
    """report_fragment writes facts.json's text itself (json's indented encoder is slow): the
    bytes of json.dumps, every line indented two more, for any value (an int key: json's own)."""
    from kg.outputs.export import _json_default, report_fragment

    text = json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True, default=_json_default)
    assert report_fragment(report) == "\n".join("  " + line for line in text.split("\n"))
