"""Graph files (Turtle, N-Triples, JSON-LD), facts.json from the graph, and atomic JSON writes.

Every writer is deterministic (same graph, same bytes) and atomic (temp file + os.replace), so a
crashed build never leaves half a file behind. facts.json is a walk over the graph, never over the
extraction records: it cannot say more than the validated graph does.
"""

from __future__ import annotations

import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from . import vocab as V

__all__ = ["write_graph", "serialize_graph", "facts_from_graph", "write_json", "OXIGRAPH_LIMIT"]

FORMATS = ("turtle", "nt", "jsonld")
OXIGRAPH_LIMIT = 50_000  # triples; above it Turtle is written by pyoxigraph (≈50× faster)


# --- atomic writes --------------------------------------------------------------------------------

def _atomic_write(path: str | Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_json(obj, path: str | Path) -> Path:
    """UTF-8 JSON, keys sorted, indent 1, non-ASCII kept; written atomically."""
    text = json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True, default=_json_default)
    return _atomic_write(path, (text + "\n").encode("utf-8"))


def _json_default(o):
    if isinstance(o, Decimal):
        return _number(o)
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, (set, frozenset, tuple)):
        return sorted(o) if isinstance(o, (set, frozenset)) else list(o)
    raise TypeError(f"{type(o).__name__} is not JSON serializable")


# --- graph serialization --------------------------------------------------------------------------

def nt_lines(graph: Graph) -> list[str]:
    """One N-Triples line per triple (rdflib's escaping: n3() would write multi-line strings)."""
    from rdflib.plugins.serializers.nt import _nt_row

    return [_nt_row(t) for t in graph]


def _sorted_nt(graph: Graph) -> str:
    return "".join(sorted(nt_lines(graph)))


def _prefixes(graph: Graph) -> dict[str, str]:
    out = {k: str(v) for k, v in V.PREFIXES.items()}
    for prefix, ns in graph.namespaces():
        if prefix and prefix not in out:
            out[prefix] = str(ns)
    return out


def _turtle_rdflib(graph: Graph) -> bytes:
    g = Graph(bind_namespaces="none")
    for prefix, ns in _prefixes(graph).items():
        g.bind(prefix, ns, override=True, replace=True)
    g += graph
    return g.serialize(format="turtle", encoding="utf-8")


def _to_ox(t):
    import pyoxigraph as ox

    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if t.language:
        return ox.Literal(str(t), language=t.language)
    return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype or XSD.string)))


