"""The viewer's two networks, from the graph reader's records.

* the bureau network (``build_network``): bureau — initiative concept — theme, one edge per
  bureau and concept carrying the status, years, metrics and evidence of every mention;
* the region projection (``region_projection``): regions linked by the number of shared
  initiatives, with modularity communities.

Both are plain networkx graphs keyed by IRI text, built in sorted order so that the same graph
gives the same layout and the same HTML (``kg.outputs.viz``). A build never reads its graph back
for the bureau network: each graph-pass worker gathers its files' parts (``file_parts``) and the
main process merges them beside the shared nodes (``network_from_parts``).
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from collections.abc import Iterable
from sys import intern
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

from kg.outputs.reader import FactRecord, GraphReader, MetricRecord, ReportRecord, local_name
from kg.terms import vocab as V
from kg.terms.triples import TripleIndex

if TYPE_CHECKING:  # networkx is imported where a network is made: a build worker that only
    import networkx as nx  # gathers a file's parts (file_parts) need not pay its import

__all__ = ["build_network", "file_parts", "network_from_parts",
           "region_projection", "UNKNOWN", "MAX_TARGETS"]

UNKNOWN = "(unknown)"
MAX_TARGETS = 40  # a bureau's targets in the viewer data, latest years first (the panel's list cap)


# --------------------------------------------------------------------------- bureau network
def _report_info(rep: ReportRecord | None) -> dict[str, Any]:
    """A report as the viewer lists it: IRI, file, years."""
    if rep is None:
        return {"iri": "", "file": "", "summaryYear": None, "planYear": None}
    return {"iri": str(rep.iri), "file": rep.file_name or "", "index": rep.index,
            "summaryYear": rep.summary_year, "planYear": rep.plan_year}


def _province(path: list[dict[str, str]]) -> str:
    for step in path:
        if step["level"] == "province":
            return step["label"]
    return path[0]["label"] if path else UNKNOWN


def _merge_status(statuses: set[str]) -> str:
    if "both" in statuses or {"achieved", "planned"} <= statuses:
        return "both"
    known = sorted(statuses & {"achieved", "planned"})
    return known[0] if known else ""


def _metric_record(x: MetricRecord, rep: dict[str, Any]) -> dict[str, Any]:
    return {
        "indicator": x.indicator or "",
        "value": _shown_value(x),
        "unit": x.unit or "",
        "comparator": x.comparator or "",
        "year": x.year,
        "status": x.status or "",
        "redacted": x.redacted,
        "quote": x.quote or "",
        "quoteOriginal": x.quote_original or "",
        "file": rep["file"],
        "report": rep["iri"],
        **_span(x),
        **_change(x),
    }


def _change(x: MetricRecord) -> dict[str, str]:
    """A change against an earlier figure (edu:change), which the viewer marks: only on those."""
    return {"change": x.change} if x.change else {}


def _span(x: FactRecord) -> dict[str, int]:
    """The quote's character offsets into the original source text (none when not recorded)."""
    return {"start": x.offset, "end": x.end} if x.offset >= 0 else {}


def _shown_value(x: MetricRecord) -> str:
    return str(x.number) if x.number is not None else x.value or ""  # 31.60 shows as 31.6


def _target_record(x: MetricRecord, rep: dict[str, Any], outcome: MetricRecord | None,
                   outcome_rep: dict[str, Any]) -> dict[str, Any]:
    """A checked target as the bureau panel lists it: the indicator (its shared label, else the
    report's words), the target, the outcome's value (None: no outcome) and the verdict. No quotes:
    the metric lists carry them, and this list must stay small on big graphs."""
    out = None
    if outcome is not None:
        out = {"value": _shown_value(outcome), "unit": outcome.unit or "", "year": outcome.year,
               "redacted": outcome.redacted, "file": outcome_rep["file"], "report": outcome_rep["iri"],
               **_change(outcome)}
    return {"indicator": x.indicator_label or x.indicator or "", "year": x.year,
            "comparator": x.comparator or "", "value": _shown_value(x), "unit": x.unit or "",
            "redacted": x.redacted, "verdict": x.verdict or "", "outcome": out,
            "file": rep["file"], "report": rep["iri"], **_change(x)}


