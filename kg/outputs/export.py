"""Graph files (Turtle, N-Triples, JSON-LD), facts.json from the graph, and atomic JSON writes.

Every writer is deterministic (same graph, same bytes) and atomic (temp file + os.replace), so a
crashed build never leaves half a file behind. facts.json is a walk over the graph, never over the
extraction records: it cannot say more than the validated graph does.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from json.encoder import encode_basestring as _encode_string
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import XSD

from kg.core.atomic import atomic_open
from kg.outputs.reader import BureauRecord, GraphReader, MentionRecord, MetricRecord, json_number
from kg.terms import triples  # above triples.OXIGRAPH_LIMIT Turtle goes through pyoxigraph
from kg.terms import vocab as V
from kg.terms.triples import nt_lines

__all__ = ["write_graph", "serialize_graph", "facts_from_graph", "write_json", "report_fragment",
           "report_sort_key"]

FORMATS = ("turtle", "nt", "jsonld")


def _atomic_write(path: str | Path, data: bytes) -> Path:
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_json(obj, path: str | Path) -> Path:
    """UTF-8 JSON, keys sorted, indent 1, non-ASCII kept; written atomically."""
    text = json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True, default=_json_default)
    return _atomic_write(path, (text + "\n").encode("utf-8"))


def _json_default(o):
    if isinstance(o, Decimal):
        return json_number(o)
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, (set, frozenset, tuple)):
        return sorted(o) if isinstance(o, (set, frozenset)) else list(o)
    raise TypeError(f"{type(o).__name__} is not JSON serializable")


# --- graph serialization --------------------------------------------------------------------------

def _sorted_nt(graph: Graph) -> str:
    return "".join(nt_lines(graph))  # sorted and unique: the one canonical N-Triples text


def _prefixes(graph: Graph) -> dict[str, str]:
    out = dict(V.PREFIX_IRIS)
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
        if len(graph) > triples.OXIGRAPH_LIMIT:
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

def _region(bureau: BureauRecord | None) -> dict:
    """The region chain as facts.json writes it: the lowest named place of each level."""
    out = {"province": None, "city": None, "county": None}
    for step in reversed(bureau.path if bureau is not None else ()):
        if step.level in out and out[step.level] is None:
            out[step.level] = step.label
    if out["province"] and out["province"].endswith("市") and out["city"] is None:
        # a municipality (北京市, the only province-level names ending in 市) is its own city,
        # as the national division tables write it: 北京市 / 北京市 / 东城区
        out["city"] = out["province"]
    return out


def _initiative(r: GraphReader, m: MentionRecord) -> dict:
    local = m.concept is None or r.is_local(m.concept)
    return {
        "label": m.label or (r.concept(m.concept).label if m.concept is not None else None),
        "concept": None if local else str(m.concept),
        "aliases": list(m.aliases),
        "quote": m.quote,
        "status": m.status,
        "scope": "local" if local else "national",
    }


def _metric(r: GraphReader, x: MetricRecord) -> dict:
    return {
        "quote": x.quote,
        "indicator": x.indicator,
        "value": x.number,
        "unit": x.unit,
        "comparator": x.comparator,
        "year": x.year,
        "status": x.status,
        "redacted": x.redacted,
        "initiative": r.mention(x.initiative).label if x.initiative is not None else None,
        # beyond ../shared/FACTS_FORMAT.md (README: facts.json): the shared indicator and the
        # normalised value, so one figure compares across reports
        "indicator_concept": x.indicator_concept,
        "base_value": x.base_number,
        "base_unit": x.base_unit,
        # a change against an earlier figure (比上年增加0.93万册): "increase" | "decrease"; null: a level
        "change": x.change,
    }


def facts_from_graph(graph: Graph | GraphReader) -> dict:
    """The facts.json document (../shared/FACTS_FORMAT.md) read off the graph (or a reader of it,
    whose records the caller reads again: a build worker's viewer parts).

    Reports sorted by source file then index; initiatives and metrics by offset."""
    r = graph if isinstance(graph, GraphReader) else GraphReader(graph)
    reports = []
    for rep in r.reports():
        b = r.bureau(rep.bureau) if rep.bureau is not None else None
        reports.append({
            "source": rep.file_name,
            "id": str(rep.iri),
            "head": rep.head,
            "bureau": b.label if b is not None else None,
            "bureau_anonymized": b.anonymized if b is not None else False,
            "region": _region(b),
            "level": b.level if b is not None else None,
            "summary_year": rep.summary_year,
            "plan_year": rep.plan_year,
            "initiatives": [_initiative(r, m) for m in rep.mentions],
            "metrics": [_metric(r, x) for x in rep.metrics],
            "_index": rep.index or 0,
        })
    reports.sort(key=lambda d: (d["source"] or "", d["_index"], d["id"]))
    for d in reports:
        del d["_index"]
    return {"reports": reports}


# --- facts.json one report at a time -------------------------------------------------------------
# A build writes facts.json from per-report fragments (kg.outputs.spool.write_facts_fragments);
# these give the bytes write_json gives the whole document.

def report_fragment(report: dict) -> str:
    """One report of facts.json as it appears inside the document (indented two levels)."""
    out = ["  "]
    try:
        _indented(report, "  ", out)
    except _NotPlain:  # a key json would convert: its own encoder
        text = json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True, default=_json_default)
        return "\n".join("  " + line for line in text.split("\n"))
    return "".join(out)


class _NotPlain(Exception):
    pass


def _indented(o, indent: str, out: list[str]) -> None:
    """What ``json.dumps(o, ensure_ascii=False, indent=1, sort_keys=True, default=_json_default)``
    writes, each line after the first starting with ``indent``, appended to ``out`` (tested
    equal). json's indented encoder is pure Python and took a fifth of the facts fragments' time;
    this writes the same text with the scalars in C."""
    if isinstance(o, str):
        out.append(_encode_string(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(int.__repr__(o))
    elif isinstance(o, float):
        out.append(float.__repr__(o) if math.isfinite(o) else json.dumps(o))
    elif isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        if not all(isinstance(k, str) for k in o):
            raise _NotPlain
        inner = indent + " "
        sep = "{\n" + inner
        for k in sorted(o):
            out.append(sep + _encode_string(k) + ": ")
            _indented(o[k], inner, out)
            sep = ",\n" + inner
        out.append("\n" + indent + "}")
    elif isinstance(o, (list, tuple)):
        if not o:
            out.append("[]")
            return
        inner = indent + " "
        sep = "[\n" + inner
        for x in o:
            out.append(sep)
            _indented(x, inner, out)
            sep = ",\n" + inner
        out.append("\n" + indent + "]")
    else:
        _indented(_json_default(o), indent, out)


def report_sort_key(report: dict) -> tuple:
    """facts.json order (see facts_from_graph): source file, report index, IRI."""
    index = report.get("id", "").rsplit("-", 1)[-1]
    return (report.get("source") or "", int(index) if index.isdigit() else 0, report.get("id", ""))
