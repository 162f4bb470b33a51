"""Graph → interactive network viewer: one self-contained HTML file that works offline.

Two views of the RDF graph built by ``kg.rdf.graph``:

* the bureau network (``build_network``): bureau — initiative concept — theme, one edge per
  bureau and concept carrying the status, years, metrics and evidence of every mention;
* the region projection (``region_projection``): regions linked by the number of shared
  initiatives, coloured by modularity community.

Why not pyvis's own HTML: its template loads CDNs, does not escape, and ``add_edge`` is
quadratic. We only borrow the vis-network build shipped inside the pyvis package and render our
own template (``kg/templates/viewer.html``) with everything inlined. Report text travels as JSON
in a ``<script type="application/json">`` block with ``< > & U+2028 U+2029`` escaped and reaches
the DOM only through ``textContent``. Positions are computed here (physics off in the browser)
and everything is sorted, so the same graph gives byte-identical HTML.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import math
import re
import webbrowser
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from kg.core.atomic import atomic_open
from kg.core.chars import converter
from kg.core.errors import DataFileError, InputError
from kg.terms import vocab as V

SEED = 7
SPRING_MAX_NODES = 300  # networkx spring layout above this gets slow (10k nodes: 211 s)
BIG_GRAPH_NODES = 1500  # above this the viewer opens on the region view, bureau view on demand
REGION_NEIGHBORS = 8  # region view keeps each region's strongest links only
VIS_LIB = ("templates", "lib", "vis-9.1.2")  # inside the installed pyvis package
THEME = V.EDU.Theme  # a skos:Concept grouping initiative concepts
SOURCE_FILE = V.EDU.sourceFile  # Report -> SourceFile (subPropertyOf dcterms:source)
UNKNOWN = "(unknown)"

# Tableau-20-like palette: distinct on white, readable with dark labels.
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7",
    "#9c755f", "#86bcb6", "#a0cbe8", "#ffbe7d", "#8cd17d", "#b6992d", "#f1ce63", "#d37295",
    "#fabfd2", "#d4a6c8", "#79706e", "#499894",
)
GREY = "#bab0ac"


# --------------------------------------------------------------------------- RDF reading
def _year(lit: Any) -> int | None:
    """gYear literal ("2021", "2021Z", "2021+08:00") → 2021; None when absent or malformed."""
    if lit is None:
        return None
    m = re.match(r"\s*(\d{4})", str(lit))
    return int(m.group(1)) if m else None


def _str(lit: Any) -> str:
    return "" if lit is None else str(lit)


def _bool(lit: Any) -> bool:
    if lit is None:
        return False
    value = lit.toPython() if isinstance(lit, Literal) else lit
    return value is True or str(value).lower() in ("true", "1")


def _local_name(node: Any) -> str:
    text = str(node)
    return re.split(r"[/#]", text.rstrip("/#"))[-1] or text


class _Reader:
    """Per-predicate indexes (one scan each) and cached regions/reports.

    rdflib's ``Graph.value`` costs a store lookup per call; a build touches every mention and
    metric a dozen times, so we index each predicate once. Several values: the smallest wins,
    so the choice does not depend on the store's order."""

    def __init__(self, graph: rdflib.Graph):
        self.g = graph
        self._index: dict[Any, dict[Any, Any]] = {}
        self._multi: dict[Any, dict[Any, list[Any]]] = {}
        self._paths: dict[Any, list[dict[str, str]]] = {}
        self._reports: dict[Any, dict[str, Any]] = {}

    def value(self, subject: Any, pred: URIRef) -> Any:
        if pred not in self._index:
            index: dict[Any, Any] = {}
            for s, o in self.g.subject_objects(pred):
                if s not in index or str(o) < str(index[s]):
                    index[s] = o
            self._index[pred] = index
        return self._index[pred].get(subject)

    def objects(self, subject: Any, pred: URIRef) -> list[Any]:
        if pred not in self._multi:
            multi: dict[Any, list[Any]] = defaultdict(list)
            for s, o in self.g.subject_objects(pred):
                multi[s].append(o)
            self._multi[pred] = multi
        return self._multi[pred].get(subject, [])

    def label(self, node: Any, *preds: URIRef) -> str:
        """Chinese label first, then untagged, then any; ties by text so the choice is stable."""
        labels = [o for p in preds for o in self.objects(node, p) if isinstance(o, Literal)]
        if not labels:
            return _local_name(node)

        def rank(lit: Literal) -> tuple[int, str]:
            lang = (lit.language or "").lower()
            return (0 if lang.startswith("zh") else 1 if not lang else 2, str(lit))

        return str(min(labels, key=rank))

    def region_path(self, region: Any) -> list[dict[str, str]]:
        """Top-down list of {iri, label, level} from the province to ``region``."""
        if region is None:
            return []
        if region not in self._paths:
            chain, seen, node = [], set(), region
            while node is not None and node not in seen:  # partOf cycles must not hang us
                seen.add(node)
                chain.append({"iri": str(node), "label": self.label(node, RDFS.label),
                              "level": _str(self.value(node, V.level))})
                node = self.value(node, V.partOf)
            self._paths[region] = chain[::-1]
        return self._paths[region]

    def report(self, rep: Any) -> dict[str, Any]:
        if rep is None:
            return {"iri": "", "file": "", "summaryYear": None, "planYear": None}
        if rep not in self._reports:
            src = self.value(rep, SOURCE_FILE)
            if src is None:  # older graphs / other producers: the dcterms super-property
                src = self.value(rep, DCTERMS.source)
            name = _str(self.value(src, V.fileName)) if src is not None else ""
            self._reports[rep] = {
                "iri": str(rep),
                "file": name or (_local_name(src) if src is not None else ""),
                "index": _int(self.value(rep, V.reportIndex)),
                "summaryYear": _year(self.value(rep, V.summaryYear)),
                "planYear": _year(self.value(rep, V.planYear)),
            }
        return self._reports[rep]