def _cap_targets(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Latest years first, then indicator and file; at most MAX_TARGETS (the count travels apart)."""
    key = lambda d: (-(d["year"] or 0), d["indicator"], d["file"], d["report"], repr(sorted(d.items())))  # noqa: E731
    return sorted(records, key=key)[:MAX_TARGETS]


_RECORD_ORDER = ("file", "report", "year", "quoteOriginal", "quote", "indicator", "value", "unit",
                 "comparator", "status", "alias", "redacted")


def _record_key(d: dict[str, Any]) -> tuple[str, ...]:
    get = d.get  # a list, not a generator: the main process sorts every record of a build
    return tuple([str(get(f, "")) for f in _RECORD_ORDER])


def _sort_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence/metric records in a fixed order (file, report, year, text, …)."""
    return sorted(records, key=_record_key)


def _bureau_label(label: str | None, reports: list[dict[str, Any]]) -> str:
    """The bureau's name; a report that never names its issuer shows where it came from instead
    of an IRI fragment: 未具名教育局 (file #index)."""
    if label is not None:
        return label
    first = min(reports, key=lambda d: (d["file"], d["index"] or 0), default=None)
    where = f" ({first['file']} #{first['index']})" if first else ""
    return f"未具名教育局{where}"


def _named(label: str | None, node: Any) -> str:
    return label if label is not None else local_name(node)


SHARED_CHARS = 16  # network_from_parts: strings up to this long are kept once (units, statuses, years' words)


def build_network(graph: Graph | TripleIndex) -> nx.Graph:
    """Bureau — initiative concept — theme network from the edu-kg RDF graph.

    Nodes are keyed by IRI with ``kind`` in {"bureau", "initiative", "theme"}. Bureau — concept
    edges (``kind="implements"``) aggregate every mention: ``status`` (achieved / planned / both),
    ``years``, ``metrics`` and ``evidence`` (quotes with their source file). Concept — theme edges
    have ``kind="broader"``. A bureau's ``targets`` are its checked planned metrics with their
    outcome and verdict (latest years first, at most ``MAX_TARGETS``; ``n_targets`` counts all). Nodes and edges are inserted in sorted order (stable layouts).
    """
    r = GraphReader(graph)
    parts = _Parts()
    parts.add(r, set(graph.objects(None, V.outcome)))
    return parts.network(r)


def file_parts(reader: GraphReader, outcomes: Iterable[str]) -> bytes:
    """What one file's graph contributes to the bureau network, pickled (a build's graph-pass
    worker makes it from the reader it renders the file's facts.json fragments with, and caches it
    with them): its reports, mentions and metrics beside the shared nodes the file describes (a
    file's triples are self-contained), and the records of ``outcomes``, the IRIs of its metrics
    that a target, maybe another file's, names as its outcome."""
    parts = _Parts()
    parts.add(reader, {URIRef(o) for o in outcomes})
    parts.strings = {}  # only for sharing within this process: not worth sending
    return pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)


def network_from_parts(blobs: Iterable[bytes], shared: Iterable[str]) -> nx.Graph:
    """``build_network`` of a built graph from each file's :func:`file_parts` and the N-Triples
    lines of its shared nodes (everything but reports, mentions and metrics): the same network,
    without reading the graph again. The parts are unpickled one at a time."""
    parts = _Parts()
    for blob in blobs:
        parts.merge(pickle.loads(blob), share=True)
    return parts.network(GraphReader(TripleIndex.from_lines(shared)))


