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
from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import attrgetter, methodcaller
from sys import intern
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

from kg.core.bulk import gc_paused
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


class _Record(Mapping):
    """A record the viewer lists (a quote, a metric, a target, its outcome), kept compact: half a
    million of them at 10k reports, a dict each cost three times the memory. It reads as the dict it stands for (``KEYS``,
    in slot order; an ``OPTIONAL`` key whose value is None is absent) and is made into that dict
    only when written (``as_dict``: ``kg.outputs.viz.embed_json``)."""

    __slots__ = ()
    KEYS: tuple[str, ...] = ()
    OPTIONAL: tuple[str, ...] = ()
    SHARED: tuple[str, ...] = ()  # the values most records repeat (units, statuses, years, offsets)
    _values: Callable[[Any], tuple[Any, ...]]  # attrgetter(*KEYS): the values, in KEYS' order

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._values = attrgetter(*cls.KEYS)  # one C call for all the values (pickling, as_dict)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as its values (a build worker's file_parts)
        return type(self), self._values(self)

    def as_dict(self) -> dict[str, Any]:
        d = dict(zip(self.KEYS, self._values(self)))  # noqa: B905 (as long by construction; strict costs 2x here)
        for k in self.OPTIONAL:
            if d[k] is None:
                del d[k]
        return d

    def share(self, shared: dict[Any, Any]) -> None:
        """Replace the ``SHARED`` values by ``shared``'s object for each (each file's parts repeat
        them; strings and ints only, never a bool, which would meet its int)."""
        for k in self.SHARED:
            v = getattr(self, k)
            setattr(self, k, shared.setdefault(v, v))

    def __getitem__(self, key: str) -> Any:
        if key not in self.KEYS or (key in self.OPTIONAL and getattr(self, key) is None):
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.as_dict())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.as_dict()!r})"


class Evidence(_Record):
    """A mention's quote on its bureau — initiative edge (``alias``: the words the report used)."""

    __slots__ = KEYS = ("quote", "quoteOriginal", "alias", "year", "status", "file", "report", "start", "end")
    OPTIONAL = ("start", "end")  # the offsets into the source text, when recorded
    SHARED = ("alias", "year", "status", "start", "end")

    def __init__(self, quote: str, quoteOriginal: str, alias: str, year: int | None, status: str,  # noqa: N803
                 file: str, report: str, start: int | None = None, end: int | None = None) -> None:
        self.quote, self.quoteOriginal, self.alias, self.year, self.status = quote, quoteOriginal, alias, year, status
        self.file, self.report, self.start, self.end = file, report, start, end

    def sort_key(self) -> tuple[str, ...]:
        """``_RECORD_ORDER``'s fields as text, a missing one empty."""
        return (self.file, self.report, str(self.year), self.quoteOriginal, self.quote, "", "", "", "",
                self.status, self.alias, "")


class Metric(_Record):
    """A metric, on its initiative's edge or, measuring none, on its bureau."""

    __slots__ = KEYS = ("indicator", "value", "unit", "comparator", "year", "status", "redacted", "quote",
                        "quoteOriginal", "file", "report", "start", "end", "change")
    OPTIONAL = ("start", "end", "change")  # change: against an earlier figure (edu:change), only on those
    SHARED = ("indicator", "value", "unit", "comparator", "year", "status", "start", "end", "change")

    def __init__(self, indicator: str, value: str, unit: str, comparator: str, year: int | None, status: str,
                 redacted: bool, quote: str, quoteOriginal: str, file: str, report: str,  # noqa: N803
                 start: int | None = None, end: int | None = None, change: str | None = None) -> None:
        self.indicator, self.value, self.unit, self.comparator = indicator, value, unit, comparator
        self.year, self.status, self.redacted, self.quote, self.quoteOriginal = year, status, redacted, quote, quoteOriginal
        self.file, self.report, self.start, self.end, self.change = file, report, start, end, change

    def sort_key(self) -> tuple[str, ...]:
        return (self.file, self.report, str(self.year), self.quoteOriginal, self.quote, self.indicator,
                self.value, self.unit, self.comparator, self.status, "", str(self.redacted))


def _span(x: FactRecord) -> tuple[int | None, int | None]:
    """The quote's character offsets into the original source text (None: not recorded)."""
    return (x.offset, x.end) if x.offset >= 0 else (None, None)