def _int(lit: Any) -> int | None:
    try:
        return int(str(lit)) if lit is not None else None
    except ValueError:
        return None


def _province(path: list[dict[str, str]]) -> str:
    for step in path:
        if step["level"] == "province":
            return step["label"]
    return path[0]["label"] if path else UNKNOWN


def _themes_of(r: _Reader, concept: Any) -> list[Any]:
    """Ancestors typed edu:Theme; when the taxonomy types none, the direct broader concepts."""
    typed, seen, stack = set(), set(), list(r.objects(concept, SKOS.broader))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if (node, RDF.type, THEME) in r.g:
            typed.add(node)
        stack.extend(r.objects(node, SKOS.broader))
    if typed:
        return sorted(typed, key=str)
    return sorted(set(r.objects(concept, SKOS.broader)), key=str)


def _merge_status(statuses: set[str]) -> str:
    if "both" in statuses or {"achieved", "planned"} <= statuses:
        return "both"
    known = sorted(statuses & {"achieved", "planned"})
    return known[0] if known else ""


def _metric_record(r: _Reader, met: Any, report: Any) -> dict[str, Any]:
    rep = r.report(r.value(met, PROV.wasDerivedFrom) or report)
    return {
        "indicator": _str(r.value(met, V.indicator)),
        "value": _number_text(r.value(met, V.value)),
        "unit": _str(r.value(met, V.unit)),
        "comparator": _str(r.value(met, V.comparator)),
        "year": _year(r.value(met, V.year)),
        "status": _str(r.value(met, V.status)),
        "redacted": _bool(r.value(met, V.redacted)),
        "quote": _str(r.value(met, V.quote)),
        "quoteOriginal": _str(r.value(met, V.quoteOriginal)),
        "file": rep["file"],
        "report": rep["iri"],
    }


def _number_text(lit: Any) -> str:
    """Decimal literal for display: "423.0" → "423", "31.60" → "31.6"; other text unchanged."""
    text = _str(lit)
    if re.fullmatch(r"-?\d+\.\d+", text):
        text = text.rstrip("0").rstrip(".")
    return text