class _Parts:
    """What ``build_network`` gathers from the reports, one file's reports at a time (a build's
    graph-pass worker: ``file_parts``): each reader knows its reports and the shared nodes they
    describe; a target's outcome may be another file's metric, so targets wait for the end."""

    def __init__(self) -> None:
        self.bureaus: set[Any] = set()
        self.edges: dict[tuple[Any, Any], dict[str, Any]] = {}
        self.aliases: dict[Any, set[str]] = {}
        self.loose_metrics: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        self.targets: list[tuple[Any, MetricRecord, dict[str, Any]]] = []  # bureau, target, its report
        self.outcomes: dict[Any, tuple[MetricRecord, dict[str, Any]]] = {}
        self.reports_of: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        # one object per distinct text (a quote and its original, a unit, a report's IRI): half a
        # million records at 10k reports, most of their strings repeated
        self.strings: dict[str, str] = {}
        self.nodes: dict[Any, Any] = {}  # the same for IRIs (network_from_parts: a file's parts make their own)

    def interned(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` with each string replaced by the one object kept for that text."""
        strings = self.strings
        return {k: strings.setdefault(v, v) if isinstance(v, str) else v for k, v in record.items()}

    def add(self, r: GraphReader, wanted: set) -> None:
        """The reports ``r`` reads; ``wanted``: every target's outcome, wherever it lies."""
        issuer = r.issuers()
        infos: dict[Any, dict[str, Any]] = {}

        def info(rep: Any) -> dict[str, Any]:
            found = infos.get(rep)
            if found is None:
                found = infos[rep] = self.interned(_report_info(r.report(rep) if rep is not None else None))
            return found

        self.bureaus |= r.typed(V.Bureau) | set(issuer.values())
        edges, mention_edge = self.edges, {}
        for m in r.mentions():
            if m.bureau is None or m.concept is None:
                continue  # SHACL reports these; the viewer shows only what it can place
            self.bureaus.add(m.bureau)
            key = (m.bureau, m.concept)
            mention_edge[m.iri] = key
            e = edges.setdefault(key, {"statuses": set(), "years": set(), "evidence": [],
                                       "metrics": [], "reports": set()})
            status = m.status or ""
            e["statuses"].add(status)
            if m.year is not None:
                e["years"].add(m.year)
            rep = info(m.report)
            if rep["iri"]:
                e["reports"].add(rep["iri"])
            surface = m.label or ""  # the words the report used
            e["evidence"].append(self.interned({
                "quote": m.quote or "", "quoteOriginal": m.quote_original or "",
                "alias": surface or (m.aliases[0] if m.aliases else ""),
                "year": m.year, "status": status, "file": rep["file"], "report": rep["iri"], **_span(m),
            }))
            c = self.aliases.setdefault(m.concept, set())
            c.update(m.aliases)
            if surface:
                c.add(surface)

        for x in r.metrics():
            record = self.interned(_metric_record(x, info(x.report)))
            if x.verdict is not None and x.bureau is not None:
                self.bureaus.add(x.bureau)
                self.targets.append((x.bureau, x, info(x.report)))
            if x.initiative in mention_edge:
                edges[mention_edge[x.initiative]]["metrics"].append(record)
            elif x.bureau is not None:
                self.bureaus.add(x.bureau)
                self.loose_metrics[x.bureau].append(record)
        for node in wanted:
            if node not in self.outcomes and r.describes(node):
                outcome = r.metric(node)
                self.outcomes[node] = (outcome, info(outcome.report))
        for rep, b in issuer.items():
            self.reports_of[b].append(info(rep))

    def merge(self, other: _Parts, share: bool = False) -> None:
        """Add what ``other`` gathered from other reports; ``share``: its records' short strings
        become this one's objects (each file's parts repeat every unit, status and indicator)."""
        if share:
            other._share(self)
        self.bureaus |= other.bureaus
        for key, e in other.edges.items():
            mine = self.edges.get(key)
            if mine is None:
                self.edges[key] = e
                continue
            for k in ("statuses", "years", "reports"):
                mine[k] |= e[k]
            mine["evidence"] += e["evidence"]
            mine["metrics"] += e["metrics"]
        for c, names in other.aliases.items():
            self.aliases.setdefault(c, set()).update(names)
        for b, records in other.loose_metrics.items():
            self.loose_metrics[b].extend(records)
        self.targets += other.targets
        for node, found in other.outcomes.items():
            self.outcomes.setdefault(node, found)
        for b, reports in other.reports_of.items():
            self.reports_of[b].extend(reports)

    def _share(self, into: _Parts) -> None:
        """This one's records with their short strings replaced by ``into``'s objects for them. Only
        short ones: a quote is seldom repeated, and remembering each would cost more than it saves."""
        strings, node = into.strings, into.nodes.setdefault  # and one object per IRI

        def shared(record: dict[str, Any]) -> dict[str, Any]:  # the keys too: unpickled, each file has its own
            return {intern(k): strings.setdefault(v, v) if isinstance(v, str) and len(v) <= SHARED_CHARS else v
                    for k, v in record.items()}

        self.edges = {(node(b, b), node(c, c)): {
            "statuses": {strings.setdefault(v, v) for v in e["statuses"]}, "years": e["years"],
            "evidence": [shared(d) for d in e["evidence"]], "metrics": [shared(d) for d in e["metrics"]],
            "reports": e["reports"]} for (b, c), e in self.edges.items()}
        self.bureaus = {node(b, b) for b in self.bureaus}
        self.targets = [(node(b, b), x, rep) for b, x, rep in self.targets]
        for records in (self.loose_metrics, self.reports_of):
            for key, found in records.items():
                records[key] = [shared(d) for d in found]

    def network(self, r: GraphReader) -> nx.Graph:
        """The network of everything added; ``r`` reads the shared nodes."""
        import networkx as nx

        edges, aliases, reports_of = self.edges, self.aliases, self.reports_of
        targets: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for bureau, x, rep in self.targets:
            outcome, outcome_rep = (None, _report_info(None)) if x.outcome is None else self.outcomes.get(
                x.outcome, (r.metric(x.outcome), _report_info(None)))  # an outcome no file's parts hold
            targets[bureau].append(_target_record(x, rep, outcome, outcome_rep))

        G = nx.Graph()
        region_of: dict[Any, str] = {}
        for node in sorted(self.bureaus, key=str):
            b = r.bureau(node)
            path = [{"label": _named(s.label, s.iri), "level": s.level or ""} for s in b.path]
            region_of[node] = str(b.region) if b.region is not None else str(node)
            G.add_node(str(node), kind="bureau", label=_bureau_label(b.label, reports_of.get(node, [])),
                       region=str(b.region) if b.region is not None else "",
                       path=[step["label"] for step in path],
                       level=b.level or "",
                       province=_province(path), anonymized=b.anonymized,
                       reports=sorted(reports_of.get(node, []),
                                      key=lambda d: (d["file"], d["index"] or 0, d["iri"])),
                       metrics=_sort_records(self.loose_metrics.get(node, [])), n_initiatives=0,
                       targets=_cap_targets(targets.get(node, [])), n_targets=len(targets.get(node, [])))

        carriers: dict[Any, set[Any]] = defaultdict(set)
        bureaus_of: dict[Any, set[Any]] = defaultdict(set)
        for (b, c) in edges:
            carriers[c].add(region_of[b])
            bureaus_of[c].add(b)
        theme_nodes: set[Any] = set()
        for node in sorted(aliases, key=str):
            c = r.concept(node)
            theme_nodes.update(c.themes)
            G.add_node(str(node), kind="initiative", label=_named(c.label, node),
                       local=c.local, themes=[str(t) for t in c.themes],
                       aliases=sorted(aliases[node]),
                       n_regions=len(carriers[node]), n_bureaus=len(bureaus_of[node]))
        for t in sorted(theme_nodes, key=str):
            G.add_node(str(t), kind="theme", label=_named(r.concept(t).label, t))

        for (b, c) in sorted(edges, key=lambda k: (str(k[0]), str(k[1]))):
            e = edges[(b, c)]
            G.add_edge(str(b), str(c), kind="implements", status=_merge_status(e["statuses"]),
                       years=sorted(e["years"]), reports=sorted(e["reports"]),
                       metrics=_sort_records(e["metrics"]), evidence=_sort_records(e["evidence"]))
            G.nodes[str(b)]["n_initiatives"] += 1
        for c in sorted(aliases, key=str):
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
    import networkx as nx
    import numpy as np

    from kg.outputs.layout import SEED

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