def _metric_record(x: MetricRecord, rep: dict[str, Any], text: Callable[[Any], Any]) -> Metric:
    """``x`` as the viewer lists it; ``text`` gives the one object kept for a value."""
    return Metric(text(x.indicator or ""), text(_shown_value(x)), text(x.unit or ""), text(x.comparator or ""),
                  x.year, text(x.status or ""), x.redacted, text(x.quote or ""), text(x.quote_original or ""),
                  rep["file"], rep["iri"], *_span(x), x.change or None)


def _shown_value(x: MetricRecord) -> str:
    return str(x.number) if x.number is not None else x.value or ""  # 31.60 shows as 31.6


class Outcome(_Record):
    """A target's outcome as the bureau panel shows it beside the target."""

    __slots__ = KEYS = ("value", "unit", "year", "redacted", "file", "report", "change")
    OPTIONAL = ("change",)
    SHARED = ("value", "unit", "year", "change")

    def __init__(self, value: str, unit: str, year: int | None, redacted: bool, file: str, report: str,
                 change: str | None = None) -> None:
        self.value, self.unit, self.year, self.redacted = value, unit, year, redacted
        self.file, self.report, self.change = file, report, change


class Target(_Record):
    """A checked target as the bureau panel lists it: the indicator (its shared label, else the
    report's words), the target, its ``outcome`` (None: none; set where the files' parts meet,
    ``_Parts.network_nodes``) and the verdict. No quotes: the metric lists carry them, and this
    list must stay small on big graphs."""

    __slots__ = KEYS = ("indicator", "year", "comparator", "value", "unit", "redacted", "verdict", "outcome",
                        "file", "report", "change")
    OPTIONAL = ("change",)
    SHARED = ("indicator", "year", "comparator", "value", "unit", "verdict", "change")

    def __init__(self, indicator: str, year: int | None, comparator: str, value: str, unit: str, redacted: bool,
                 verdict: str, outcome: Outcome | None, file: str, report: str, change: str | None = None) -> None:
        self.indicator, self.year, self.comparator, self.value, self.unit = indicator, year, comparator, value, unit
        self.redacted, self.verdict, self.outcome = redacted, verdict, outcome
        self.file, self.report, self.change = file, report, change

    def cap_key(self) -> tuple[Any, ...]:
        """``_cap_targets``' order: latest years first, then indicator, file and report, then all of
        it (the items of the dict it stands for, its outcome's too, as text)."""
        d = self.as_dict()
        if self.outcome is not None:
            d["outcome"] = self.outcome.as_dict()
        return -(self.year or 0), self.indicator, self.file, self.report, repr(sorted(d.items()))


def _target(x: MetricRecord, rep: dict[str, Any], text: Callable[[Any], Any]) -> Target:
    """The checked target ``x`` (of the report ``rep``), its outcome not yet found."""
    return Target(text(x.indicator_label or x.indicator or ""), x.year, text(x.comparator or ""),
                  text(_shown_value(x)), text(x.unit or ""), x.redacted, text(x.verdict or ""), None,
                  rep["file"], rep["iri"], x.change or None)


def _outcome(x: MetricRecord, rep: dict[str, Any], text: Callable[[Any], Any]) -> Outcome:
    return Outcome(text(_shown_value(x)), text(x.unit or ""), x.year, x.redacted, rep["file"], rep["iri"],
                   x.change or None)


def _cap_targets(records: list[Target]) -> list[Target]:
    """Latest years first, then indicator and file; at most MAX_TARGETS (the count travels apart)."""
    return sorted(records, key=Target.cap_key)[:MAX_TARGETS]


# evidence and metric records are listed by these fields as text (a missing one empty, None as
# "None"), then in the order they were gathered; each record class spells them out (sort_key)
_RECORD_ORDER = ("file", "report", "year", "quoteOriginal", "quote", "indicator", "value", "unit",
                 "comparator", "status", "alias", "redacted")
_sort_key = methodcaller("sort_key")


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
    with gc_paused():
        parts = _Parts()
        for blob in blobs:
            parts.merge(pickle.loads(blob), share=True)
        r = GraphReader(TripleIndex.from_lines(shared))
        G = parts.network_nodes(r)
        del r  # read: the index's memory takes the edges
        parts.network_links(G)
        return G