def _sort_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence/metric records in a fixed order (file, report, year, text, …)."""
    fields = ("file", "report", "year", "quoteOriginal", "quote", "indicator", "value", "unit",
              "comparator", "status", "alias", "redacted")
    return sorted(records, key=lambda d: tuple(str(d.get(f, "")) for f in fields))


def _bureau_label(r, b, reports: list[dict[str, Any]]) -> str:
    """The bureau's name; a report that never names its issuer shows where it came from instead
    of an IRI fragment: 未具名教育局 (file #index)."""
    if r.objects(b, RDFS.label) or r.objects(b, SKOS.prefLabel):
        return r.label(b, RDFS.label, SKOS.prefLabel)
    first = min(reports, key=lambda d: (d["file"], d["index"] or 0), default=None)
    where = f" ({first['file']} #{first['index']})" if first else ""
    return f"未具名教育局{where}"


def build_network(graph: rdflib.Graph) -> nx.Graph:
    """Bureau — initiative concept — theme network from the edu-kg RDF graph.

    Nodes are keyed by IRI with ``kind`` in {"bureau", "initiative", "theme"}. Bureau — concept
    edges (``kind="implements"``) aggregate every mention: ``status`` (achieved / planned / both),
    ``years``, ``metrics`` and ``evidence`` (quotes with their source file). Concept — theme edges
    have ``kind="broader"``. Nodes and edges are inserted in sorted order (stable layouts).
    """
    r = _Reader(graph)
    g = graph
    issuer = {rep: b for rep, b in g.subject_objects(V.issuedBy)}

    bureaus: set[Any] = set(g.subjects(RDF.type, V.Bureau)) | set(issuer.values())
    edges: dict[tuple[Any, Any], dict[str, Any]] = {}
    concepts: dict[Any, dict[str, Any]] = {}
    mention_edge: dict[Any, tuple[Any, Any]] = {}
    mention_report: dict[Any, Any] = {}

    for m in sorted(set(g.subjects(RDF.type, V.InitiativeMention)), key=str):
        rep = r.value(m, PROV.wasDerivedFrom)
        bureau = r.value(m, V.bureau) or issuer.get(rep)
        concept = r.value(m, V.concept)
        mention_report[m] = rep
        if bureau is None or concept is None:
            continue  # SHACL reports these; the viewer shows only what it can place
        bureaus.add(bureau)
        key = (bureau, concept)
        mention_edge[m] = key
        e = edges.setdefault(key, {"statuses": set(), "years": set(), "evidence": [],
                                   "metrics": [], "reports": set()})
        status = _str(r.value(m, V.status))
        year = _year(r.value(m, V.year))
        e["statuses"].add(status)
        if year is not None:
            e["years"].add(year)
        info = r.report(rep)
        if info["iri"]:
            e["reports"].add(info["iri"])
        surface = _str(r.value(m, RDFS.label))  # the words the report used
        e["evidence"].append({
            "quote": _str(r.value(m, V.quote)),
            "quoteOriginal": _str(r.value(m, V.quoteOriginal)),
            "alias": surface or _str(r.value(m, V.alias)),
            "year": year, "status": status, "file": info["file"], "report": info["iri"],
        })
        c = concepts.setdefault(concept, {"aliases": set()})
        c["aliases"].update(str(a) for a in r.objects(m, V.alias))
        if surface:
            c["aliases"].add(surface)

    loose_metrics: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for met in sorted(set(g.subjects(RDF.type, V.Metric)), key=str):
        mention = r.value(met, V.initiative)
        rep = r.value(met, PROV.wasDerivedFrom) or mention_report.get(mention)
        record = _metric_record(r, met, rep)
        if mention in mention_edge:
            edges[mention_edge[mention]]["metrics"].append(record)
            continue
        bureau = r.value(met, V.bureau) or issuer.get(rep)
        if bureau is not None:
            bureaus.add(bureau)
            loose_metrics[bureau].append(record)

    reports_of: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for rep, b in issuer.items():
        reports_of[b].append(r.report(rep))

    G = nx.Graph()
    region_of: dict[Any, str] = {}
    for b in sorted(bureaus, key=str):
        region = r.value(b, V.region)
        path = r.region_path(region)
        region_of[b] = str(region) if region is not None else str(b)
        G.add_node(str(b), kind="bureau", label=_bureau_label(r, b, reports_of.get(b, [])),
                   region=str(region) if region is not None else "",
                   path=[step["label"] for step in path],
                   level=path[-1]["level"] if path else "",
                   province=_province(path), anonymized=_bool(r.value(b, V.anonymized)),
                   reports=sorted(reports_of.get(b, []),
                                  key=lambda d: (d["file"], d["index"] or 0, d["iri"])),
                   metrics=_sort_records(loose_metrics.get(b, [])), n_initiatives=0)

    carriers: dict[Any, set[Any]] = defaultdict(set)
    bureaus_of: dict[Any, set[Any]] = defaultdict(set)
    for (b, c) in edges:
        carriers[c].add(region_of[b])
        bureaus_of[c].add(b)
    theme_nodes: set[Any] = set()
    for c in sorted(concepts, key=str):
        themes = _themes_of(r, c)
        theme_nodes.update(themes)
        local = (c, RDF.type, V.LocalInitiative) in g or _str(r.value(c, V.scope)) == "local"
        G.add_node(str(c), kind="initiative", label=r.label(c, SKOS.prefLabel, RDFS.label),
                   local=local, themes=[str(t) for t in themes],
                   aliases=sorted(concepts[c]["aliases"]),
                   n_regions=len(carriers[c]), n_bureaus=len(bureaus_of[c]))
    for t in sorted(theme_nodes, key=str):
        G.add_node(str(t), kind="theme", label=r.label(t, SKOS.prefLabel, RDFS.label))

    for (b, c) in sorted(edges, key=lambda k: (str(k[0]), str(k[1]))):
        e = edges[(b, c)]
        G.add_edge(str(b), str(c), kind="implements", status=_merge_status(e["statuses"]),
                   years=sorted(e["years"]), reports=sorted(e["reports"]),
                   metrics=_sort_records(e["metrics"]), evidence=_sort_records(e["evidence"]))
        G.nodes[str(b)]["n_initiatives"] += 1
    for c in sorted(concepts, key=str):
        for t in G.nodes[str(c)]["themes"]:
            G.add_edge(str(c), t, kind="broader")
    return G


# --------------------------------------------------------------------------- region view
def region_projection(nx_graph: nx.Graph, *, max_neighbors: int | None = None) -> nx.Graph:
    """Regions linked by the number of shared (non-local) initiatives, with communities.

    A node is a bureau's region (or the bureau itself when it has none). Edge ``weight`` is the
    number of shared initiative concepts, ``shared`` lists them. ``max_neighbors`` keeps each
    region's strongest links only (ties by id) so big graphs stay drawable. Node attribute
    ``community`` comes from Louvain (fixed seed); ``graph["communities"]`` lists them, largest first.
    """
    import numpy as np

    regions: dict[str, dict[str, Any]] = {}
    carried: dict[str, set[str]] = defaultdict(set)
    for node, d in sorted(nx_graph.nodes(data=True)):
        if d.get("kind") != "bureau":
            continue
        key = d.get("region") or node
        reg = regions.setdefault(key, {"label": d["path"][-1] if d.get("path") else d["label"],
                                       "path": list(d.get("path") or []),
                                       "province": d.get("province", UNKNOWN), "bureaus": []})
        reg["bureaus"].append(node)
        for nb in nx_graph.neighbors(node):
            nd = nx_graph.nodes[nb]
            if nd.get("kind") == "initiative" and not nd.get("local"):
                carried[key].add(nb)

    keys = sorted(regions)
    P = nx.Graph()
    for k in keys:
        reg = regions[k]
        P.add_node(k, kind="region", label=reg["label"], path=reg["path"],
                   province=reg["province"], bureaus=sorted(reg["bureaus"]),
                   initiatives=sorted(carried[k]), community=-1)
    concept_ids = sorted({c for cs in carried.values() for c in cs})
    if keys and concept_ids:
        col = {c: j for j, c in enumerate(concept_ids)}
        # float32 so the product runs in BLAS (integer matmul does not); counts stay exact < 2**24
        M = np.zeros((len(keys), len(concept_ids)), dtype=np.float32)
        for i, k in enumerate(keys):
            for c in carried[k]:
                M[i, col[c]] = 1
        n = len(keys)
        pairs: set[tuple[int, int]] = set()
        chunk = max(1, 4_000_000 // n)  # bounds memory of the R×R product
        for start in range(0, n, chunk):
            W = np.rint(M[start:start + chunk] @ M.T).astype(np.int64)
            rows = np.arange(W.shape[0])
            W[rows, rows + start] = 0
            if max_neighbors is not None and max_neighbors < n - 1:
                # strongest first, ties by lower index: one integer key, one argpartition per chunk
                score = np.where(W > 0, W * (n + 1) + (n - np.arange(n)), -1)
                top = np.argpartition(-score, max_neighbors, axis=1)[:, :max_neighbors]
                i_idx, j_idx = rows[:, None].repeat(max_neighbors, 1), top
                keep = W[i_idx, j_idx] > 0
                found = zip((i_idx[keep] + start).tolist(), j_idx[keep].tolist(), strict=True)
            else:
                ii, jj = np.nonzero(W)
                found = zip((ii + start).tolist(), jj.tolist(), strict=True)
            pairs.update((min(i, j), max(i, j)) for i, j in found)
        for i, j in sorted(pairs):
            shared = sorted(carried[keys[i]] & carried[keys[j]])
            P.add_edge(keys[i], keys[j], weight=len(shared), shared=shared)

    communities = []
    if P.number_of_edges():
        found = nx.algorithms.community.louvain_communities(P, weight="weight", seed=SEED)
        communities = sorted((sorted(c) for c in found if len(c) > 1), key=lambda c: (-len(c), c[0]))
    for idx, members in enumerate(communities):
        for k in members:
            P.nodes[k]["community"] = idx
    P.graph["communities"] = communities
    return P


# --------------------------------------------------------------------------- layout
def _phyllotaxis(n: int, spacing: float) -> list[tuple[float, float]]:
    """Evenly filled disc of n points (sunflower pattern): O(n) and deterministic."""
    golden = math.pi * (3 - math.sqrt(5))
    return [(spacing * math.sqrt(k + 0.5) * math.cos(k * golden),
             spacing * math.sqrt(k + 0.5) * math.sin(k * golden)) for k in range(n)]


def _disc_radius(n: int, spacing: float) -> float:
    return spacing * math.sqrt(n + 0.5) + spacing


def _grouped_layout(groups: list[list[str]], centre: list[str], spacing: float,
                    centre_spacing: float | None = None) -> dict[str, tuple[float, float]]:
    """``centre`` nodes in a disc in the middle; each group a disc on a ring around it."""
    centre_spacing = centre_spacing or spacing
    pos: dict[str, tuple[float, float]] = {}
    for node, xy in zip(centre, _phyllotaxis(len(centre), centre_spacing), strict=True):
        pos[node] = xy
    groups = [g for g in groups if g]
    if not groups:
        return pos
    radii = [_disc_radius(len(g), spacing) for g in groups]
    gap = 2 * spacing
    total = sum(2 * r + gap for r in radii)
    ring = total / (2 * math.pi)
    if centre:
        ring = max(ring, _disc_radius(len(centre), centre_spacing) + max(radii) + gap)
    elif len(groups) == 1:
        ring = 0.0
    angle = 0.0
    for members, rad in zip(groups, radii, strict=True):
        share = (2 * rad + gap) / total * 2 * math.pi
        a = angle + share / 2
        cx, cy = ring * math.cos(a), ring * math.sin(a)
        for node, (x, y) in zip(members, _phyllotaxis(len(members), spacing), strict=True):
            pos[node] = (cx + x, cy + y)
        angle += share
    return pos


def _bureau_layout(G: nx.Graph) -> dict[str, tuple[float, float]]:
    """Spring layout (fixed seed) for small graphs; for big ones, O(n): shared concepts and themes
    in the middle, one disc per province holding its bureaus and their local initiatives."""
    n = G.number_of_nodes()
    if n == 0:
        return {}
    if n <= SPRING_MAX_NODES:
        raw = nx.spring_layout(G, seed=SEED, iterations=200, k=2.2 / math.sqrt(n))
        scale = 200 + 80 * math.sqrt(n)  # room for Chinese labels (~100 px each)
        return {k: (float(x) * scale, float(y) * scale) for k, (x, y) in raw.items()}
    by_province: dict[str, list[str]] = defaultdict(list)
    shared: list[str] = []
    for node, d in sorted(G.nodes(data=True)):
        if d["kind"] == "bureau":
            by_province[d["province"]].append(node)
        elif d["kind"] == "initiative" and not d["local"]:
            shared.append(node)
        elif d["kind"] == "initiative":
            owners = sorted(b for b in G.neighbors(node) if G.nodes[b]["kind"] == "bureau")
            if owners:
                by_province[G.nodes[owners[0]]["province"]].append(node)
            else:
                shared.append(node)
    themes = sorted(node for node, d in G.nodes(data=True) if d["kind"] == "theme")
    shared.sort(key=lambda c: (G.nodes[c]["themes"][:1], c))
    groups = [by_province[p] for p in sorted(by_province)]
    return _grouped_layout(groups, themes + shared, spacing=28.0, centre_spacing=75.0)


def _region_layout(P: nx.Graph) -> dict[str, tuple[float, float]]:
    n = P.number_of_nodes()
    if n == 0:
        return {}
    if n <= SPRING_MAX_NODES:
        raw = nx.spring_layout(P, seed=SEED, iterations=150, weight="weight", k=1.8 / math.sqrt(n))
        scale = 160 + 40 * math.sqrt(n)
        return {k: (float(x) * scale, float(y) * scale) for k, (x, y) in raw.items()}
    groups = [list(c) for c in P.graph.get("communities", [])]
    loners = sorted(k for k, d in P.nodes(data=True) if d["community"] < 0)
    return _grouped_layout(groups + [loners], [], spacing=30.0)


# --------------------------------------------------------------------------- viewer data


def _search_key(*texts: str) -> str:
    """Every text in its own, simplified and traditional form, so either script finds it."""
    forms: set[str] = set()
    for text in texts:
        if text:
            forms.update((text, converter("t2s").convert(text), converter("s2t").convert(text)))
    return "\n".join(sorted(forms)).lower()


def _years_label(years: list[int]) -> str:
    if not years:
        return ""
    if len(years) >= 3 and years[-1] - years[0] == len(years) - 1:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def _colour_map(names: list[str]) -> dict[str, str]:
    known = [n for n in names if n != UNKNOWN]
    out = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(sorted(known))}
    out[UNKNOWN] = GREY
    return out


def _pt(xy: tuple[float, float]) -> tuple[float, float]:
    return round(xy[0], 1), round(xy[1], 1)


def viewer_data(graph: rdflib.Graph, *, title: str = "edu-kg") -> dict[str, Any]:
    """Everything the template needs, as plain JSON-able data (sorted, no timestamps)."""
    G = build_network(graph)
    big = G.number_of_nodes() > BIG_GRAPH_NODES
    P = region_projection(G, max_neighbors=REGION_NEIGHBORS)
    pos, rpos = _bureau_layout(G), _region_layout(P)

    kinds: dict[str, list[str]] = defaultdict(list)
    for node, d in G.nodes(data=True):
        kinds[d["kind"]].append(node)
    short = {}
    for prefix, kind in (("b", "bureau"), ("c", "initiative"), ("t", "theme")):
        for i, node in enumerate(sorted(kinds[kind])):
            short[node] = f"{prefix}{i}"
    rshort = {k: f"r{i}" for i, k in enumerate(sorted(P.nodes))}

    provinces = sorted({d["province"] for _, d in G.nodes(data=True) if d["kind"] == "bureau"})
    pcol = _colour_map(provinces)
    nodes, edges = [], []
    for node in sorted(G.nodes, key=lambda n: short[n]):
        d = G.nodes[node]
        x, y = _pt(pos[node])
        item: dict[str, Any] = {"id": short[node], "iri": node, "kind": d["kind"],
                                "label": d["label"], "x": x, "y": y}
        if d["kind"] == "bureau":
            item.update(province=d["province"], path=d["path"], anonymized=d["anonymized"],
                        reports=d["reports"], metrics=d["metrics"], n=d["n_initiatives"],
                        color=pcol[d["province"]], size=round(10 + min(20.0, 5 * math.sqrt(d["n_initiatives"])), 1),
                        search=_search_key(d["label"], *d["path"]),
                        title=f"{d['label']}\n{' › '.join(d['path']) or UNKNOWN}\n"
                              f"{d['n_initiatives']} initiative(s)")
        elif d["kind"] == "initiative":
            item.update(local=d["local"], themes=[short[t] for t in d["themes"]],
                        aliases=d["aliases"], n=d["n_regions"], nBureaus=d["n_bureaus"],
                        size=round(8 + min(40.0, 6 * math.sqrt(d["n_regions"])), 1),
                        search=_search_key(d["label"], *d["aliases"]),
                        title=f"{d['label']}\n{'local initiative' if d['local'] else 'shared initiative'}"
                              f" · {d['n_regions']} region(s)")
        else:
            item.update(size=22, search=_search_key(d["label"]), title=f"{d['label']}\ntheme")
        nodes.append(item)
    for i, (u, v) in enumerate(sorted(G.edges, key=lambda e: tuple(sorted((short[e[0]], short[e[1]]))))):
        d = G.edges[u, v]
        a, b = sorted((short[u], short[v]))
        item = {"id": f"e{i}", "from": a, "to": b, "kind": d["kind"]}
        if d["kind"] == "implements":
            item.update(status=d["status"], years=d["years"], metrics=d["metrics"],
                        evidence=d["evidence"], reports=d["reports"],
                        label=_years_label(d["years"]))
        edges.append(item)

    communities = P.graph["communities"]
    rnodes, redges = [], []
    for k in sorted(P.nodes, key=lambda n: rshort[n]):
        d = P.nodes[k]
        x, y = _pt(rpos[k])
        com = d["community"]
        rnodes.append({"id": rshort[k], "iri": k, "kind": "region", "label": d["label"],
                       "path": d["path"], "province": d["province"], "community": com,
                       "bureaus": [short[b] for b in d["bureaus"]],
                       "initiatives": [short[c] for c in d["initiatives"]],
                       "color": PALETTE[com % len(PALETTE)] if com >= 0 else GREY,
                       "size": round(10 + min(20.0, 4 * math.sqrt(len(d["initiatives"]))), 1),
                       "search": _search_key(d["label"], *d["path"],
                                             *(G.nodes[b]["label"] for b in d["bureaus"])),
                       "title": f"{' › '.join(d['path']) or d['label']}\n"
                                f"{len(d['bureaus'])} bureau(s) · {len(d['initiatives'])} shared initiative(s)",
                       "x": x, "y": y})
    for i, (u, v) in enumerate(sorted(P.edges, key=lambda e: tuple(sorted((rshort[e[0]], rshort[e[1]]))))):
        d = P.edges[u, v]
        a, b = sorted((rshort[u], rshort[v]))
        redges.append({"id": f"re{i}", "from": a, "to": b, "kind": "shares", "weight": d["weight"],
                       "shared": [short[c] for c in d["shared"]]})

    years = sorted({y for e in edges for y in e.get("years", [])})
    themes = sorted((n for n in nodes if n["kind"] == "theme"), key=lambda n: (n["label"], n["id"]))
    return {
        "title": title,
        "big": big,
        "initialView": "region" if big else "bureau",
        "provinces": [{"name": p, "color": pcol[p]} for p in provinces],
        "themes": [{"id": t["id"], "label": t["label"]} for t in themes],
        "years": years,
        "communities": len(communities),
        "bureau": {"nodes": nodes, "edges": edges},
        "region": {"nodes": rnodes, "edges": redges},
    }


# --------------------------------------------------------------------------- HTML
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def embed_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no tag, entity or line-separator chars."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


@functools.lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str]:
    """(template, vis-network JS, vis-network CSS), read once and checked for inlining."""
    template_file = resources.files("kg") / "templates" / "viewer.html"
    try:
        template = template_file.read_text(encoding="utf-8")
    except OSError as e:
        raise DataFileError(f"cannot read the viewer template: {e}", path=str(template_file),
                            hint="reinstall edu-kg (pip install -e .)") from e
    lib = resources.files("pyvis").joinpath(*VIS_LIB)
    try:
        js = lib.joinpath("vis-network.min.js").read_text(encoding="utf-8")
        css = lib.joinpath("vis-network.css").read_text(encoding="utf-8")
    except OSError as e:
        raise DataFileError(f"vis-network is missing from the pyvis package: {e}", path=str(lib),
                            hint="install pyvis 0.3.2 (pip install 'pyvis>=0.3.2,<0.4')") from e
    # DevTools would try to fetch source maps: drop the references, we ship none
    js = re.sub(r"^//# sourceMappingURL=\S*\s*$", "", js, flags=re.M)
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    for name, text, closer in (("vis-network.min.js", js, "</script"), ("vis-network.css", css, "</style")):
        if closer in text.lower() or "<!--" in text:
            raise DataFileError(f"{name} cannot be inlined: it contains {closer!r} or '<!--'",
                                path=str(lib / name), hint="use the vis-network 9.1.2 build of pyvis 0.3.2")
    for slot in ("/*__VIS_CSS__*/", "/*__VIS_JS__*/", "__TITLE__", "__DATA__", "__CSP__"):
        if slot not in template:
            raise DataFileError(f"the viewer template lacks the {slot} slot", path=str(template_file))
    return template, js, css


