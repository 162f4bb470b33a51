"""kg.outputs.viz and the modules it draws on (network, layout): network from RDF, region projection,
layout, escaping, determinism, atomic write, open."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from hypothesis import given
from hypothesis import strategies as st

import kg.outputs.layout as layout
import kg.outputs.network as network
import kg.outputs.viz as viz
from kg.core.errors import InputError
from kg.terms import vocab as V

FIXTURE = Path(__file__).parent / "fixtures" / "viewer_graph.ttl"
TEMPLATE = Path(viz.__file__).parents[1] / "templates" / "viewer.html"
PAYLOAD = '<script>window.__kgPwned=1</script><img src=x onerror="window.__kgPwned=2">'


def iri(name: str) -> str:
    """Fixture names → IRIs: bureaus and regions under id:, the local initiative under local:."""
    if name.startswith(("bureau-", "region-")):
        return str(V.ID[name])
    return str((V.LOCAL if name == "siming-island-study" else V.CONCEPT)[name])


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURE, format="turtle")


@pytest.fixture(scope="module")
def net(graph) -> nx.Graph:
    return network.build_network(graph)


@pytest.fixture(scope="module")
def html_text(graph) -> str:
    return viz.render_html(graph, title="t")


# --------------------------------------------------------------------------- build_network
def test_node_kinds(net):
    kinds = [d["kind"] for _, d in net.nodes(data=True)]
    assert (kinds.count("bureau"), kinds.count("initiative"), kinds.count("theme")) == (5, 5, 3)


def test_bureau_attributes(net):
    siming = net.nodes[iri("bureau-siming")]
    assert siming["label"] == "思明区教育局"
    assert siming["path"] == ["福建省", "厦门市", "思明区"] and siming["province"] == "福建省"
    assert siming["n_initiatives"] == 3 and not siming["anonymized"]
    assert [r["file"] for r in siming["reports"]] == ["siming-2022.txt"]
    assert siming["reports"][0]["summaryYear"] == 2022 and siming["reports"][0]["planYear"] == 2023
    anon = net.nodes[iri("bureau-anon")]
    assert anon["anonymized"] and anon["province"] == "山东省"
    assert [r["file"] for r in anon["reports"]] == ["anon-county.txt"]  # via dcterms:source
    # a metric linked to no mention stays with its bureau, redacted, without a value
    assert [(m["indicator"], m["redacted"], m["value"], m["unit"]) for m in anon["metrics"]] == [
        ("校舍改造投资", True, "", "万元")]


@pytest.mark.parametrize("bureau, concept, status, years", [
    ("bureau-siming", "after-school", "both", [2022, 2023]),  # achieved 2022 + planned 2023
    ("bureau-qingdao", "smart-campus", "both", [2023]),
    ("bureau-mianyang", "teacher-rotation", "planned", [2022]),
    ("bureau-wuhou", "school-groups", "achieved", [2021]),
])
def test_edge_status_and_years(net, bureau, concept, status, years):
    e = net.edges[iri(bureau), iri(concept)]
    assert (e["kind"], e["status"], e["years"]) == ("implements", status, years)


def test_edge_metrics_and_evidence(net):
    e = net.edges[iri("bureau-wuhou"), iri("after-school")]
    assert [(m["indicator"], m["value"], m["unit"], m["file"]) for m in e["metrics"]] == [
        ("课后服务参与率", "95", "%", "sichuan-compilation.txt")]
    assert [q["quoteOriginal"] for q in e["evidence"]] == ["課後服務參與率達到百分之九十五。"]
    assert e["evidence"][0]["file"] == "sichuan-compilation.txt"
    payload_edge = net.edges[iri("bureau-siming"), iri("smart-campus")]
    assert PAYLOAD in payload_edge["evidence"][0]["quoteOriginal"]


def test_concepts_local_themes_and_reach(net):
    after = net.nodes[iri("after-school")]
    assert after["label"] == "课后服务"  # the @zh label wins over @en
    assert after["n_regions"] == 3 and after["n_bureaus"] == 3 and not after["local"]
    assert after["themes"] == [iri("theme-burden")]
    assert {"课后延时服务", "延时服务"} <= set(after["aliases"])
    assert net.nodes[iri("siming-island-study")]["local"]
    assert net.edges[iri("school-groups"), iri("theme-balance")]["kind"] == "broader"


def test_empty_graph():
    G = network.build_network(rdflib.Graph())
    assert G.number_of_nodes() == 0
    assert network.region_projection(G).number_of_nodes() == 0
    assert '"nodes":[]' in viz.render_html(rdflib.Graph())


def test_mention_without_concept_is_skipped(graph):
    g = rdflib.Graph()
    for t in graph:
        g.add(t)
    g.remove((V.ID["m-anon-1"], V.concept, None))
    G = network.build_network(g)
    assert not G.has_edge(iri("bureau-anon"), iri("after-school"))
    assert G.nodes[iri("after-school")]["n_regions"] == 2


def test_compact_records_read_pickle_and_write_as_the_dicts_they_stand_for():
    """Evidence and metric records are slotted objects, not dicts (memory at 10k reports): they
    read, compare, pickle (a worker's parts) and become JSON exactly as their dicts; an optional
    key without a value is absent."""
    import pickle

    m = network.Metric("新增学位", "800", "个", "=", 2023, "planned", False, "新增学位800个", "新增学位800个",
                       "a.txt", "https://x/report/1", None, None, "increase")
    d = {"indicator": "新增学位", "value": "800", "unit": "个", "comparator": "=", "year": 2023,
         "status": "planned", "redacted": False, "quote": "新增学位800个", "quoteOriginal": "新增学位800个",
         "file": "a.txt", "report": "https://x/report/1", "change": "increase"}
    assert m == d and dict(m) == d and m["change"] == "increase" and "start" not in m and m.get("start") is None
    with pytest.raises(KeyError):
        m["start"]
    again = pickle.loads(pickle.dumps(m))
    assert type(again) is network.Metric and again == d
    assert viz.embed_json({"metrics": [m]}) == viz.embed_json({"metrics": [d]})
    e = network.Evidence("q", "q", "别名", None, "achieved", "a.txt", "r", 3, 9)
    assert e.as_dict() == {"quote": "q", "quoteOriginal": "q", "alias": "别名", "year": None,
                           "status": "achieved", "file": "a.txt", "report": "r", "start": 3, "end": 9}
    with pytest.raises(TypeError):
        viz.embed_json({"x": object()})


def test_gc_paused_leaves_the_collector_as_it_found_it():
    import gc

    from kg.core.bulk import gc_paused

    was = gc.isenabled()
    try:
        for before in (True, False):
            (gc.enable if before else gc.disable)()
            with gc_paused():
                assert not gc.isenabled()
            assert gc.isenabled() is before
    finally:
        (gc.enable if was else gc.disable)()


# --------------------------------------------------------------------------- region_projection
def test_region_projection_weights_and_communities(net):
    P = network.region_projection(net)
    assert P.number_of_nodes() == 5
    e = P.edges[iri("region-350203"), iri("region-510107")]  # 思明区 and 武侯区 share 课后服务
    assert e["weight"] == 1 and e["shared"] == [iri("after-school")]
    assert not P.has_edge(iri("region-350203"), iri("region-510700"))
    # the local initiative is never "shared"
    assert iri("siming-island-study") not in P.nodes[iri("region-350203")]["initiatives"]
    members = sorted(k for c in P.graph["communities"] for k in c)
    assert members == sorted(k for k in P if P.degree(k))
    assert all(P.nodes[k]["community"] >= 0 for k in members)


def _star_network(n_bureaus: int, shared: list[list[str]]) -> nx.Graph:
    G = nx.Graph()
    for c in sorted({c for cs in shared for c in cs}):
        G.add_node(c, kind="initiative", local=False)
    for i, cs in enumerate(shared[:n_bureaus]):
        b = f"b{i:02d}"
        G.add_node(b, kind="bureau", label=b, region=f"r{i:02d}", path=[f"r{i:02d}"], province="p")
        for c in cs:
            G.add_edge(b, c, kind="implements")
    return G


def test_projection_counts_shared_concepts_and_prunes():
    G = _star_network(4, [["x", "y", "z"], ["x", "y"], ["x"], ["z"]])
    P = network.region_projection(G)
    assert P.edges["r00", "r01"]["weight"] == 2 and P.edges["r00", "r03"]["weight"] == 1
    assert not P.has_edge("r02", "r03")
    pruned = network.region_projection(G, max_neighbors=1)
    # each region keeps its strongest link (ties by id); the union is what remains
    assert sorted(pruned.edges) == [("r00", "r01"), ("r00", "r02"), ("r00", "r03")]


def test_projection_is_deterministic():
    G = _star_network(12, [[f"c{(i * j) % 7}" for j in range(1, 4)] for i in range(12)])
    a, b = network.region_projection(G), network.region_projection(G)
    assert list(a.edges(data=True)) == list(b.edges(data=True))
    assert a.graph["communities"] == b.graph["communities"]


# --------------------------------------------------------------------------- small pieces
@pytest.mark.parametrize("years, label", [
    ([], ""), ([2022], "2022"), ([2021, 2023], "2021, 2023"), ([2021, 2022], "2021, 2022"),
    ([2020, 2021, 2022], "2020–2022"), ([2020, 2021, 2023], "2020, 2021, 2023"),
])
def test_years_label(years, label):
    assert viz._years_label(years) == label


def test_search_key_holds_both_scripts():
    key = viz._search_key("课后服务")
    assert "课后服务" in key and "課後服務" in key
    assert "教育集团" in viz._search_key("教育集團")


@pytest.mark.parametrize("text", [PAYLOAD, "a</script>b", "<!-- x", "&amp;", "line\u2028sep\u2029", "普通文本"])
def test_embed_json_escapes(text):
    out = viz.embed_json({"q": text})
    assert not re.search("[<>&\u2028\u2029]", out)
    assert json.loads(out) == {"q": text}


@given(st.recursive(st.text() | st.integers() | st.booleans() | st.none(),
                    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(), kids, max_size=4),
                    max_leaves=12))
def test_embed_json_round_trips(data):
    out = viz.embed_json(data)
    assert "</" not in out and "<!--" not in out
    assert json.loads(out) == data


# --------------------------------------------------------------------------- HTML
def test_html_is_self_contained(html_text):
    head = html_text.split("<body", 1)[0].lower()
    assert "http://" not in head and "https://" not in head
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", html_text, re.I)
    assert not re.search(r"<link[^>]*href=(?![\"']data:)", html_text, re.I)
    assert "@import" not in html_text and "@font-face" not in html_text
    assert "vis.Network" in html_text and len(re.findall("^<script", html_text, re.M)) == 3
    assert "sourceMappingURL" not in html_text


def test_payload_only_escaped_in_html(html_text):
    assert "<img src=x" not in html_text and "window.__kgPwned" in html_text
    assert "\\u003cimg src=x onerror=" in html_text


def test_title_is_escaped(graph):
    text = viz.render_html(graph, title='<img src=x onerror="alert(1)">')
    assert '<img src=x onerror="alert(1)">' not in text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text


def test_csp_allows_exactly_the_inline_scripts(html_text):
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html_text).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    bodies = re.findall(r"^<script(?![^>]*application/json)[^>]*>(.*?)</script>", html_text, re.S | re.M)
    assert len(bodies) == 2
    for body in bodies:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_template_never_parses_markup():
    text = TEMPLATE.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in text, sink


def test_output_is_deterministic(graph, html_text):
    again = rdflib.Graph().parse(data=graph.serialize(format="nt"), format="nt")  # other triple order
    assert viz.render_html(again, title="t") == html_text


def test_viewer_data_views_and_filters(graph):
    data = viz.viewer_data(graph)
    assert data["initialView"] == "bureau" and not data["big"]
    assert [p["name"] for p in data["provinces"]] == ["四川省", "山东省", "福建省"]
    assert data["years"] == [2021, 2022, 2023, 2024]
    assert len(data["bureau"]["nodes"]) == 13 and len(data["region"]["nodes"]) == 5
    ids = {n["id"] for n in data["bureau"]["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in data["bureau"]["edges"])
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["bureau"]["nodes"])


def test_big_graph_opens_on_aggregated_bureau_view(graph, monkeypatch):
    """A big graph opens on the bureau view at the level of detail that fits (regions aggregated
    in the browser), not on the region projection."""
    monkeypatch.setattr(viz, "BIG_GRAPH_NODES", 5)
    monkeypatch.setattr(layout, "SPRING_MAX_NODES", 3)  # exercise the grouped layout too
    data = viz.viewer_data(graph)
    assert data["big"] and data["lod"] and data["initialView"] == "bureau"
    points = {(n["x"], n["y"]) for n in data["bureau"]["nodes"]}
    assert len(points) == 13  # no two nodes on the same spot


# --------------------------------------------------------------------------- details of big graphs
@pytest.fixture
def big_split(graph, monkeypatch):
    monkeypatch.setattr(viz, "BIG_GRAPH_NODES", 5)
    monkeypatch.setattr(viz, "CHUNK_BUREAUS", 2)
    monkeypatch.setattr(viz, "CHUNK_EDGES", 1)
    return viz.split_details(viz.viewer_data(graph))


def test_split_keeps_links_in_the_page_and_quotes_in_details(big_split):
    page, details = big_split
    text = viz.embed_json(page)
    assert "全区小学实现课后延时服务全覆盖" not in text and "siming-2022.txt" not in text  # quotes, reports
    assert "海岛研学营" not in text  # a local initiative: listed in its bureau's details only
    nodes = page["bureau"]["nodes"]
    kinds = [n["kind"] for n in nodes]
    assert (kinds.count("bureau"), kinds.count("initiative"), kinds.count("theme")) == (5, 4, 3)
    bureaus = [n for n in nodes if n["kind"] == "bureau"]
    shared = [n for n in nodes if n["kind"] == "initiative"]
    links = {(bureaus[b]["label"], shared[c]["label"]): (b, s, y) for b, c, s, y, _ in page["bureau"]["links"]}
    assert links[("思明区教育局", "课后服务")][1:] == (3, [2022, 2023])  # both
    assert len(page["bureau"]["links"]) == 9 and page["region"] is None  # the 10th link is local
    # every bureau's details, every link's evidence (in its bureau's file and its initiative's)
    # 5 bureaus, 2 a file; 课后服务 3 links, the others 2 each, 1 a file
    assert sorted(details) == ["b0", "b1", "b2", "c0.0", "c0.1", "c0.2", "c1.0", "c1.1", "c2.0", "c2.1",
                               "c3.0", "c3.1", "regions"]
    held = {eid for name, d in details.items() if name.startswith("b") for eid in d["edges"]}
    assert held == {f"e{i}" for i in range(9)}
    assert {eid for name, d in details.items() if name.startswith("c") for eid in d["edges"]} == held
    local = [x for d in details.values() for xs in d.get("local", {}).values() for x in xs]
    assert [x["label"] for x in local] == ["海岛研学营"] and local[0]["evidence"][0]["quoteOriginal"] == "组织海岛研学营十二期。"


def test_initiative_details_follow_the_panel_order(big_split):
    """An initiative's first details file holds the bureaus its panel lists first (by region)."""
    page, details = big_split
    nodes = page["bureau"]["nodes"]
    bureaus = [n for n in nodes if n["kind"] == "bureau"]
    shared = [n for n in nodes if n["kind"] == "initiative"]
    after = next(i for i, n in enumerate(shared) if n["label"] == "课后服务")
    parts = sorted((part, " › ".join(bureaus[b]["path"])) for b, c, _, _, part in page["bureau"]["links"] if c == after)
    assert [p for _, p in parts] == sorted(p for _, p in parts)


def test_details_files_are_scripts_with_escaped_json(big_split):
    _, details = big_split
    script = viz.details_script("b0", details["b0"])
    assert script.startswith('window.__kgChunk("b0",') and script.endswith(");\n")
    assert "<" not in script and json.loads(script[len('window.__kgChunk("b0",'):-3]) == json.loads(viz.embed_json(details["b0"]))


def test_big_viewer_writes_details_beside_it_deterministically(graph, tmp_path, monkeypatch):
    monkeypatch.setattr(viz, "BIG_GRAPH_NODES", 5)
    a, b = tmp_path / "a" / "viewer.html", tmp_path / "b" / "viewer.html"
    viz.write_viewer(graph, a)
    again = rdflib.Graph().parse(data=graph.serialize(format="nt"), format="nt")
    viz.write_viewer(again, b)
    files = sorted(p.name for p in (a.parent / viz.DETAILS_DIR).iterdir())
    assert files and files == sorted(p.name for p in (b.parent / viz.DETAILS_DIR).iterdir())
    for name in files:
        assert (a.parent / viz.DETAILS_DIR / name).read_bytes() == (b.parent / viz.DETAILS_DIR / name).read_bytes()
    assert a.read_bytes() == b.read_bytes()
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', a.read_text(encoding="utf-8")).group(1)
    assert "script-src 'self' 'sha256-" in csp and "connect-src 'none'" in csp
    assert sorted(p.name for p in a.parent.iterdir()) == [viz.DETAILS_DIR, "viewer.html"]  # no temp left
    # a small viewer written over it removes the details folder it no longer needs
    monkeypatch.setattr(viz, "BIG_GRAPH_NODES", 1500)
    viz.write_viewer(graph, a)
    assert sorted(p.name for p in a.parent.iterdir()) == ["viewer.html"]
    assert "'self'" not in a.read_text(encoding="utf-8").split("style-src")[0]


def test_grouped_layout_keeps_groups_apart():
    groups = [[f"a{i}" for i in range(30)], [f"b{i}" for i in range(5)]]
    pos = layout._grouped_layout(groups, ["c0", "c1"], spacing=10.0)
    assert len(pos) == 37
    ax = [pos[f"a{i}"] for i in range(30)]
    bx = [pos[f"b{i}"] for i in range(5)]
    closest = min((x1 - x2) ** 2 + (y1 - y2) ** 2 for x1, y1 in ax for x2, y2 in bx) ** 0.5
    assert closest > 10.0


# --------------------------------------------------------------------------- write / open
def test_write_viewer_atomic(graph, tmp_path, monkeypatch):
    target = tmp_path / "out" / "viewer.html"
    assert viz.write_viewer(graph, target) == target
    first = target.read_bytes()
    assert first.startswith(b"<!DOCTYPE html>")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)  # kg.core.atomic.atomic_open moves the temp file into place
    with pytest.raises(OSError):
        viz.write_viewer(graph, target, title="other")
    assert target.read_bytes() == first  # old file intact
    assert sorted(p.name for p in target.parent.iterdir()) == ["viewer.html"]  # no temp left