class _Edge:
    """A bureau — initiative edge's records; its statuses, years and reports are those of its
    evidence (``_Parts.network_links``), not kept apart."""

    __slots__ = ("evidence", "metrics")

    def __init__(self, evidence: list[Evidence] | None = None, metrics: list[Metric] | None = None) -> None:
        self.evidence = evidence if evidence is not None else []
        self.metrics = metrics if metrics is not None else []

    def __reduce__(self) -> tuple[Any, ...]:
        return _Edge, (self.evidence, self.metrics)


class _Parts:
    """What ``build_network`` gathers from the reports, one file's reports at a time (a build's
    graph-pass worker: ``file_parts``): each reader knows its reports and the shared nodes they
    describe; a target's outcome may be another file's metric, so targets wait for the end."""

    def __init__(self) -> None:
        self.bureaus: set[Any] = set()
        self.edges: dict[tuple[Any, Any], _Edge] = {}
        self.aliases: dict[Any, set[str]] = {}
        self.loose_metrics: dict[Any, list[Metric]] = defaultdict(list)
        self.targets: list[tuple[Any, str | None, Target]] = []  # bureau, the outcome's IRI, target
        self.outcomes: dict[str, Outcome] = {}  # by IRI
        self.reports_of: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        # one object per distinct text (a quote and its original, a unit, a report's IRI) or number:
        # half a million records at 10k reports, most of their values repeated
        self.strings: dict[Any, Any] = {}
        self.nodes: dict[Any, Any] = {}  # the same for IRIs (network_from_parts: a file's parts make their own)
        self.names: dict[Any, str] = {}  # each node's key in the network (``network_nodes``), one object for all its edges

    def interned(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` with each string replaced by the one object kept for that text."""
        strings = self.strings
        return {k: strings.setdefault(v, v) if isinstance(v, str) else v for k, v in record.items()}

    def add(self, r: GraphReader, wanted: set) -> None:
        """The reports ``r`` reads; ``wanted``: every target's outcome, wherever it lies."""
        issuer = r.issuers()
        infos: dict[Any, dict[str, Any]] = {}
        text = lambda v: self.strings.setdefault(v, v)  # noqa: E731

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
            e = edges.get(key)
            if e is None:
                e = edges[key] = _Edge()
            rep = info(m.report)
            surface = m.label or ""  # the words the report used
            e.evidence.append(Evidence(
                text(m.quote or ""), text(m.quote_original or ""), text(surface or (m.aliases[0] if m.aliases else "")),
                m.year, text(m.status or ""), rep["file"], rep["iri"], *_span(m)))
            c = self.aliases.setdefault(m.concept, set())
            c.update(m.aliases)
            if surface:
                c.add(surface)

        for x in r.metrics():
            record = _metric_record(x, info(x.report), text)
            if x.verdict is not None and x.bureau is not None:
                self.bureaus.add(x.bureau)
                self.targets.append((x.bureau, None if x.outcome is None else str(x.outcome),
                                     _target(x, info(x.report), text)))
            if x.initiative in mention_edge:
                edges[mention_edge[x.initiative]].metrics.append(record)
            elif x.bureau is not None:
                self.bureaus.add(x.bureau)
                self.loose_metrics[x.bureau].append(record)
        for node in wanted:
            if str(node) not in self.outcomes and r.describes(node):
                outcome = r.metric(node)
                self.outcomes[str(node)] = _outcome(outcome, info(outcome.report), text)
        for rep, b in issuer.items():
            self.reports_of[b].append(info(rep))

    def merge(self, other: _Parts, share: bool = False) -> None:
        """Add what ``other`` gathered from other reports; ``share``: its records' repeated values
        become this one's objects (each file's parts repeat every unit, status and indicator)."""
        if share:
            other._share(self)
        self.bureaus |= other.bureaus
        for key, e in other.edges.items():
            mine = self.edges.get(key)
            if mine is None:
                self.edges[key] = e
                continue
            mine.evidence += e.evidence
            mine.metrics += e.metrics
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
        """This one's records with their repeated values (``_Record.SHARED``) and IRIs replaced by
        ``into``'s objects for them, in place. Not the quotes: a quote is seldom repeated, and
        remembering each would cost more than it saves."""
        strings, node = into.strings, into.nodes.setdefault

        def shared(record: dict[str, Any]) -> dict[str, Any]:  # the keys too: unpickled, each file has its own
            return {intern(k): strings.setdefault(v, v) if isinstance(v, str) else v for k, v in record.items()}

        self.edges = {(node(b, b), node(c, c)): e for (b, c), e in self.edges.items()}
        for e in self.edges.values():
            for records in (e.evidence, e.metrics):
                for x in records:
                    x.share(strings)
        for records in self.loose_metrics.values():
            for x in records:
                x.share(strings)
        self.bureaus = {node(b, b) for b in self.bureaus}
        self.targets = [(node(b, b), outcome, t) for b, outcome, t in self.targets]
        for _, _, t in self.targets:
            t.share(strings)
        for outcome in self.outcomes.values():
            outcome.share(strings)
        for key, reports in self.reports_of.items():
            self.reports_of[key] = [shared(d) for d in reports]

    def network(self, r: GraphReader) -> nx.Graph:
        """The network of everything added; ``r`` reads the shared nodes."""
        G = self.network_nodes(r)
        self.network_links(G)
        return G

    def network_nodes(self, r: GraphReader) -> nx.Graph:
        """The network's nodes, read from ``r`` (the shared nodes); ``network_links`` adds the edges, once
        ``r`` may be gone. Records lists are sorted in place: this one's lists become the network's."""
        import networkx as nx

        edges, aliases, reports_of = self.edges, self.aliases, self.reports_of
        targets: dict[Any, list[Target]] = defaultdict(list)
        nowhere = _report_info(None)
        for bureau, outcome, t in self.targets:
            if outcome is not None:
                found = self.outcomes.get(outcome)
                if found is None:  # an outcome no file's parts hold
                    found = _outcome(r.metric(URIRef(outcome)), nowhere, lambda v: v)
                t.outcome = found
            targets[bureau].append(t)

        G = nx.Graph()
        name = self.names
        region_of: dict[Any, str] = {}
        for node in sorted(self.bureaus, key=str):
            b = r.bureau(node)
            path = [{"label": _named(s.label, s.iri), "level": s.level or ""} for s in b.path]
            region_of[node] = str(b.region) if b.region is not None else str(node)
            metrics = self.loose_metrics.get(node, [])
            metrics.sort(key=_sort_key)
            G.add_node(name.setdefault(node, str(node)), kind="bureau",
                       label=_bureau_label(b.label, reports_of.get(node, [])),
                       region=str(b.region) if b.region is not None else "",
                       path=[step["label"] for step in path],
                       level=b.level or "",
                       province=_province(path), anonymized=b.anonymized,
                       reports=sorted(reports_of.get(node, []),
                                      key=lambda d: (d["file"], d["index"] or 0, d["iri"])),
                       metrics=metrics, n_initiatives=0,
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
            G.add_node(name.setdefault(node, str(node)), kind="initiative", label=_named(c.label, node),
                       local=c.local, themes=[str(t) for t in c.themes],
                       aliases=sorted(aliases[node]),
                       n_regions=len(carriers[node]), n_bureaus=len(bureaus_of[node]))
        for t in sorted(theme_nodes, key=str):
            G.add_node(str(t), kind="theme", label=_named(r.concept(t).label, t))
        return G

    def network_links(self, G: nx.Graph) -> None:
        """The network's edges, on the nodes ``network_nodes`` made; each edge's records lists, sorted in place."""
        edges, name = self.edges, self.names
        for (b, c) in sorted(edges, key=lambda k: (name[k[0]], name[k[1]])):
            e = edges[(b, c)]
            e.metrics.sort(key=_sort_key)
            e.evidence.sort(key=_sort_key)
            G.add_edge(name[b], name[c], kind="implements", status=_merge_status({q.status for q in e.evidence}),
                       years=sorted({q.year for q in e.evidence if q.year is not None}),
                       reports=sorted({q.report for q in e.evidence if q.report}),
                       metrics=e.metrics, evidence=e.evidence)
            G.nodes[name[b]]["n_initiatives"] += 1
        for c in sorted(self.aliases, key=str):
            for t in G.nodes[name[c]]["themes"]:
                G.add_edge(name[c], t, kind="broader")


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
        # bounds memory of the R×R product: a chunk of rows holds ~8 arrays of its size while its
        # strongest links are picked (1M entries: ~40 MB; each row is picked alone, so the size of a
        # chunk changes no link)
        chunk = max(1, 1_000_000 // n)
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