def _turtle_oxigraph(graph: Graph) -> bytes:
    """Sorted triples through pyoxigraph's Turtle writer: same prefixes, grouped by subject."""
    import pyoxigraph as ox

    triples = sorted(graph, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
    ox_triples = [ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in triples]
    return ox.serialize(ox_triples, format=ox.RdfFormat.TURTLE, prefixes=_prefixes(graph)) or b""


def _jsonld(graph: Graph) -> bytes:
    context = {k: str(v) for k, v in _prefixes(graph).items()}
    raw = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = raw.get("@graph", [raw] if "@id" in raw else [])
    for n in nodes:
        for k, v in n.items():
            if isinstance(v, list):
                n[k] = sorted(v, key=lambda x: json.dumps(x, ensure_ascii=False, sort_keys=True))
    doc = {"@context": raw.get("@context", context),
           "@graph": sorted(nodes, key=lambda n: str(n.get("@id", "")))}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def serialize_graph(graph: Graph, fmt: str = "turtle") -> bytes:
    """Deterministic bytes of ``graph`` in ``fmt`` (turtle | nt | jsonld)."""
    if fmt in ("ttl", "turtle"):
        if len(graph) > OXIGRAPH_LIMIT:
            return _turtle_oxigraph(graph)
        return _turtle_rdflib(graph)
    if fmt in ("nt", "ntriples", "n-triples"):
        return _sorted_nt(graph).encode("utf-8")
    if fmt in ("jsonld", "json-ld"):
        return _jsonld(graph)
    raise ValueError(f"unknown graph format {fmt!r}: use one of {', '.join(FORMATS)}")


def write_graph(graph: Graph, path: str | Path, fmt: str = "turtle") -> Path:
    """Write ``graph`` to ``path`` atomically; same graph, same bytes."""
    return _atomic_write(path, serialize_graph(graph, fmt))


# --- facts.json from the graph --------------------------------------------------------------------

def _number(v) -> int | float:
    d = v if isinstance(v, Decimal) else Decimal(str(v))
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def _year(lit) -> int | None:
    if lit is None:
        return None
    try:
        return int(str(lit)[:4]) if str(lit)[:4].isdigit() else None
    except ValueError:
        return None


def _str(lit) -> str | None:
    return None if lit is None else str(lit)


def _bool(lit) -> bool:
    return lit is not None and (lit.toPython() is True or str(lit).lower() == "true")


def _zh_label(g: Graph, node, prop=RDFS.label) -> str | None:
    labels = sorted(g.objects(node, prop), key=lambda x: (getattr(x, "language", None) not in ("zh", None), str(x)))
    return str(labels[0]) if labels else None


def _region(g: Graph, bureau) -> dict:
    out = {"province": None, "city": None, "county": None}
    node = g.value(bureau, V.region) if bureau is not None else None
    seen = set()
    while node is not None and node not in seen:
        seen.add(node)
        level = _str(g.value(node, V.level))
        if level in out and out[level] is None:
            out[level] = _zh_label(g, node)
        node = g.value(node, V.partOf)
    return out


def _offset(g: Graph, node) -> int:
    v = g.value(node, V.startOffset)
    try:
        return int(v) if v is not None else -1
    except ValueError:
        return -1


def _initiative(g: Graph, m) -> dict:
    concept = g.value(m, V.concept)
    local = concept is None or (concept, RDF.type, V.LocalInitiative) in g
    label = _zh_label(g, m) or (_zh_label(g, concept, SKOS.prefLabel) if concept is not None else None)
    return {
        "label": label,
        "concept": None if local else str(concept),
        "aliases": sorted({str(a) for a in g.objects(m, V.alias)}),
        "quote": _str(g.value(m, V.quote)),
        "status": _str(g.value(m, V.status)),
        "scope": "local" if local else "national",
    }


def _metric(g: Graph, x) -> dict:
    value = g.value(x, V.value)
    ini = g.value(x, V.initiative)
    return {
        "quote": _str(g.value(x, V.quote)),
        "indicator": _str(g.value(x, V.indicator)),
        "value": _number(value.toPython()) if isinstance(value, Literal) else None,
        "unit": _str(g.value(x, V.unit)),
        "comparator": _str(g.value(x, V.comparator)),
        "year": _year(g.value(x, V.year)),
        "status": _str(g.value(x, V.status)),
        "redacted": _bool(g.value(x, V.redacted)),
        "initiative": _zh_label(g, ini) if ini is not None else None,
    }


def facts_from_graph(graph: Graph) -> dict:
    """The facts.json document (../shared/FACTS_FORMAT.md) read off the graph.

    Reports sorted by source file then index; initiatives and metrics by offset."""
    g = graph
    reports = []
    for r in set(g.subjects(RDF.type, V.Report)):
        src = g.value(r, V.sourceFile)
        bureau = g.value(r, V.issuedBy)
        level = _str(g.value(bureau, V.level)) if bureau is not None else None
        if level is None and bureau is not None and g.value(bureau, V.region) is not None:
            level = _str(g.value(g.value(bureau, V.region), V.level))
        facts = set(g.subjects(PROV.wasDerivedFrom, r))
        mentions = sorted((f for f in facts if (f, RDF.type, V.InitiativeMention) in g),
                          key=lambda m: (_offset(g, m), str(m)))
        metrics = sorted((f for f in facts if (f, RDF.type, V.Metric) in g),
                         key=lambda m: (_offset(g, m), str(m)))
        index = g.value(r, V.reportIndex)
        reports.append({
            "source": _str(g.value(src, V.fileName)) if src is not None else None,
            "id": str(r),
            "head": _str(g.value(r, V.head)) or "",
            "bureau": _zh_label(g, bureau) if bureau is not None else None,
            "bureau_anonymized": _bool(g.value(bureau, V.anonymized)) if bureau is not None else False,
            "region": _region(g, bureau),
            "level": level,
            "summary_year": _year(g.value(r, V.summaryYear)),
            "plan_year": _year(g.value(r, V.planYear)),
            "initiatives": [_initiative(g, m) for m in mentions],
            "metrics": [_metric(g, x) for x in metrics],
            "_index": int(index) if index is not None else 0,
        })
    reports.sort(key=lambda d: (d["source"] or "", d["_index"], d["id"]))
    for d in reports:
        del d["_index"]
    return {"reports": reports}