def test_open_viewer(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(viz.webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    with pytest.raises(InputError):
        viz.open_viewer(tmp_path)
    (tmp_path / "viewer.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    assert viz.open_viewer(tmp_path) == tmp_path / "viewer.html"
    assert opened == [(tmp_path / "viewer.html").resolve().as_uri()]


@pytest.mark.parametrize("value, shown", [
    (rdflib.Literal("423.0", datatype=rdflib.XSD.decimal), "423"),
    (rdflib.Literal("31.60", datatype=rdflib.XSD.decimal), "31.6"),
    (rdflib.Literal("0.5", datatype=rdflib.XSD.decimal), "0.5"),
    (rdflib.Literal("300", datatype=rdflib.XSD.integer), "300"),
    (rdflib.Literal("xx"), "xx"),  # a redacted figure is shown as written
    (None, ""),
])
def test_metric_value_is_shown_as_the_reader_reads_it(graph, value, shown):
    """The viewer shows a metric's value as facts.json writes it (the reader's number)."""
    g = rdflib.Graph()
    g += graph
    metric = sorted(g.subjects(rdflib.RDF.type, V.Metric))[0]
    g.remove((metric, V.value, None))
    if value is not None:
        g.add((metric, V.value, value))
    G = network.build_network(g)
    quote = str(g.value(metric, V.quote))
    records = [m for _, _, d in G.edges(data=True) for m in d.get("metrics", [])]
    records += [m for _, d in G.nodes(data=True) for m in d.get("metrics", [])]
    assert [m["value"] for m in records if m["quote"] == quote] == [shown]


def test_unnamed_bureau_is_labelled_by_its_report_not_an_iri(graph):
    from rdflib.namespace import RDFS

    g = rdflib.Graph()
    g += graph
    bureau = sorted(g.subjects(rdflib.RDF.type, V.Bureau))[0]
    g.remove((bureau, RDFS.label, None))
    G = network.build_network(g)
    label = G.nodes[str(bureau)]["label"]
    assert label.startswith("未具名教育局 (") and "#" in label


# --------------------------------------------------------------------------- targets
@pytest.fixture(scope="module")
def target_data():
    from target_fixtures import target_graph

    return viz.viewer_data(target_graph())


def _bureau_item(data, label):
    return next(n for n in data["bureau"]["nodes"] if n["kind"] == "bureau" and n["label"] == label)


def test_bureau_holds_its_targets_with_outcomes_and_verdicts(target_data):
    """The target (2022 report) and its outcome (the 2023 summary, another file) meet in the
    bureau's panel data: indicator label, target, the outcome's value and the verdict."""
    qingshan = _bureau_item(target_data, "青山区教育局")
    assert qingshan["nTargets"] == 2
    got = [(t["indicator"], t["year"], t["comparator"], t["value"], t["unit"], t["verdict"],
            t["outcome"] and (t["outcome"]["value"], t["outcome"]["unit"], t["outcome"]["file"]))
           for t in qingshan["targets"]]
    assert got == [("新增学位数", 2023, ">=", "540", "个", "exceeded", ("560", "个", "qingshan-2023.txt")),
                   ("新建幼儿园数", 2023, ">=", "3", "所", "no-outcome", None)]
    assert {t["file"] for t in qingshan["targets"]} == {"qingshan.txt"}
    # bureaus without a checked target carry no (empty) list: the data stays small on big graphs
    assert "targets" not in _bureau_item(target_data, "白沙区教育局")


def test_targets_are_capped_per_bureau(monkeypatch):
    from target_fixtures import target_graph

    monkeypatch.setattr(network, "MAX_TARGETS", 1)
    qingshan = _bureau_item(viz.viewer_data(target_graph()), "青山区教育局")
    assert qingshan["nTargets"] == 2 and [t["indicator"] for t in qingshan["targets"]] == ["新增学位数"]


@pytest.mark.parametrize("url, found", [
    ("/viewer-data/b0.js", True), ("/viewer-data/c3.1.js", True), ("/viewer-data/regions.js", False),
    ("/viewer-data/../viewer.html", False), ("/viewer-data/.hidden.js", False), ("/x/b0.js", False),
    ("/viewer-data/sub/b0.js", False), ("/viewer-data/b0.js/..", False),
])
def test_details_file_only_names_in_its_folder(tmp_path, url, found):
    (tmp_path / viz.DETAILS_DIR).mkdir()
    for name in ("b0.js", "c3.1.js"):
        (tmp_path / viz.DETAILS_DIR / name).write_text("x", encoding="utf-8")
    got = viz.details_file(tmp_path, url)
    assert (got is not None) is found
    if found:
        assert got.parent == tmp_path / viz.DETAILS_DIR