def _csp(*scripts: str) -> str:
    """Content-Security-Policy allowing exactly our inline scripts (by hash) and no network.

    Defence in depth behind textContent: an injected inline handler or <script> would not run,
    and nothing (fonts, images, fetches) may leave the page."""
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
                      + "'" for s in scripts)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
            "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")


def render_html(graph: rdflib.Graph, *, title: str = "edu-kg") -> str:
    """The viewer page as a string: template + inlined vis-network + escaped JSON data."""
    template, js, css = _assets()
    app = re.search(r'<script id="kg-app">(.*?)</script>', template, re.S)
    if app is None:
        raise DataFileError('the viewer template lacks <script id="kg-app">',
                            path="kg/templates/viewer.html")
    parts = {"/*__VIS_CSS__*/": css, "/*__VIS_JS__*/": js, "__TITLE__": html.escape(title),
             "__DATA__": embed_json(viewer_data(graph, title=title)),
             "__CSP__": _csp(js, app.group(1))}  # base64 and fixed words: attribute-safe
    # one pass over the template: inserted text is never rescanned for slots
    return re.sub(r"/\*__VIS_CSS__\*/|/\*__VIS_JS__\*/|__TITLE__|__DATA__|__CSP__",
                  lambda m: parts[m.group(0)], template)


def write_viewer(graph: rdflib.Graph, path: str | Path, *, title: str = "edu-kg") -> Path:
    """Write the self-contained viewer to ``path`` atomically (temp file + os.replace)."""
    path = Path(path)
    text = render_html(graph, title=title)
    with atomic_open(path) as fh:
        fh.write(text)
    return path


def open_viewer(outdir: str | Path) -> Path:
    """Open OUTDIR/viewer.html in the default browser; returns its path."""
    path = Path(outdir) / "viewer.html"
    if not path.is_file():
        raise InputError("no viewer.html in this folder", path=str(outdir),
                         hint="run `kg build` first (without --no-viewer)")
    webbrowser.open(path.resolve().as_uri())
    return path
